/**
 * Scale-out benchmark (issue 18): the sync workload of `bench/sync.ts` against N server
 * processes sharing one PostgreSQL database and one Redis, for N = 1, 2, 3, then a durability
 * run in which one of two instances is killed with SIGKILL mid-run.
 *
 * For each N: a fresh PostgreSQL schema (dropped at the end), N instances of the bundle
 * `npm start` runs, R rooms × C clients. Client c of the whole run connects to instance
 * c mod N, so with N ≥ 2 every room is open on several instances and most deliveries cross
 * Redis. Every client makes `rate` edits a second (a fresh key in a Y.Map, unique to the client,
 * the value its send time); an edit's latency is the time until EVERY other client of its room
 * has applied it (all clients live in this process, on one clock), and each delivery is also
 * timed on its own, split by whether it stayed on the author's instance or crossed Redis: on a
 * small machine, where all N instances, PostgreSQL, Redis and the clients share the cores, that
 * split tells the cost of the hop from the cost of the crowding. Clients send only their own
 * presence, as our web client does. After the run every room's doc is loaded from PostgreSQL
 * and every key ever made is looked for.
 *
 *   npm run bench:cluster [-- --instances 1,2,3 --rooms 20 --clients 5 --seconds 20 --rate 2]
 *   npm run bench:cluster -- --workshop     (one 40-client room, cursors at 20 Hz, 1 edit/s each)
 *
 * Durability: 2 instances, everyone editing; halfway through, one instance is killed with
 * SIGKILL. At once, before anyone reconnects, the database is read: every edit some client had
 * received (so the server had relayed it) must be in it. Then the dead instance's clients carry
 * on against the survivor with their own Y.Doc and a new provider (as test/cluster.test.ts
 * does), and at the end every edit made must be in the database.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and REDIS_URL (default
 * redis://127.0.0.1:6379); skipped, saying why, when either cannot be reached.
 * It prints figures; it asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sendOwnAwarenessOnly } from '../client/room/ownAwareness.js';
import { MAP_ROOTS } from '../shared/map/doc.js';
import { AuthService } from '../server/auth/service.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { seedSites } from '../server/seed/sites.js';
import { openPostgresStorage, type PostgresStorage } from '../server/storage/postgres/index.js';
import { replayStoredDoc } from '../server/ydoc/replay.js';
import { buildServer } from '../scripts/buildServer.js';
import { freePort } from '../test/helpers/server.js';
import { childEnv, countingSocket, fmt, machineBusySeconds, numberOption, percentile, postJson, procStats, ratio, sleep, table } from './common.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SITE = 'torbay';
const EMAIL = 'bench-cluster@example.org';
const PASSWORD = 'benchmark password, not a secret';
const LOOP_RESOLUTION_MS = 5;
/** A root a map room has (the room rules refuse any other); numeric loop notes are skipped by every reader. */
const EDIT_ROOT = MAP_ROOTS.loopNotes;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The room feed's stream key (server/fanout/redis.ts), deleted after each run. */
/** A room's stream, as `server/fanout/redis.ts` names it for the deployment (its schema). */
const STREAM = (schema: string, roomId: string) => `slw:${schema}:room:${roomId}`;

// ---- options ------------------------------------------------------------------------------

interface Options {
  instances: number[];
  rooms: number;
  clients: number;
  seconds: number;
  rate: number;
  warmup: number;
  cursorHz: number;
  workshop: boolean;
  /** Length of the durability run (the kill comes halfway); 0 skips it. */
  durabilitySeconds: number;
  /** Run the durability run only. */
  durabilityOnly: boolean;
  databaseUrl: string;
  redisUrl: string;
}

