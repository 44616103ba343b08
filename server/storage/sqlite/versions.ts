/**
 * The SQLite `VersionStore`: named versions of rooms in `room_versions`, one row each with the
 * room's encoded doc at that moment. Listing reads every column but the state, which is stored
 * last in the row, so a list never touches the snapshots' overflow pages.
 */
import type Database from 'better-sqlite3';
import type { NewVersion, VersionRecord, VersionStore } from '../types.js';
import { toBytes } from './common.js';

interface VersionRow {
  room_id: string;
  id: string;
  name: string;
  created_by: string | null;
  created_by_name: string;
  created_by_organisation: string;
  created_at: string;
  summary: string;
  bytes: number;
}

const COLUMNS = 'room_id, id, name, created_by, created_by_name, created_by_organisation, created_at, summary, bytes';

function summaryOf(text: string): Record<string, number> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

function recordOf(row: VersionRow): VersionRecord {
  return {
    id: row.id,
    roomId: row.room_id,
    name: row.name,
    createdBy: { userId: row.created_by, name: row.created_by_name, organisation: row.created_by_organisation },
    createdAt: row.created_at,
    summary: summaryOf(row.summary),
    bytes: row.bytes,
  };
}

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
