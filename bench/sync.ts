/**
 * Sync benchmark: the same live-editing workload against this server and against the reference
 * y-websocket server (`@y/websocket-server`, which stores nothing), in one run.
 *
 * R rooms × C clients per room; every client makes `rate` small edits a second (sets a fresh key
 * in a Y.Map, the value being the send time). An edit's latency is the time from the edit until
 * EVERY other client in its room has applied it; all clients live in this process, so they
 * share one clock. Each server runs as a child process on a free 127.0.0.1 port with its own
 * temporary data folder, gets a warm-up, then the measured phase, then is stopped.
 *
 *   npm run bench:sync -- --rooms 20 --clients 5 --seconds 10 --rate 5
 *
 * `--workshop` runs a 40-person workshop room instead (issue 16): one room, 40 clients, each
 * moving its cursor (awareness) at 20 Hz and making one edit a second, against this server with
 * stock y-websocket clients (which send every presence change they receive back), this server
 * with our web client's behaviour (only its own presence: client/room/ownAwareness.ts), the
 * reference server with stock clients, and Hocuspocus (`@hocuspocus/server`, no extensions, so
 * it stores nothing) with its own provider (`@hocuspocus/provider`).
 *
 *   npm run bench:sync -- --workshop [--clients 40 --cursor-hz 20 --rate 1 --seconds 15] [--only hocuspocus]
 *
 * It prints figures; it asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sendOwnAwarenessOnly } from '../client/room/ownAwareness.js';
import { replayStoredDoc } from '../server/ydoc/replay.js';
import { MAP_ROOTS } from '../shared/map/doc.js';
import { AuthService } from '../server/auth/service.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { openStorage } from '../server/main.js';
import { buildServer } from '../scripts/buildServer.js';
import { freePort } from '../test/helpers/server.js';
import { childEnv, fmt, machineBusySeconds, numberOption, percentile, postJson, procStats, ratio, sleep, table } from './common.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SITE = 'torbay';
const EMAIL = 'bench@example.org';
const PASSWORD = 'benchmark password, not a secret';
const LOOP_RESOLUTION_MS = 5;
/**
 * The map the edits go into. It must be a root a map room has: since the room rules (issue 14)
 * this server refuses an update to any other (a root of its own, 'bench', got every edit
 * refused). Loop notes that are numbers are skipped by every reader, as malformed.
 */
const EDIT_ROOT = MAP_ROOTS.loopNotes;

// ---- options ------------------------------------------------------------------------------

interface Options {
  rooms: number;
  clients: number;
  seconds: number;
  rate: number;
  warmup: number;
  /** Every server, or one: 'hocuspocus' only in the workshop room, the one place it is run. */
  only: 'both' | 'this' | 'reference' | 'hocuspocus';
  referenceFirst: boolean;
  /** How many this/reference pairs to run, alternating which goes first. */
  pairs: number;
  /** Folder for a V8 CPU profile of this server (written when it shuts down). */
  cpuProf: string | undefined;
  /** How this server is run: the bundle `npm start` runs, or the TypeScript source through tsx. */
  server: 'bundle' | 'tsx';
  /** The 40-person workshop room: cursors moving, four variants (see the top of the file). */
  workshop: boolean;
  /** Cursor (awareness) changes per client per second; 0: none. */
  cursorHz: number;
}

