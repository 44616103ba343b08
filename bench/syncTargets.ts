/**
 * The servers the sync benchmarks run side by side, each as a child process on a free 127.0.0.1
 * port with its own temporary data folder, and the clients that talk to them:
 *
 * - this server (the bundle `npm start` runs, SQLite, stores every update before relaying it);
 * - the reference, `@y/websocket-server` (in memory: stores nothing);
 * - Hocuspocus, `@hocuspocus/server` with its SQLite extension (stores the whole document
 *   2 s after the last change, at the latest 10 s after the first: its defaults).
 *
 * A started server can be killed (SIGKILL), restarted on the same data and port, and what it
 * stored read back once it has stopped, so that durability and cold loads are measured the same
 * way for every server. Used by bench/sync.ts (live editing) and bench/syncStorage.ts (cold load,
 * idle rooms, kill -9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import Database from 'better-sqlite3';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sendOwnAwarenessOnly } from '../client/room/ownAwareness.js';
import { AuthService } from '../server/auth/service.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { openStorage } from '../server/main.js';
import { replayStoredDoc } from '../server/ydoc/replay.js';
import { buildServer } from '../scripts/buildServer.js';
import { MAP_ROOTS } from '../shared/map/doc.js';
import { freePort } from '../test/helpers/server.js';
import { childEnv, countingSocket, postJson, sleep } from './common.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SITE = 'torbay';
const EMAIL = 'bench@example.org';
const PASSWORD = 'benchmark password, not a secret';

/**
 * The map the edits go into. It must be a root a map room has: since the room rules (issue 14)
 * this server refuses an update to any other (a root of its own, 'bench', got every edit
 * refused). Loop notes that are numbers are skipped by every reader, as malformed.
 */
export const EDIT_ROOT = MAP_ROOTS.loopNotes;

// ---- child processes and temp folders, cleaned up however the run ends ----------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

/** SIGKILL at once: what a crash, an OOM kill or a pulled plug does. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
  children.delete(child);
}

export async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 2000)));
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

// Last resort (process.exit from a signal handler or a crash): synchronous kill and delete.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and removing temp folders`);
    void cleanup().finally(() => process.exit(130));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Lines the server wrote to stderr (warnings and errors), kept for the report. */
  stderr: string[];
  output(): string;
}

function launch(args: string[], env: NodeJS.ProcessEnv, port: number, cwd = ROOT): ServerProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const stderr: string[] = [];
  const all: string[] = [];
  const keep = (into: string[]) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) into.push(line);
    if (into.length > 200) into.splice(0, into.length - 200);
  };
  child.stdout?.on('data', keep(all));
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(stderr)(chunk);
    keep(all)(chunk);
  });
  return { child, port, stderr, output: () => all.slice(-30).join('\n') };
}

