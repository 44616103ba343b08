/**
 * The SQLite `VersionStore`: named versions of rooms in `room_versions`, one row each with the
 * room's encoded doc at that moment. Listing reads every column but the state, which is stored
 * last in the row, so a list never touches the snapshots' overflow pages.
 */
import type Database from 'better-sqlite3';
import type { NewVersion, VersionStore } from '../types.js';
import { toBytes } from './common.js';
import { VERSION_COLUMNS as COLUMNS, versionRecordOf as recordOf, type VersionRow } from '../versionRows.js';


/**
 * Prepares the version store's statements on `db` (migrated already).
 *
 * @example
 * const versions = openVersionStore(db)
 * await versions.listVersions(roomId)
 */
export function openVersionStore(db: Database.Database): VersionStore {
  const stmt = {
    insert: db.prepare(
      `INSERT INTO room_versions (${COLUMNS}, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_id, id) DO NOTHING`,
    ),
    dropOldest: db.prepare(
      `DELETE FROM room_versions WHERE room_id = ? AND rowid NOT IN (
         SELECT rowid FROM room_versions WHERE room_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
    ),
    list: db.prepare(`SELECT ${COLUMNS} FROM room_versions WHERE room_id = ? ORDER BY created_at DESC, rowid DESC`),
    get: db.prepare(`SELECT ${COLUMNS} FROM room_versions WHERE room_id = ? AND id = ?`),
    getWithState: db.prepare(`SELECT ${COLUMNS}, state FROM room_versions WHERE room_id = ? AND id = ?`),
    delete: db.prepare('DELETE FROM room_versions WHERE room_id = ? AND id = ?'),
  };

  const create = db.transaction((v: NewVersion, keep: number | undefined) => {
    const { changes } = stmt.insert.run(
      v.roomId,
      v.id,
      v.name,
      v.createdBy.userId,
      v.createdBy.name,
      v.createdBy.organisation,
      v.createdAt,
      JSON.stringify(v.summary),
      v.state.byteLength,
      v.state,
    );
    if (changes > 0 && keep !== undefined) stmt.dropOldest.run(v.roomId, v.roomId, Math.max(1, keep));
    return changes > 0;
  });

  return {
    async createVersion(version, options = {}) {
      const created = create(version, options.keep);
      const row = stmt.get.get(version.roomId, version.id) as VersionRow | undefined;
      // No row: `keep` left no room for a version older than all the others, dropped at once.
      const { state, ...rest } = version;
      return { version: row ? recordOf(row) : { ...rest, bytes: state.byteLength }, created };
    },

    async listVersions(roomId) {
      return (stmt.list.all(roomId) as VersionRow[]).map(recordOf);
    },

    async getVersion(roomId, id) {
      const row = stmt.getWithState.get(roomId, id) as (VersionRow & { state: Buffer }) | undefined;
      return row ? { version: recordOf(row), state: toBytes(row.state) } : null;
    },

    async deleteVersion(roomId, id) {
      return stmt.delete.run(roomId, id).changes > 0;
    },
  };
}