/** Defaults of the numeric options: many small rooms, or one workshop room. */
const DEFAULTS = {
  edits: { rooms: '20', clients: '5', seconds: '10', rate: '5', warmup: '3', 'cursor-hz': '0' },
  // 15 s of 40 edits a second is 600 edits for the percentiles; four runs in under 2 minutes.
  workshop: { rooms: '1', clients: '40', seconds: '15', rate: '1', warmup: '3', 'cursor-hz': '20' },
} as const;

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      rooms: { type: 'string' },
      clients: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      workshop: { type: 'boolean', default: false },
      'cursor-hz': { type: 'string' },
      only: { type: 'string', default: 'both' },
      'reference-first': { type: 'boolean', default: false },
      pairs: { type: 'string', default: '1' },
      'cpu-prof': { type: 'string' },
      server: { type: 'string', default: 'bundle' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run bench:sync -- [--workshop] [--rooms 20] [--clients 5] [--seconds 10] [--rate 5] [--warmup 3] [--cursor-hz 0] [--only both|this|reference|hocuspocus] [--reference-first] [--pairs 1] [--cpu-prof DIR] [--server bundle|tsx]\n' +
        '  workshop one 40-person room, cursors at 20 Hz, one edit/client/s (defaults 1 room × 40 clients, 15 s, --cursor-hz 20),\n' +
        '           against this server with stock clients, with our client (own presence only), the reference,\n' +
        '           and Hocuspocus with its own provider\n' +
        '  cursor-hz presence (cursor) changes per client per second\n' +
        '  rooms    rooms per server\n  clients  clients per room (at least 2)\n  seconds  length of the measured phase\n' +
        '  rate     edits per client per second\n  warmup   seconds of the same load before measuring\n' +
        '  only     run one server only (both: all of them; hocuspocus: with --workshop only)\n  reference-first  run the reference server first (default: this server first)\n' +
        '  pairs    run this many pairs, alternating which server goes first, and judge by the median p99 ratio\n' +
        '  cpu-prof write V8 CPU profiles of the servers (whole run, including start-up) into DIR (the reference\'s into DIR/reference, Hocuspocus\'s into DIR/hocuspocus)\n' +
        '  server   bundle: the bundle npm start runs (built first); tsx: the TypeScript source through tsx',
    );
    process.exit(0);
  }
  const only = values.only;
  if (only !== 'both' && only !== 'this' && only !== 'reference' && only !== 'hocuspocus') {
    console.error('--only must be both, this, reference or hocuspocus');
    process.exit(2);
  }
  if (only === 'hocuspocus' && !values.workshop) {
    console.error('--only hocuspocus needs --workshop: Hocuspocus is run in the workshop room only');
    process.exit(2);
  }
  const server = values.server;
  if (server !== 'bundle' && server !== 'tsx') {
    console.error('--server must be bundle or tsx');
    process.exit(2);
  }
  const defaults = values.workshop ? DEFAULTS.workshop : DEFAULTS.edits;
  return {
    rooms: Math.round(numberOption('rooms', values.rooms ?? defaults.rooms, 1, 1000)),
    clients: Math.round(numberOption('clients', values.clients ?? defaults.clients, 2, 200)),
    seconds: numberOption('seconds', values.seconds ?? defaults.seconds, 1, 600),
    rate: numberOption('rate', values.rate ?? defaults.rate, 0.1, 1000),
    warmup: numberOption('warmup', values.warmup ?? defaults.warmup, 0, 120),
    workshop: values.workshop,
    cursorHz: numberOption('cursor-hz', values['cursor-hz'] ?? defaults['cursor-hz'], 0, 100),
    only,
    referenceFirst: values['reference-first'],
    pairs: Math.round(numberOption('pairs', values.pairs, 1, 20)),
    cpuProf: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    server,
  };
}

// ---- child processes and temp folders, cleaned up however the run ends ----------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

async function cleanup(): Promise<void> {
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

interface ServerProcess {
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

async function waitReady(server: ServerProcess, url: string, timeoutMs = 30_000): Promise<void> {
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
    await sleep(100);
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}

// ---- the two servers -------------------------------------------------------------------------

let bundled: Promise<string> | undefined;

/** Node arguments that start this server: the bundle `npm start` runs, built once per run, or the source through tsx. */
async function entryPoint(how: Options['server']): Promise<string[]> {
  if (how === 'tsx') return ['--import', 'tsx', 'server/index.ts'];
  // Built into its own folder inside the project (so it resolves node_modules) and deleted after.
  const dir = join(ROOT, 'dist', `server-bench-${process.pid}`);
  tempDirs.add(dir);
  bundled ??= buildServer(dir);
  return ['--enable-source-maps', await bundled];
}

interface Target {
  name: string;
  label: string;
  /** Starts the server and returns where clients connect and which rooms to use. */
  start(opts: Options): Promise<StartedTarget>;
}

/** A server and how the clients run against it behave. */
interface Variant {
  name: string;
  label: string;
  target: Target;
  /** Clients send only their own presence, as our web client does (client/room/ownAwareness.ts). */
  ownPresenceOnly: boolean;
  /** Which provider the clients use. */
  provider: 'y-websocket' | 'hocuspocus';
}

interface StartedTarget {
  server: ServerProcess;
  wsUrl: string;
  roomNames: string[];
  params: Record<string, string>;
  /** Stops the server; returns a note for the report (e.g. what storage holds). */
  stop(editsPerRoom: Map<string, number>): Promise<string | null>;
}

const thisServer: Target = {
  name: 'this',
  label: 'this server (SQLite, stores every update)',
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
    const server = launch(
      [...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf] : []), ...(await entryPoint(opts.server))],
      // One bench account makes every room (up to 1000): lift the per-site and per-member caps.
      childEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MAX_ROOMS_PER_SITE: '100000', MAX_ROOMS_PER_MEMBER: '100000' }),
      port,
    );
    const base = `http://127.0.0.1:${port}`;
    await waitReady(server, `${base}/api/health`);

    const login = await postJson(`${base}/api/auth/login`, { email: EMAIL, password: PASSWORD });
    const token = (login as { token: string }).token;
    const roomNames: string[] = [];
    for (let i = 0; i < opts.rooms; i++) {
      const room = await postJson(`${base}/api/sites/${SITE}/rooms`, { kind: 'map', title: `Bench ${i + 1}` }, token);
      roomNames.push((room as { id: string }).id);
    }
    return {
      server,
      wsUrl: `ws://127.0.0.1:${port}/sync`,
      roomNames,
      params: { token },
      async stop(editsPerRoom) {
        await stopChild(server.child);
        // Read back what the server stored: every edit made should be there.
        const reopened = await openStorage({ dataDir, seedSites: false });
        let expected = 0;
        let found = 0;
        try {
          for (const [room, edits] of editsPerRoom) {
            const { doc } = replayStoredDoc(await reopened.loadDoc(room));
            expected += edits;
            found += doc.getMap(EDIT_ROOT).size;
            doc.destroy();
          }
        } finally {
          await reopened.close();
        }
        removeTempDir(dataDir);
        return `storage check after stop: ${found} of ${expected} edits found in the database`;
      },
    };
  },
};