async function waitReady(server: ServerProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`server exited before it was ready (${server.child.exitCode ?? server.child.signalCode}):\n${server.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}

/** The version of an installed package, for the report (a caret range in package.json can float). */
export function installedVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return 'not installed';
  }
}

// ---- the three servers -----------------------------------------------------------------------

export interface TargetOptions {
  /** Rooms to make (this server) or name (the others, which make a room on first use). */
  rooms: number;
  /** Folder for V8 CPU profiles of the servers (written when they shut down). */
  cpuProf?: string | undefined;
  /** How this server is run: the bundle `npm start` runs, or the TypeScript source through tsx. */
  server: 'bundle' | 'tsx';
}

export interface Target {
  name: 'this' | 'reference' | 'hocuspocus';
  label: string;
  /** Whether it keeps documents across a restart (the reference does not). */
  persists: boolean;
  /** Starts the server and returns where clients connect and which rooms to use. */
  start(opts: TargetOptions): Promise<StartedTarget>;
}

export interface StartedTarget {
  /** The running process; replaced by `restart`. */
  server: ServerProcess;
  wsUrl: string;
  roomNames: string[];
  params: Record<string, string>;
  /** SIGTERM: the server's own shutdown (this server and Hocuspocus store what they hold). */
  stop(): Promise<void>;
  /** SIGKILL: nothing gets a chance to run. */
  kill(): Promise<void>;
  /** Starts the server again on the same data and port (after `stop` or `kill`). */
  restart(): Promise<void>;
  /** What storage holds for `room`, read directly once the server has stopped; null if it stores nothing. */
  readStored(room: string): Promise<Y.Doc | null>;
  /** Stops the server if it runs and deletes its data. */
  dispose(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/** Node arguments that start this server: the bundle `npm start` runs, built once per run, or the source through tsx. */
async function entryPoint(how: TargetOptions['server']): Promise<string[]> {
  if (how === 'tsx') return ['--import', 'tsx', 'server/index.ts'];
  // Built into its own folder inside the project (so it resolves node_modules) and deleted after.
  const dir = join(ROOT, 'dist', `server-bench-${process.pid}`);
  tempDirs.add(dir);
  bundled ??= buildServer(dir);
  return ['--enable-source-maps', await bundled];
}

/** The parts of a StartedTarget that are the same for every server: one process, relaunched as it was. */
function processHandle(first: ServerProcess, relaunch: () => Promise<ServerProcess>) {
  const handle = {
    server: first,
    async stop() {
      await stopChild(handle.server.child);
    },
    async kill() {
      await killChild(handle.server.child);
    },
    async restart() {
      await stopChild(handle.server.child);
      handle.server = await relaunch();
    },
  };
  return handle;
}

export const thisServer: Target = {
  name: 'this',
  label: 'this server (SQLite, stores every update before relaying it)',
  persists: true,
  async start(opts) {
    const dataDir = makeTempDir('slw-bench-');
    // The account and its membership are made directly in storage, as an operator would.
    const storage = await openStorage({ dataDir, seedSites: true });
    try {
      const auth = AuthService.fromConfig(storage, loadConfig({ DATA_DIR: dataDir }), createLogger('silent'));
      const user = await auth.createUser({ email: EMAIL, password: PASSWORD, name: 'Bench', organisation: 'Bench', isAdmin: false });
      const site = await storage.getSite(SITE);
      if (!site) throw new Error(`the seeded site "${SITE}" is missing`);
      await storage.setRole(site.id, user.id, 'member');
    } finally {
      await storage.close();
    }

    const port = await freePort();
    const args = [...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf] : []), ...(await entryPoint(opts.server))];
    // One bench account makes every room (up to 1000) and every client comes from 127.0.0.1:
    // lift the per-site and per-member room caps and the per-address connection cap.
    const env = childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      MAX_ROOMS_PER_SITE: '100000',
      MAX_ROOMS_PER_MEMBER: '100000',
      MAX_CONNECTIONS_PER_ADDRESS: '100000',
    });
    const base = `http://127.0.0.1:${port}`;
    const relaunch = async () => {
      const server = launch(args, env, port);
      await waitReady(server, `${base}/api/health`);
      return server;
    };
    const handle = processHandle(await relaunch(), relaunch);

    const login = await postJson(`${base}/api/auth/login`, { email: EMAIL, password: PASSWORD });
    const token = (login as { token: string }).token;
    const roomNames: string[] = [];
    for (let i = 0; i < opts.rooms; i++) {
      const room = await postJson(`${base}/api/sites/${SITE}/rooms`, { kind: 'map', title: `Bench ${i + 1}` }, token);
      roomNames.push((room as { id: string }).id);
    }
    return Object.assign(handle, {
      wsUrl: `ws://127.0.0.1:${port}/sync`,
      roomNames,
      params: { token },
      async readStored(room: string) {
        const reopened = await openStorage({ dataDir, seedSites: false });
        try {
          return replayStoredDoc(await reopened.loadDoc(room)).doc;
        } finally {
          await reopened.close();
        }
      },
      async dispose() {
        await handle.stop();
        removeTempDir(dataDir);
      },
    });
  },
};

export const referenceServer: Target = {
  name: 'reference',
  label: `@y/websocket-server ${installedVersion('@y/websocket-server')} (in memory, no persistence)`,
  persists: false,
  async start(opts) {
    const dataDir = makeTempDir('slw-bench-ref-');
    const port = await freePort();
    const script = join(ROOT, 'node_modules', '@y', 'websocket-server', 'src', 'server.js');
    const args = [
      // The reference dies on SIGTERM without writing its profile; exiting on it writes it.
      ...(opts.cpuProf
        ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProf, 'reference'), '--import', "data:text/javascript,process.on('SIGTERM',()=>process.exit(0))"]
        : []),
      script,
    ];
    const relaunch = async () => {
      const server = launch(args, childEnv({ PORT: String(port), HOST: '127.0.0.1' }), port, dataDir);
      await waitReady(server, `http://127.0.0.1:${port}/`);
      if (/persist/i.test(server.output())) throw new Error(`the reference server is persisting:\n${server.output()}`);
      return server;
    };
    const handle = processHandle(await relaunch(), relaunch);
    const run = Date.now().toString(36);
    return Object.assign(handle, {
      wsUrl: `ws://127.0.0.1:${port}`,
      roomNames: Array.from({ length: opts.rooms }, (_, i) => `bench-${run}-${i + 1}`),
      params: {},
      readStored: async () => null,
      async dispose() {
        await handle.stop();
        removeTempDir(dataDir);
      },
    });
  },
};

/**
 * Hocuspocus as its own process, in plain Node as the reference is (through tsx it would carry
 * about 30 MB more and a loader thread), with its SQLite extension on a file and its default
 * debounce (store 2 s after the last change, at most 10 s after the first). On SIGTERM it runs
 * its own `destroy()`, which closes the connections and waits until every document is stored
 * and unloaded, then exits (which also lets `--cpu-prof` write).
 */
const HOCUSPOCUS_SERVER = `
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';
const server = new Server({
  port: Number(process.env.PORT), address: process.env.HOST, quiet: true, stopOnSignals: false,
  extensions: [new SQLite({ database: process.env.HOCUSPOCUS_DB })],
});
process.on('SIGTERM', () => { server.destroy().finally(() => process.exit(0)); });
await server.listen();
`;

