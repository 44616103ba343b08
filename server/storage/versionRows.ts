/**
 * A saved version's row as both backends store it (the same columns), and the record made
 * from it: one reading for SQLite and PostgreSQL.
 */
import type { VersionRecord } from './types.js';

export interface VersionRow {
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

export const VERSION_COLUMNS = 'room_id, id, name, created_by, created_by_name, created_by_organisation, created_at, summary, bytes';

function summaryOf(text: string): Record<string, number> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

export function versionRecordOf(row: VersionRow): VersionRecord {
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