const referenceServer: Target = {
  name: 'reference',
  label: '@y/websocket-server 0.1.1 (in memory, no persistence)',
  async start(opts) {
    const dataDir = makeTempDir('slw-bench-ref-');
    const port = await freePort();
    const script = join(ROOT, 'node_modules', '@y', 'websocket-server', 'src', 'server.js');
    const server = launch(
      [
        // The reference dies on SIGTERM without writing its profile; exiting on it writes it.
        ...(opts.cpuProf
          ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProf, 'reference'), '--import', "data:text/javascript,process.on('SIGTERM',()=>process.exit(0))"]
          : []),
        script,
      ], childEnv({ PORT: String(port), HOST: '127.0.0.1' }), port, dataDir);
    await waitReady(server, `http://127.0.0.1:${port}/`);
    if (/persist/i.test(server.output())) throw new Error(`the reference server is persisting:\n${server.output()}`);
    const run = Date.now().toString(36);
    return {
      server,
      wsUrl: `ws://127.0.0.1:${port}`,
      roomNames: Array.from({ length: opts.rooms }, (_, i) => `bench-${run}-${i + 1}`),
      params: {},
      async stop() {
        await stopChild(server.child);
        removeTempDir(dataDir);
        return null;
      },
    };
  },
};

/** The version of an installed package, for the report (a caret range in package.json can float). */
function installedVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return 'not installed';
  }
}

/**
 * Hocuspocus as its own process, in plain Node as the reference is (through tsx it would carry
 * about 30 MB more and a loader thread). No extensions: it stores nothing, as the reference does.
 * It exits at once on SIGTERM, as the reference does, which also lets `--cpu-prof` write.
 */
const HOCUSPOCUS_SERVER = `
import { Server } from '@hocuspocus/server';
const server = new Server({ port: Number(process.env.PORT), address: process.env.HOST, quiet: true, stopOnSignals: false });
process.on('SIGTERM', () => process.exit(0));
await server.listen();
`;

const hocuspocusServer: Target = {
  name: 'hocuspocus',
  label: `@hocuspocus/server ${installedVersion('@hocuspocus/server')} (in memory, no extensions: no persistence)`,
  async start(opts) {
    const port = await freePort();
    const server = launch(
      [
        ...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProf, 'hocuspocus')] : []),
        // Evaluated in the project folder, so that the import resolves from its node_modules.
        '--input-type=module',
        '--eval',
        HOCUSPOCUS_SERVER,
      ],
      childEnv({ PORT: String(port), HOST: '127.0.0.1' }),
      port,
    );
    // It answers any plain HTTP request with "Welcome to Hocuspocus!".
    await waitReady(server, `http://127.0.0.1:${port}/`);
    const run = Date.now().toString(36);
    return {
      server,
      wsUrl: `ws://127.0.0.1:${port}`,
      roomNames: Array.from({ length: opts.rooms }, (_, i) => `bench-${run}-${i + 1}`),
      params: {},
      async stop() {
        await stopChild(server.child);
        return null;
      },
    };
  },
};

