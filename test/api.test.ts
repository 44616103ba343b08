/** The REST API as a client sees it: first-start setup, sign-in, tokens, errors and the description. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../shared/routes.js';
import { createApp } from '../server/app.js';
import { AuthService } from '../server/auth/service.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { openSqliteStorage } from '../server/storage/sqlite/index.js';
import {
  api,
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  type Person,
  type TestServer,
} from './helpers/server.js';

const PUBLIC_URL = 'http://workspace.test';
const admin = { email: 'first.admin@torbay.gov.uk', password: 'the first admin password', name: 'First Admin', organisation: 'Torbay Council' };

describe('first start: the one-time setup link', () => {
  let fresh: TestServer;
  let token: string;
  beforeAll(async () => {
    fresh = await startTestServer({ PUBLIC_URL });
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  it('a fresh server prints a setup link and says setup is needed', async () => {
    const match = /^http:\/\/workspace\.test\/setup#token=([A-Za-z0-9_-]{43})$/.exec(fresh.setupUrl ?? '');
    expect(match, String(fresh.setupUrl)).not.toBeNull();
    token = match![1]!;
    expect((await api(fresh, '/api/setup')).body).toEqual({ needed: true });
  });

  it('refuses a wrong token (403) and a malformed one (400), creating nobody', async () => {
    const wrong = await api(fresh, '/api/setup', { body: { ...admin, token: 'A'.repeat(43) } });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: { code: 'forbidden' } });
    const malformed = await api(fresh, '/api/setup', { body: { ...admin, token: 'short' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(await fresh.storage.countUsers()).toBe(0);
    expect((await api(fresh, '/api/setup')).body).toEqual({ needed: true });
  });

  it('the right token creates an administrator and signs them in; the link then stops working', async () => {
    const res = await api(fresh, '/api/setup', { body: { ...admin, token } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const session = res.body as { token: string; user: Record<string, unknown> };
    expect(session.user).toMatchObject({ email: admin.email, name: admin.name, isAdmin: true });
    expect(res.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=${session.token}`);
    expect((await api(fresh, '/api/auth/me', { token: session.token })).body).toMatchObject({ user: { isAdmin: true } });
    // An administrator can act on every site.
    const sites = (await api(fresh, '/api/sites', { token: session.token })).body as { role: string | null }[];
    expect(sites.every((s) => s.role === 'facilitator')).toBe(true);

    const reuse = await api(fresh, '/api/setup', { body: { ...admin, email: 'second@torbay.gov.uk', token } });
    expect(reuse.status).toBe(403);
    expect((await api(fresh, '/api/setup')).body).toEqual({ needed: false });
    expect(await fresh.storage.countUsers()).toBe(1);
  });

  it('lets only one of two simultaneous uses of the link through', async () => {
    const racing = await startTestServer({ PUBLIC_URL });
    try {
      const raceToken = new URL(racing.setupUrl!).hash.replace('#token=', '');
      const results = await Promise.all(
        ['one@torbay.gov.uk', 'two@torbay.gov.uk'].map((email) => api(racing, '/api/setup', { body: { ...admin, email, token: raceToken } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
      expect(await racing.storage.countUsers()).toBe(1);
    } finally {
      await racing.dispose();
    }
  });

  it('is dead once someone has an account by other means (the CLI)', async () => {
    const other = await startTestServer({ PUBLIC_URL });
    try {
      const linkToken = new URL(other.setupUrl!).hash.replace('#token=', '');
      await other.auth.createUser({ ...admin, isAdmin: true });
      const res = await api(other, '/api/setup', { body: { ...admin, email: 'late@torbay.gov.uk', token: linkToken } });
      expect(res.status).toBe(403);
      expect(await other.storage.getUserByEmail('late@torbay.gov.uk')).toBeNull();
    } finally {
      await other.dispose();
    }
  });
});

describe('the API', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL, LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15', MAX_REQUEST_BYTES: '2048' });
    [alice, bob] = await Promise.all([
      createPerson(server, { site: 'torbay', role: 'member' }),
      createPerson(server, { site: 'york', role: 'member' }),
    ]);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const login = (email: string, password: string) => api(server, '/api/auth/login', { body: { email, password } });

  describe('sign-in', () => {
    it('returns a session token and the person, and sets the HttpOnly session cookie', async () => {
      const res = await login(alice.email, alice.password);
      expect(res.status).toBe(200);
      const body = res.body as { token: string; expiresAt: string; user: Record<string, unknown> };
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.user).toMatchObject({ id: alice.id, email: alice.email, isAdmin: false });
      // No field names a password or hash, and the password itself is nowhere. (Matched on the
      // keys, not the whole text: a random id once held "hash" and failed this by chance.)
      const keys: string[] = [];
      JSON.stringify(body, (key, value: unknown) => (keys.push(key), value));
      expect(keys.filter((k) => /password|hash/i.test(k))).toEqual([]);
      expect(JSON.stringify(body)).not.toContain(alice.password);
      // Fourteen days by default.
      expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(13.9 * 86_400_000);

      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toContain(`${SESSION_COOKIE}=${body.token}`);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      // The public URL is http, so the cookie cannot be Secure (it would never be sent back).
      expect(cookie).not.toMatch(/;\s*Secure/i);
    });

    it('takes the email in any case', async () => {
      expect((await login(alice.email.toUpperCase(), alice.password)).status).toBe(200);
    });

    it.each([
      ['a wrong password', () => alice.email, 'not the password'],
      ['an unknown email', () => 'nobody@example.org', 'whatever password'],
    ])('refuses %s with 401 and the same JSON error', async (_what, email, password) => {
      const res = await login(email(), password);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.body).toEqual({
        error: { code: 'invalid_credentials', message: 'That email and password do not match an account.' },
      });
      expect(res.headers.get('set-cookie')).toBeNull();
    });

    it('locks an account after LOGIN_MAX_FAILURES failures: 429 with Retry-After, even with the right password', async () => {
      const carol = await createPerson(server);
      for (let i = 1; i <= 3; i++) expect((await login(carol.email, `wrong guess ${i}`)).status).toBe(401);
      const locked = await login(carol.email, carol.password);
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ error: { code: 'too_many_attempts', message: expect.stringMatching(/Try again/) } });
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Sessions already open are not affected, and other accounts can still sign in.
      expect((await api(server, '/api/auth/me', { token: carol.token })).status).toBe(200);
      expect((await login(bob.email, bob.password)).status).toBe(200);
    });
  });

  describe('credentials', () => {
    it.each(['/api/auth/me', '/api/sites', '/api/sites/torbay', '/api/sites/torbay/rooms', '/api/sites/torbay/members', '/api/tokens'])(
      'GET %s works with a bearer token and is 401 without one',
      async (path) => {
        expect((await api(server, path, { token: alice.token })).status).toBe(200);
        const anonymous = await api(server, path);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
        expect((await api(server, path, { token: 'not-a-real-token' })).status).toBe(401);
      },
    );

    it('the session cookie works in place of a bearer token', async () => {
      const res = await api(server, '/api/auth/me', { headers: { cookie: `${SESSION_COOKIE}=${alice.token}` } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: { id: alice.id } });
    });

    it('signing out ends that session only', async () => {
      const session = ((await login(alice.email, alice.password)).body as { token: string }).token;
      expect((await api(server, '/api/auth/me', { token: session })).status).toBe(200);
      const out = await api(server, '/api/auth/logout', { method: 'POST', token: session });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`, 'i'));
      expect((await api(server, '/api/auth/me', { token: session })).status).toBe(401);
      expect((await api(server, '/api/auth/me', { token: alice.token })).status).toBe(200);
    });

    it('signing out from the browser (cookie, own origin) ends the session', async () => {
      const session = ((await login(alice.email, alice.password)).body as { token: string }).token;
      const cookie = `${SESSION_COOKIE}=${session}`;
      const out = await api(server, '/api/auth/logout', { method: 'POST', headers: { cookie, origin: PUBLIC_URL } });
      expect(out.status).toBe(204);
      expect((await api(server, '/api/auth/me', { headers: { cookie } })).status).toBe(401);
    });
  });

  describe('API tokens', () => {
    it('creates a token that works as a bearer, lists it without its secret, and revokes it', async () => {
      const created = await api(server, '/api/tokens', { token: alice.token, body: { name: 'Nightly export', expiresInDays: 30 } });
      expect(created.status).toBe(201);
      const token = created.body as { id: string; name: string; token: string; expiresAt: string | null; lastUsedAt: string | null };
      expect(token).toMatchObject({ name: 'Nightly export', lastUsedAt: null });
      expect(Date.parse(token.expiresAt!) - Date.now()).toBeGreaterThan(29.9 * 86_400_000);

      const me = await api(server, '/api/auth/me', { token: token.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ user: { id: alice.id } });

      const list = await api(server, '/api/tokens', { token: alice.token });
      const { tokens } = list.body as { tokens: { id: string; name: string; lastUsedAt: string | null }[] };
      expect(tokens.find((t) => t.id === token.id)).toMatchObject({ name: 'Nightly export' });
      expect(tokens.find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(list.body)).not.toContain(token.token);
      for (const t of tokens) expect(t).not.toHaveProperty('token');
      // Sessions are not API tokens and are not listed.
      expect(tokens.every((t) => t.name !== 'session')).toBe(true);

      // Someone else can neither see nor revoke it.
      const bobs = (await api(server, '/api/tokens', { token: bob.token })).body as { tokens: { id: string }[] };
      expect(bobs.tokens.some((t) => t.id === token.id)).toBe(false);
      expect((await api(server, `/api/tokens/${token.id}`, { method: 'DELETE', token: bob.token })).status).toBe(404);
      expect((await api(server, '/api/auth/me', { token: token.token })).status).toBe(200);

      // A script revoking with its bearer token sends no Origin and no body, and that is fine.
      const revoked = await api(server, `/api/tokens/${token.id}`, { method: 'DELETE', token: alice.token });
      expect(revoked.status).toBe(204);
      expect((await api(server, '/api/auth/me', { token: token.token })).status).toBe(401);
      expect((await api(server, `/api/tokens/${token.id}`, { method: 'DELETE', token: alice.token })).status).toBe(404);
    });

    it('a token without expiresInDays does not expire', async () => {
      const created = await api(server, '/api/tokens', { token: alice.token, body: { name: 'Forever' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Forever', expiresAt: null });
    });

    it('refuses a blank name and a malformed id', async () => {
      const blank = await api(server, '/api/tokens', { token: alice.token, body: { name: '   ' } });
      expect(blank.status).toBe(400);
      expect((await api(server, '/api/tokens/x', { method: 'DELETE', token: alice.token })).status).toBe(400);
    });
  });

  describe('cross-site requests with the session cookie', () => {
    async function apiToken(): Promise<{ id: string; token: string }> {
      const res = await api(server, '/api/tokens', { token: alice.token, body: { name: 'CSRF target' } });
      return res.body as { id: string; token: string };
    }
    const cookie = () => `${SESSION_COOKIE}=${alice.token}`;

    it('are refused from a foreign origin, and change nothing', async () => {
      const target = await apiToken();
      const res = await api(server, `/api/tokens/${target.id}`, {
        method: 'DELETE',
        headers: { cookie: cookie(), origin: 'https://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
      expect((await api(server, '/api/auth/me', { token: target.token })).status).toBe(200);

      const form = await fetch(`${server.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie: cookie(), origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(form.status).toBe(403);
      expect((await api(server, '/api/auth/me', { token: alice.token })).status).toBe(200);
    });

    it('are accepted from the workspace’s own origin', async () => {
      const target = await apiToken();
      const res = await api(server, `/api/tokens/${target.id}`, {
        method: 'DELETE',
        headers: { cookie: cookie(), origin: PUBLIC_URL },
      });
      expect(res.status).toBe(204);
      expect((await api(server, '/api/auth/me', { token: target.token })).status).toBe(401);
    });
  });

  describe('errors', () => {
    async function raw(path: string, init: RequestInit) {
      const res = await fetch(`${server.url}${path}`, init);
      const text = await res.text();
      expect(res.headers.get('content-type'), text).toMatch(/application\/json/);
      return { status: res.status, body: JSON.parse(text) as { error: { code: string; message: string; details?: unknown } } };
    }

    it('a malformed JSON body is 400 with a JSON error', async () => {
      const res = await raw('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email": "a@b.org", "password": ',
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/JSON/) });
    });

    it('a body that is not JSON at all is refused with a JSON error', async () => {
      const res = await raw('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('bad_request');
    });

    it('a body that fails validation is 400 validation_failed, naming the fields', async () => {
      const res = await api(server, '/api/sites/torbay/rooms', { token: alice.token, body: { kind: 'spreadsheet', title: '' } });
      expect(res.status).toBe(400);
      const error = (res.body as { error: { code: string; message: string; details: { path: string }[] } }).error;
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d) => d.path).sort()).toEqual(['kind', 'title']);
      expect(error.message).toMatch(/kind/);
    });

    it('a body over MAX_REQUEST_BYTES is 413, with or without a Content-Length', async () => {
      const big = JSON.stringify({ email: 'a@b.org', password: 'x'.repeat(4096) });
      const declared = await raw('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(declared.status).toBe(413);
      expect(declared.body.error.code).toBe('payload_too_large');

      const bytes = new TextEncoder().encode(big);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 512) controller.enqueue(bytes.slice(i, i + 512));
          controller.close();
        },
      });
      const chunked = await raw('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(chunked.body.error.code).toBe('payload_too_large');
    });

    it.each([
      ['GET', '/api/nothing-here'],
      ['POST', '/api/sites/torbay/everything'],
      ['DELETE', '/api/health'],
    ])('%s %s is a 404 JSON error', async (method, path) => {
      const res = await api(server, path, { method, token: alice.token });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining(path) } });
    });

    it.each([
      '/api/rooms/short',
      '/api/rooms/has%20a%20space%20in%20it',
      '/api/sites/Bad_Slug',
      '/api/sites/Bad_Slug/rooms',
      '/api/sites/-torbay/members',
      '/api/invites/tiny',
    ])('a malformed path parameter in %s is 400 validation_failed', async (path) => {
      const res = await api(server, path, { token: alice.token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    });

    it('an unknown but well-formed site or room is 404', async () => {
      expect((await api(server, '/api/sites/atlantis', { token: alice.token })).status).toBe(404);
      expect((await api(server, '/api/rooms/NoSuchRoom0123456789', { token: alice.token })).status).toBe(404);
    });

    it('the sync path answers plain HTTP with 426', async () => {
      const res = await api(server, '/sync/NoSuchRoom0123456789');
      expect(res.status).toBe(426);
    });
  });

  describe('health and description', () => {
    it('GET /api/health reports ok, the version and live numbers, without signing in', async () => {
      const res = await api(server, '/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        uptimeSeconds: expect.any(Number),
        rooms: expect.any(Number),
        connections: expect.any(Number),
      });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');

      const roomId = await createRoom(server, alice, 'torbay');
      const client = connectClient(server.wsUrl, roomId, alice.token);
      try {
        await client.synced;
        await eventually(async () => {
          const health = (await api(server, '/api/health')).body as { rooms: number; connections: number };
          expect(health.connections).toBeGreaterThanOrEqual(1);
          expect(health.rooms).toBeGreaterThanOrEqual(1);
        });
      } finally {
        client.destroy();
      }
    });

    it('GET /api/openapi.json is an OpenAPI 3.1 description of the main paths', async () => {
      const res = await api(server, '/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = res.body as {
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, unknown>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toMatch(/Systems Leadership Workspace/);
      const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      expect(operations).toEqual(
        expect.arrayContaining([
          'GET /api/health',
          'GET /api/setup',
          'POST /api/setup',
          'POST /api/auth/login',
          'POST /api/auth/logout',
          'GET /api/auth/me',
          'GET /api/tokens',
          'POST /api/tokens',
          'DELETE /api/tokens/{id}',
          'GET /api/sites',
          'GET /api/sites/{slug}',
          'GET /api/sites/{slug}/members',
          'PUT /api/sites/{slug}/members/{userId}',
          'DELETE /api/sites/{slug}/members/{userId}',
          'GET /api/sites/{slug}/rooms',
          'POST /api/sites/{slug}/rooms',
          'GET /api/rooms/{id}',
          'PATCH /api/rooms/{id}',
          'POST /api/sites/{slug}/invites',
          'GET /api/sites/{slug}/invites',
          'DELETE /api/sites/{slug}/invites/{inviteId}',
          'GET /api/invites/{token}',
          'POST /api/invites/{token}/accept',
        ]),
      );
      expect(doc.components.securitySchemes).toHaveProperty('bearer');
    });
  });
});

describe('createApp in-process, without listening', () => {
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL });
  const storage = openSqliteStorage({ filename: ':memory:' });
  const log = createLogger('silent');
  const auth = AuthService.fromConfig(storage, config, log);
  const app = createApp({ config, storage, auth, log });
  afterAll(async () => {
    await storage.close();
  });

  it('answers /api/health', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', rooms: 0, connections: 0 });
  });

  it('signs someone in and answers for them (no socket, so no client address)', async () => {
    await auth.createUser({ email: 'in.process@example.org', password: 'in-process password', name: 'In Process', organisation: 'Tests', isAdmin: false });
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'in.process@example.org', password: 'in-process password' }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const me = await app.request('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ user: { email: 'in.process@example.org' } });
  });

  it('serves a notice instead of the client when none is built', async () => {
    const res = await app.request('/sites/torbay');
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
