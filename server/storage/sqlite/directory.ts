/**
 * The SQLite `Directory` (settings apart, in `settings.ts`): people, tokens, sites and their
 * members, rooms, invites and the sign-in throttle. Every statement is prepared once, when the
 * store opens.
 */
import type Database from 'better-sqlite3';
import { newId } from '../../../shared/ids.js';
import { CREATABLE_ROOM_KINDS, LOG_ROOM_TITLE, type RoomKind } from '../../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../../shared/roles.js';
import type {
  Directory,
  InviteAcceptance,
  InviteRecord,
  LoginThrottle,
  MemberRecord,
  PendingInviteRecord,
  RoomPageQuery,
  RoomRecord,
  SiteRecord,
  SiteWithRole,
  TokenRecord,
  UserRecord,
} from '../types.js';
import { RoomLimitError } from '../types.js';
import { nowIso } from './common.js';
import type { SettingsMethods } from './settings.js';

/** A row as selected: the record's own names (aliased in SQL), SQLite's 0 and 1 for booleans. */
type Row<T, Flags extends keyof T> = Omit<T, Flags> & Record<Flags, number>;
export type UserRow = Row<UserRecord, 'isAdmin'>;
type RoomRow = Row<RoomRecord, 'archived' | 'locked'>;
interface PendingInviteRow extends InviteRecord {
  creatorName: string | null;
  creatorOrganisation: string | null;
}

// Columns are aliased to the records' names, so rows need converting only where SQLite has no
// type of its own (booleans).
export const USER_COLUMNS = 'id, email, name, organisation, is_admin AS isAdmin, created_at AS createdAt, guest_of AS guestOf';
const TOKEN_COLUMNS = `id, user_id AS userId, kind, name, created_at AS createdAt, last_used_at AS lastUsedAt,
  expires_at AS expiresAt`;
const ROOM_SELECT = `SELECT r.id, r.site_id AS siteId, s.slug AS siteSlug, r.kind, r.title, r.archived,
  r.created_by AS createdBy, r.created_at AS createdAt, r.updated_at AS updatedAt, r.locked,
  r.locked_by AS lockedBy, r.locked_at AS lockedAt
  FROM rooms r JOIN sites s ON s.id = r.site_id`;
const INVITE_COLUMNS = `i.id, i.site_id AS siteId, s.slug AS siteSlug, i.role, i.email, i.created_by AS createdBy,
  i.created_at AS createdAt, i.expires_at AS expiresAt, i.used_at AS usedAt, i.used_by AS usedBy,
  i.revoked_at AS revokedAt`;