// ---- the workload --------------------------------------------------------------------------

/** Figures for one phase (warm-up or measured). */
class PhaseStats {
  edits = 0;
  /** Remote edits applied by clients (each edit is applied by C - 1 clients). */
  applied = 0;
  /** Edits not yet applied by every other client. */
  outstanding = 0;
  readonly latencies: number[] = [];
}

interface PendingEdit {
  remaining: number;
  phase: PhaseStats;
}

/** Messages all clients sent (what the server received) and received (what it sent). */
class MessageCounts {
  sent = 0;
  received = 0;
}

/** `ws`, counting every message a client sends and receives. */
function countingSocket(counts: MessageCounts): typeof globalThis.WebSocket {
  class CountingSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', () => counts.received++);
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      counts.sent++;
      super.send(data);
    }
  }
  return CountingSocket as unknown as typeof globalThis.WebSocket;
}

/** What the workload needs of a provider, so that y-websocket's and Hocuspocus's both fit. */
interface ClientConnection {
  readonly awareness: Awareness;
  /** Settles when the first sync with the server is done; listened for from the start. */
  readonly synced: Promise<void>;
  destroy(): void;
}

interface ConnectOptions {
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

class BenchClient {
  readonly doc = new Y.Doc();
  readonly map = this.doc.getMap<number>(EDIT_ROOT);
  readonly connection: ClientConnection;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly room: string,
    wsUrl: string,
    params: Record<string, string>,
    private readonly pending: Map<string, PendingEdit>,
    private readonly peers: number,
    { ownPresenceOnly, counts, provider }: { ownPresenceOnly: boolean; counts: MessageCounts; provider: Variant['provider'] },
  ) {
    const connect = provider === 'hocuspocus' ? connectHocuspocus : connectYWebsocket;
    this.connection = connect({ wsUrl, room, doc: this.doc, params, counts, ownPresenceOnly });
    this.map.observe((event, transaction) => {
      if (transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        const sentAt = this.map.get(key);
        const edit = this.pending.get(key);
        if (sentAt === undefined || !edit) continue;
        edit.phase.applied++;
        if (--edit.remaining === 0) {
          // The timestamp travelled inside the edit; this is the last peer to apply it.
          edit.phase.latencies.push(now - sentAt);
          edit.phase.outstanding--;
          this.pending.delete(key);
        }
      }
    });
  }

