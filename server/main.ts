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
import { DEFAULT_CLIENT_DIR } from './paths.js';
import { SearchIndexer } from './search/indexer.js';
import { seedDemo, type DemoInfo } from './seed/demo.js';
import { seedSites } from './seed/sites.js';
import { openSqliteStorage } from './storage/sqlite.js';
import type { Storage } from './storage/types.js';
import { SyncServer } from './sync/server.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  port: number;
  storage: Storage;
  auth: AuthService;
  sync: SyncServer;
  /** Keeps the site-wide search index current. */
  search: SearchIndexer;
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
export async function openStorage(config: Pick<Config, 'dataDir' | 'seedSites'>, log?: Logger): Promise<Storage> {
  mkdirSync(config.dataDir, { recursive: true });
  const storage = openSqliteStorage({
    filename: join(config.dataDir, 'workspace.db'),
    backgroundCheckpoints: log !== undefined,
    onCheckpointError: (message) => log?.warn('background checkpoint failed', { error: message }),
  });
  if (config.seedSites) await seedSites(storage);
  return storage;
}

/**
 * @example
 * const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }))
 * await fetch(`${server.url}/api/health`)
 * await server.close()
 */
export async function startServer(
  config: Config,
  options: { log?: Logger; clientDir?: string } = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const storage = await openStorage(config, log.child({ component: 'storage' }));
  const auth = AuthService.fromConfig(storage, config, log);
  const demo = config.demo ? await seedDemo(storage, auth) : null;
  await storage.deleteExpiredTokens(new Date().toISOString());

  // The indexer reads loaded rooms' live docs, and sync tells it when a doc changed.
  const search = new SearchIndexer({
    storage,
    log: log.child({ component: 'search' }),
    liveDoc: (roomId) => sync.liveDoc(roomId),
  });
  const sync = new SyncServer({
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
  });

  const app = createApp(
    {
      config,
      storage,
      auth,
      log,
      syncStats: () => sync.stats(),
      onAccessChanged: (userId) => void (userId ? sync.refreshUser(userId) : sync.recheckAll()),
      onRoomChanged: (roomId) => search.changed(roomId),
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
  log.info('workspace listening', { url, publicUrl: config.publicUrl, dataDir: config.dataDir, storage: storage.kind });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    storage,
    auth,
    sync,
    search,
    setupUrl,
    demo,
    close() {
      closing ??= (async () => {
        // Indexing stops first: what it has not indexed yet, the next start's catch-up finds.
        await search.close();
        await sync.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive HTTP connections would otherwise hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await storage.close();
        log.info('workspace stopped');
      })();
      return closing;
    },
  };
}
