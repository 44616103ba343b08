/**
 * The SQLite `GuestStore`: links in `workshop_guest_invites` (a hash of each token), and guests
 * as rows of `users` whose `guest_of` names their workshop, so everything that names a person
 * (attributions, attendance, votes, sessions) works for a guest as for anyone else.
 */
import type Database from 'better-sqlite3';
import { newId } from '../../../shared/ids.js';
import type { GuestInviteRecord, GuestJoinRefusal, GuestStore, UserRecord } from '../types.js';
import { nowIso } from './common.js';
import { toUser, USER_COLUMNS, type UserRow } from './directory.js';

const INVITE_SELECT = `SELECT id, workshop_id AS workshopId, label, created_by AS createdBy, created_at AS createdAt,
  expires_at AS expiresAt FROM workshop_guest_invites`;

/**
 * A guest's email: `users.email` is required and unique, and a guest gives none. The reserved
 * `.invalid` domain can never be a real address, so no invite or sign-in can ever match it, and
 * the account has no password besides.
 */
function guestEmail(id: string): string {
  return `guest-${id.toLowerCase()}@guests.invalid`;
}

/**
 * Prepares the guest store's statements on `db` (migrated already).
 *
 * @example
 * const guests = openGuestStore(db)
 * await guests.getGuestInviteByHash(hash)
 */
export function openGuestStore(db: Database.Database): GuestStore {
  const stmt = {
    insertInvite: db.prepare(
      `INSERT INTO workshop_guest_invites (id, workshop_id, label, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    inviteById: db.prepare(`${INVITE_SELECT} WHERE id = ?`),
    inviteByHash: db.prepare(`${INVITE_SELECT} WHERE hash = ?`),
    workshopEnded: db.prepare('SELECT ended_at IS NOT NULL FROM workshops WHERE id = ?').pluck(),
    countGuests: db.prepare('SELECT COUNT(*) FROM users WHERE guest_of = ?').pluck(),
    insertGuest: db.prepare(
      `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at, guest_of) VALUES (?, ?, ?, ?, NULL, 0, ?, ?)`,
    ),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    // rowid keeps the order they joined in, within one millisecond too.
    listInvites: db.prepare(`${INVITE_SELECT} WHERE workshop_id = ? ORDER BY created_at DESC, rowid DESC`),
    // Only brought forward: a link that had expired stays expired.
    expireInvite: db.prepare('UPDATE workshop_guest_invites SET expires_at = MIN(expires_at, ?) WHERE workshop_id = ? AND id = ?'),
    listGuests: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE guest_of = ? ORDER BY created_at, rowid`),
  };

  // The checks and the insert in one transaction: a guest joining as the workshop ends is
  // either in before it ended (and loses access with everyone) or refused, and a burst of
  // joins cannot overshoot the limit.
  const join = db.transaction(
    (input: { inviteId: string; name: string; organisation: string; at: string }, max: number): { ok: true; user: UserRecord } | { ok: false; reason: GuestJoinRefusal } => {
      const invite = stmt.inviteById.get(input.inviteId) as GuestInviteRecord | undefined;
      if (!invite || invite.expiresAt <= input.at) return { ok: false, reason: 'expired' };
      // A workshop that is gone reads as ended: its link leads nowhere any more.
      if (stmt.workshopEnded.get(invite.workshopId) !== 0) return { ok: false, reason: 'ended' };
      if ((stmt.countGuests.get(invite.workshopId) as number) >= max) return { ok: false, reason: 'full' };
      const id = newId();
      stmt.insertGuest.run(id, guestEmail(id), input.name, input.organisation, input.at, invite.workshopId);
      return { ok: true, user: toUser(stmt.userById.get(id) as UserRow) };
    },
  );

  return {
    async createGuestInvite(invite) {
      const id = newId();
      stmt.insertInvite.run(id, invite.workshopId, invite.label, invite.hash, invite.createdBy, nowIso(), invite.expiresAt);
      return stmt.inviteById.get(id) as GuestInviteRecord;
    },

    async getGuestInviteByHash(hash) {
      return (stmt.inviteByHash.get(hash) as GuestInviteRecord | undefined) ?? null;
    },

    async joinAsGuest(input, { max }) {
      return join(input, max);
    },

    async listGuestInvites(workshopId) {
      return stmt.listInvites.all(workshopId) as GuestInviteRecord[];
    },

    async expireGuestInvite(workshopId, inviteId, at) {
      return stmt.expireInvite.run(at, workshopId, inviteId).changes > 0;
    },

    async listGuests(workshopId) {
      return (stmt.listGuests.all(workshopId) as UserRow[]).map(toUser);
    },
  };
}