  synced(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${this.id} did not sync within ${timeoutMs} ms`)), timeoutMs);
      void this.connection.synced.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  edit(phase: PhaseStats): void {
    const key = `${this.id}.${++this.seq}`;
    this.pending.set(key, { remaining: this.peers, phase });
    phase.edits++;
    phase.outstanding++;
    this.map.set(key, performance.now());
  }

  /** Edits on a fixed schedule (open loop: late replies do not slow the edits down). */
  startEditing(phase: PhaseStats, rate: number, until: number): void {
    const interval = 1000 / rate;
    let next = performance.now() + Math.random() * interval;
    const tick = () => {
      if (performance.now() >= until) return;
      this.edit(phase);
      next += interval;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
  }

  get editCount(): number {
    return this.seq;
  }

  stopEditing(): void {
    clearTimeout(this.timer);
  }

  /** Moves the cursor (a presence field) `hz` times a second until destroyed, from a random phase. */
  startCursor(hz: number): void {
    if (hz <= 0) return;
    const interval = 1000 / hz;
    let step = 0;
    const move = () => {
      step++;
      this.connection.awareness.setLocalStateField('cursor', { x: (step * 7) % 1200, y: (step * 3) % 800 });
    };
    this.cursorTimer = setTimeout(() => {
      move();
      this.cursorTimer = setInterval(move, interval);
    }, Math.random() * interval);
  }

  destroy(): void {
    this.stopEditing();
    // Clears either the first timeout or the interval: Node timers share one handle type.
    clearInterval(this.cursorTimer);
    this.connection.destroy();
    this.doc.destroy();
  }
}

interface Result {
  variant: Variant;
  target: Target;
  opts: Options;
  /** Messages per second the clients sent (the server received) and received, measured phase. */
  clientSentPerSec: number;
  clientReceivedPerSec: number;
  measuredSeconds: number;
  /** The measured phase plus the wait for its last edits: what the CPU figures cover. */
  windowSeconds: number;
  edits: number;
  applied: number;
  undelivered: number;
  latencies: number[];
  serverCpuSeconds: number | null;
  /** CPU used on the machine by everything but the server and this process (noise). */
  otherCpuSeconds: number | null;
  serverPeakRssMb: number | null;
  benchCpuSeconds: number;
  benchLoopP99Ms: number;
  serverWarnings: string[];
  note: string | null;
}

async function runPhase(
  clients: BenchClient[],
  opts: Options,
  seconds: number,
  drainMs: number,
): Promise<{ stats: PhaseStats; seconds: number }> {
  const stats = new PhaseStats();
  const started = performance.now();
  const until = started + seconds * 1000;
  for (const client of clients) client.startEditing(stats, opts.rate, until);
  await sleep(seconds * 1000);
  for (const client of clients) client.stopEditing();
  const elapsed = (performance.now() - started) / 1000;
  // Let the last edits arrive everywhere; whatever has not by then counts as undelivered.
  const deadline = performance.now() + drainMs;
  while (stats.outstanding > 0 && performance.now() < deadline) await sleep(20);
  return { stats, seconds: elapsed };
}

async function runAgainst(variant: Variant, opts: Options): Promise<Result> {
  const { target } = variant;
  console.log(`\n▶ ${variant.label}`);
  const started = await target.start(opts);
  const pending = new Map<string, PendingEdit>();
  const clients: BenchClient[] = [];
  const counts = new MessageCounts();
  try {
    for (const [r, room] of started.roomNames.entries()) {
      for (let c = 0; c < opts.clients; c++) {
        clients.push(
          new BenchClient(`r${r}c${c}`, room, started.wsUrl, started.params, pending, opts.clients - 1, {
            ownPresenceOnly: variant.ownPresenceOnly,
            counts,
            provider: variant.provider,
          }),
        );
      }
    }
    await Promise.all(clients.map((c) => c.synced(30_000)));
    console.log(`  ${clients.length} clients connected and synced on port ${started.server.port}`);
    // Cursors move through the warm-up and the measured phase alike, as in a live workshop.
    for (const client of clients) client.startCursor(opts.cursorHz);

    if (opts.warmup > 0) {
      const warm = await runPhase(clients, opts, opts.warmup, 10_000);
      console.log(`  warm-up: ${warm.stats.edits} edits in ${opts.warmup} s`);
    }
    pending.clear();

    const machineBefore = machineBusySeconds();
    const cpuBefore = procStats(started.server.child.pid);
    const benchCpuBefore = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const warningsBefore = started.server.stderr.length;
    const countsBefore = { ...counts };
    const windowStart = performance.now();
    const measured = await runPhase(clients, opts, opts.seconds, 10_000);
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const sent = counts.sent - countsBefore.sent;
    const received = counts.received - countsBefore.received;
    loop.disable();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const cpuAfter = procStats(started.server.child.pid);
    const machineAfter = machineBusySeconds();
    const { stats } = measured;
    console.log(`  measured: ${stats.edits} edits in ${measured.seconds.toFixed(1)} s, ${stats.outstanding} not delivered everywhere`);

    // Every edit ever made (warm-up included) is what storage should now hold.
    const editsPerRoom = new Map<string, number>();
    for (const client of clients) editsPerRoom.set(client.room, (editsPerRoom.get(client.room) ?? 0) + client.editCount);
    for (const client of clients) client.destroy();
    clients.length = 0;
    const serverWarnings = started.server.stderr.slice(warningsBefore);
    const note = await started.stop(editsPerRoom);
    if (note) console.log(`  ${note}`);
    return {
      variant,
      target,
      opts,
      clientSentPerSec: sent / windowSeconds,
      clientReceivedPerSec: received / windowSeconds,
      measuredSeconds: measured.seconds,
      windowSeconds,
      edits: stats.edits,
      applied: stats.applied,
      undelivered: stats.outstanding,
      latencies: stats.latencies.sort((a, b) => a - b),
      serverCpuSeconds: cpuBefore && cpuAfter ? cpuAfter.cpuSeconds - cpuBefore.cpuSeconds : null,
      serverPeakRssMb: cpuAfter?.peakRssMb ?? null,
      otherCpuSeconds:
        machineBefore !== null && machineAfter !== null && cpuBefore && cpuAfter
          ? Math.max(
              0,
              machineAfter - machineBefore - (cpuAfter.cpuSeconds - cpuBefore.cpuSeconds) - (benchCpu.user + benchCpu.system) / 1e6,
            )
          : null,
      benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1e6,
      // The histogram records the whole timer interval; the delay is what exceeds it.
      benchLoopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
      serverWarnings,
      note,
    };
  } finally {
    for (const client of clients) client.destroy();
    await stopChild(started.server.child);
  }
}

// ---- report ----------------------------------------------------------------------------------

function summarise(r: Result) {
  const l = r.latencies;
  return {
    p50: percentile(l, 50),
    p95: percentile(l, 95),
    p99: percentile(l, 99),
    max: l.length ? l[l.length - 1]! : NaN,
    mean: l.length ? l.reduce((a, b) => a + b, 0) / l.length : NaN,
    editsPerSec: r.edits / r.measuredSeconds,
    appliedPerSec: r.applied / r.measuredSeconds,
  };
}

function report(opts: Options, results: Result[]): void {
  const offered = opts.rooms * opts.clients * opts.rate;
  console.log(opts.workshop ? '\n=== Sync benchmark: 40-person workshop room ===' : '\n=== Sync benchmark ===');
  console.log(
    `workload: ${opts.rooms} rooms × ${opts.clients} clients, ${opts.rate} edits/client/s ` +
      `(offered ${offered.toFixed(0)} edits/s, ${(offered * (opts.clients - 1)).toFixed(0)} deliveries/s), ` +
      (opts.cursorHz > 0 ? `cursors at ${opts.cursorHz} Hz per client, ` : '') +
      `${opts.warmup} s warm-up + ${opts.seconds} s measured per server`,
  );
  console.log('edit: one Y.Map key set to the send time; latency = edit → applied by every other client in the room');
  console.log(`this server run as: ${opts.server === 'bundle' ? 'node dist/server/index.js (the bundle npm start runs)' : 'node --import tsx server/index.ts'}`);
  if (results.some((r) => r.target === hocuspocusServer)) {
    console.log(
      `Hocuspocus run as: node --input-type=module --eval "new Server({ quiet: true }).listen()" (@hocuspocus/server ` +
        `${installedVersion('@hocuspocus/server')}, no extensions), clients @hocuspocus/provider ${installedVersion('@hocuspocus/provider')}`,
    );
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}\n`);

