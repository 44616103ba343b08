/**
 * Managing invites: facilitators list the invites of their site that can still be accepted,
 * and withdraw them so the link stops working. Everything goes through the HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PendingInviteSchema, type Invite, type PendingInvite } from '../shared/api.js';
import type { SiteRole } from '../shared/roles.js';
import { paths } from '../shared/routes.js';
import { hashSecret } from '../server/auth/tokens.js';
import type { SqliteStorage } from '../server/storage/sqlite/index.js';
import { api, createPerson, startTestServer, type Person, type TestServer } from './helpers/server.js';

type Who = 'signedOut' | 'nonMember' | 'yorkFacilitator' | 'viewer' | 'member' | 'facilitator' | 'admin';
type SignedIn = Exclude<Who, 'signedOut'>;
const WHO: readonly Who[] = ['signedOut', 'nonMember', 'yorkFacilitator', 'viewer', 'member', 'facilitator', 'admin'];

let server: TestServer;
const people = {} as Record<SignedIn, Person>;
let seq = 0;

const tokenOf = (who: Who) => (who === 'signedOut' ? undefined : people[who].token);

async function createInvite(
  body: { role: SiteRole; email?: string; expiresInDays?: number } = { role: 'member' },
  slug = 'torbay',
  as: Person = slug === 'york' ? people.yorkFacilitator : people.facilitator,
): Promise<Invite> {
  const res = await api(server, paths.siteInvites(slug), { token: as.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Invite;
}

const listInvites = (who: Who, slug = 'torbay') => api(server, paths.siteInvites(slug), { token: tokenOf(who) });
const withdraw = (who: Who, id: string, slug = 'torbay') =>
  api(server, paths.siteInvite(slug, id), { method: 'DELETE', token: tokenOf(who) });
const openLink = (token: string) => api(server, paths.invite(token));
const accept = (token: string, email = `invitee${++seq}@torbay.gov.uk`) =>
  api(server, paths.acceptInvite(token), {
    body: { email, name: `Invitee ${seq}`, organisation: 'Torbay Council', password: 'a long enough password' },
  });

/** The ids the facilitator's list shows for torbay, in its order. */
async function pendingIds(): Promise<string[]> {
  const res = await listInvites('facilitator');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as PendingInvite[]).map((i) => i.id);
}

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL: 'http://workspace.test' });
  const roles: [SignedIn, { site?: string; role?: SiteRole; admin?: boolean; name?: string; organisation?: string }][] = [
    ['nonMember', {}],
    ['yorkFacilitator', { site: 'york', role: 'facilitator' }],
    ['viewer', { site: 'torbay', role: 'viewer' }],
    ['member', { site: 'torbay', role: 'member' }],
    ['facilitator', { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' }],
    ['admin', { admin: true }],
  ];
  const created = await Promise.all(roles.map(([, options]) => createPerson(server, options)));
  roles.forEach(([who], i) => (people[who] = created[i]!));
});

afterAll(async () => {
  await server?.dispose();
});

