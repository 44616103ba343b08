/**
 * The PostgreSQL `VersionStore`, as `../sqlite/versions.ts`: named versions of rooms in
 * `room_versions`, one row each with the room's encoded doc at that moment. Listing reads every
 * column but the state, which PostgreSQL keeps out of line (TOAST) and so never reads for a list.
 *
 * `seq` stands in for SQLite's rowid: of versions saved in the same millisecond, the one stored
 * later counts as newer. Times are `COLLATE "C"`, so they sort byte by byte as in SQLite.
 */
import type { NewVersion, VersionStore } from '../types.js';
import { toBytes, type PgDb, type Queryable } from './db.js';
import { VERSION_COLUMNS as COLUMNS, versionRecordOf as recordOf, type VersionRow } from '../versionRows.js';

// No foreign keys, as in SQLite: a version outlives its author's account, and a room's deletion
// is the directory's business.
export const VERSION_SCHEMA = `
CREATE TABLE room_versions (
  room_id TEXT NOT NULL,
  id TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  name TEXT NOT NULL,
  created_by TEXT,
  created_by_name TEXT NOT NULL,
  created_by_organisation TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  summary TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  state BYTEA NOT NULL,
  PRIMARY KEY (room_id, id)
);
CREATE INDEX room_versions_order ON room_versions (room_id, created_at, seq);
`;

/** An arbitrary constant: the first key of the advisory lock that serialises a room's saves. */
const VERSION_LOCK = 7_305_003;


/** Stores the version and drops the oldest beyond `keep`; whether it was stored, and its row. */
async function create(tx: Queryable, v: NewVersion, keep: number | undefined): Promise<{ created: boolean; row: VersionRow | undefined }> {
  // Held to the end of the transaction, so of two saves to one room (from any processes) the
  // second counts the first's row before dropping the oldest: `keep` is never overshot, and the
  // second is stored later (a higher seq), so it counts as newer.
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VERSION_LOCK, v.roomId]);
  const { rowCount } = await tx.query(
    `INSERT INTO room_versions (${COLUMNS}, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (room_id, id) DO NOTHING`,
    [v.roomId, v.id, v.name, v.createdBy.userId, v.createdBy.name, v.createdBy.organisation, v.createdAt, JSON.stringify(v.summary), v.state.byteLength, v.state],
  );
  const created = (rowCount ?? 0) > 0;
  if (created && keep !== undefined) {
    await tx.query(
      `DELETE FROM room_versions WHERE room_id = $1 AND seq NOT IN (
         SELECT seq FROM room_versions WHERE room_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2)`,
      [v.roomId, Math.max(1, keep)],
    );
  }
  const { rows } = await tx.query<VersionRow>(`SELECT ${COLUMNS} FROM room_versions WHERE room_id = $1 AND id = $2`, [v.roomId, v.id]);
  return { created, row: rows[0] };
}

/**
 * The version store on `db` (migrated already).
 *
 * @example
 * const versions = openVersionStore(db)
 * await versions.listVersions(roomId)
 */
export function openVersionStore(db: PgDb): VersionStore {
  /**
   * Each room's saves made in this process, one after another, so they are stored in the order
   * they were asked for (as SQLite's synchronous writes are): otherwise two saves made at once
   * would race for the room's lock on two connections, and either could be stored first.
   */
  const queues = new Map<string, Promise<unknown>>();
  function inTurn<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(roomId) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.catch(() => undefined);
    queues.set(roomId, settled);
    void settled.then(() => {
      if (queues.get(roomId) === settled) queues.delete(roomId);
    });
    return next;
  }

  return {
    async createVersion(version, options = {}) {
      const { created, row } = await inTurn(version.roomId, () => db.transaction((tx) => create(tx, version, options.keep)));
      // No row: `keep` left no room for a version older than all the others, dropped at once.
      const { state, ...rest } = version;
      return { version: row ? recordOf(row) : { ...rest, bytes: state.byteLength }, created };
    },

    async listVersions(roomId) {
      const { rows } = await db.query<VersionRow>(`SELECT ${COLUMNS} FROM room_versions WHERE room_id = $1 ORDER BY created_at DESC, seq DESC`, [roomId]);
      return rows.map(recordOf);
    },

    async getVersion(roomId, id) {
      const { rows } = await db.query<VersionRow & { state: Buffer }>(`SELECT ${COLUMNS}, state FROM room_versions WHERE room_id = $1 AND id = $2`, [roomId, id]);
      const row = rows[0];
      return row ? { version: recordOf(row), state: toBytes(row.state) } : null;
    },

    async deleteVersion(roomId, id) {
      const { rowCount } = await db.query('DELETE FROM room_versions WHERE room_id = $1 AND id = $2', [roomId, id]);
      return (rowCount ?? 0) > 0;
    },
  };
}
