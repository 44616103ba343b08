/**
 * The SQLite `WorkshopStore`: one row per workshop in `workshops`, its agenda as JSON (read and
 * written whole). The live state is not here: it is in the workshop's room, like any doc. Its
 * rounds are in `workshop_rounds`, and what people put in them in `workshop_round_entries`:
 * each check that a round is open is made in the same transaction as the write it guards, so a
 * vote that arrives as the round closes is either counted or refused, never lost in between.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { newId } from '../../../shared/ids.js';
import { WorkshopStepSchema } from '../../../shared/workshops/api.js';
import type { RoundKind } from '../../../shared/workshops/rounds.js';
import type { RoundEntryRecord, RoundRecord, WorkshopRecord, WorkshopStore } from '../types.js';
import { nowIso } from './common.js';

interface WorkshopRow extends Omit<WorkshopRecord, 'steps'> {
  steps: string;
}

const SELECT = `SELECT w.id, w.site_id AS siteId, s.slug AS siteSlug, w.room_id AS roomId, w.title,
  w.starts_at AS startsAt, w.steps, w.created_by AS createdBy, w.created_at AS createdAt, w.ended_at AS endedAt
  FROM workshops w JOIN sites s ON s.id = w.site_id`;

const StepsSchema = z.array(WorkshopStepSchema);

interface RoundRow extends Omit<RoundRecord, 'anonymous'> {
  anonymous: number;
}

const SELECT_ROUND = `SELECT id, workshop_id AS workshopId, kind, room_id AS roomId, prompt, votes_per_person AS votesPerPerson,
  anonymous, status, created_by AS createdBy, created_at AS createdAt, closed_at AS closedAt FROM workshop_rounds`;

const SELECT_ENTRY = `SELECT id, round_id AS roundId, user_id AS userId, value, created_at AS createdAt FROM workshop_round_entries`;

function roundOf(row: RoundRow): RoundRecord {
  // The CHECK constraint keeps kinds to these; the cast is for TypeScript.
  return { ...row, kind: row.kind as RoundKind, anonymous: row.anonymous === 1 };
}

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
    countRounds: db.prepare('SELECT COUNT(*) FROM workshop_rounds WHERE workshop_id = ?').pluck(),
    insertRound: db.prepare(
      `INSERT INTO workshop_rounds (id, workshop_id, kind, room_id, prompt, votes_per_person, anonymous, status, created_by, created_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, NULL)`,
    ),
    getRound: db.prepare(`${SELECT_ROUND} WHERE workshop_id = ? AND id = ?`),
    getRoundById: db.prepare(`${SELECT_ROUND} WHERE id = ?`),
    listRounds: db.prepare(`${SELECT_ROUND} WHERE workshop_id = ? ORDER BY created_at, rowid`),
    roundOpen: db.prepare("SELECT 1 FROM workshop_rounds WHERE id = ? AND status = 'open'").pluck(),
    deleteEntries: db.prepare('DELETE FROM workshop_round_entries WHERE round_id = ? AND user_id = ?'),
    insertEntry: db.prepare('INSERT INTO workshop_round_entries (id, round_id, user_id, value, created_at) VALUES (?, ?, ?, ?, ?)'),
    countEntries: db.prepare('SELECT COUNT(*) FROM workshop_round_entries WHERE round_id = ? AND user_id = ?').pluck(),
    getEntry: db.prepare(`${SELECT_ENTRY} WHERE id = ?`),
    listEntries: db.prepare(`${SELECT_ENTRY} WHERE round_id = ? ORDER BY rowid`),
    close: db.prepare("UPDATE workshop_rounds SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'"),
    end: db.prepare('UPDATE workshops SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    attend: db.prepare('INSERT OR IGNORE INTO workshop_attendance (room_id, user_id, first_seen) VALUES (?, ?, ?)'),
    addRoom: db.prepare('INSERT OR IGNORE INTO workshop_rooms (workshop_id, room_id) VALUES (?, ?)'),
    rooms: db.prepare('SELECT room_id FROM workshop_rooms WHERE workshop_id = ?').pluck(),
    attendance: db.prepare('SELECT user_id AS userId, first_seen AS firstSeen FROM workshop_attendance WHERE room_id = ? ORDER BY first_seen, user_id'),
  };

  const createRound = db.transaction((round: Parameters<WorkshopStore['createRound']>[0], max: number): RoundRecord | null => {
    if ((stmt.countRounds.get(round.workshopId) as number) >= max) return null;
    const id = newId();
    stmt.insertRound.run(id, round.workshopId, round.kind, round.roomId, round.prompt, round.votesPerPerson, round.anonymous ? 1 : 0, round.createdBy, nowIso());
    return roundOf(stmt.getRoundById.get(id) as RoundRow);
  });

  const replaceEntries = db.transaction((roundId: string, userId: string, values: readonly string[]): boolean => {
    if (!stmt.roundOpen.get(roundId)) return false;
    stmt.deleteEntries.run(roundId, userId);
    const at = nowIso();
    for (const value of values) stmt.insertEntry.run(newId(), roundId, userId, value, at);
    return true;
  });

  const addEntry = db.transaction((roundId: string, userId: string, value: string, max: number): RoundEntryRecord | 'closed' | 'full' => {
    if (!stmt.roundOpen.get(roundId)) return 'closed';
    if ((stmt.countEntries.get(roundId, userId) as number) >= max) return 'full';
    const id = newId();
    stmt.insertEntry.run(id, roundId, userId, value, nowIso());
    return stmt.getEntry.get(id) as RoundEntryRecord;
  });

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

    async createRound(round, { max }) {
      return createRound(round, max);
    },

    async getRound(workshopId, roundId) {
      const row = stmt.getRound.get(workshopId, roundId) as RoundRow | undefined;
      return row ? roundOf(row) : null;
    },

    async listRounds(workshopId) {
      return (stmt.listRounds.all(workshopId) as RoundRow[]).map(roundOf);
    },

    async replaceRoundEntries(roundId, userId, values) {
      return replaceEntries(roundId, userId, values);
    },

    async addRoundEntry(roundId, userId, value, { max }) {
      return addEntry(roundId, userId, value, max);
    },

    async listRoundEntries(roundId) {
      return stmt.listEntries.all(roundId) as RoundEntryRecord[];
    },

    async endWorkshop(id) {
      if (stmt.end.run(nowIso(), id).changes === 0) return null;
      return recordOf(stmt.get.get(id) as WorkshopRow);
    },

    async recordAttendance(roomId, userId) {
      stmt.attend.run(roomId, userId, nowIso());
    },

    async addWorkshopRoom(workshopId, roomId) {
      stmt.addRoom.run(workshopId, roomId);
    },

    async listWorkshopRooms(workshopId) {
      return stmt.rooms.all(workshopId) as string[];
    },

    async listAttendance(roomId) {
      return stmt.attendance.all(roomId) as { userId: string; firstSeen: string }[];
    },

    async closeRound(roundId) {
      if (stmt.close.run(nowIso(), roundId).changes === 0) return null;
      return roundOf(stmt.getRoundById.get(roundId) as RoundRow);
    },
  };
}