const DEFAULTS = {
  edits: { rooms: '20', clients: '5', seconds: '20', rate: '2', warmup: '3', 'cursor-hz': '0' },
  // As bench/sync.ts's workshop room: one room, 40 people, cursors at 20 Hz, an edit a second each.
  workshop: { rooms: '1', clients: '40', seconds: '20', rate: '1', warmup: '3', 'cursor-hz': '20' },
} as const;

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '1,2,3' },
      rooms: { type: 'string' },
      clients: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      'cursor-hz': { type: 'string' },
      workshop: { type: 'boolean', default: false },
      'durability-seconds': { type: 'string', default: '10' },
      'durability-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run bench:cluster -- [--instances 1,2,3] [--rooms 20] [--clients 5] [--seconds 20] [--rate 2] [--warmup 3] [--cursor-hz 0] [--workshop] [--durability-seconds 10] [--durability-only]\n' +
        '  instances  instance counts to run, each on a fresh PostgreSQL schema (1 to 8 each)\n' +
        '  rooms      rooms; clients: clients per room (at least 2), spread round-robin over the instances\n' +
        '  seconds    length of the measured phase; warmup: seconds of the same load before it\n' +
        '  rate       edits per client per second; cursor-hz: cursor (presence) moves per client per second\n' +
        '  workshop   one 40-client room, cursors at 20 Hz, one edit/client/s (defaults 1 room × 40 clients, --cursor-hz 20, --rate 1)\n' +
        '  durability-seconds  length of the run with 2 instances in which one is killed halfway (0: skip it)\n' +
        `  environment: DATABASE_URL (default ${DEFAULT_DATABASE_URL}), REDIS_URL (default ${DEFAULT_REDIS_URL})`,
    );
    process.exit(0);
  }
  const instances = values.instances.split(',').map((s) => Math.round(numberOption('instances', s.trim(), 1, 8)));
  const defaults = values.workshop ? DEFAULTS.workshop : DEFAULTS.edits;
  return {
    instances: [...new Set(instances)].sort((a, b) => a - b),
    rooms: Math.round(numberOption('rooms', values.rooms ?? defaults.rooms, 1, 1000)),
    clients: Math.round(numberOption('clients', values.clients ?? defaults.clients, 2, 200)),
    seconds: numberOption('seconds', values.seconds ?? defaults.seconds, 1, 600),
    rate: numberOption('rate', values.rate ?? defaults.rate, 0.1, 1000),
    warmup: numberOption('warmup', values.warmup ?? defaults.warmup, 0, 120),
    cursorHz: numberOption('cursor-hz', values['cursor-hz'] ?? defaults['cursor-hz'], 0, 100),
    workshop: values.workshop,
    durabilitySeconds: numberOption('durability-seconds', values['durability-seconds'], 0, 600),
    durabilityOnly: values['durability-only'],
    // Empty means unset, as the server's config reads it.
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || DEFAULT_REDIS_URL,
  };
}

/** A URL fit to print: its password, if any, hidden. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

// ---- what the run leaves behind, cleaned up however it ends ----------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
/** Bench-side stores of each run's schema; closing one drops its schema. */
const stores = new Set<PostgresStorage>();

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

async function cleanup(): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([...stores].map((store) => store.close().catch(() => undefined)));
  stores.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// Last resort (process.exit from a signal handler or a crash): synchronous kill and delete.
// A schema left behind then is named bench_cluster_<pid>_…, for dropping by hand.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping instances, dropping schemas, removing temp folders`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- reachability ----------------------------------------------------------------------------

