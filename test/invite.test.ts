/** Invites: a facilitator's one-time link that lets someone join a site with a role. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Invite } from '../shared/api.js';
import type { SiteRole } from '../shared/roles.js';
import { SESSION_COOKIE } from '../shared/routes.js';
import { hashSecret } from '../server/auth/tokens.js';
import type { SqliteStorage } from '../server/storage/sqlite/index.js';
import {
  api,
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { notesText, writeNote } from './helpers/sync.js';

const PUBLIC_URL = 'http://workspace.test';

describe('invites', () => {
  let server: TestServer;
  let facilitator: Person;
  let roomId: string;
  const clients: SyncClient[] = [];
  let seq = 0;

  /** A fresh invitee's details. */
  const newcomer = (overrides: Partial<{ email: string; password: string }> = {}) => ({
    email: `newcomer${++seq}@torbay.gov.uk`,
    name: `Newcomer ${seq}`,
    organisation: 'Torbay Council',
    password: 'a long enough password',
    ...overrides,
  });

  async function invite(body: { role: SiteRole; email?: string; expiresInDays?: number } = { role: 'member' }) {
    const res = await api(server, '/api/sites/torbay/invites', { token: facilitator.token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Invite;
  }

  const accept = (token: string, body: unknown) => api(server, `/api/invites/${token}/accept`, { body });
  const roleOf = async (token: string, slug = 'torbay') => {
    const res = await api(server, '/api/sites', { token });
    expect(res.status).toBe(200);
    return (res.body as { slug: string; role: SiteRole | null }[]).find((s) => s.slug === slug)?.role;
  };

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL, LOGIN_MAX_FAILURES: '3' });
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    roomId = await createRoom(server, facilitator, 'torbay', 'doc', 'Dementia-friendly high street');
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.dispose();
  });

  it('a facilitator invites; the invitee sees what for without signing in, joins as a member and opens a room', async () => {
    const before = Date.now();
    const created = await invite({ role: 'member' });
    expect(created).toMatchObject({ siteSlug: 'torbay', role: 'member', email: null });
    // The id names it in the list of pending invites, for withdrawing it.
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{10,64}$/);
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.url).toBe(`${PUBLIC_URL}/invite#token=${created.token}`);
    // Seven days by default.
    const days = (Date.parse(created.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);

    const info = await api(server, `/api/invites/${created.token}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      site: { slug: 'torbay', name: 'Torbay', issue: 'create dementia aware high streets' },
      role: 'member',
      email: null,
      expiresAt: created.expiresAt,
    });

    const person = newcomer();
    const res = await accept(created.token, person);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const session = res.body as { token: string; user: Record<string, unknown> };
    expect(session.user).toMatchObject({ email: person.email, name: person.name, organisation: 'Torbay Council', isAdmin: false });
    expect(session.user).not.toHaveProperty('passwordHash');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=${session.token}`);
    expect(cookie).toMatch(/HttpOnly/i);

    // Signed in, by token and by cookie, and a member of torbay.
    expect(await roleOf(session.token)).toBe('member');
    const me = await api(server, '/api/auth/me', { headers: { cookie: `${SESSION_COOKIE}=${session.token}` } });
    expect(me.body).toMatchObject({ user: { email: person.email } });
    // The password they chose works for later sign-ins.
    const login = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
    expect(login.status).toBe(200);

    // They can open the room live and edit it.
    const client = connectClient(server.wsUrl, roomId, session.token);
    clients.push(client);
    await client.synced;
    writeNote(client.doc, 0, 'Joined by invite.');
    await eventually(async () => {
      const stored = await server.storage.loadDoc(roomId);
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(notesText(doc)).toBe('Joined by invite.');
    });
    expect(client.closeCodes).toEqual([]);

    // The link is spent: neither shown nor accepted again, by anyone.
    const again = await accept(created.token, newcomer());
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ error: { code: 'gone' } });
    expect((await api(server, `/api/invites/${created.token}`)).status).toBe(410);
    const sameAgain = await accept(created.token, person);
    expect(sameAgain.status).toBe(410);
  });

  it('an expired invite is refused (410) and creates no account', async () => {
    const created = await invite({ role: 'member', expiresInDays: 1 });
    expect((await api(server, `/api/invites/${created.token}`)).status).toBe(200);
    // Move the invite's expiry into the past instead of waiting a day.
    (server.storage as SqliteStorage).db
      .prepare('UPDATE invites SET expires_at = ? WHERE hash = ?')
      .run(new Date(Date.now() - 1000).toISOString(), hashSecret(created.token));

    const info = await api(server, `/api/invites/${created.token}`);
    expect(info.status).toBe(410);
    expect(info.body).toMatchObject({ error: { code: 'gone', message: expect.stringMatching(/expired/) } });
    const person = newcomer();
    const res = await accept(created.token, person);
    expect(res.status).toBe(410);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await server.storage.getUserByEmail(person.email)).toBeNull();
  });

  it('an unknown invite is 404 and a malformed one 400', async () => {
    const unknown = 'x'.repeat(43);
    expect((await api(server, `/api/invites/${unknown}`)).status).toBe(404);
    expect((await accept(unknown, newcomer())).status).toBe(404);
    const malformed = await api(server, '/api/invites/short');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('an invite for one address refuses every other (403) and stays usable for its own', async () => {
    const created = await invite({ role: 'viewer', email: 'Sam.Jones@TorbayAndSouthDevon.nhs.uk' });
    expect(created.email).toBe('sam.jones@torbayandsouthdevon.nhs.uk');
    expect((await api(server, `/api/invites/${created.token}`)).body).toMatchObject({
      email: 'sam.jones@torbayandsouthdevon.nhs.uk',
      role: 'viewer',
    });

    const intruder = newcomer();
    const refused = await accept(created.token, intruder);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(await server.storage.getUserByEmail(intruder.email)).toBeNull();

    // The right person, typing their address in another case, gets in.
    const res = await accept(created.token, newcomer({ email: 'SAM.JONES@torbayandsouthdevon.nhs.uk' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await roleOf((res.body as { token: string }).token)).toBe('viewer');
  });

  it('someone with an account accepts with their password (a wrong one is 401 and spends nothing)', async () => {
    const existing = await createPerson(server, { name: 'Ana Existing', organisation: 'Age UK Torbay' });
    const created = await invite({ role: 'member' });
    const details = { email: existing.email, name: 'Someone Else', organisation: 'Elsewhere' };

    const wrong = await accept(created.token, { ...details, password: 'not their password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await roleOf(existing.token)).toBeNull();
    expect((await api(server, `/api/invites/${created.token}`)).status).toBe(200);

    const right = await accept(created.token, { ...details, password: existing.password });
    expect(right.status, JSON.stringify(right.body)).toBe(200);
    const session = right.body as { token: string; user: { id: string; name: string; organisation: string } };
    // The same account, unchanged by what was typed into the form.
    expect(session.user).toMatchObject({ id: existing.id, name: 'Ana Existing', organisation: 'Age UK Torbay' });
    expect(await roleOf(session.token)).toBe('member');
    expect(await roleOf(existing.token)).toBe('member');
  });

  describe('an invite never lowers a role', () => {
    const ROLE_CASES: [SiteRole, SiteRole, SiteRole][] = [
      // has         invited as     ends with
      ['facilitator', 'member', 'facilitator'],
      ['facilitator', 'viewer', 'facilitator'],
      ['member', 'viewer', 'member'],
      ['viewer', 'member', 'member'],
      ['member', 'facilitator', 'facilitator'],
    ];
    // One person per row, made together: password hashing is the slow part.
    const holders: Person[] = [];
    beforeAll(async () => {
      holders.push(...(await Promise.all(ROLE_CASES.map(([has]) => createPerson(server, { site: 'torbay', role: has })))));
    });

    it.each(ROLE_CASES.map((row, i) => [...row, i] as const))(
      'a %s accepting a %s invite ends up %s',
      async (_has, invitedAs, endsWith, i) => {
        const person = holders[i]!;
        const created = await invite({ role: invitedAs });
        const body = { email: person.email, name: 'X', organisation: 'Y', password: person.password };
        const res = await accept(created.token, body);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(await roleOf(person.token)).toBe(endsWith);
      },
    );
  });

  it('joining one site through an invite gives nothing on another', async () => {
    const created = await invite({ role: 'facilitator' });
    const res = await accept(created.token, newcomer());
    const token = (res.body as { token: string }).token;
    expect(await roleOf(token, 'torbay')).toBe('facilitator');
    expect(await roleOf(token, 'york')).toBeNull();
    expect((await api(server, '/api/sites/york/members', { token })).status).toBe(403);
  });

  it('someone with an account can accept with only email and password; someone new cannot', async () => {
    const existing = await createPerson(server, { name: 'Bea Existing', organisation: 'Torbay Council' });
    const created = await invite({ role: 'viewer' });
    const stranger = await accept(created.token, { email: `nobody-${Date.now()}@example.org`, password: 'long enough password' });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ error: { code: 'validation_failed', message: expect.stringMatching(/name and organisation/) } });
    const res = await accept(created.token, { email: existing.email, password: existing.password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await roleOf(existing.token)).toBe('viewer');
  });

  it('refuses invalid details with 400 and leaves the invite usable', async () => {
    const created = await invite({ role: 'member' });
    for (const body of [
      { ...newcomer(), password: 'short' },
      { ...newcomer(), email: 'not an email' },
      { ...newcomer(), name: '   ' },
      { email: 'x@y.org', password: 'long enough password' },
    ]) {
      const res = await accept(created.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await api(server, `/api/invites/${created.token}`)).status).toBe(200);
  });

  it('guessing an existing account’s password through an invite counts as failed sign-ins and locks it', async () => {
    // LOGIN_MAX_FAILURES is 3 on this server.
    const victim = await createPerson(server, { site: 'york', role: 'facilitator' });
    const created = await invite({ role: 'viewer' });
    const guess = (password: string) =>
      accept(created.token, { email: victim.email, name: 'Guess', organisation: 'Guess', password });
    for (const password of ['guess number 1', 'guess number 2', 'guess number 3']) {
      expect((await guess(password)).status).toBe(401);
    }
    const locked = await guess(victim.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // And the ordinary sign-in is locked too.
    const login = await api(server, '/api/auth/login', { body: { email: victim.email, password: victim.password } });
    expect(login.status).toBe(429);
  });
});