  const s = results.map(summarise);
  const header = ['', ...results.map((r) => r.variant.name)];
  const row = (label: string, pick: (i: number) => string) => [label, ...results.map((_, i) => pick(i))];
  const rows = [
    header,
    row('latency p50 (ms)', (i) => fmt(s[i]!.p50)),
    row('latency p95 (ms)', (i) => fmt(s[i]!.p95)),
    row('latency p99 (ms)', (i) => fmt(s[i]!.p99)),
    row('latency max (ms)', (i) => fmt(s[i]!.max)),
    row('latency mean (ms)', (i) => fmt(s[i]!.mean)),
    row('edits slower than 50 ms', (i) => String(results[i]!.latencies.filter((l) => l > 50).length)),
    row('edits/s', (i) => fmt(s[i]!.editsPerSec)),
    row('updates applied/s', (i) => fmt(s[i]!.appliedPerSec)),
    row('edits measured', (i) => String(results[i]!.edits)),
    row('not delivered everywhere', (i) => String(results[i]!.undelivered)),
    row('messages clients sent/s (server received)', (i) => fmt(results[i]!.clientSentPerSec, 0)),
    row('messages clients received/s (server sent)', (i) => fmt(results[i]!.clientReceivedPerSec, 0)),
    row('server CPU (% of one core)', (i) => fmt(cpuPercent(results[i]!), 0)),
    row('server peak RSS (MB)', (i) => fmt(results[i]!.serverPeakRssMb, 0)),
    row('bench CPU (% of one core)', (i) => fmt((results[i]!.benchCpuSeconds / results[i]!.windowSeconds) * 100, 0)),
    row('bench event-loop delay p99 (ms)', (i) => fmt(results[i]!.benchLoopP99Ms)),
    row('other processes CPU (% of one core)', (i) =>
      fmt(results[i]!.otherCpuSeconds === null ? null : (results[i]!.otherCpuSeconds! / results[i]!.windowSeconds) * 100, 0),
    ),
    row('server warnings (stderr)', (i) => String(results[i]!.serverWarnings.length)),
  ];
  console.log(table(rows));

  for (const r of results) {
    if (r.note) console.log(`\n${r.variant.name}: ${r.note}`);
    if (r.serverWarnings.length > 0) {
      console.log(`${r.variant.name} wrote to stderr during the measured phase (first lines):`);
      for (const line of r.serverWarnings.slice(0, 5)) console.log(`  ${line}`);
    }
  }

