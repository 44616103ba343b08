/**
 * The PostgreSQL `WorkshopStore`, as `../sqlite/workshops.ts`: one row per workshop in
 * `workshops`, its agenda as JSON text (read and written whole); its rounds in
 * `workshop_rounds`, and what people put in them in `workshop_round_entries`. Each check that a
 * round is open is made in the same transaction as the write it guards, with the round's row
 * locked, so a vote that arrives as the round closes is either counted or refused, never lost in
 * between — whichever process it reaches.
 *
 * `seq` columns stand in for SQLite's rowid: they order rows stored in the same millisecond in
 * the order they were stored. Times and ids that are ordered or compared are `COLLATE "C"`, so
 * they sort byte by byte as in SQLite whatever the database's locale.
 */
import { z } from 'zod';
import { newId } from '../../../shared/ids.js';
import { WorkshopStepSchema } from '../../../shared/workshops/api.js';
import type { RoundKind } from '../../../shared/workshops/rounds.js';
import type { RoundEntryRecord, RoundRecord, WorkshopRecord, WorkshopStore } from '../types.js';
import { nowIso, type Queryable, type PgDb } from './db.js';

// No foreign keys to rooms, as in SQLite: a workshop names its room, and a room's deletion
// is the directory's business. Rounds and entries go with their workshop.
export const WORKSHOP_SCHEMA = `
CREATE TABLE workshops (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  room_id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  starts_at TEXT COLLATE "C" NOT NULL,
  steps TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C"
);
CREATE INDEX workshops_site ON workshops (site_id, created_at);
CREATE TABLE workshop_rounds (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('vote', 'private-notes', 'check-in')),
  room_id TEXT,
  prompt TEXT NOT NULL,
  votes_per_person INTEGER,
  anonymous BOOLEAN NOT NULL DEFAULT FALSE,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_by TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  closed_at TEXT COLLATE "C"
);
CREATE INDEX workshop_rounds_workshop ON workshop_rounds (workshop_id, created_at);
CREATE TABLE workshop_round_entries (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  round_id TEXT NOT NULL REFERENCES workshop_rounds(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX workshop_round_entries_round ON workshop_round_entries (round_id, user_id);
CREATE INDEX workshop_round_entries_order ON workshop_round_entries (round_id, seq);
CREATE TABLE workshop_attendance (
  room_id TEXT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  first_seen TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE TABLE workshop_rooms (
  workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
  room_id TEXT NOT NULL,
  PRIMARY KEY (workshop_id, room_id)
);
`;

interface WorkshopRow extends Omit<WorkshopRecord, 'steps'> {
  steps: string;
}

const WORKSHOP_COLUMNS = `w.id, w.site_id AS "siteId", s.slug AS "siteSlug", w.room_id AS "roomId", w.title,
  w.starts_at AS "startsAt", w.steps, w.created_by AS "createdBy", w.created_at AS "createdAt", w.ended_at AS "endedAt"`;
const SELECT = `SELECT ${WORKSHOP_COLUMNS} FROM workshops w JOIN sites s ON s.id = w.site_id`;

const StepsSchema = z.array(WorkshopStepSchema);

const ROUND_COLUMNS = `id, workshop_id AS "workshopId", kind, room_id AS "roomId", prompt, votes_per_person AS "votesPerPerson",
  anonymous, status, created_by AS "createdBy", created_at AS "createdAt", closed_at AS "closedAt"`;
const SELECT_ROUND = `SELECT ${ROUND_COLUMNS} FROM workshop_rounds`;

const ENTRY_COLUMNS = `id, round_id AS "roundId", user_id AS "userId", value, created_at AS "createdAt"`;

