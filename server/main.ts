/**
 * Wires the server together and starts it: storage, seed data, auth, the HTTP app and the
 * sync endpoint on one port. Tests call `startServer` with port 0; `index.ts` calls it with the
 * configuration from the environment.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.js';
import { AuthService } from './auth/service.js';
import { createSyncAccessPolicy } from './auth/syncAccess.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { countingLogger } from './metrics/errors.js';
import { measuredStorage } from './metrics/measuredStorage.js';
import { createMetricsRegistry, observeSync } from './metrics/registry.js';
import { DEFAULT_CLIENT_DIR } from './paths.js';
import { SearchIndexer } from './search/indexer.js';
import { seedDemo, type DemoInfo } from './seed/demo.js';
import { seedSites } from './seed/sites.js';
import { openRedisFeed } from './fanout/redis.js';
import { openPostgresStorage } from './storage/postgres/index.js';
import { openSqliteStorage } from './storage/sqlite/index.js';
import type { Storage } from './storage/types.js';
import { SyncServer } from './sync/server.js';
import { moveInDocVersions } from './versions/inDoc.js';
import { VersionService } from './versions/service.js';
import { WorkshopService } from './workshops/service.js';
import { createDocReader } from './ydoc/reader.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  port: number;
  /**
   * The store in use: the one handed to `startServer`, or the SQLite store it opened (and closes);
   * not the wrapper that measures it for `/metrics`.
   */
  storage: Storage;
  auth: AuthService;
  sync: SyncServer;
  /** Keeps the site-wide search index current. */
  search: SearchIndexer;
  /** Named versions of maps and documents. */
  versions: VersionService;
  /**
   * Settles when the versions older releases kept inside docs have been moved out (at once when
   * an earlier start did it), with how many rooms and versions were moved.
   */
  versionsMoved: Promise<{ rooms: number; versions: number }>;
  /** Present on a first start: the one-time link that creates the first administrator. */
  setupUrl: string | null;
  /** With DEMO=true: who to sign in as, and the worked example's map room. */
  demo: DemoInfo | null;
  close(): Promise<void>;
}


/**
 * Opens the project's storage in `dataDir` (creating it) and seeds the Local Vision sites. The
 * server checkpoints on a thread of its own (`log` given); the CLI, briefly open, does not.
 */