  if (opts.workshop) reportWorkshop(results, s);
  const mine = results.findIndex((r) => isPrimary(r.variant, opts));
  const ref = results.findIndex((r) => r.target === referenceServer);
  if (mine < 0 || ref < 0) return;
  const a = s[mine]!;
  const b = s[ref]!;
  console.log(`\n${results[mine]!.variant.name} / reference:`);
  console.log(`  p50 latency  ${ratio(a.p50, b.p50)}`);
  console.log(`  p99 latency  ${ratio(a.p99, b.p99)}`);
  console.log(`  throughput   ${ratio(a.appliedPerSec, b.appliedPerSec)} (updates applied/s), ${ratio(a.editsPerSec, b.editsPerSec)} (edits/s)`);
  const lost = results[mine]!.undelivered > 0 || results[ref]!.undelivered > 0;
  const met = a.p99 <= b.p99 && !lost;
  console.log(
    `\nverdict: target "this server, storing every update, no slower than the reference at p99" ` +
      `${met ? 'MET' : 'NOT MET'}: p99 ${fmt(a.p99)} ms vs ${fmt(b.p99)} ms (${ratio(a.p99, b.p99)})` +
      (lost ? '; some edits were not delivered everywhere' : ''),
  );
}

/** Each variant against the reference, and our client against stock clients on this server. */
function reportWorkshop(results: Result[], s: ReturnType<typeof summarise>[]): void {
  const ref = results.findIndex((r) => r.target === referenceServer);
  const stock = results.findIndex((r) => r.target === thisServer && !r.variant.ownPresenceOnly);
  const ours = results.findIndex((r) => r.target === thisServer && r.variant.ownPresenceOnly);
  const hp = results.findIndex((r) => r.target === hocuspocusServer);
  const rows = [['ratio', 'p50', 'p99', 'server CPU', 'messages to server']];
  const add = (label: string, i: number, j: number) => {
    if (i < 0 || j < 0) return;
    const [a, b] = [results[i]!, results[j]!];
    rows.push([
      label,
      ratio(s[i]!.p50, s[j]!.p50),
      ratio(s[i]!.p99, s[j]!.p99),
      ratio(cpuPercent(a), cpuPercent(b)),
      ratio(a.clientSentPerSec, b.clientSentPerSec),
    ]);
  };
  add(`${results[stock]?.variant.name} / reference`, stock, ref);
  add(`${results[ours]?.variant.name} / reference`, ours, ref);
  add(`${results[ours]?.variant.name} / ${results[stock]?.variant.name}`, ours, stock);
  add(`${results[ours]?.variant.name} / ${results[hp]?.variant.name}`, ours, hp);
  if (rows.length > 1) console.log(`\n${table(rows)}`);
  if (ours < 0 || hp < 0) return;
  // Issue 16's target. Unequal in one way that favours Hocuspocus: this server stores every update.
  const [a, b] = [s[ours]!, s[hp]!];
  const lost = results[ours]!.undelivered > 0 || results[hp]!.undelivered > 0;
  const met = a.p99 < b.p99 && !lost;
  console.log(
    `\nverdict: target "${results[ours]!.variant.name} ahead of Hocuspocus at p99" ${met ? 'MET' : 'NOT MET'}: ` +
      `p99 ${fmt(a.p99)} ms vs ${fmt(b.p99)} ms (${ratio(a.p99, b.p99)})` +
      (lost ? '; some edits were not delivered everywhere' : ''),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface PairRatios {
  p50: number;
  p99: number;
  /** Ours against Hocuspocus at p99, where it ran (the workshop room). */
  hocuspocusP99?: number;
}

/** One noisy run decides little; the median ratio over alternating pairs decides the verdict. */
function reportPairs(ratios: PairRatios[], mine: string): void {
  console.log(`\n=== ${ratios.length} pairs, alternating order ===`);
  console.log(`p50 ratios (${mine}/reference): ${ratios.map((r) => r.p50.toFixed(2)).join(', ')}; median ${median(ratios.map((r) => r.p50)).toFixed(2)}×`);
  console.log(`p99 ratios (${mine}/reference): ${ratios.map((r) => r.p99.toFixed(2)).join(', ')}; median ${median(ratios.map((r) => r.p99)).toFixed(2)}×`);
  const m = median(ratios.map((r) => r.p99));
  console.log(
    `verdict over ${ratios.length} pairs: target "this server, storing every update, no slower than the reference at p99" ` +
      `${m <= 1 ? 'MET' : 'NOT MET'} (median p99 ratio ${m.toFixed(2)}×)`,
  );
  const hp = ratios.flatMap((r) => (r.hocuspocusP99 === undefined ? [] : [r.hocuspocusP99]));
  if (hp.length === 0) return;
  const h = median(hp);
  console.log(`p99 ratios (${mine}/Hocuspocus): ${hp.map((r) => r.toFixed(2)).join(', ')}; median ${h.toFixed(2)}×`);
  console.log(`verdict over ${hp.length} runs: target "ahead of Hocuspocus at p99" ${h < 1 ? 'MET' : 'NOT MET'} (median p99 ratio ${h.toFixed(2)}×)`);
}

/** The variant the verdict is about: stock clients, or in the workshop room our own client. */
function isPrimary(variant: Variant, opts: Options): boolean {
  return variant.target === thisServer && variant.ownPresenceOnly === opts.workshop;
}

/** What runs in one pair, in the default order (this server first). */
function variantsFor(opts: Options): Variant[] {
  const yws = 'y-websocket';
  const reference: Variant = { name: 'reference', label: referenceServer.label, target: referenceServer, ownPresenceOnly: false, provider: yws };
  if (!opts.workshop) {
    return [{ name: 'this', label: thisServer.label, target: thisServer, ownPresenceOnly: false, provider: yws }, reference];
  }
  return [
    { name: 'this, stock clients', label: `${thisServer.label}; stock y-websocket clients (echo others' presence)`, target: thisServer, ownPresenceOnly: false, provider: yws },
    { name: 'this, our client', label: `${thisServer.label}; clients as ours (own presence only)`, target: thisServer, ownPresenceOnly: true, provider: yws },
    { name: 'reference, stock clients', label: `${referenceServer.label}; stock y-websocket clients`, target: referenceServer, ownPresenceOnly: false, provider: yws },
    {
      name: 'Hocuspocus',
      label: `${hocuspocusServer.label}; @hocuspocus/provider ${installedVersion('@hocuspocus/provider')} clients (own presence only)`,
      target: hocuspocusServer,
      // Its provider sends only its own presence by itself (see connectHocuspocus).
      ownPresenceOnly: true,
      provider: 'hocuspocus',
    },
  ];
}

function cpuPercent(r: Result): number | null {
  return r.serverCpuSeconds === null ? null : (r.serverCpuSeconds / r.windowSeconds) * 100;
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = readOptions();
  // Each provider adds a process 'exit' listener.
  process.setMaxListeners(opts.rooms * opts.clients + 20);
  const all = variantsFor(opts);
  // A hang must not outlive the run: a hard limit well beyond the expected duration.
  const budgetMs = 90_000 + all.length * opts.pairs * (opts.warmup + opts.seconds + 25) * 1000;
  const watchdog = setTimeout(() => {
    console.error(`\nbenchmark still running after ${budgetMs / 1000} s: giving up`);
    void cleanup().finally(() => process.exit(1));
  }, budgetMs);
  watchdog.unref();

  const pairs = opts.only === 'both' ? opts.pairs : 1;
  const ratios: PairRatios[] = [];
  try {
    for (let pair = 0; pair < pairs; pair++) {
      // Alternate the order so neither server always runs on a warmer (or busier) machine.
      const referenceFirst = opts.referenceFirst !== (pair % 2 === 1);
      const ordered = referenceFirst ? [...all].reverse() : all;
      const variants = ordered.filter((v) => opts.only === 'both' || v.target.name === opts.only);
      const results: Result[] = [];
      if (pairs > 1) console.log(`\n##### pair ${pair + 1} of ${pairs} (${variants.map((v) => v.name).join(' first, then ')})`);
      for (const variant of variants) results.push(await runAgainst(variant, opts));
      report(opts, results);
      const mine = results.find((r) => isPrimary(r.variant, opts));
      const ref = results.find((r) => r.target === referenceServer);
      const hp = results.find((r) => r.target === hocuspocusServer);
      if (mine && ref) {
        const [a, b] = [summarise(mine), summarise(ref)];
        ratios.push({ p50: a.p50 / b.p50, p99: a.p99 / b.p99, ...(hp ? { hocuspocusP99: a.p99 / summarise(hp).p99 } : {}) });
      }
    }
    if (ratios.length > 1) reportPairs(ratios, all.find((v) => isPrimary(v, opts))?.name ?? 'this');
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('\nbenchmark failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
    void cleanup().finally(() => process.exit(1));
  },
);