function roundOf(row: RoundRecord): RoundRecord {
  // The CHECK constraint keeps kinds to these; the cast is for TypeScript.
  return { ...row, kind: row.kind as RoundKind };
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
 * Locks the round's row until the transaction ends and says whether it is open. Every write
 * of entries takes this lock first, and so does `closeRound`'s UPDATE: a write made while the
 * round is open commits before the close can, and one that waited behind the close sees it
 * closed. It also serialises one round's writers, so two adds by one person cannot both pass
 * the count, nor two replaces both insert. FOR NO KEY UPDATE rather than FOR UPDATE: it
 * conflicts with the same, but not with the key-share locks that inserting entries (their
 * foreign key) takes on the row.
 */
async function lockOpenRound(tx: Queryable, roundId: string): Promise<boolean> {
  const { rows } = await tx.query<{ status: string }>('SELECT status FROM workshop_rounds WHERE id = $1 FOR NO KEY UPDATE', [roundId]);
  return rows[0]?.status === 'open';
}

/**
 * The workshop store on `db` (migrated already).
 *
 * @example
 * const workshops = openWorkshopStore(db)
 * await workshops.listWorkshops(siteId)
 */
export function openWorkshopStore(db: PgDb): WorkshopStore {
  return {
    async createWorkshop(workshop) {
      const id = newId();
      // One statement: the row and its site's slug, as stored.
      const { rows } = await db.query<WorkshopRow>(
        `WITH w AS (
           INSERT INTO workshops (id, site_id, room_id, title, starts_at, steps, created_by, created_at, ended_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) RETURNING *
         )
         SELECT ${WORKSHOP_COLUMNS} FROM w JOIN sites s ON s.id = w.site_id`,
        [id, workshop.siteId, workshop.roomId, workshop.title, workshop.startsAt, JSON.stringify(workshop.steps), workshop.createdBy, nowIso()],
      );
      return recordOf(rows[0]!);
    },

    async getWorkshop(id) {
      const { rows } = await db.query<WorkshopRow>(`${SELECT} WHERE w.id = $1`, [id]);
      return rows[0] ? recordOf(rows[0]) : null;
    },

    async listWorkshops(siteId) {
      const { rows } = await db.query<WorkshopRow>(`${SELECT} WHERE w.site_id = $1 ORDER BY w.created_at DESC, w.seq DESC`, [siteId]);
      return rows.map(recordOf);
    },

    async createRound(round, { max }) {
      return db.transaction(async (tx) => {
        // The workshop's row is locked while its rounds are counted and the new one stored, so
        // concurrent creates (from any process) are counted one after another and cannot
        // overshoot `max`. A workshop that does not exist locks nothing, and the insert's
        // foreign key then fails, as in SQLite.
        await tx.query('SELECT 1 FROM workshops WHERE id = $1 FOR NO KEY UPDATE', [round.workshopId]);
        const { rows: counted } = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM workshop_rounds WHERE workshop_id = $1', [round.workshopId]);
        if (counted[0]!.n >= max) return null;
        const { rows } = await tx.query<RoundRecord>(
          `INSERT INTO workshop_rounds (id, workshop_id, kind, room_id, prompt, votes_per_person, anonymous, status, created_by, created_at, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, NULL) RETURNING ${ROUND_COLUMNS}`,
          [newId(), round.workshopId, round.kind, round.roomId, round.prompt, round.votesPerPerson, round.anonymous, round.createdBy, nowIso()],
        );
        return roundOf(rows[0]!);
      });
    },

    async getRound(workshopId, roundId) {
      const { rows } = await db.query<RoundRecord>(`${SELECT_ROUND} WHERE workshop_id = $1 AND id = $2`, [workshopId, roundId]);
      return rows[0] ? roundOf(rows[0]) : null;
    },

    async listRounds(workshopId) {
      const { rows } = await db.query<RoundRecord>(`${SELECT_ROUND} WHERE workshop_id = $1 ORDER BY created_at, seq`, [workshopId]);
      return rows.map(roundOf);
    },

    async replaceRoundEntries(roundId, userId, values) {
      return db.transaction(async (tx) => {
        if (!(await lockOpenRound(tx, roundId))) return false;
        await tx.query('DELETE FROM workshop_round_entries WHERE round_id = $1 AND user_id = $2', [roundId, userId]);
        const at = nowIso();
        // One at a time, so `seq` keeps the values' order (a person's few dots).
        for (const value of values) {
          await tx.query('INSERT INTO workshop_round_entries (id, round_id, user_id, value, created_at) VALUES ($1, $2, $3, $4, $5)', [
            newId(),
            roundId,
            userId,
            value,
            at,
          ]);
        }
        return true;
      });
    },

    async addRoundEntry(roundId, userId, value, { max }) {
      return db.transaction(async (tx): Promise<RoundEntryRecord | 'closed' | 'full'> => {
        if (!(await lockOpenRound(tx, roundId))) return 'closed';
        const { rows: counted } = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM workshop_round_entries WHERE round_id = $1 AND user_id = $2', [
          roundId,
          userId,
        ]);
        if (counted[0]!.n >= max) return 'full';
        const { rows } = await tx.query<RoundEntryRecord>(
          `INSERT INTO workshop_round_entries (id, round_id, user_id, value, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${ENTRY_COLUMNS}`,
          [newId(), roundId, userId, value, nowIso()],
        );
        return rows[0]!;
      });
    },

    async listRoundEntries(roundId) {
      const { rows } = await db.query<RoundEntryRecord>(`SELECT ${ENTRY_COLUMNS} FROM workshop_round_entries WHERE round_id = $1 ORDER BY seq`, [roundId]);
      return rows;
    },

    async endWorkshop(id) {
      // One statement: of two ends at once, the second waits for the first's row and then finds
      // it ended, so exactly one returns the workshop.
      const { rows } = await db.query<WorkshopRow>(
        `WITH w AS (UPDATE workshops SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL RETURNING *)
         SELECT ${WORKSHOP_COLUMNS} FROM w JOIN sites s ON s.id = w.site_id`,
        [nowIso(), id],
      );
      return rows[0] ? recordOf(rows[0]) : null;
    },

    async recordAttendance(roomId, userId) {
      // The first time is kept: a later (or concurrent) join changes nothing.
      await db.query('INSERT INTO workshop_attendance (room_id, user_id, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, userId, nowIso()]);
    },

    async addWorkshopRoom(workshopId, roomId) {
      await db.query('INSERT INTO workshop_rooms (workshop_id, room_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workshopId, roomId]);
    },

    async listWorkshopRooms(workshopId) {
      const { rows } = await db.query<{ room_id: string }>('SELECT room_id FROM workshop_rooms WHERE workshop_id = $1', [workshopId]);
      return rows.map((row) => row.room_id);
    },

    async listAttendance(roomId) {
      const { rows } = await db.query<{ userId: string; firstSeen: string }>(
        'SELECT user_id AS "userId", first_seen AS "firstSeen" FROM workshop_attendance WHERE room_id = $1 ORDER BY first_seen, user_id',
        [roomId],
      );
      return rows;
    },

    async closeRound(roundId) {
      // One statement, which waits for the round's lock: entries written while it was open are
      // in before it closes, and of two closes the second finds it closed.
      const { rows } = await db.query<RoundRecord>(
        `UPDATE workshop_rounds SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open' RETURNING ${ROUND_COLUMNS}`,
        [nowIso(), roundId],
      );
      return rows[0] ? roundOf(rows[0]) : null;
    },
  };
}
