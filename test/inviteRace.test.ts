/**
 * Accepting an invite is atomic: people racing for one invite, or one person's double submit,
 * leave exactly one account with its membership, and nobody gets a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '../shared/api.js';
import { api, createPerson, startTestServer, type Person, type TestServer } from './helpers/server.js';

describe('accepting an invite at the same moment', () => {
  let server: TestServer;
  let facilitator: Person;
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer();
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function invite(): Promise<Invite> {
    const res = await api(server, '/api/sites/torbay/invites', { token: facilitator.token, body: { role: 'member' } });
    expect(res.status).toBe(201);
    return res.body as Invite;
  }

  const newcomer = () => ({
    email: `racer${++seq}@torbay.gov.uk`,
    name: `Racer ${seq}`,
    organisation: 'Torbay Council',
    password: 'a long enough password',
  });
  const accept = (token: string, body: unknown) => api(server, `/api/invites/${token}/accept`, { body });

  /** Accounts that can sign in but belong to no site: what a half-done acceptance leaves. */
  async function orphans(): Promise<string[]> {
    const found: string[] = [];
    for (const user of await server.storage.listUsers()) {
      const sites = await server.storage.listSites(user.id);
      if (!user.isAdmin && sites.every((s) => s.role === null)) found.push(user.email);
    }
    return found;
  }

  it('three people accepting one invite at once: one joins, the others get 410 and no account', async () => {
    const { token } = await invite();
    const people = [newcomer(), newcomer(), newcomer()];
    const usersBefore = await server.storage.countUsers();

    const results = await Promise.all(people.map((p) => accept(token, p)));

    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    for (const lost of results.filter((r) => r.status === 410)) {
      expect(lost.body).toMatchObject({ error: { code: 'gone', message: expect.stringMatching(/already been used/) } });
    }
    const winner = people[results.findIndex((r) => r.status === 200)]!;
    expect(await server.storage.countUsers()).toBe(usersBefore + 1);
    for (const p of people) {
      const user = await server.storage.getUserByEmail(p.email);
      if (p === winner) {
        const site = await server.storage.getSite('torbay');
        expect(await server.storage.getRole(site!.id, user!.id)).toBe('member');
      } else {
        expect(user, `${p.email} was left an account`).toBeNull();
      }
    }
    expect(await orphans()).toEqual([]);
    // The winner signs in; the others cannot, since they have no account.
    const logins = await Promise.all(people.map((p) => api(server, '/api/auth/login', { body: { email: p.email, password: p.password } })));
    expect(logins.map((l) => l.status)).toEqual(people.map((p) => (p === winner ? 200 : 401)));
  });

  it('a double submit of “Create account and join” answers no 500 and makes one account', async () => {
    // Several rounds, since which of the two requests reaches which step first varies.
    for (let round = 0; round < 5; round++) {
      const { token } = await invite();
      const person = newcomer();
      const results = await Promise.all([accept(token, person), accept(token, person)]);

      for (const r of results) {
        // Both are signed in, or the later one is told the invite is spent: never a server error.
        expect([200, 410], JSON.stringify(r.body)).toContain(r.status);
      }
      expect(results.some((r) => r.status === 200)).toBe(true);
      for (const r of results.filter((x) => x.status === 200)) {
        const me = await api(server, '/api/auth/me', { token: (r.body as { token: string }).token });
        expect(me.body).toMatchObject({ user: { email: person.email } });
      }
      const matching = (await server.storage.listUsers()).filter((u) => u.email === person.email);
      expect(matching).toHaveLength(1);
    }
    expect(await orphans()).toEqual([]);
  });

  it('a second account made with a taken email while the first was being made is a 409, not a 500', async () => {
    const person = newcomer();
    const results = await Promise.all([
      server.auth.createUser({ ...person, isAdmin: false }).then(
        () => 'created',
        (e: { status?: number }) => e.status,
      ),
      server.auth.createUser({ ...person, isAdmin: false }).then(
        () => 'created',
        (e: { status?: number }) => e.status,
      ),
    ]);
    expect(results.sort()).toEqual([409, 'created']);
  });
});