export const hocuspocusServer: Target = {
  name: 'hocuspocus',
  label:
    `@hocuspocus/server ${installedVersion('@hocuspocus/server')} + @hocuspocus/extension-sqlite ` +
    `${installedVersion('@hocuspocus/extension-sqlite')} (stores the whole document after 2–10 s)`,
  persists: true,
  async start(opts) {
    const dataDir = makeTempDir('slw-bench-hp-');
    const database = join(dataDir, 'hocuspocus.sqlite');
    const port = await freePort();
    const args = [
      ...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProf, 'hocuspocus')] : []),
      // Evaluated in the project folder, so that the imports resolve from its node_modules.
      '--input-type=module',
      '--eval',
      HOCUSPOCUS_SERVER,
    ];
    const relaunch = async () => {
      const server = launch(args, childEnv({ PORT: String(port), HOST: '127.0.0.1', HOCUSPOCUS_DB: database }), port);
      // It answers any plain HTTP request with "Welcome to Hocuspocus!".
      await waitReady(server, `http://127.0.0.1:${port}/`);
      return server;
    };
    const handle = processHandle(await relaunch(), relaunch);
    const run = Date.now().toString(36);
    return Object.assign(handle, {
      wsUrl: `ws://127.0.0.1:${port}`,
      roomNames: Array.from({ length: opts.rooms }, (_, i) => `bench-${run}-${i + 1}`),
      params: {},
      // Read as its extension reads on load: the newest row for the name.
      async readStored(room: string) {
        const doc = new Y.Doc();
        if (!existsSync(database)) return doc;
        const db = new Database(database, { readonly: true });
        try {
          const row = db.prepare('SELECT data FROM documents WHERE name = ? ORDER BY rowid DESC LIMIT 1').get(room) as { data: Buffer } | undefined;
          if (row) Y.applyUpdate(doc, new Uint8Array(row.data));
        } catch (error) {
          // No table yet: it has stored nothing.
          if (!/no such table/.test(String(error))) throw error;
        } finally {
          db.close();
        }
        return doc;
      },
      async dispose() {
        await handle.stop();
        removeTempDir(dataDir);
      },
    });
  },
};

// ---- clients ---------------------------------------------------------------------------------

/** Messages all clients sent (what the server received) and received (what it sent). */
export class MessageCounts {
  sent = 0;
  received = 0;
}

/** What the workloads need of a provider, so that y-websocket's and Hocuspocus's both fit. */
export interface ClientConnection {
  readonly awareness: Awareness;
  /** Settles when the first sync with the server is done; listened for from the start. */
  readonly synced: Promise<void>;
  destroy(): void;
}

export interface ConnectOptions {
  wsUrl: string;
  room: string;
  doc: Y.Doc;
  params: Record<string, string>;
  counts: MessageCounts;
  ownPresenceOnly: boolean;
}

function connectYWebsocket({ wsUrl, room, doc, params, counts, ownPresenceOnly }: ConnectOptions): ClientConnection {
  const provider = new WebsocketProvider(wsUrl, room, doc, { params, WebSocketPolyfill: countingSocket(counts), disableBc: true });
  if (ownPresenceOnly) sendOwnAwarenessOnly(provider);
  const synced = new Promise<void>((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return { awareness: provider.awareness, synced, destroy: () => provider.destroy() };
}

/**
 * Hocuspocus's own provider. Since v4 it already sends only its own presence (it skips awareness
 * changes it applied from the server), so `ownPresenceOnly` changes nothing here.
 */
function connectHocuspocus({ wsUrl, room, doc, counts }: ConnectOptions): ClientConnection {
  // The socket is its own object; only there can a WebSocket class be given (Node has none before 22).
  const socket = new HocuspocusProviderWebsocket({ url: wsUrl, WebSocketPolyfill: countingSocket(counts) });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: room, document: doc });
  const synced = new Promise<void>((resolve) => {
    provider.on('synced', ({ state }: { state: boolean }) => {
      if (state) resolve();
    });
  });
  // A provider given a socket does not attach itself; attached after the listener, so no sync is missed.
  provider.attach();
  if (!provider.awareness) throw new Error('the Hocuspocus provider has no awareness');
  return {
    awareness: provider.awareness,
    synced,
    destroy: () => {
      provider.destroy();
      // A socket the provider was given is not the provider's to close.
      socket.destroy();
    },
  };
}

export type ProviderKind = 'y-websocket' | 'hocuspocus';

/** The provider each server's own users would use: Hocuspocus's for Hocuspocus, y-websocket's otherwise. */
export function providerFor(target: Target): ProviderKind {
  return target === hocuspocusServer ? 'hocuspocus' : 'y-websocket';
}

export function connect(provider: ProviderKind, options: ConnectOptions): ClientConnection {
  return provider === 'hocuspocus' ? connectHocuspocus(options) : connectYWebsocket(options);
}

/** Rejects after `ms` with `what` in the message; for waits that must not hang a run. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
