/**
 * Sessions end when they should: a person sees where they are signed in and ends any of it, a
 * password change ends everything signed in with the old password, and the live sockets of
 * what ended close at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Session, SessionListSchema } from '../shared/api.js';
import { CloseCode } from '../shared/closeCodes.js';
import { SESSION_COOKIE } from '../shared/routes.js';
import { hashSecret } from '../server/auth/tokens.js';
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

describe('your sessions', () => {
  let server: TestServer;
  let facilitator: Person;
  let roomId: string;
  const clients: SyncClient[] = [];

  beforeAll(async () => {
    // The periodic re-check is an hour away, so any socket that closes in these tests was
    // closed by the request that ended its session.
    server = await startTestServer({ PERMISSION_RECHECK_MS: 3600_000 });
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    roomId = await createRoom(server, facilitator, 'torbay');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  /** Signs `person` in once more (another browser) and returns that session's token. */
  async function signInAgain(person: Person): Promise<string> {
    const res = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
    expect(res.status).toBe(200);
    return (res.body as { token: string }).token;
  }

  async function apiToken(person: Person, name = 'export script'): Promise<string> {
    const res = await api(server, '/api/tokens', { token: person.token, body: { name } });
    expect(res.status).toBe(201);
    return (res.body as { token: string }).token;
  }

  async function sessionsOf(token: string): Promise<Session[]> {
    const res = await api(server, '/api/auth/sessions', { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return SessionListSchema.parse(res.body).sessions;
  }

  /** A live sync client in the room, signed in with `token`, once it has synced. */
  async function live(token: string): Promise<SyncClient> {
    const client = connectClient(server.wsUrl, roomId, token);
    clients.push(client);
    await client.synced;
    return client;
  }

  const isSignedIn = async (token: string) => (await api(server, '/api/auth/me', { token })).status === 200;

  it('are described in the OpenAPI document', async () => {
    const doc = (await api(server, '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/auth/sessions',
        'DELETE /api/auth/sessions/{id}',
        'POST /api/auth/sessions/sign-out-others',
        'POST /api/auth/password',
      ]),
    );
  });

  it('lists browser sessions and API tokens, marks the current one, and never shows a secret or its hash', async () => {
    const person = await createPerson(server, { site: 'torbay', role: 'member' });
    const second = await signInAgain(person);
    const script = await apiToken(person);
    const res = await api(server, '/api/auth/sessions', { token: second });
    const sessions = SessionListSchema.parse(res.body).sessions;
    expect(sessions).toHaveLength(3);
    expect(sessions.map((s) => s.kind).sort()).toEqual(['api', 'session', 'session']);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const current = sessions.find((s) => s.current)!;
    expect(current.kind).toBe('session');
    expect(sessions.find((s) => s.kind === 'api')).toMatchObject({ name: 'export script', expiresAt: null, current: false });
    for (const s of sessions) expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'kind', 'lastUsedAt', 'name']);
    const text = JSON.stringify(res.body);
    for (const secret of [person.token, second, script]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashSecret(secret));
    }
    // Someone else sees only their own.
    expect((await sessionsOf(facilitator.token)).map((s) => s.id)).not.toContain(current.id);
    expect((await api(server, '/api/auth/sessions')).status).toBe(401);
  });

  it('ends one session: its socket closes at once, the others stay signed in and live', async () => {
    const person = await createPerson(server, { site: 'torbay', role: 'member' });
    const laptop = await signInAgain(person);
    const [here, there] = [await live(person.token), await live(laptop)];
    const laptopId = (await sessionsOf(laptop)).find((s) => s.current)!.id;

    // Another person cannot end it, and learns nothing about it.
    expect((await api(server, `/api/auth/sessions/${laptopId}`, { method: 'DELETE', token: facilitator.token })).status).toBe(404);
    expect(await isSignedIn(laptop)).toBe(true);

    const res = await api(server, `/api/auth/sessions/${laptopId}`, { method: 'DELETE', token: person.token });
    expect(res.status).toBe(204);
    await eventually(() => expect(there.closeCodes).toContain(CloseCode.Unauthorized));
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(person.token)).toBe(true);
    expect(here.closeCodes).toEqual([]);
    expect((await api(server, `/api/auth/sessions/${laptopId}`, { method: 'DELETE', token: person.token })).status).toBe(404);
  });

  it('ending the current session by cookie signs this browser out and clears the cookie', async () => {
    const person = await createPerson(server);
    const me = (await sessionsOf(person.token)).find((s) => s.current)!;
    // A cookie-authenticated request passes the CSRF check only from the public URL's origin
    // (http://localhost:<PORT>, and PORT is 0 here).
    const res = await api(server, `/api/auth/sessions/${me.id}`, {
      method: 'DELETE',
      headers: { cookie: `${SESSION_COOKIE}=${person.token}`, origin: 'http://localhost:0' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`, 'i'));
    expect(await isSignedIn(person.token)).toBe(false);
  });

  it('signs out everywhere else: every other session and API token ends and its sockets close', async () => {
    const person = await createPerson(server, { site: 'torbay', role: 'member' });
    const laptop = await signInAgain(person);
    const phone = await signInAgain(person);
    const script = await apiToken(person);
    const others = [await live(laptop), await live(phone), await live(script)];
    const here = await live(person.token);

    const res = await api(server, '/api/auth/sessions/sign-out-others', { method: 'POST', token: person.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 3 });
    for (const client of others) await eventually(() => expect(client.closeCodes).toContain(CloseCode.Unauthorized));
    for (const token of [laptop, phone, script]) expect(await isSignedIn(token)).toBe(false);
    expect(await isSignedIn(person.token)).toBe(true);
    expect(here.closeCodes).toEqual([]);
    expect((await sessionsOf(person.token)).map((s) => s.current)).toEqual([true]);
  });

  it('changing your password ends every other session and token, closes their sockets, and keeps this one', async () => {
    const person = await createPerson(server, { site: 'torbay', role: 'member' });
    const laptop = await signInAgain(person);
    const script = await apiToken(person);
    const [onLaptop, fromScript] = [await live(laptop), await live(script)];
    const here = await live(person.token);
    const change = (body: unknown) => api(server, '/api/auth/password', { token: person.token, body });

    const wrong = await change({ currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect(await isSignedIn(laptop)).toBe(true);
    const short = await change({ currentPassword: person.password, newPassword: 'short' });
    expect(short.status).toBe(400);

    const res = await change({ currentPassword: person.password, newPassword: 'a brand new password' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ ended: 2 });
    await eventually(() => expect(onLaptop.closeCodes).toContain(CloseCode.Unauthorized));
    await eventually(() => expect(fromScript.closeCodes).toContain(CloseCode.Unauthorized));
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(script)).toBe(false);
    // The session that made the change is kept, and its socket stays open.
    expect(await isSignedIn(person.token)).toBe(true);
    expect(here.closeCodes).toEqual([]);

    const old = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
    expect(old.status).toBe(401);
    const fresh = await api(server, '/api/auth/login', { body: { email: person.email, password: 'a brand new password' } });
    expect(fresh.status).toBe(200);
  });
});
