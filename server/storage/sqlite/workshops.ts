/**
 * The SQLite `WorkshopStore`: one row per workshop in `workshops`, its agenda as JSON (read and
 * written whole). The live state is not here: it is in the workshop's room, like any doc.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { newId } from '../../../shared/ids.js';
import { WorkshopStepSchema } from '../../../shared/workshops/api.js';
import type { WorkshopRecord, WorkshopStore } from '../types.js';
import { nowIso } from './common.js';

interface WorkshopRow extends Omit<WorkshopRecord, 'steps'> {
  steps: string;
}

const SELECT = `SELECT w.id, w.site_id AS siteId, s.slug AS siteSlug, w.room_id AS roomId, w.title,
  w.starts_at AS startsAt, w.steps, w.created_by AS createdBy, w.created_at AS createdAt, w.ended_at AS endedAt
  FROM workshops w JOIN sites s ON s.id = w.site_id`;

const StepsSchema = z.array(WorkshopStepSchema);

function recordOf(row: WorkshopRow): WorkshopRecord {
  let steps: unknown;
  try {
    steps = JSON.parse(row.steps);
  } catch {
    steps = null;
  }
  const parsed = StepsSchema.safeParse(steps);
  // Only this module writes the column; an agenda it cannot read shows as empty rather than
  // failing every list of the site.
  return { ...row, steps: parsed.success ? parsed.data : [] };
}

/**
 * Prepares the workshop store's statements on `db` (migrated already).
 *
 * @example
 * const workshops = openWorkshopStore(db)
 * await workshops.listWorkshops(siteId)
 */
export function openWorkshopStore(db: Database.Database): WorkshopStore {
  const stmt = {
    insert: db.prepare(
      `INSERT INTO workshops (id, site_id, room_id, title, starts_at, steps, created_by, created_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    ),
    get: db.prepare(`${SELECT} WHERE w.id = ?`),
    list: db.prepare(`${SELECT} WHERE w.site_id = ? ORDER BY w.created_at DESC, w.rowid DESC`),
  };

  return {
    async createWorkshop(workshop) {
      const id = newId();
      stmt.insert.run(
        id,
        workshop.siteId,
        workshop.roomId,
        workshop.title,
        workshop.startsAt,
        JSON.stringify(workshop.steps),
        workshop.createdBy,
        nowIso(),
      );
      return recordOf(stmt.get.get(id) as WorkshopRow);
    },

    async getWorkshop(id) {
      const row = stmt.get.get(id) as WorkshopRow | undefined;
      return row ? recordOf(row) : null;
    },

    async listWorkshops(siteId) {
      return (stmt.list.all(siteId) as WorkshopRow[]).map(recordOf);
    },
  };
}
