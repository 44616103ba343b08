/**
 * PostgreSQL implementation of `Storage`, for running several server processes on one
 * database (`DATABASE_URL=postgres://…`). The same guarantees as the SQLite store: an update is
 * committed before `appendUpdate` resolves; compaction replaces only the log rows it merged,
 * in one transaction, under an advisory lock per doc so one process compacts a doc at a time.
 *
 * One module per concern, as in `../sqlite/`: `migrations.ts` (the schema), `docLog.ts`
 * (DocStore), `directory.ts` (people, sites, rooms, invites, sign-in throttle), `settings.ts`,
 * `search.ts` (SearchIndex, on PostgreSQL's own full-text search), `versions.ts`,
 * `workshops.ts`, `guests.ts`, `publications.ts`, `backup.ts`. This file opens the pool and assembles them.
 */
import type { Storage } from '../types.js';
import { openBackupStore } from './backup.js';
import { ident, openPgDb, type PgDb } from './db.js';
import { openDirectory } from './directory.js';
import { openDocLog } from './docLog.js';
import { openGuestStore } from './guests.js';
import { migratePg } from './migrations.js';
import { openPublicationStore } from './publications.js';
import { openSearchIndex } from './search.js';
import { openSettings } from './settings.js';
import { openVersionStore } from './versions.js';
import { openWorkshopStore } from './workshops.js';

export { PG_SCHEMA_VERSION } from './migrations.js';

export interface PostgresStorageOptions {
  connectionString: string;
  /** The schema to keep the tables in (default `public`); tests give each store its own. */
  schema?: string;
  /** Drop the schema when the store closes (for tests' throwaway schemas only). */
  dropSchemaOnClose?: boolean;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

export interface PostgresStorage extends Storage {
  readonly kind: 'postgres';
  readonly db: PgDb;
}

/**
 * Connects, creates the schema when missing and migrates it.
 *
 * @example
 * const storage = await openPostgresStorage({ connectionString: process.env.DATABASE_URL })
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const schema = options.schema ?? 'public';
  const db = await openPgDb(options.connectionString, schema, { max: options.maxConnections });
  try {
    await migratePg(db);
  } catch (error) {
    await db.pool.end();
    throw error;
  }
  let closed = false;
  const { flushAppends, ...docs } = openDocLog(db);
  return {
    kind: 'postgres',
    db,
    ...docs,
    ...openDirectory(db),
    ...openSettings(db),
    ...openSearchIndex(db),
    ...openVersionStore(db),
    ...openWorkshopStore(db),
    ...openGuestStore(db),
    ...openPublicationStore(db),
    ...openBackupStore(db, flushAppends),
    async close() {
      if (closed) return;
      closed = true;
      // Appends asked for just before closing still commit (their callers are waiting).
      await flushAppends();
      if (options.dropSchemaOnClose) await db.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`).catch(() => undefined);
      await db.pool.end();
    },
  };
}
