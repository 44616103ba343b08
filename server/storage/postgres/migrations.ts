/**
 * The schema of the PostgreSQL store: versioned migrations, each run once, in order, each in
 * its own transaction, under an advisory lock so two instances starting together do not both
 * run one. Times are ISO 8601 text, as in the SQLite store, so both order and compare them the
 * same way (and a backup moves between them as it is).
 *
 * Migration 1 is every module's tables, each module declaring its own (`SCHEMA` in each file).
 */
import { DIRECTORY_SCHEMA } from './directory.js';
import { DOC_LOG_SCHEMA } from './docLog.js';
import type { PgDb } from './db.js';
import { GUEST_SCHEMA } from './guests.js';
import { PUBLICATION_SCHEMA } from './publications.js';
import { SEARCH_SCHEMA } from './search.js';
import { SETTINGS_SCHEMA } from './settings.js';
import { VERSION_SCHEMA } from './versions.js';
import { WORKSHOP_SCHEMA } from './workshops.js';

export const PG_MIGRATIONS: readonly string[] = [
  [DIRECTORY_SCHEMA, SETTINGS_SCHEMA, DOC_LOG_SCHEMA, SEARCH_SCHEMA, VERSION_SCHEMA, WORKSHOP_SCHEMA, GUEST_SCHEMA, PUBLICATION_SCHEMA].join('\n'),
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** An arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_305_001;

/**
 * Brings the store's schema up to `PG_SCHEMA_VERSION`.
 *
 * @example
 * await migratePg(db)
 */
export async function migratePg(db: PgDb, migrations: readonly string[] = PG_MIGRATIONS): Promise<void> {
  await db.transaction(async (tx) => {
    // Held to the end of this transaction: a second instance waits here, then finds the work done.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const { rows } = await tx.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations');
    const applied = rows[0]!.v;
    for (let i = applied; i < migrations.length; i++) {
      await tx.query(migrations[i]!);
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, new Date().toISOString()]);
    }
  });
}
