/**
 * What the server does about pages and origins: the Content-Security-Policy of every HTML
 * response, and the Origin checks (CSRF on the API, sync sockets) accepting the loopback
 * spellings of the public address while refusing other sites, and saying why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ORIGIN_NOT_ALLOWED_REASON } from '../shared/closeCodes.js';
import { SESSION_COOKIE } from '../shared/routes.js';
import { createApp } from '../server/app.js';
import { AuthService } from '../server/auth/service.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { openSqliteStorage } from '../server/storage/sqlite/index.js';
import { createPerson, createRoom, freePort, rawSocket, startTestServer, tempDir, type Person, type TestServer } from './helpers/server.js';

/** The policy as a map of directive → sources. */
function directives(header: string | null): Map<string, string[]> {
  expect(header, 'no Content-Security-Policy header').not.toBeNull();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('Content-Security-Policy on HTML responses (in-process)', () => {
  const clientDir = tempDir('slw-csp-client-');
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/main.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(clientDir, 'assets', 'main.js'), 'console.log("hi")');
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'https://workspace.example.org', ALLOWED_ORIGINS: 'http://localhost:5173' });
  const storage = openSqliteStorage({ filename: ':memory:' });
  const log = createLogger('silent');
  const app = createApp({ config, storage, auth: AuthService.fromConfig(storage, config, log), log }, { clientDir });
  afterAll(async () => {
    await storage.close();
  });

  it.each(['/', '/index.html', '/sites/torbay', '/rooms/abcdefghij0123456789', '/setup', '/signin?next=%2F'])('%s is the app shell, with a strict policy', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    // No 'unsafe-inline' anywhere: no inline script, no injected <style>.
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('connect-src')).toEqual(["'self'", 'wss://workspace.example.org', 'ws://localhost:5173']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe');
  });

  it('the policy also covers assets and API answers (it costs nothing and guards a sniffed response)', async () => {
    for (const path of ['/assets/main.js', '/api/health', '/api/no-such-endpoint']) {
      const res = await app.request(path);
      expect(directives(res.headers.get('content-security-policy')).get('default-src'), path).toEqual(["'self'"]);
    }
  });

  it('/api/health says where the workspace is, for a page opened elsewhere', async () => {
    const res = await app.request('/api/health');
    expect(await res.json()).toMatchObject({ status: 'ok', publicUrl: 'https://workspace.example.org' });
  });
});

describe('the loopback spellings of PUBLIC_URL are the same origin', () => {
  let server: TestServer;
  let member: Person;
  let roomId: string;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // The server listens on 127.0.0.1 but says it is at localhost, as a default install does.
    server = await startTestServer({ PORT: port, PUBLIC_URL: `http://localhost:${port}` });
    member = await createPerson(server, { site: 'torbay', role: 'member' });
    roomId = await createRoom(server, member, 'torbay');
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const cookie = () => `${SESSION_COOKIE}=${member.token}`;

  /** A cookie-authenticated API write, as a browser page at `origin` makes it. */
  const createFrom = (origin: string) =>
    fetch(`${server.url}/api/sites/torbay/rooms`, {
      method: 'POST',
      headers: { origin, cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'kind=map&title=x',
    });

  it.each([`http://localhost:PORT`, `http://127.0.0.1:PORT`, `http://[::1]:PORT`])(
    'the API lets a cookie-authenticated form post from %s past the CSRF check',
    async (origin) => {
      const res = await createFrom(origin.replace('PORT', String(port)));
      // Only form-like bodies are CSRF-checked; past the check, the route wants JSON (415).
      expect(res.status).toBe(415);
    },
  );

  it.each(['https://evil.example', 'http://127.0.0.1:1', 'http://localhost.evil.example'])('the API refuses one from %s as cross-site (403)', async (origin) => {
    const res = await createFrom(origin);
    expect(res.status).toBe(403);
  });

  it.each([`http://127.0.0.1:PORT`, `http://[::1]:PORT`, `http://localhost:PORT`])('a sync socket with a cookie from %s opens', async (origin) => {
    const socket = await rawSocket(`${server.wsUrl}/${roomId}`, { origin: origin.replace('PORT', String(port)), cookie: cookie() });
    try {
      // A refused socket is closed at once after opening; an accepted one is sent sync step 1.
      const outcome = await Promise.race([
        socket.closed.then((c) => `closed ${c.code} ${c.reason}`),
        new Promise<string>((resolve) => {
          const check = () => (socket.messages.some((m) => m[0] === 0) ? resolve('synced') : setTimeout(check, 10));
          check();
        }),
      ]);
      expect(outcome).toBe('synced');
    } finally {
      socket.ws.close();
    }
  });

  it('a sync socket with a cookie from another site is closed with 4403 and says the origin is why', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${port + 1}`]) {
      const socket = await rawSocket(`${server.wsUrl}/${roomId}`, { origin, cookie: cookie() });
      expect(await socket.closed).toEqual({ code: CloseCode.Forbidden, reason: ORIGIN_NOT_ALLOWED_REASON });
    }
  });
});
