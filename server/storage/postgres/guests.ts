/**
 * The PostgreSQL `GuestStore`, as `../sqlite/guests.ts`: links in `workshop_guest_invites` (a
 * hash of each token), and guests as rows of `users` whose `guest_of` names their workshop, so
 * everything that names a person (attributions, attendance, votes, sessions) works for a guest
 * as for anyone else.
 */
import { newId } from '../../../shared/ids.js';
import type { GuestInviteRecord, GuestJoinRefusal, GuestStore, UserRecord } from '../types.js';
import { nowIso, type PgDb } from './db.js';
import { USER_COLUMNS } from './directory.js';

// A guest's account goes with its workshop, and so, by the tokens' own cascade, do its
// sessions. `guest_seq` (from its own sequence, null for everyone else) stands in for SQLite's
// rowid: it lists a workshop's guests who joined in the same millisecond in the order they did.
export const GUEST_SCHEMA = `
CREATE TABLE workshop_guest_invites (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
  label TEXT,
  hash TEXT NOT NULL UNIQUE,
  created_by TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX workshop_guest_invites_workshop ON workshop_guest_invites (workshop_id);
ALTER TABLE users ADD COLUMN guest_of TEXT REFERENCES workshops(id) ON DELETE CASCADE;
ALTER TABLE users ADD COLUMN guest_seq BIGINT;
CREATE SEQUENCE users_guest_seq OWNED BY users.guest_seq;
CREATE INDEX users_guest_of ON users (guest_of) WHERE guest_of IS NOT NULL;
`;

const INVITE_COLUMNS = `id, workshop_id AS "workshopId", label, created_by AS "createdBy", created_at AS "createdAt",
  expires_at AS "expiresAt"`;
const INVITE_SELECT = `SELECT ${INVITE_COLUMNS} FROM workshop_guest_invites`;

/**
 * A guest's email: `users.email` is required and unique, and a guest gives none. The reserved
 * `.invalid` domain can never be a real address, so no invite or sign-in can ever match it, and
 * the account has no password besides.
 */
function guestEmail(id: string): string {
  return `guest-${id.toLowerCase()}@guests.invalid`;
}

type JoinResult = { ok: true; user: UserRecord } | { ok: false; reason: GuestJoinRefusal };

/**
 * The guest store on `db` (migrated already).
 *
 * @example
 * const guests = openGuestStore(db)
 * await guests.getGuestInviteByHash(hash)
 */
export function openGuestStore(db: PgDb): GuestStore {
  return {
    async createGuestInvite(invite) {
      const { rows } = await db.query<GuestInviteRecord>(
        `INSERT INTO workshop_guest_invites (id, workshop_id, label, hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${INVITE_COLUMNS}`,
        [newId(), invite.workshopId, invite.label, invite.hash, invite.createdBy, nowIso(), invite.expiresAt],
      );
      return rows[0]!;
    },

    async getGuestInviteByHash(hash) {
      const { rows } = await db.query<GuestInviteRecord>(`${INVITE_SELECT} WHERE hash = $1`, [hash]);
      return rows[0] ?? null;
    },

    async joinAsGuest(input, { max }) {
      // The checks and the insert in one transaction, with the workshop's row locked from the
      // check that it has not ended to the commit: endWorkshop's UPDATE waits for that lock (or
      // the join waits for the end, and then reads it ended), so a guest joining as the workshop
      // ends is either in before it ended or refused. Joins to one workshop, from any process,
      // take the lock in turn, so each counts the guests committed before it and a burst cannot
      // overshoot `max`. FOR NO KEY UPDATE conflicts with itself and with the UPDATE, but not
      // with the key-share locks that inserts referring to the workshop take.
      return db.transaction(async (tx): Promise<JoinResult> => {
        const { rows: invites } = await tx.query<{ workshopId: string; expiresAt: string }>(
          'SELECT workshop_id AS "workshopId", expires_at AS "expiresAt" FROM workshop_guest_invites WHERE id = $1',
          [input.inviteId],
        );
        const invite = invites[0];
        if (!invite || invite.expiresAt <= input.at) return { ok: false, reason: 'expired' };
        const { rows: workshops } = await tx.query<{ ended: boolean }>('SELECT ended_at IS NOT NULL AS ended FROM workshops WHERE id = $1 FOR NO KEY UPDATE', [
          invite.workshopId,
        ]);
        // A workshop that is gone reads as ended: its link leads nowhere any more.
        if (workshops[0]?.ended !== false) return { ok: false, reason: 'ended' };
        const { rows: counted } = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE guest_of = $1', [invite.workshopId]);
        if (counted[0]!.n >= max) return { ok: false, reason: 'full' };
        const id = newId();
        const { rows } = await tx.query<UserRecord>(
          `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at, guest_of, guest_seq)
           VALUES ($1, $2, $3, $4, NULL, FALSE, $5, $6, nextval('users_guest_seq')) RETURNING ${USER_COLUMNS}`,
          [id, guestEmail(id), input.name, input.organisation, input.at, invite.workshopId],
        );
        return { ok: true, user: rows[0]! };
      });
    },

    async listGuestInvites(workshopId) {
      const { rows } = await db.query<GuestInviteRecord>(`${INVITE_SELECT} WHERE workshop_id = $1 ORDER BY created_at DESC, seq DESC`, [workshopId]);
      return rows;
    },

    async expireGuestInvite(workshopId, inviteId, at) {
      // Only brought forward: a link that had expired stays expired.
      const { rowCount } = await db.query('UPDATE workshop_guest_invites SET expires_at = LEAST(expires_at, $1) WHERE workshop_id = $2 AND id = $3', [
        at,
        workshopId,
        inviteId,
      ]);
      return (rowCount ?? 0) > 0;
    },

    async listGuests(workshopId) {
      const { rows } = await db.query<UserRecord>(
        `SELECT ${USER_COLUMNS} FROM users WHERE guest_of = $1 ORDER BY created_at COLLATE "C", guest_seq`,
        [workshopId],
      );
      return rows;
    },
  };
}