const INVITE_SELECT = `SELECT ${INVITE_COLUMNS} FROM invites i JOIN sites s ON s.id = i.site_id`;
const INSERT_USER = `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
/**
 * The rooms people make (`CREATABLE_ROOM_KINDS`: maps and documents). A site's learning log
 * comes with the site and a workshop's room with its workshop, so neither is listed with the
 * rooms nor counted in them.
 */
const MADE_ROOMS = `kind IN (${CREATABLE_ROOM_KINDS.map((k) => `'${k}'`).join(', ')})`;
/** Rooms in use in a site: maps and documents, not archived. */
const ACTIVE_ROOMS = `SELECT COUNT(*) FROM rooms WHERE site_id = ? AND archived = 0 AND ${MADE_ROOMS}`;
/** The filter of each `RoomPageQuery.archived` on a site's maps and documents. */
const PAGE_FILTERS: Record<RoomPageQuery['archived'], string> = {
  exclude: `r.site_id = ? AND r.${MADE_ROOMS} AND r.archived = 0`,
  include: `r.site_id = ? AND r.${MADE_ROOMS}`,
  only: `r.site_id = ? AND r.${MADE_ROOMS} AND r.archived = 1`,
};
const PAGE_ORDER = 'ORDER BY r.archived, r.updated_at DESC, r.id DESC LIMIT ?';

export function toUser(row: UserRow): UserRecord {
  return { ...row, isAdmin: row.isAdmin === 1 };
}
function toRoom(row: RoomRow): RoomRecord {
  return { ...row, archived: row.archived === 1, locked: row.locked === 1 };
}

/** The directory's methods; settings come from `settings.ts`. */
export type DirectoryMethods = Omit<Directory, keyof SettingsMethods>;

/**
 * Prepares the directory's statements on `db` (migrated already).
 *
 * @example
 * const directory = openDirectory(db)
 * const user = await directory.getUserByEmail('ana@council.gov.uk')
 */
export function openDirectory(db: Database.Database): DirectoryMethods {
  const stmt = {
    insertUser: db.prepare(INSERT_USER),
    insertUserIfNew: db.prepare(`${INSERT_USER} ON CONFLICT (email) DO NOTHING`),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    userByEmail: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`),
    passwordHash: db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck(),
    setPasswordHash: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    setAdmin: db.prepare('UPDATE users SET is_admin = ? WHERE id = ?'),
    countUsers: db.prepare('SELECT COUNT(*) FROM users').pluck(),
    listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`),

    insertToken: db.prepare(
      `INSERT INTO tokens (id, user_id, kind, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    findToken: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = ? AND (expires_at IS NULL OR expires_at > ?)`),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    listTokens: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_id = ? AND kind = ? ORDER BY created_at`),
    deleteToken: db.prepare('DELETE FROM tokens WHERE id = ? AND user_id = ?'),
    deleteUserTokens: db.prepare('DELETE FROM tokens WHERE user_id = ? AND id IS NOT ?'),
    deleteTokenByHash: db.prepare('DELETE FROM tokens WHERE hash = ?'),
    deleteExpiredTokens: db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?'),

    upsertSite: db.prepare(
      `INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (slug) DO UPDATE SET name = excluded.name, issue = excluded.issue, sponsor = excluded.sponsor`,
    ),
    listSites: db.prepare(
      `SELECT s.id, s.slug, s.name, s.issue, s.sponsor, m.role FROM sites s
       LEFT JOIN memberships m ON m.site_id = s.id AND m.user_id = ?
       ORDER BY (m.role IS NULL), s.name COLLATE NOCASE`,
    ),
    site: db.prepare('SELECT id, slug, name, issue, sponsor FROM sites WHERE slug = ?'),
    role: db.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').pluck(),
    upsertRole: db.prepare(
      `INSERT INTO memberships (site_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    removeMember: db.prepare('DELETE FROM memberships WHERE site_id = ? AND user_id = ?'),
    listMembers: db.prepare(
      `SELECT u.id AS userId, u.email, u.name, u.organisation, m.role, m.joined_at AS joinedAt
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.site_id = ?
       ORDER BY CASE m.role WHEN 'facilitator' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, u.name COLLATE NOCASE`,
    ),

    insertRoom: db.prepare(
      `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?)`,
    ),
    insertLogRoom: db.prepare(
      `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
       VALUES (?, ?, 'log', ?, 0, NULL, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    room: db.prepare(`${ROOM_SELECT} WHERE r.id = ?`),
    logRoom: db.prepare(`${ROOM_SELECT} WHERE r.site_id = ? AND r.kind = 'log'`),
    listRooms: db.prepare(`${ROOM_SELECT} WHERE r.site_id = ? ORDER BY r.archived, r.updated_at DESC`),
    listActiveRooms: db.prepare(`${ROOM_SELECT} WHERE r.site_id = ? AND r.archived = 0 ORDER BY r.archived, r.updated_at DESC`),
    activeRooms: db.prepare(ACTIVE_ROOMS).pluck(),
    activeRoomsBy: db.prepare(`${ACTIVE_ROOMS} AND created_by = ?`).pluck(),
    // A lock asked for while one is in force keeps that one's author and time.
    updateRoom: db.prepare(
      `UPDATE rooms SET title = COALESCE(@title, title), archived = COALESCE(@archived, archived),
         locked_by = CASE WHEN @locked IS NULL OR (@locked = 1 AND locked = 1) THEN locked_by
           WHEN @locked = 1 THEN @lockedBy END,
         locked_at = CASE WHEN @locked IS NULL OR (@locked = 1 AND locked = 1) THEN locked_at
           WHEN @locked = 1 THEN @at END,
         locked = COALESCE(@locked, locked), updated_at = @at
       WHERE id = @id`,
    ),

    insertInvite: db.prepare(
      `INSERT INTO invites (id, site_id, role, email, hash, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    inviteById: db.prepare(`${INVITE_SELECT} WHERE i.id = ?`),
    inviteByHash: db.prepare(`${INVITE_SELECT} WHERE i.hash = ?`),
    inviteOfSite: db.prepare(`${INVITE_SELECT} WHERE i.id = ? AND i.site_id = ?`),
    claimInvite: db.prepare('UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL'),
    claimLiveInvite: db.prepare(
      `UPDATE invites SET used_at = ?, used_by = ?
       WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
    ),
    inviteGrant: db.prepare('SELECT site_id, role FROM invites WHERE id = ?'),
    // rowid breaks ties between invites made in the same millisecond, so "newest first" holds.
    pendingInvites: db.prepare(
      `SELECT ${INVITE_COLUMNS}, u.name AS creatorName, u.organisation AS creatorOrganisation
       FROM invites i JOIN sites s ON s.id = i.site_id LEFT JOIN users u ON u.id = i.created_by
       WHERE i.site_id = ? AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
       ORDER BY i.created_at DESC, i.rowid DESC`,
    ),
    revokeInvite: db.prepare(
      'UPDATE invites SET revoked_at = ? WHERE id = ? AND site_id = ? AND used_at IS NULL AND revoked_at IS NULL',
    ),

    throttle: db.prepare('SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE key = ?'),
    saveThrottle: db.prepare(
      `INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
         first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until`,
    ),
    clearThrottle: db.prepare('DELETE FROM login_throttle WHERE key = ?'),
  };
  // Rows after `after` in the page order: (archived ASC, updated_at DESC, id DESC).
  const page = Object.fromEntries(
    Object.entries(PAGE_FILTERS).map(([archived, filter]) => [
      archived,
      {
        total: db.prepare(`SELECT COUNT(*) FROM rooms r WHERE ${filter}`).pluck(),
        first: db.prepare(`${ROOM_SELECT} WHERE ${filter} ${PAGE_ORDER}`),
        after: db.prepare(
          `${ROOM_SELECT} WHERE ${filter}
             AND (r.archived > ? OR (r.archived = ? AND (r.updated_at < ? OR (r.updated_at = ? AND r.id < ?))))
           ${PAGE_ORDER}`,
        ),
      },
    ]),
  ) as Record<RoomPageQuery['archived'], Record<'total' | 'first' | 'after', Database.Statement>>;

  /** Rooms in use in a site (not archived, not its log), optionally only those one person made. */
  function countActiveRooms(siteId: string, createdBy?: string): number {
    return (createdBy === undefined ? stmt.activeRooms.get(siteId) : stmt.activeRoomsBy.get(siteId, createdBy)) as number;
  }
  function getSiteNow(slug: string): SiteRecord | null {
    return (stmt.site.get(slug) as SiteRecord | undefined) ?? null;
  }
  function getRoomNow(id: string): RoomRecord | null {
    const row = stmt.room.get(id) as RoomRow | undefined;
    return row ? toRoom(row) : null;
  }

  // BEGIN IMMEDIATE (`.immediate`): the counts and the insert are one step, even against
  // another process (the CLI) creating rooms at the same moment.
  const insertRoomWithin = db.transaction(
    (room: { siteId: string; kind: RoomKind; title: string; createdBy: string | null }, limits: { maxInSite?: number; maxByCreator?: number }, id: string, at: string) => {
      if (limits.maxInSite !== undefined && countActiveRooms(room.siteId) >= limits.maxInSite) {
        throw new RoomLimitError('site', limits.maxInSite);
      }
      if (limits.maxByCreator !== undefined && room.createdBy !== null && countActiveRooms(room.siteId, room.createdBy) >= limits.maxByCreator) {
        throw new RoomLimitError('creator', limits.maxByCreator);
      }
      stmt.insertRoom.run(id, room.siteId, room.kind, room.title, room.createdBy, at, at);
    },
  );

  const rollback = new Error('rolled back');
  // One synchronous transaction (run with BEGIN IMMEDIATE, so another process such as the CLI
  // waits rather than interleaving): nothing else runs between the claim, the account and the
  // role. A failure after the account was inserted throws to roll it back.
  const accept = db.transaction((input: Parameters<DirectoryMethods['acceptInvite']>[0]): InviteAcceptance => {
    let user: UserRecord;
    let created = false;
    if ('newUser' in input.account) {
      const fresh = input.account.newUser;
      const id = newId();
      const inserted = stmt.insertUserIfNew.run(id, fresh.email, fresh.name, fresh.organisation, fresh.passwordHash, fresh.isAdmin ? 1 : 0, input.at);
      if (inserted.changes === 0) return { ok: false, reason: 'email_taken' };
      user = { id, email: fresh.email, name: fresh.name, organisation: fresh.organisation, isAdmin: fresh.isAdmin, createdAt: input.at, guestOf: null };
      created = true;
    } else {
      const row = stmt.userById.get(input.account.userId) as UserRow | undefined;
      if (!row) throw new Error(`no user ${input.account.userId}`);
      user = toUser(row);
    }
    const claimed = stmt.claimLiveInvite.run(input.at, user.id, input.inviteId, input.at);
    if (claimed.changes === 0) {
      if (created) throw rollback;
      return { ok: false, reason: 'invite_taken' };
    }
    const { site_id: siteId, role } = stmt.inviteGrant.get(input.inviteId) as { site_id: string; role: SiteRole };
    // An invite never lowers a role someone already has.
    const current = (stmt.role.get(siteId, user.id) as SiteRole | undefined) ?? null;
    if (!roleAtLeast(current, role)) stmt.upsertRole.run(siteId, user.id, role, input.at);
    return { ok: true, user, created };
  });

  // One transaction, so the invite read back is the one this update left.
  const revoke = db.transaction((siteId: string, id: string, at: string): InviteRecord | null => {
    stmt.revokeInvite.run(at, id, siteId);
    return (stmt.inviteOfSite.get(id, siteId) as InviteRecord | undefined) ?? null;
  });

  const recordFailure = db.transaction(
    (key: string, at: string, options: { maxFailures: number; lockMs: number; windowMs: number }): LoginThrottle => {
      const row = stmt.throttle.get(key) as { failures: number; first_failure_at: string } | undefined;
      const atMs = Date.parse(at);
      const fresh = !row || atMs - Date.parse(row.first_failure_at) > options.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const firstAt = fresh ? at : row.first_failure_at;
      const lockedUntil = failures >= options.maxFailures ? new Date(atMs + options.lockMs).toISOString() : null;
      stmt.saveThrottle.run(key, failures, firstAt, lockedUntil);
      return { failures, lockedUntil };
    },
  );

  return {
    // ---- people ----------------------------------------------------------------------------

    async createUser(user) {
      const id = newId();
      const createdAt = nowIso();
      stmt.insertUser.run(id, user.email, user.name, user.organisation, user.passwordHash, user.isAdmin ? 1 : 0, createdAt);
      return { id, email: user.email, name: user.name, organisation: user.organisation, isAdmin: user.isAdmin, createdAt, guestOf: null };
    },

    async getUserById(id) {
      const row = stmt.userById.get(id) as UserRow | undefined;
      return row ? toUser(row) : null;
    },

    async getUserByEmail(email) {
      const row = stmt.userByEmail.get(email) as UserRow | undefined;
      return row ? toUser(row) : null;
    },

    async getPasswordHash(userId) {
      return (stmt.passwordHash.get(userId) as string | null | undefined) ?? null;
    },

    async setPasswordHash(userId, hash) {
      stmt.setPasswordHash.run(hash, userId);
    },

    async setAdmin(userId, isAdmin) {
      stmt.setAdmin.run(isAdmin ? 1 : 0, userId);
    },

    async countUsers() {
      return stmt.countUsers.get() as number;
    },

    async listUsers() {
      return (stmt.listUsers.all() as UserRow[]).map(toUser);
    },

    // ---- tokens ----------------------------------------------------------------------------

    async createToken(token) {
      const record: TokenRecord = {
        id: newId(),
        userId: token.userId,
        kind: token.kind,
        name: token.name,
        createdAt: nowIso(),
        lastUsedAt: null,
        expiresAt: token.expiresAt,
      };
      stmt.insertToken.run(record.id, record.userId, record.kind, record.name, token.hash, record.createdAt, record.expiresAt);
      return record;
    },

    async findToken(hash, now) {
      const token = stmt.findToken.get(hash, now) as TokenRecord | undefined;
      if (!token) return null;
      const user = stmt.userById.get(token.userId) as UserRow | undefined;
      return user ? { token, user: toUser(user) } : null;
    },

    async touchToken(id, at) {
      stmt.touchToken.run(at, id);
    },

    async listTokens(userId, kind) {
      return stmt.listTokens.all(userId, kind) as TokenRecord[];
    },

    async deleteToken(userId, id) {
      return stmt.deleteToken.run(id, userId).changes > 0;
    },

    async deleteUserTokens(userId, options = {}) {
      return stmt.deleteUserTokens.run(userId, options.exceptId ?? null).changes;
    },

    async deleteTokenByHash(hash) {
      stmt.deleteTokenByHash.run(hash);
    },

    async deleteExpiredTokens(now) {
      return stmt.deleteExpiredTokens.run(now).changes;
    },

    // ---- sites and members -----------------------------------------------------------------

    async upsertSite(site) {
      stmt.upsertSite.run(newId(), site.slug, site.name, site.issue, site.sponsor, nowIso());
      return getSiteNow(site.slug)!;
    },

    async listSites(userId) {
      return stmt.listSites.all(userId) as SiteWithRole[];
    },

    async getSite(slug) {
      return getSiteNow(slug);
    },

    async getRole(siteId, userId) {
      return (stmt.role.get(siteId, userId) as SiteRole | undefined) ?? null;
    },

    async setRole(siteId, userId, role) {
      stmt.upsertRole.run(siteId, userId, role, nowIso());
    },

    async removeMember(siteId, userId) {
      return stmt.removeMember.run(siteId, userId).changes > 0;
    },

    async listMembers(siteId) {
      return stmt.listMembers.all(siteId) as MemberRecord[];
    },

    // ---- rooms -----------------------------------------------------------------------------

    async createRoom(room, limits = {}) {
      const id = newId();
      insertRoomWithin.immediate(room, limits, id, nowIso());
      return getRoomNow(id)!;
    },

    async getRoom(id) {
      return getRoomNow(id);
    },

    async listRooms(siteId, options) {
      const rows = (options.includeArchived ? stmt.listRooms : stmt.listActiveRooms).all(siteId) as RoomRow[];
      return rows.map(toRoom);
    },

    async listRoomPage(siteId, query) {
      const statements = page[query.archived];
      const total = statements.total.get(siteId) as number;
      const { after } = query;
      const rows = (
        after
          ? statements.after.all(siteId, after.archived ? 1 : 0, after.archived ? 1 : 0, after.updatedAt, after.updatedAt, after.id, query.limit + 1)
          : statements.first.all(siteId, query.limit + 1)
      ) as RoomRow[];
      return { rooms: rows.slice(0, query.limit).map(toRoom), total, more: rows.length > query.limit };
    },

    async countRooms(siteId) {
      return countActiveRooms(siteId);
    },

    async getOrCreateLogRoom(siteId) {
      // The unique partial index rooms_site_log admits one log per site: the insert of a second,
      // concurrent caller (here or in the CLI's process) does nothing, and both read the same row.
      const at = nowIso();
      stmt.insertLogRoom.run(newId(), siteId, LOG_ROOM_TITLE, at, at);
      return toRoom(stmt.logRoom.get(siteId) as RoomRow);
    },

    async updateRoom(id, patch) {
      const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
      stmt.updateRoom.run({
        id,
        title: patch.title ?? null,
        archived: flag(patch.archived),
        locked: flag(patch.locked),
        lockedBy: patch.lockedBy ?? null,
        at: nowIso(),
      });
      return getRoomNow(id);
    },

    // ---- invites ---------------------------------------------------------------------------

    async createInvite(invite) {
      const id = newId();
      stmt.insertInvite.run(id, invite.siteId, invite.role, invite.email, invite.hash, invite.createdBy, nowIso(), invite.expiresAt);
      return stmt.inviteById.get(id) as InviteRecord;
    },

    async getInviteByHash(hash) {
      return (stmt.inviteByHash.get(hash) as InviteRecord | undefined) ?? null;
    },

    async claimInvite(id, userId, at) {
      return stmt.claimInvite.run(at, userId, id).changes > 0;
    },

    async acceptInvite(input) {
      try {
        return accept.immediate(input);
      } catch (error) {
        if (error === rollback) return { ok: false, reason: 'invite_taken' };
        throw error;
      }
    },

    async listPendingInvites(siteId, now): Promise<PendingInviteRecord[]> {
      const rows = stmt.pendingInvites.all(siteId, now) as PendingInviteRow[];
      return rows.map(({ creatorName: name, creatorOrganisation: organisation, ...invite }) => ({
        ...invite,
        creator: name === null || organisation === null ? null : { name, organisation },
      }));
    },

    async revokeInvite(siteId, id, at) {
      return revoke(siteId, id, at);
    },

    // ---- sign-in throttling ----------------------------------------------------------------

    async getLoginThrottle(key) {
      const row = stmt.throttle.get(key) as { failures: number; locked_until: string | null } | undefined;
      return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
    },

    async recordLoginFailure(key, at, options) {
      return recordFailure(key, at, options);
    },

    async clearLoginFailures(key) {
      stmt.clearThrottle.run(key);
    },
  };
}
