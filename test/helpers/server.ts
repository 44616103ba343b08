/**
 * Test harness: a real server on port 0 with a fresh DATA_DIR, people with roles, and the
 * unmodified y-websocket client in Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { SiteRole } from '../../shared/roles.js';
import { loadConfig, type Env } from '../../server/config.js';
import type { Logger } from '../../server/logger.js';
import { startServer, type RunningServer } from '../../server/main.js';
import type { Storage } from '../../server/storage/types.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
  /** Stops the server and deletes its data folder. */
  dispose(): Promise<void>;
}

/** A port free on 127.0.0.1 right now, for servers that must know their address before they start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function tempDir(prefix = 'slw-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Starts a server on a free port. Pass `dataDir` to reuse one (restart tests), and `storage`
 * to run it on a store of the test's own (closed by `dispose`).
 */
export async function startTestServer(
  env: Partial<Env> = {},
  dataDir = tempDir(),
  options: { log?: Logger; storage?: Storage } = {},
): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...stringify(env) });
  const server = await startServer(config, { clientDir: join(dataDir, 'no-client'), log: options.log, storage: options.storage });
  return {
    ...server,
    dataDir,
    wsUrl: server.url.replace(/^http/, 'ws') + '/sync',
    async dispose() {
      await server.close();
      await options.storage?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function stringify(env: Partial<Env>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

export interface Person {
  id: string;
  email: string;
  password: string;
  token: string;
}

let counter = 0;
/**
 * Creates an account (optionally with a role on a site, or as admin) and signs it in through
 * the real login endpoint.
 */
export async function createPerson(
  server: RunningServer,
  options: { site?: string; role?: SiteRole; admin?: boolean; organisation?: string; name?: string } = {},
): Promise<Person> {
  counter++;
  const email = `person${counter}-${Date.now()}@example.org`;
  const password = `correct horse ${counter}`;
  const user = await server.auth.createUser({
    email,
    password,
    name: options.name ?? `Person ${counter}`,
    organisation: options.organisation ?? 'Test Council',
    isAdmin: options.admin ?? false,
  });
  if (options.site && options.role) {
    const site = await server.storage.getSite(options.site);
    if (!site) throw new Error(`no site ${options.site}`);
    await server.storage.setRole(site.id, user.id, options.role);
  }
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return { id: user.id, email, password, token: body.token };
}

/** Calls the API with a bearer token and JSON body. */
export async function api(
  server: { url: string },
  path: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

/** Creates a room through the API as `person` and returns its id. */
export async function createRoom(
  server: { url: string },
  person: Person,
  site: string,
  kind: 'map' | 'doc' | 'summary' = 'map',
  title = 'Test room',
): Promise<string> {
  const res = await api(server, `/api/sites/${site}/rooms`, { token: person.token, body: { kind, title } });
  if (res.status !== 201) throw new Error(`room create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

export interface SyncClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the first sync with the server completed. */
  synced: Promise<void>;
  /** Close codes this client has seen, newest last. */
  closeCodes: number[];
  /** Reasons of the "permission denied" (auth) messages the server sent, oldest first. */
  permissionDenied: string[];
  destroy(): void;
}

const MESSAGE_AUTH = 2;

/** Connects the unmodified y-websocket provider, as a script or another tool would. */
export function connectClient(
  wsUrl: string,
  roomId: string,
  token: string,
  options: { doc?: Y.Doc; connect?: boolean; received?: Uint8Array[] } = {},
): SyncClient {
  const doc = options.doc ?? new Y.Doc();
  const received = options.received;
  // Every message the server sends this client, byte for byte, for tests of what reaches whom.
  const Recording = received
    ? class extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          this.on('message', (data: Buffer) => received!.push(new Uint8Array(data)));
        }
      }
    : WebSocket;
  const provider = new WebsocketProvider(wsUrl, roomId, doc, {
    params: { token },
    WebSocketPolyfill: Recording as unknown as typeof globalThis.WebSocket,
    connect: options.connect ?? true,
    disableBc: true,
  });
  const closeCodes: number[] = [];
  const permissionDenied: string[] = [];
  // y-protocols auth message: 0 = permission denied, then the reason.
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) permissionDenied.push(decoding.readVarString(decoder));
  };
  provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code);
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) resolve();
    });
  });
  return {
    doc,
    provider,
    synced,
    closeCodes,
    permissionDenied,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/**
 * Retries `check` until it stops throwing, or fails with its last error after `timeoutMs`.
 * Assertions that only become true eventually are retried, never slept on.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError;
}

/** Opens a raw WebSocket (no y-websocket client) and resolves with it once open or closed. */
export function rawSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; messages: Uint8Array[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: Uint8Array[] = [];
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => res({ code, reason: reason.toString() })),
    );
    ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
