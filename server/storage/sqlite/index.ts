/**
 * SQLite implementation of `Storage`, the embedded default. One database file under DATA_DIR
 * in WAL mode, so the operator CLI can read and write while the server runs, and a committed
 * append survives `kill -9` of the process.
 *
 * One module per concern, each preparing its statements once on the shared connection:
 * `migrations.ts` (the schema), `docLog.ts` (DocStore), `directory.ts` (people, sites, rooms,
 * invites), `search.ts` (SearchIndex), `settings.ts`, `versions.ts` (VersionStore), `workshops.ts` (WorkshopStore), `guests.ts` (GuestStore), `publications.ts`
 * (PublicationStore), `backup.ts` (BackupStore). This file
 * opens the connection and assembles them into one `Storage`.
 */
import Database from 'better-sqlite3';
import type { Storage } from '../types.js';
import { openBackupStore } from './backup.js';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './checkpointer.js';
import { openDirectory } from './directory.js';
import { openDocLog } from './docLog.js';
import { openGuestStore } from './guests.js';
import { migrate } from './migrations.js';
import { openSearchIndex } from './search.js';
import { openPublicationStore } from './publications.js';
import { openSettings } from './settings.js';
import { openVersionStore } from './versions.js';
import { openWorkshopStore } from './workshops.js';

export { SCHEMA_VERSION } from './migrations.js';

export interface SqliteStorageOptions {
  /** Path of the database file, or `:memory:` for tests. */
  filename: string;
  /** How long a writer waits for another process (the CLI) to finish, in ms. */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL on a thread of its own (`checkpointer.ts`), not in the commits of the
   * event loop. For the long-running server; the CLI and tests need no thread.
   */
  backgroundCheckpoints?: boolean;
  /** Told when a background checkpoint fails (the backstop checkpoint still bounds the WAL). */
  onCheckpointError?: (message: string) => void;
  /** How often the background thread checkpoints, in ms (default 1,000). */
  checkpointEveryMs?: number;
}

/** The SQLite store: a `Storage`, with its connection and a checkpoint on demand for tests. */
export interface SqliteStorage extends Storage {
  readonly kind: 'sqlite';
  /** The connection itself, for tests and migrations' checks; the store's methods are the API. */
  readonly db: Database.Database;
  /** Runs a background checkpoint now, when there is a checkpoint thread (for tests). */
  checkpointNow(): Promise<void>;
}

/**
 * Opens (creating and migrating when needed) the SQLite database.
 *
 * @example
 * const storage = openSqliteStorage({ filename: 'data/workspace.db' })
 * await storage.appendUpdate(roomId, update)
 */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a crash of this process (kill -9);
  // only a power loss can take the last few commits. FULL would fsync on every edit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  migrate(db);
  let checkpointer: Checkpointer | null = null;
  if (options.backgroundCheckpoints && options.filename !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(options.filename, { onError: options.onCheckpointError, everyMs: options.checkpointEveryMs });
  }
  const { flushAppends, ...docs } = openDocLog(db);
  return {
    kind: 'sqlite',
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

    async checkpointNow() {
      flushAppends();
      await checkpointer?.checkpointNow();
    },

    async close() {
      if (!db.open) return;
      flushAppends();
      // The thread's connection first, so this one, the last, checkpoints and removes the WAL.
      await checkpointer?.close();
      db.close();
    },
  };
}