describe('listing pending invites', () => {
  it('POST answers the new invite’s id, and the list shows it with who made it but no link', async () => {
    const created = await createInvite({ role: 'viewer', email: 'sam@nhs.net', expiresInDays: 3 });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{10,64}$/);
    expect(created).toMatchObject({ siteSlug: 'torbay', role: 'viewer', email: 'sam@nhs.net' });

    const res = await listInvites('facilitator');
    expect(res.status).toBe(200);
    const listed = (res.body as unknown[]).map((i) => PendingInviteSchema.parse(i));
    const mine = listed.find((i) => i.id === created.id);
    expect(mine).toEqual({
      id: created.id,
      siteSlug: 'torbay',
      role: 'viewer',
      email: 'sam@nhs.net',
      createdAt: expect.any(String),
      expiresAt: created.expiresAt,
      createdBy: { name: 'Fran Facilitator', organisation: 'Torbay Council' },
    });
    // Only the token's hash is stored: the link was shown once, on creation.
    expect(JSON.stringify(res.body)).not.toContain(created.token);
    expect(Object.keys((res.body as Record<string, unknown>[]).find((i) => i.id === created.id)!).sort()).toEqual(
      ['createdAt', 'createdBy', 'email', 'expiresAt', 'id', 'role', 'siteSlug'],
    );
  });

  it('shows only invites that can still be accepted, newest first, and only the site’s own', async () => {
    const oldest = await createInvite();
    const used = await createInvite();
    const expired = await createInvite();
    const withdrawn = await createInvite();
    const york = await createInvite({ role: 'member' }, 'york');
    const byAdmin = await createInvite({ role: 'facilitator' }, 'torbay', people.admin);
    const newest = await createInvite();

    expect((await accept(used.token)).status).toBe(200);
    // Move the expiry into the past instead of waiting a day.
    (server.storage as SqliteStorage).db
      .prepare('UPDATE invites SET expires_at = ? WHERE hash = ?')
      .run(new Date(Date.now() - 1000).toISOString(), hashSecret(expired.token));
    expect((await withdraw('facilitator', withdrawn.id)).status).toBe(204);

    const mine = new Set([oldest, used, expired, withdrawn, york, byAdmin, newest].map((i) => i.id));
    expect((await pendingIds()).filter((id) => mine.has(id))).toEqual([newest.id, byAdmin.id, oldest.id]);
    // The admin's list is the same list; York's has York's invite only.
    expect(((await listInvites('admin')).body as PendingInvite[]).map((i) => i.id)).toEqual(await pendingIds());
    const yorkList = await listInvites('yorkFacilitator', 'york');
    expect((yorkList.body as PendingInvite[]).map((i) => i.id)).toEqual([york.id]);
  });

  it('answers 404 for an unknown site', async () => {
    const res = await listInvites('admin', 'nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('withdrawing an invite', () => {
  it('kills the link: opening or accepting it answers 410 "withdrawn" and creates no account', async () => {
    const created = await createInvite({ role: 'member' });
    expect((await openLink(created.token)).status).toBe(200);

    const res = await withdraw('facilitator', created.id);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(res.body).toBeNull();

    const opened = await openLink(created.token);
    expect(opened.status).toBe(410);
    expect(opened.body).toMatchObject({ error: { code: 'gone', message: 'This invite was withdrawn. Ask your facilitator for a new one.' } });
    const email = 'would-be@torbay.gov.uk';
    const accepted = await accept(created.token, email);
    expect(accepted.status).toBe(410);
    expect(accepted.body).toMatchObject({ error: { code: 'gone', message: expect.stringMatching(/withdrawn/) } });
    expect(accepted.headers.get('set-cookie')).toBeNull();
    expect(await server.storage.getUserByEmail(email)).toBeNull();
    expect(await pendingIds()).not.toContain(created.id);

    // Withdrawing again changes nothing and is not an error (a double click, two facilitators).
    expect((await withdraw('admin', created.id)).status).toBe(204);
  });

  it('also stops someone who already has an account from joining with it', async () => {
    const existing = await createPerson(server, { name: 'Already Here' });
    const created = await createInvite({ role: 'facilitator', email: existing.email });
    expect((await withdraw('facilitator', created.id)).status).toBe(204);
    const res = await api(server, paths.acceptInvite(created.token), {
      body: { email: existing.email, name: 'X', organisation: 'Y', password: existing.password },
    });
    expect(res.status).toBe(410);
    const torbay = (await server.storage.getSite('torbay'))!;
    expect(await server.storage.getRole(torbay.id, existing.id)).toBeNull();
  });

  it('refuses an invite that was already accepted (409): the person is a member now', async () => {
    const created = await createInvite({ role: 'viewer' });
    const joined = await accept(created.token);
    expect(joined.status).toBe(200);
    const res = await withdraw('facilitator', created.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/already been accepted/) } });
    const me = await api(server, paths.sites, { token: (joined.body as { token: string }).token });
    expect((me.body as { slug: string; role: SiteRole | null }[]).find((s) => s.slug === 'torbay')?.role).toBe('viewer');
  });

  it('answers 404 for another site’s invite and leaves it working, even for an admin', async () => {
    const york = await createInvite({ role: 'member' }, 'york');
    for (const who of ['facilitator', 'admin'] as const) {
      const res = await withdraw(who, york.id, 'torbay');
      expect(res.status, who).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await openLink(york.token)).status).toBe(200);
    expect((await withdraw('yorkFacilitator', york.id, 'york')).status).toBe(204);
    expect((await openLink(york.token)).status).toBe(410);
  });

  it('answers 404 for an unknown id or site, and 400 for a malformed id', async () => {
    expect((await withdraw('facilitator', 'N0-such-invite-id-here')).status).toBe(404);
    expect((await withdraw('admin', 'N0-such-invite-id-here', 'nowhere')).status).toBe(404);
    const malformed = await withdraw('facilitator', 'bad!id');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'validation_failed' } });
  });
});

describe('who may manage invites of torbay', () => {
  // Columns in the order of WHO: out, non-member, York's facilitator, viewer, member, facilitator, admin.
  const LIST = [401, 403, 403, 403, 403, 200, 200] as const;
  const WITHDRAW = [401, 403, 403, 403, 403, 204, 204] as const;

  it.each(WHO.map((who, i) => ({ who, status: LIST[i]! })))('GET invites as $who → $status', async ({ who, status }) => {
    const created = await createInvite();
    const res = await listInvites(who);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 200) expect((res.body as PendingInvite[]).map((i) => i.id)).toContain(created.id);
    else expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it.each(WHO.map((who, i) => ({ who, status: WITHDRAW[i]! })))(
    'DELETE an invite as $who → $status',
    async ({ who, status }) => {
      const created = await createInvite();
      const res = await withdraw(who, created.id);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      // Refused: the link still works. Withdrawn: it is gone.
      expect((await openLink(created.token)).status).toBe(status === 204 ? 410 : 200);
    },
  );
});
