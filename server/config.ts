/**
 * The server's configuration, read once from the environment by `server/index.ts` (the only
 * file that touches `process.env`) and validated here so a typo fails at start with a clear
 * message instead of misbehaving later.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  PORT: int(0, 65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MAX_MESSAGE_BYTES: int(1024, 256 * 1024 * 1024).default(8 * 1024 * 1024),
  MAX_REQUEST_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  MAX_IMPORT_BYTES: int(1024, 256 * 1024 * 1024).default(10 * 1024 * 1024),
  COMPACT_AFTER_UPDATES: int(1, 1_000_000).default(500),
  COMPACT_AFTER_BYTES: int(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  ROOM_IDLE_MS: int(0, 24 * 3600 * 1000).default(30_000),
  KEEPALIVE_MS: int(1000, 60_000).default(10_000),
  PERMISSION_RECHECK_MS: int(1000, 3600_000).default(15_000),
  MAX_QUEUED_BYTES_PER_CONNECTION: int(64 * 1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
  MAX_QUEUED_BYTES_PER_ROOM: int(64 * 1024, 4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  MAX_QUEUED_BYTES: int(64 * 1024, 16 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  MAX_CONNECTIONS_PER_ADDRESS: int(1, 1_000_000).default(200),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 14),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_LOCK_MINUTES: int(1, 24 * 60).default(15),
  MAX_ROOMS_PER_SITE: int(1, 1_000_000).default(500),
  MAX_ROOMS_PER_MEMBER: int(1, 1_000_000).default(200),
  MAX_VERSION_BYTES: int(1024, 1024 * 1024 * 1024).default(32 * 1024 * 1024),
  TRUST_PROXY: bool.default(false),
  SEED_SITES: bool.default(true),
  DEMO: bool.default(false),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier').default('public'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (it guards /metrics)').optional(),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** The address people use to reach the workspace; invite links and cookie `Secure` follow it. */
  publicUrl: string;
  /** Origins allowed to open a cookie-authenticated WebSocket (the public URL's, plus extras). */
  allowedOrigins: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  maxMessageBytes: number;
  maxRequestBytes: number;
  /** Largest file the map import API takes (its request may be this large, beyond maxRequestBytes). */
  maxImportBytes: number;
  compactAfterUpdates: number;
  compactAfterBytes: number;
  roomIdleMs: number;
  keepaliveMs: number;
  permissionRecheckMs: number;
  /** Bytes that may wait for clients that stop reading: per connection, per room, in all. */
  maxQueuedBytesPerConnection: number;
  maxQueuedBytesPerRoom: number;
  maxQueuedBytes: number;
  /** Sync sockets one client address may hold at once (an office NAT holds a whole workshop). */
  maxConnectionsPerAddress: number;
  sessionTtlMs: number;
  loginMaxFailures: number;
  loginLockMs: number;
  /**
   * Most maps and documents in use (not archived) one site may have. Bounds what one site's
   * room list, search index and live rooms can grow to.
   */
  maxRoomsPerSite: number;
  /**
   * Most rooms in use one person may have created in one site, so one account (or a script
   * with its token) cannot fill a site on its own.
   */
  maxRoomsPerMember: number;
  /**
   * Largest snapshot a saved version may hold (the room's whole doc); saving a bigger room is
   * refused with 409 `limit_reached`, so one huge map cannot fill the disk 50 times over.
   */
  maxVersionBytes: number;
  trustProxy: boolean;
  seedSites: boolean;
  /** Add the worked example (demo people and a map of Torbay's issue); for `npm run demo`. */
  demo: boolean;
  /**
   * PostgreSQL to store everything in, for several server processes sharing one database;
   * null for the embedded SQLite file in `dataDir` (the default).
   */
  databaseUrl: string | null;
  /** The PostgreSQL schema the tables are in (default `public`): several deployments may share a database. */
  databaseSchema: string;
  /**
   * Redis through which several instances on one database see each other's live edits,
   * presence and access changes; null for a single process (the default).
   */
  redisUrl: string | null;
  /**
   * The bearer token `/metrics` requires, or null to serve it to anyone who can reach it (then
   * keep it off the public internet at the proxy).
   */
  metricsToken: string | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates environment variables into a `Config`.
 *
 * @example
 * const config = loadConfig({ PORT: '0', DATA_DIR: '/tmp/x' })
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "not set", as they do in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const extra = (e.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of extra) {
    if (!z.url({ protocol: /^https?$/ }).safeParse(origin).success) {
      throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" is not an http:// or https:// URL`);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    publicUrl,
    allowedOrigins: [...new Set([new URL(publicUrl).origin, ...extra.map((o) => new URL(o).origin)])],
    logLevel: e.LOG_LEVEL,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    maxImportBytes: e.MAX_IMPORT_BYTES,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    compactAfterBytes: e.COMPACT_AFTER_BYTES,
    roomIdleMs: e.ROOM_IDLE_MS,
    keepaliveMs: e.KEEPALIVE_MS,
    permissionRecheckMs: e.PERMISSION_RECHECK_MS,
    maxQueuedBytesPerConnection: e.MAX_QUEUED_BYTES_PER_CONNECTION,
    maxQueuedBytesPerRoom: e.MAX_QUEUED_BYTES_PER_ROOM,
    maxQueuedBytes: e.MAX_QUEUED_BYTES,
    maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMs: e.LOGIN_LOCK_MINUTES * 60_000,
    maxRoomsPerSite: e.MAX_ROOMS_PER_SITE,
    maxRoomsPerMember: e.MAX_ROOMS_PER_MEMBER,
    maxVersionBytes: e.MAX_VERSION_BYTES,
    trustProxy: e.TRUST_PROXY,
    seedSites: e.SEED_SITES,
    demo: e.DEMO,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseSchema: e.DATABASE_SCHEMA,
    redisUrl: e.REDIS_URL ?? null,
    metricsToken: e.METRICS_TOKEN ?? null,
  };
}