/** Why PostgreSQL or Redis cannot be used, or null when both answer. */
async function unreachable(opts: Options): Promise<string | null> {
  const client = new pg.Client({ connectionString: opts.databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    return `PostgreSQL at ${redact(opts.databaseUrl)} is unreachable (${reason(error)}); start it or set DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(opts.redisUrl, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // ioredis rejects with "Connection is closed."; the cause comes as an 'error' event.
  let cause: unknown;
  redis.on('error', (error: unknown) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis at ${redact(opts.redisUrl)} is unreachable (${reason(cause ?? error)}); start it or set REDIS_URL`;
  } finally {
    redis.disconnect();
  }
  return null;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

// ---- instances -------------------------------------------------------------------------------

let bundled: Promise<string> | undefined;

/** The bundle `npm start` runs, built once per run into a folder of its own inside the project (so it resolves node_modules). */
function bundle(): Promise<string> {
  const dir = join(ROOT, 'dist', `server-cluster-bench-${process.pid}`);
  tempDirs.add(dir);
  return (bundled ??= buildServer(dir));
}

interface Instance {
  /** 1-based, as printed. */
  number: number;
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Lines written to stderr (warnings and errors), the last 200. */
  stderr: string[];
  exited: Promise<void>;
  output(): string;
}

async function startInstance(number: number, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', await bundle()], {
    cwd: ROOT,
    env: childEnv({
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      // Unused on PostgreSQL but for what the server writes beside its data.
      DATA_DIR: makeTempDir('slw-cluster-bench-'),
      LOG_LEVEL: 'warn',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  const all: string[] = [];
  const keep = (into: string[]) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) into.push(line);
    if (into.length > 200) into.splice(0, into.length - 200);
  };
  child.stdout!.on('data', keep(all));
  child.stderr!.on('data', (chunk: Buffer) => {
    keep(stderr)(chunk);
    keep(all)(chunk);
  });
  const instance: Instance = {
    number,
    child,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    stderr,
    exited,
    output: () => all.slice(-30).join('\n'),
  };
  await waitReady(instance);
  return instance;
}

async function waitReady(instance: Instance, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
      throw new Error(`instance ${instance.number} exited before it was ready:\n${instance.output()}`);
    }
    try {
      const res = await fetch(`${instance.url}/api/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`instance ${instance.number} not ready after ${timeoutMs} ms:\n${instance.output()}`);
}

/** SIGTERM (the server stores what it holds and closes), then SIGKILL if it has not exited within `graceMs`. */
async function stopInstance(instance: Instance, graceMs = 10_000): Promise<void> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) {
    instance.child.kill('SIGTERM');
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), graceMs);
    await instance.exited;
    clearTimeout(timer);
  }
  children.delete(instance.child);
}

/** N instances on a schema of their own, with the bench account and R rooms made. */
interface Cluster {
  schema: string;
  store: PostgresStorage;
  instances: Instance[];
  token: string;
  roomIds: string[];
  /** Stops what still runs, deletes the rooms' Redis streams and drops the schema. */
  close(): Promise<void>;
}

let schemas = 0;

async function openCluster(n: number, opts: Options): Promise<Cluster> {
  const schema = `bench_cluster_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
  // The account and its membership are made directly in storage, as an operator would.
  const store = await openPostgresStorage({ connectionString: opts.databaseUrl, schema, dropSchemaOnClose: true, maxConnections: 4 });
  stores.add(store);
  const instances: Instance[] = [];
  const roomIds: string[] = [];
  const close = async () => {
    await Promise.all(instances.map((i) => stopInstance(i, 2000)));
    const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      if (roomIds.length > 0) await redis.del(...roomIds.map((id) => STREAM(schema, id)));
    } catch {
      // Capped and trimmed by age anyway.
    } finally {
      redis.disconnect();
    }
    stores.delete(store);
    await store.close();
  };
  try {
    await seedSites(store);
    const auth = AuthService.fromConfig(store, loadConfig({ DATA_DIR: tmpdir() }), createLogger('silent'));
    const user = await auth.createUser({ email: EMAIL, password: PASSWORD, name: 'Bench', organisation: 'Bench', isAdmin: false });
    const site = await store.getSite(SITE);
    if (!site) throw new Error(`the seeded site "${SITE}" is missing`);
    await store.setRole(site.id, user.id, 'member');

    const env = {
      DATABASE_URL: opts.databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: opts.redisUrl,
      SEED_SITES: 'false',
      // One bench account makes every room: lift the per-site and per-member caps.
      MAX_ROOMS_PER_SITE: '100000',
      MAX_ROOMS_PER_MEMBER: '100000',
    };
    instances.push(...(await Promise.all(Array.from({ length: n }, (_, i) => startInstance(i + 1, env)))));
    // Sessions live in the database: a token from one instance is good on every other.
    const login = await postJson(`${instances[0]!.url}/api/auth/login`, { email: EMAIL, password: PASSWORD });
    const token = (login as { token: string }).token;
    for (let i = 0; i < opts.rooms; i++) {
      const via = instances[i % n]!;
      const room = await postJson(`${via.url}/api/sites/${SITE}/rooms`, { kind: 'map', title: `Cluster bench ${i + 1}` }, token);
      roomIds.push((room as { id: string }).id);
    }
    return { schema, store, instances, token, roomIds, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** Every edit key in the rooms' docs as PostgreSQL holds them now. */
async function storedKeys(store: PostgresStorage, roomIds: readonly string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const id of roomIds) {
    const { doc } = replayStoredDoc(await store.loadDoc(id));
    for (const key of doc.getMap(EDIT_ROOT).keys()) keys.add(key);
    doc.destroy();
  }
  return keys;
}

/** Redis's own CPU seconds (user + system, the whole server); null where it cannot be read. */
async function redisCpuSeconds(redisUrl: string): Promise<number | null> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const seconds = field('used_cpu_user') + field('used_cpu_sys');
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

// ---- the workload --------------------------------------------------------------------------

/** Figures for one phase (warm-up or measured). */
class PhaseStats {
  edits = 0;
  /** Remote edits applied by clients (each edit is applied by C - 1 clients). */
  applied = 0;
  /** Edits not yet applied by every other client. */
  outstanding = 0;
  /** Per edit: until the last other client applied it. */
  readonly latencies: number[] = [];
  /** Per delivery: to a client on the author's instance, and to one on another (through Redis). */
  readonly sameInstance: number[] = [];
  readonly crossInstance: number[] = [];
}

interface PendingEdit {
  author: BenchClient;
  remaining: number;
  phase: PhaseStats;
}

/** What the clients of one run share. */
class Workload {
  readonly pending = new Map<string, PendingEdit>();
  /** Every edit some client other than its author has applied: the server relayed it. */
  readonly relayed = new Set<string>();
  /** Messages all clients sent and received. */
  readonly counts = { sent: 0, received: 0 };
  /** The WebSocket class the clients use: `ws`, counting into `counts`. */
  readonly socket = countingSocket(this.counts);

  constructor(readonly token: string) {}
}

class BenchClient {
  readonly doc = new Y.Doc();
  readonly map = this.doc.getMap<number>(EDIT_ROOT);
  provider!: WebsocketProvider;
  synced!: Promise<void>;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly room: string,
    public instance: Instance,
    private readonly work: Workload,
    private readonly peers: number,
  ) {
    this.map.observe((event, transaction) => {
      if (transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        this.work.relayed.add(key);
        const sentAt = this.map.get(key);
        const edit = this.work.pending.get(key);
        if (sentAt === undefined || !edit) continue;
        edit.phase.applied++;
        (edit.author.instance === this.instance ? edit.phase.sameInstance : edit.phase.crossInstance).push(now - sentAt);
        if (--edit.remaining === 0) {
          // The timestamp travelled inside the edit; this is the last peer to apply it.
          edit.phase.latencies.push(now - sentAt);
          edit.phase.outstanding--;
          this.work.pending.delete(key);
        }
      }
    });
    this.connect(instance);
  }

  private connect(instance: Instance): void {
    this.instance = instance;
    const provider = new WebsocketProvider(instance.wsUrl, this.room, this.doc, {
      params: { token: this.work.token },
      WebSocketPolyfill: this.work.socket,
      disableBc: true,
    });
    // As our web client: stock providers send back every presence change they receive.
    sendOwnAwarenessOnly(provider);
    this.provider = provider;
    // Listened for from the start, so a sync before anyone awaits it is not missed.
    this.synced = new Promise<void>((resolve) => {
      const onSync = (isSynced: boolean) => {
        if (!isSynced) return;
        provider.off('sync', onSync);
        resolve();
      };
      provider.on('sync', onSync);
    });
  }

  /** Carries on against another instance with the same doc, as a reconnecting tab does. */
  moveTo(instance: Instance): void {
    this.dropProvider();
    this.connect(instance);
  }

  private dropProvider(): void {
    this.provider.destroy();
    // The provider leaves its awareness (and its timer) behind.
    this.provider.awareness.destroy();
  }

  waitSynced(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${this.id} did not sync with instance ${this.instance.number} within ${timeoutMs} ms`)), timeoutMs);
      void this.synced.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  edit(phase: PhaseStats): void {
    const key = `${this.id}.${++this.seq}`;
    this.work.pending.set(key, { author: this, remaining: this.peers, phase });
    phase.edits++;
    phase.outstanding++;
    this.map.set(key, performance.now());
  }

  /** Every key this client has made. */
  keys(): string[] {
    return Array.from({ length: this.seq }, (_, i) => `${this.id}.${i + 1}`);
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
      this.provider.awareness.setLocalStateField('cursor', { x: (step * 7) % 1200, y: (step * 3) % 800 });
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
    this.dropProvider();
    this.doc.destroy();
  }
}

/** R × C clients, client k of the run on instance k mod N: each room's clients spread over the instances. */
function connectClients(cluster: Cluster, work: Workload, opts: Options, tag: string): BenchClient[] {
  const clients: BenchClient[] = [];
  for (const [r, room] of cluster.roomIds.entries()) {
    for (let c = 0; c < opts.clients; c++) {
      const instance = cluster.instances[clients.length % cluster.instances.length]!;
      clients.push(new BenchClient(`${tag}r${r}c${c}`, room, instance, work, opts.clients - 1));
    }
  }
  return clients;
}

/** The share of deliveries (author → another client of the room) between clients on different instances. */
function crossShare(clients: readonly BenchClient[]): number {
  const byRoom = new Map<string, BenchClient[]>();
  for (const c of clients) byRoom.set(c.room, [...(byRoom.get(c.room) ?? []), c]);
  let all = 0;
  let crossing = 0;
  for (const members of byRoom.values()) {
    for (const a of members) {
      for (const b of members) {
        if (a === b) continue;
        all++;
        if (a.instance !== b.instance) crossing++;
      }
    }
  }
  return all === 0 ? 0 : crossing / all;
}

async function runPhase(clients: BenchClient[], opts: Options, seconds: number, drainMs: number): Promise<{ stats: PhaseStats; seconds: number }> {
  const stats = new PhaseStats();
  const started = performance.now();
  const until = started + seconds * 1000;
  for (const client of clients) client.startEditing(stats, opts.rate, until);
  await sleep(seconds * 1000);
  for (const client of clients) client.stopEditing();
  const elapsed = (performance.now() - started) / 1000;
  // Let the last edits arrive everywhere; whatever has not by then counts as undelivered.
  await drain(stats, drainMs);
  return { stats, seconds: elapsed };
}

async function drain(stats: PhaseStats, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (stats.outstanding > 0 && performance.now() < deadline) await sleep(20);
}

// ---- scale-out runs --------------------------------------------------------------------------

interface ScaleResult {
  n: number;
  measuredSeconds: number;
  /** The measured phase plus the wait for its last edits: what the CPU and message figures cover. */
  windowSeconds: number;
  edits: number;
  applied: number;
  undelivered: number;
  latencies: number[];
  sameInstance: number[];
  crossInstance: number[];
  crossShare: number;
  received: number;
  /** Per instance. */
  cpuSeconds: (number | null)[];
  peakRssMb: (number | null)[];
  redisCpuSeconds: number | null;
  otherCpuSeconds: number | null;
  benchCpuSeconds: number;
  benchLoopP99Ms: number;
  warnings: string[];
  madeEdits: number;
  storedEdits: number;
}

async function runScale(n: number, opts: Options): Promise<ScaleResult> {
  console.log(`\n▶ ${n} instance${n === 1 ? '' : 's'}`);
  const cluster = await openCluster(n, opts);
  const work = new Workload(cluster.token);
  const clients: BenchClient[] = [];
  try {
    clients.push(...connectClients(cluster, work, opts, `n${n}`));
    await Promise.all(clients.map((c) => c.waitSynced(30_000)));
    const share = crossShare(clients);
    console.log(
      `  schema ${cluster.schema}; ${clients.length} clients synced on ${cluster.instances.map((i) => new URL(i.url).port).join(', ')}; ` +
        `${(share * 100).toFixed(0)} % of deliveries cross instances`,
    );
    for (const client of clients) client.startCursor(opts.cursorHz);

    if (opts.warmup > 0) {
      const warm = await runPhase(clients, opts, opts.warmup, 10_000);
      console.log(`  warm-up: ${warm.stats.edits} edits in ${opts.warmup} s`);
    }
    work.pending.clear();

    const machineBefore = machineBusySeconds();
    const cpuBefore = cluster.instances.map((i) => procStats(i.child.pid));
    const redisBefore = await redisCpuSeconds(opts.redisUrl);
    const benchBefore = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const warningsBefore = cluster.instances.map((i) => i.stderr.length);
    const receivedBefore = work.counts.received;
    const windowStart = performance.now();
    const measured = await runPhase(clients, opts, opts.seconds, 10_000);
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const received = work.counts.received - receivedBefore;
    loop.disable();
    const benchCpu = process.cpuUsage(benchBefore);
    const redisAfter = await redisCpuSeconds(opts.redisUrl);
    const cpuAfter = cluster.instances.map((i) => procStats(i.child.pid));
    const machineAfter = machineBusySeconds();
    const { stats } = measured;
    console.log(`  measured: ${stats.edits} edits in ${measured.seconds.toFixed(1)} s, ${stats.outstanding} not delivered everywhere`);

    const cpuSeconds = cpuAfter.map((after, i) => (after && cpuBefore[i] ? after.cpuSeconds - cpuBefore[i]!.cpuSeconds : null));
    const instancesCpu = cpuSeconds.every((s) => s !== null) ? cpuSeconds.reduce((a, b) => a! + b!, 0)! : null;
    const benchCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
    const warnings = cluster.instances.flatMap((inst, i) => inst.stderr.slice(warningsBefore[i]).map((line) => `[${inst.number}] ${line}`));

    // Every edit ever made (warm-up included) is what PostgreSQL should hold once the instances stop.
    const made = clients.flatMap((c) => c.keys());
    for (const client of clients) client.destroy();
    clients.length = 0;
    await Promise.all(cluster.instances.map((i) => stopInstance(i)));
    const stored = await storedKeys(cluster.store, cluster.roomIds);
    const storedEdits = made.filter((k) => stored.has(k)).length;
    console.log(`  PostgreSQL after the instances stopped: ${storedEdits} of ${made.length} edits`);

    return {
      n,
      measuredSeconds: measured.seconds,
      windowSeconds,
      edits: stats.edits,
      applied: stats.applied,
      undelivered: stats.outstanding,
      latencies: stats.latencies.sort((a, b) => a - b),
      sameInstance: stats.sameInstance.sort((a, b) => a - b),
      crossInstance: stats.crossInstance.sort((a, b) => a - b),
      crossShare: share,
      received,
      cpuSeconds,
      peakRssMb: cpuAfter.map((s) => s?.peakRssMb ?? null),
      redisCpuSeconds: redisBefore !== null && redisAfter !== null ? redisAfter - redisBefore : null,
      otherCpuSeconds:
        machineBefore !== null && machineAfter !== null && instancesCpu !== null
          ? Math.max(0, machineAfter - machineBefore - instancesCpu - benchCpuSeconds)
          : null,
      benchCpuSeconds,
      // The histogram records the whole timer interval; the delay is what exceeds it.
      benchLoopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
      warnings,
      madeEdits: made.length,
      storedEdits,
    };
  } finally {
    for (const client of clients) client.destroy();
    await cluster.close();
  }
}

// ---- durability: one of two instances killed mid-run ------------------------------------------

interface DurabilityResult {
  killedAfterSeconds: number;
  moved: number;
  madeEdits: number;
  madeByMoved: number;
  relayedAtKill: number;
  /** Edits some client had applied before the kill, not in PostgreSQL right after it. */
  missingAtKill: number;
  /** From the kill until every moved client had synced with the survivor. */
  resyncMs: number;
  undelivered: number;
  relayedAtEnd: number;
  /** Edits some client had applied, not in PostgreSQL at the end: the figure this server promises is 0. */
  missingRelayedAtEnd: number;
  storedAtEnd: number;
  warnings: string[];
}

async function runDurability(opts: Options): Promise<DurabilityResult> {
  const seconds = opts.durabilitySeconds;
  console.log(`\n▶ durability: 2 instances, one killed with SIGKILL after ${(seconds / 2).toFixed(1)} s of ${seconds} s`);
  const cluster = await openCluster(2, opts);
  const work = new Workload(cluster.token);
  const clients: BenchClient[] = [];
  try {
    clients.push(...connectClients(cluster, work, opts, 'kill'));
    await Promise.all(clients.map((c) => c.waitSynced(30_000)));
    for (const client of clients) client.startCursor(opts.cursorHz);
    const [survivor, victim] = cluster.instances as [Instance, Instance];
    const moving = clients.filter((c) => c.instance === victim);
    console.log(`  schema ${cluster.schema}; ${clients.length} clients synced, ${moving.length} of them on instance ${victim.number}`);

    const stats = new PhaseStats();
    const started = performance.now();
    const until = started + seconds * 1000;
    for (const client of clients) client.startEditing(stats, opts.rate, until);
    await sleep((seconds * 1000) / 2);

    victim.child.kill('SIGKILL');
    await victim.exited;
    children.delete(victim.child);
    const killedAt = performance.now();
    // What had reached another client by the time the instance was dead, against what the
    // database holds now, before anyone reconnects (a reconnecting author sends its edits again).
    const relayedAtKill = [...work.relayed];
    const storedAtKill = await storedKeys(cluster.store, cluster.roomIds);
    const missingAtKill = relayedAtKill.filter((k) => !storedAtKill.has(k)).length;
    console.log(
      `  killed instance ${victim.number} after ${((killedAt - started) / 1000).toFixed(1)} s; ${relayedAtKill.length} edits relayed by then, ` +
        `${missingAtKill} of them missing from PostgreSQL (read in ${(performance.now() - killedAt).toFixed(0)} ms)`,
    );

    for (const client of moving) client.moveTo(survivor);
    await Promise.all(moving.map((c) => c.waitSynced(30_000)));
    const resyncMs = performance.now() - killedAt;
    console.log(`  ${moving.length} clients moved to instance ${survivor.number}, all synced ${resyncMs.toFixed(0)} ms after the kill`);

    await sleep(Math.max(0, until - performance.now()));
    for (const client of clients) client.stopEditing();
    await drain(stats, 15_000);
    const warnings = cluster.instances.flatMap((inst) => inst.stderr.map((line) => `[${inst.number}] ${line}`));

    const made = clients.flatMap((c) => c.keys());
    const madeByMoved = moving.reduce((sum, c) => sum + c.keys().length, 0);
    const relayedAtEnd = [...work.relayed];
    for (const client of clients) client.destroy();
    clients.length = 0;
    await stopInstance(survivor);
    const stored = await storedKeys(cluster.store, cluster.roomIds);
    const result: DurabilityResult = {
      killedAfterSeconds: (killedAt - started) / 1000,
      moved: moving.length,
      madeEdits: made.length,
      madeByMoved,
      relayedAtKill: relayedAtKill.length,
      missingAtKill,
      resyncMs,
      undelivered: stats.outstanding,
      relayedAtEnd: relayedAtEnd.length,
      missingRelayedAtEnd: relayedAtEnd.filter((k) => !stored.has(k)).length,
      storedAtEnd: made.filter((k) => stored.has(k)).length,
      warnings,
    };
    return result;
  } finally {
    for (const client of clients) client.destroy();
    await cluster.close();
  }
}

// ---- report ----------------------------------------------------------------------------------

function header(opts: Options): void {
  console.log('\n=== Scale-out: bench:cluster ===');
  const offered = opts.rooms * opts.clients * opts.rate;
  console.log(`workload: ${opts.rooms} room${opts.rooms === 1 ? '' : 's'} × ${opts.clients} clients, ${opts.rate} edits/client/s ` +
    `(offered ${offered.toFixed(0)} edits/s, ${(offered * (opts.clients - 1)).toFixed(0)} deliveries/s)` +
    (opts.cursorHz > 0 ? `, cursors at ${opts.cursorHz} Hz per client` : ''));
  console.log('clients: y-websocket providers sending only their own presence, as our web client does (client/room/ownAwareness.ts)');
  console.log('edit: one Y.Map key, unique to its client, set to the send time; latency = edit → applied by every other client in the room');
  console.log("clients: client k of the run on instance k mod N (each room's clients spread round-robin over the instances)");
  console.log(`instances: node dist/server/index.js (the bundle npm start runs) on PostgreSQL ${redact(opts.databaseUrl)} (a fresh schema per run, dropped after) and Redis ${redact(opts.redisUrl)}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; ${new Date().toISOString()}`);
}

function reportScale(opts: Options, results: ScaleResult[]): void {
  console.log(`\n--- ${opts.workshop ? 'one workshop room over N instances' : 'N instances on PostgreSQL + Redis'}: ${opts.warmup} s warm-up + ${opts.seconds} s measured per N ---\n`);
  const base = results.find((r) => r.n === 1) ?? null;
  const basis = base ? 'N=1' : `N=${results[0]?.n}`;
  const baseP99 = percentile((base ?? results[0])?.latencies ?? [], 99);
  const pct = (seconds: number | null, r: ScaleResult) => (seconds === null ? null : (seconds / r.windowSeconds) * 100);
  const rows = [
    ['N', 'cross', 'p50 ms', 'p99 ms', 'max ms', `p99 / ${basis}`, 'edits/s', 'applied/s', 'msgs delivered/s', 'undelivered', 'stored in PostgreSQL'],
    ...results.map((r) => {
      const l = r.latencies;
      return [
        String(r.n),
        `${(r.crossShare * 100).toFixed(0)} %`,
        fmt(percentile(l, 50)),
        fmt(percentile(l, 99)),
        fmt(l.length ? l[l.length - 1]! : NaN),
        ratio(percentile(l, 99), baseP99),
        fmt(r.edits / r.measuredSeconds),
        fmt(r.applied / r.measuredSeconds),
        fmt(r.received / r.windowSeconds, 0),
        String(r.undelivered),
        `${r.storedEdits} / ${r.madeEdits}`,
      ];
    }),
  ];
  console.log(table(rows));
  console.log(
    '\np50/p99/max: per edit, until every other client of the room applied it; cross: deliveries between clients on different instances (through Redis); ' +
      'applied/s: edits applied by other clients; msgs delivered/s: WebSocket messages all clients received (edits, presence, sync); ' +
      'stored: edit keys found in PostgreSQL after the run, of all made (warm-up included)\n',
  );
  const split = (l: number[]) => (l.length === 0 ? '-' : `${fmt(percentile(l, 50))} / ${fmt(percentile(l, 99))} (${l.length})`);
  console.log(table([
    ['N', 'to the same instance: p50 / p99 ms (deliveries)', 'to another instance, through Redis: p50 / p99 ms (deliveries)'],
    ...results.map((r) => [String(r.n), split(r.sameInstance), split(r.crossInstance)]),
  ]));
  console.log('');
  const resources = [
    ['N', 'CPU % per instance', 'CPU % instances', 'peak RSS MB per instance', 'Redis CPU %', 'other CPU %', 'bench CPU %', 'bench loop p99 ms', 'warnings'],
    ...results.map((r) => {
      const all = r.cpuSeconds.every((s) => s !== null) ? r.cpuSeconds.reduce((a, b) => a! + b!, 0) : null;
      return [
        String(r.n),
        r.cpuSeconds.map((s) => fmt(pct(s, r), 0)).join(' / '),
        fmt(pct(all, r), 0),
        r.peakRssMb.map((m) => fmt(m, 0)).join(' / '),
        fmt(pct(r.redisCpuSeconds, r), 0),
        fmt(pct(r.otherCpuSeconds, r), 0),
        fmt(pct(r.benchCpuSeconds, r), 0),
        fmt(r.benchLoopP99Ms),
        String(r.warnings.length),
      ];
    }),
  ];
  console.log(table(resources));
  console.log(
    `\nCPU as % of one core over the measured phase and its drain; Redis: the whole Redis server (INFO cpu); ` +
      `other: the rest of the machine (PostgreSQL, Redis, anything else running) from /proc/stat. ` +
      `On ${cpus().length} cores, every process of the run shares them: above ${cpus().length * 100} % in all, latency is queueing for a core.`,
  );
  for (const r of results) {
    if (r.warnings.length === 0) continue;
    console.log(`\nN=${r.n}: the instances wrote to stderr during the measured phase (first lines):`);
    for (const line of r.warnings.slice(0, 5)) console.log(`  ${line}`);
  }
}

function reportDurability(opts: Options, d: DurabilityResult): void {
  console.log(`\n--- durability: kill -9 one of 2 instances mid-run (${opts.durabilitySeconds} s, same workload) ---\n`);
  const rows = [
    ['instance 2 killed (SIGKILL) after', `${d.killedAfterSeconds.toFixed(1)} s of ${opts.durabilitySeconds} s`],
    ['its clients, moved to instance 1 with their own docs', String(d.moved)],
    ['moved clients synced again, after the kill', `${d.resyncMs.toFixed(0)} ms`],
    ['edits made', `${d.madeEdits} (${d.madeByMoved} by the moved clients)`],
    ['edits relayed before the kill', String(d.relayedAtKill)],
    ['  of them missing from PostgreSQL right after it', String(d.missingAtKill)],
    ['edits relayed by the end', String(d.relayedAtEnd)],
    ['  of them missing from PostgreSQL at the end', String(d.missingRelayedAtEnd)],
    ['edits not delivered to every client by the end', String(d.undelivered)],
    ['edits in PostgreSQL at the end', `${d.storedAtEnd} of ${d.madeEdits}`],
    ['instance stderr lines', String(d.warnings.length)],
  ];
  const width = Math.max(...rows.map(([label]) => label!.length));
  for (const [label, value] of rows) console.log(`${label!.padEnd(width)}  ${value}`);
  const kept = d.missingAtKill === 0 && d.missingRelayedAtEnd === 0;
  console.log(
    `\nrelayed but lost: ${d.missingAtKill + d.missingRelayedAtEnd} — promise "an edit another client has received is in PostgreSQL" ` +
      `${kept ? 'KEPT' : 'BROKEN'}; ${d.storedAtEnd === d.madeEdits ? 'every edit made is stored' : `${d.madeEdits - d.storedAtEnd} edits made are not stored`}`,
  );
  if (d.warnings.length > 0) {
    console.log('instance stderr (first lines):');
    for (const line of d.warnings.slice(0, 5)) console.log(`  ${line}`);
  }
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = readOptions();
  const why = await unreachable(opts);
  if (why) {
    console.log(`bench:cluster skipped: ${why}.`);
    return;
  }
  // Each provider adds a process 'exit' listener; moved clients add another.
  process.setMaxListeners(opts.rooms * opts.clients * 2 + 20);
  const runs = opts.durabilityOnly ? 0 : opts.instances.length;
  // A hang must not outlive the run: a hard limit well beyond the expected duration.
  const budgetMs = 120_000 + runs * (opts.warmup + opts.seconds + 60) * 1000 + (opts.durabilitySeconds > 0 ? (opts.durabilitySeconds + 90) * 1000 : 0);
  const watchdog = setTimeout(() => {
    console.error(`\nbenchmark still running after ${budgetMs / 1000} s: giving up`);
    void cleanup().finally(() => process.exit(1));
  }, budgetMs);
  watchdog.unref();
  try {
    const results: ScaleResult[] = [];
    if (!opts.durabilityOnly) for (const n of opts.instances) results.push(await runScale(n, opts));
    const durability = opts.durabilitySeconds > 0 ? await runDurability(opts) : null;
    header(opts);
    if (results.length > 0) reportScale(opts, results);
    if (durability) reportDurability(opts, durability);
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