export async function openStorage(
  config: Pick<Config, 'dataDir' | 'seedSites'> & Partial<Pick<Config, 'databaseUrl' | 'databaseSchema'>>,
  log?: Logger,
): Promise<Storage> {
  if (config.databaseUrl) {
    const storage = await openPostgresStorage({ connectionString: config.databaseUrl, schema: config.databaseSchema });
    if (config.seedSites) await seedSites(storage);
    return storage;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const storage = openSqliteStorage({
    filename: join(config.dataDir, 'workspace.db'),
    backgroundCheckpoints: log !== undefined,
    onCheckpointError: (message) => log?.warn('background checkpoint failed', { error: message }),
  });
  if (config.seedSites) await seedSites(storage);
  return storage;
}

export interface StartOptions {
  log?: Logger;
  clientDir?: string;
  /**
   * A store opened by the caller, used instead of opening SQLite in `config.dataDir` (which is
   * then only reported). Its owner is the caller: the server seeds it as it would its own (with
   * `config.seedSites`), but `close()` leaves it open, for the caller to close after the server.
   */
  storage?: Storage;
}

/**
 * @example
 * const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }))
 * await fetch(`${server.url}/api/health`)
 * await server.close()
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // A registry per server, not prom-client's global one: tests run several servers in a process.
  const registry = createMetricsRegistry();
  const log = countingLogger(options.log ?? createLogger(config.logLevel), registry);
  const ownsStorage = options.storage === undefined;
  const opened = options.storage ?? (await openStorage(config, log.child({ component: 'storage' })));
  if (!ownsStorage && config.seedSites) await seedSites(opened);
  // Everything from here on goes through the measuring wrapper, sync above all.
  const storage = measuredStorage(opened, registry);
  const auth = AuthService.fromConfig(storage, config, log);
  const demo = config.demo ? await seedDemo(storage, auth, log.child({ component: 'demo' })) : null;
  await storage.deleteExpiredTokens(new Date().toISOString());

  // Search, versions and exports read rooms through one DocReader: the live doc when the room
  // is loaded, else storage. Sync tells the indexer when a doc changed.
  const docs = createDocReader({ store: storage, liveDoc: (roomId) => sync.liveDoc(roomId) });
  const search = new SearchIndexer({ storage, log: log.child({ component: 'search' }), docs });
  // Several instances on one database hear each other through Redis; one process needs nothing.
  const feed = config.redisUrl ? await openRedisFeed({ url: config.redisUrl, namespace: config.databaseSchema, log: log.child({ component: 'feed' }) }) : undefined;
  const sync = new SyncServer({
    feed,
    store: storage,
    access: createSyncAccessPolicy(storage, config.allowedOrigins),
    log: log.child({ component: 'sync' }),
    maxMessageBytes: config.maxMessageBytes,
    compactAfterUpdates: config.compactAfterUpdates,
    compactAfterBytes: config.compactAfterBytes,
    roomIdleMs: config.roomIdleMs,
    keepaliveMs: config.keepaliveMs,
    permissionRecheckMs: config.permissionRecheckMs,
    sendLimits: {
      perConnection: config.maxQueuedBytesPerConnection,
      perRoom: config.maxQueuedBytesPerRoom,
      perProcess: config.maxQueuedBytes,
    },
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    addressOf: (request) => {
      const forwarded = config.trustProxy ? String(request.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
      return forwarded || request.socket.remoteAddress || 'unknown';
    },
    onDocChanged: (roomId) => search.changed(roomId),
    // Who came to a workshop, for its record.
    onJoin: (roomId, kind, userId) => {
      if (kind !== 'workshop') return;
      storage.recordAttendance(roomId, userId).catch((error: unknown) => log.warn('recording attendance failed', { room: roomId, error }));
    },
  });
  observeSync(registry, () => sync.stats());
  const writeAsServer = sync.writeAsServer.bind(sync);
  const versions = new VersionService({
    store: storage,
    docs,
    writeAsServer,
    log: log.child({ component: 'versions' }),
    maxVersionBytes: config.maxVersionBytes,
  });

  const workshops = new WorkshopService({
    store: storage,
    docs,
    writeAsServer,
    saveVersion: (room, name, author) => versions.save(room, name, author),
    readVersion: async (room, versionId) => (await versions.read(room, versionId))?.content ?? null,
    publicUrl: config.publicUrl,
    onAccessChanged: () => sync.accessChanged(),
    log: log.child({ component: 'workshops' }),
  });

  const app = createApp(
    {
      config,
      storage,
      auth,
      log,
      syncStats: () => sync.stats(),
      onAccessChanged: (userId) => void sync.accessChanged(userId),
      onRoomChanged: (roomId) => search.changed(roomId),
      versions,
      workshops,
      docs,
      metrics: { registry },
    },
    { clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR },
  );

  const server = createAdaptorServer({ fetch: app.fetch });
  server.on('upgrade', (request, socket, head) => {
    if (sync.handles(request)) sync.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;

  const setupToken = await auth.issueSetupToken();
  const setupUrl = setupToken ? auth.setupUrl(setupToken) : null;
  // Rooms changed while the server was down (or never indexed) are indexed in the background.
  search.start();
  let closing: Promise<void> | undefined;
  // Versions older releases kept inside docs are moved out once, in the background.
  const versionsMoved = moveInDocVersions(
    { directory: storage, docs, writeAsServer, versions, log: log.child({ component: 'versions' }) },
    () => closing !== undefined,
  ).catch((error: unknown) => {
    log.error('moving versions out of docs failed; trying again at the next start', { error });
    return { rooms: 0, versions: 0 };
  });
  log.info('workspace listening', { url, publicUrl: config.publicUrl, dataDir: config.dataDir, storage: storage.kind });

  return {
    url,
    port,
    storage: opened,
    auth,
    sync,
    search,
    versions,
    versionsMoved,
    setupUrl,
    demo,
    close() {
      closing ??= (async () => {
        const started = Date.now();
        // No new connections from here on (HTTP or sync: upgrades come through this listener),
        // so a load balancer's next attempt goes to another instance. Requests under way finish.
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Indexing stops first: what it has not indexed yet, the next start's catch-up finds.
        await search.close();
        // Stops after the room it is moving versions of; the next start goes on.
        await versionsMoved;
        // Every room stores what it has queued, then every sync socket is closed with 1012.
        await sync.close();
        await feed?.close();
        // Keep-alive HTTP connections would otherwise hold the listener open.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await httpClosed;
        if (ownsStorage) await opened.close();
        log.info('workspace stopped', { ms: Date.now() - started });
      })();
      return closing;
    },
  };
}
