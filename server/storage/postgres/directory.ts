/**
 * The PostgreSQL `Directory` (settings apart, in `settings.ts`): people, tokens, sites and their
 * members, rooms, invites and the sign-in throttle. It answers exactly as the SQLite one does
 * (`../sqlite/directory.ts`); where that one leans on SQLite running one writer at a time, this
 * one says in a comment what makes the same step safe with several processes writing at once.
 *
 * Two SQLite behaviours are written out here: emails compare as `COLLATE NOCASE` does (ASCII
 * letters folded, nothing else: `lower()` under the "C" collation), and text sorts by its bytes
 * (`COLLATE "C"`), whatever collation the database was created with.
 */
import { newId } from '../../../shared/ids.js';
import { CREATABLE_ROOM_KINDS, LOG_ROOM_TITLE } from '../../../shared/api.js';
import { roleAtLeast, SITE_ROLES, type SiteRole } from '../../../shared/roles.js';
import type {
  Directory,
  InviteAcceptance,
  InviteRecord,
  LoginThrottle,
  MemberRecord,
  PendingInviteRecord,
  RoomLimits,
  RoomPageQuery,
  RoomRecord,
  SiteRecord,
  SiteWithRole,
  TokenRecord,
  UserRecord,
} from '../types.js';
import { RoomLimitError } from '../types.js';
import { nowIso, type PgDb, type Queryable } from './db.js';
import type { SettingsMethods } from './settings.js';

/** `column` as SQLite's NOCASE sees it: ASCII letters lower-cased (the "C" collation folds no others). */
function nocase(column: string): string {
  return `lower(${column} COLLATE "C")`;
}

export const DIRECTORY_SCHEMA = `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  password_hash TEXT,
  is_admin BOOLEAN NOT NULL DEFAULT false,
  created_at TEXT NOT NULL
);
-- One account per email, case aside, as SQLite's UNIQUE COLLATE NOCASE; lookups use it too.
CREATE UNIQUE INDEX users_email ON users ((${nocase('email')}));
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  expires_at TEXT
);
CREATE INDEX tokens_user ON tokens (user_id, kind);
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  issue TEXT NOT NULL,
  sponsor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE memberships (
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('facilitator', 'member', 'viewer')),
  joined_at TEXT NOT NULL,
  PRIMARY KEY (site_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('map', 'doc', 'log', 'workshop', 'summary')),
  title TEXT NOT NULL,
  archived BOOLEAN NOT NULL DEFAULT false,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  locked BOOLEAN NOT NULL DEFAULT false,
  locked_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  locked_at TEXT
);
CREATE INDEX rooms_site ON rooms (site_id, archived);
-- One learning log per site, which makes creating it on first use race-safe.
CREATE UNIQUE INDEX rooms_site_log ON rooms (site_id) WHERE kind = 'log';
-- seq stands in for SQLite's rowid: it breaks ties between invites made in the same millisecond.
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('facilitator', 'member', 'viewer')),
  email TEXT,
  hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  used_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  revoked_at TEXT,
  seq BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX invites_site ON invites (site_id, created_at);
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  first_failure_at TEXT NOT NULL,
  locked_until TEXT
);
`;

interface PendingInviteRow extends InviteRecord {
  creatorName: string | null;
  creatorOrganisation: string | null;
}

// Columns are aliased to the records' names (quoted: PostgreSQL folds bare names to lower case),
// and booleans are BOOLEAN, so rows are records as they come.
/** A user's columns, for `SELECT … FROM users` (`guest_of` is added by the guests' schema). */
export const USER_COLUMNS = `id, email, name, organisation, is_admin AS "isAdmin", created_at AS "createdAt", guest_of AS "guestOf"`;
const TOKEN_COLUMNS = `t.id, t.user_id AS "userId", t.kind, t.name, t.created_at AS "createdAt",
  t.last_used_at AS "lastUsedAt", t.expires_at AS "expiresAt"`;
/** A room's columns, from `rooms r JOIN sites s`. */
const ROOM_COLUMNS = `r.id, r.site_id AS "siteId", s.slug AS "siteSlug", r.kind, r.title, r.archived,
  r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.locked,
  r.locked_by AS "lockedBy", r.locked_at AS "lockedAt"`;
const ROOM_SELECT = `SELECT ${ROOM_COLUMNS} FROM rooms r JOIN sites s ON s.id = r.site_id`;
/** A room just written by `statement` (…RETURNING *), with its site's slug: one round trip. */
const roomWritten = (statement: string) => `WITH r AS (${statement} RETURNING *) SELECT ${ROOM_COLUMNS} FROM r JOIN sites s ON s.id = r.site_id`;
const INVITE_COLUMNS = `i.id, i.site_id AS "siteId", s.slug AS "siteSlug", i.role, i.email, i.created_by AS "createdBy",
  i.created_at AS "createdAt", i.expires_at AS "expiresAt", i.used_at AS "usedAt", i.used_by AS "usedBy",
  i.revoked_at AS "revokedAt"`;
const INVITE_SELECT = `SELECT ${INVITE_COLUMNS} FROM invites i JOIN sites s ON s.id = i.site_id`;
const INSERT_USER = `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;
/**
 * The rooms people make (`CREATABLE_ROOM_KINDS`: maps, documents and summaries). A site's
 * learning log comes with the site and a workshop's room with its workshop, so neither is listed
 * with the rooms nor counted in them.
 */
const MADE_ROOMS = `kind IN (${CREATABLE_ROOM_KINDS.map((k) => `'${k}'`).join(', ')})`;
/** Rooms in use in a site: made by people, not archived. */
const ACTIVE_ROOMS = `SELECT COUNT(*) AS n FROM rooms WHERE site_id = $1 AND NOT archived AND ${MADE_ROOMS}`;
/** The filter of each `RoomPageQuery.archived` on a site's rooms ($1 is the site). */
const PAGE_FILTERS: Record<RoomPageQuery['archived'], string> = {
  exclude: `r.site_id = $1 AND r.${MADE_ROOMS} AND NOT r.archived`,
  include: `r.site_id = $1 AND r.${MADE_ROOMS}`,
  only: `r.site_id = $1 AND r.${MADE_ROOMS} AND r.archived`,
};
// false sorts before true, as SQLite's 0 before 1; text by bytes, as SQLite compares it.
const PAGE_ORDER = 'ORDER BY r.archived, r.updated_at COLLATE "C" DESC, r.id COLLATE "C" DESC';
/** Rows after a position in the page order; $2 to $4 are its archived, updatedAt and id. */
const PAGE_AFTER = `(r.archived > $2 OR (r.archived = $2 AND (r.updated_at COLLATE "C" < $3
  OR (r.updated_at = $3 AND r.id COLLATE "C" < $4))))`;

/** Site roles from the lowest to the highest, so SQL can compare them as `roleAtLeast` does. */
const ROLES_BY_RANK = [...SITE_ROLES].sort((a, b) => Number(roleAtLeast(a, b)) - Number(roleAtLeast(b, a)));
const roleRank = (role: string) => `array_position(ARRAY[${ROLES_BY_RANK.map((r) => `'${r}'`).join(', ')}], ${role})`;

/**
 * Arbitrary constants: the first key of the directory's advisory locks (the second is a hash of
 * what is locked). Two-key locks never meet the one-key locks of migrations and other modules.
 */
const ROOM_LIMIT_LOCK = 7_305_010;
const THROTTLE_LOCK = 7_305_011;

/** Rooms in use in a site (not archived, not its log), optionally only those one person made. */
async function countActiveRooms(q: Queryable, siteId: string, createdBy?: string): Promise<number> {
  const { rows } =
    createdBy === undefined
      ? await q.query<{ n: number }>(ACTIVE_ROOMS, [siteId])
      : await q.query<{ n: number }>(`${ACTIVE_ROOMS} AND created_by = $2`, [siteId, createdBy]);
  return rows[0]!.n;
}

/** The directory's methods; settings come from `settings.ts`. */
export type DirectoryMethods = Omit<Directory, keyof SettingsMethods>;

/**
 * The directory over `db` (migrated already).
 *
 * @example
 * const directory = openDirectory(db)
 * const user = await directory.getUserByEmail('ana@council.gov.uk')
 */
export function openDirectory(db: PgDb): DirectoryMethods {
  async function getSiteNow(slug: string): Promise<SiteRecord | null> {
    const { rows } = await db.query<SiteRecord>('SELECT id, slug, name, issue, sponsor FROM sites WHERE slug = $1', [slug]);
    return rows[0] ?? null;
  }
  async function getRoomNow(q: Queryable, id: string): Promise<RoomRecord | null> {
    const { rows } = await q.query<RoomRecord>(`${ROOM_SELECT} WHERE r.id = $1`, [id]);
    return rows[0] ?? null;
  }
  async function getUserNow(q: Queryable, id: string): Promise<UserRecord | null> {
    const { rows } = await q.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  const insertRoom = `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
    VALUES ($1, $2, $3, $4, false, $5, $6, $6)`;

  /**
   * Counts and inserts under an advisory lock on the site, held to the end of the transaction:
   * two creations in a site (from any process) take turns, and each counts after the other's
   * insert is committed, so a burst cannot overshoot a limit (SQLite gets this from BEGIN IMMEDIATE).
   */
  function insertRoomWithin(room: Parameters<DirectoryMethods['createRoom']>[0], limits: RoomLimits, id: string, at: string): Promise<RoomRecord> {
    return db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ROOM_LIMIT_LOCK, room.siteId]);
      if (limits.maxInSite !== undefined && (await countActiveRooms(tx, room.siteId)) >= limits.maxInSite) {
        throw new RoomLimitError('site', limits.maxInSite);
      }
      if (limits.maxByCreator !== undefined && room.createdBy !== null && (await countActiveRooms(tx, room.siteId, room.createdBy)) >= limits.maxByCreator) {
        throw new RoomLimitError('creator', limits.maxByCreator);
      }
      const { rows } = await tx.query<RoomRecord>(roomWritten(insertRoom), [id, room.siteId, room.kind, room.title, room.createdBy, at]);
      return rows[0]!;
    });
  }

  const rollback = new Error('rolled back');
  /**
   * One transaction: the account, the claim and the role are all written or none. The claim is
   * one UPDATE whose conditions PostgreSQL checks again on the latest row when another
   * transaction claimed it meanwhile, so of racing acceptances exactly one claims; a loser that
   * inserted an account throws to roll it back. Two new accounts with one email: the second
   * insert waits for the first transaction and, once it commits, inserts nothing.
   */
  function accept(input: Parameters<DirectoryMethods['acceptInvite']>[0]): Promise<InviteAcceptance> {
    return db.transaction(async (tx): Promise<InviteAcceptance> => {
      let user: UserRecord;
      let created = false;
      if ('newUser' in input.account) {
        const fresh = input.account.newUser;
        const id = newId();
        const inserted = await tx.query(`${INSERT_USER} ON CONFLICT ((${nocase('email')})) DO NOTHING`, [
          id,
          fresh.email,
          fresh.name,
          fresh.organisation,
          fresh.passwordHash,
          fresh.isAdmin,
          input.at,
        ]);
        if (inserted.rowCount === 0) return { ok: false, reason: 'email_taken' };
        user = { id, email: fresh.email, name: fresh.name, organisation: fresh.organisation, isAdmin: fresh.isAdmin, createdAt: input.at, guestOf: null };
        created = true;
      } else {
        const found = await getUserNow(tx, input.account.userId);
        if (!found) throw new Error(`no user ${input.account.userId}`);
        user = found;
      }
      const claimed = await tx.query<{ site_id: string; role: SiteRole }>(
        `UPDATE invites SET used_at = $1, used_by = $2
         WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
         RETURNING site_id, role`,
        [input.at, user.id, input.inviteId],
      );
      const grant = claimed.rows[0];
      if (!grant) {
        if (created) throw rollback;
        return { ok: false, reason: 'invite_taken' };
      }
      // An invite never lowers a role someone already has. The comparison is in the upsert, so
      // a role set meanwhile by another transaction is compared, not overwritten.
      await tx.query(
        `INSERT INTO memberships (site_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role
         WHERE ${roleRank('memberships.role')} < ${roleRank('excluded.role')}`,
        [grant.site_id, user.id, grant.role, input.at],
      );
      return { ok: true, user, created };
    });
  }

  return {
    // ---- people ----------------------------------------------------------------------------

    async createUser(user) {
      const id = newId();
      const createdAt = nowIso();
      await db.query(INSERT_USER, [id, user.email, user.name, user.organisation, user.passwordHash, user.isAdmin, createdAt]);
      return { id, email: user.email, name: user.name, organisation: user.organisation, isAdmin: user.isAdmin, createdAt, guestOf: null };
    },

    async getUserById(id) {
      return getUserNow(db, id);
    },

    async getUserByEmail(email) {
      const { rows } = await db.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE ${nocase('email')} = ${nocase('$1::text')}`, [email]);
      return rows[0] ?? null;
    },

    async getPasswordHash(userId) {
      const { rows } = await db.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
      return rows[0]?.password_hash ?? null;
    },

    async setPasswordHash(userId, hash) {
      await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, userId]);
    },

    async setAdmin(userId, isAdmin) {
      await db.query('UPDATE users SET is_admin = $1 WHERE id = $2', [isAdmin, userId]);
    },

    async countUsers() {
      const { rows } = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      return rows[0]!.n;
    },

    async listUsers() {
      const { rows } = await db.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users ORDER BY ${nocase('email')}`);
      return rows;
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
      await db.query('INSERT INTO tokens (id, user_id, kind, name, hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        record.id,
        record.userId,
        record.kind,
        record.name,
        token.hash,
        record.createdAt,
        record.expiresAt,
      ]);
      return record;
    },

    async findToken(hash, now) {
      // The user comes as one JSON value, so its columns cannot clash with the token's.
      const { rows } = await db.query<TokenRecord & { user: UserRecord }>(
        `SELECT ${TOKEN_COLUMNS}, to_json(u) AS "user" FROM tokens t
         JOIN LATERAL (SELECT ${USER_COLUMNS} FROM users WHERE users.id = t.user_id) u ON true
         WHERE t.hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)`,
        [hash, now],
      );
      const row = rows[0];
      if (!row) return null;
      const { user, ...token } = row;
      return { token, user };
    },

    async touchToken(id, at) {
      await db.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
    },

    async listTokens(userId, kind) {
      const { rows } = await db.query<TokenRecord>(
        `SELECT ${TOKEN_COLUMNS} FROM tokens t WHERE t.user_id = $1 AND t.kind = $2 ORDER BY t.created_at`,
        [userId, kind],
      );
      return rows;
    },

    async deleteToken(userId, id) {
      const { rowCount } = await db.query('DELETE FROM tokens WHERE id = $1 AND user_id = $2', [id, userId]);
      return (rowCount ?? 0) > 0;
    },

    async deleteUserTokens(userId, options = {}) {
      const { rowCount } = await db.query('DELETE FROM tokens WHERE user_id = $1 AND id IS DISTINCT FROM $2::text', [
        userId,
        options.exceptId ?? null,
      ]);
      return rowCount ?? 0;
    },

    async deleteTokenByHash(hash) {
      await db.query('DELETE FROM tokens WHERE hash = $1', [hash]);
    },

    async deleteExpiredTokens(now) {
      const { rowCount } = await db.query('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
      return rowCount ?? 0;
    },

    // ---- sites and members -----------------------------------------------------------------

    async upsertSite(site) {
      const { rows } = await db.query<SiteRecord>(
        `INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, issue = excluded.issue, sponsor = excluded.sponsor
         RETURNING id, slug, name, issue, sponsor`,
        [newId(), site.slug, site.name, site.issue, site.sponsor, nowIso()],
      );
      return rows[0]!;
    },

    async listSites(userId) {
      const { rows } = await db.query<SiteWithRole>(
        `SELECT s.id, s.slug, s.name, s.issue, s.sponsor, m.role FROM sites s
         LEFT JOIN memberships m ON m.site_id = s.id AND m.user_id = $1
         ORDER BY (m.role IS NULL), ${nocase('s.name')}`,
        [userId],
      );
      return rows;
    },

    async getSite(slug) {
      return getSiteNow(slug);
    },

    async getRole(siteId, userId) {
      const { rows } = await db.query<{ role: SiteRole }>('SELECT role FROM memberships WHERE site_id = $1 AND user_id = $2', [siteId, userId]);
      return rows[0]?.role ?? null;
    },

    async setRole(siteId, userId, role) {
      await db.query(
        `INSERT INTO memberships (site_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`,
        [siteId, userId, role, nowIso()],
      );
    },

    async removeMember(siteId, userId) {
      const { rowCount } = await db.query('DELETE FROM memberships WHERE site_id = $1 AND user_id = $2', [siteId, userId]);
      return (rowCount ?? 0) > 0;
    },

    async listMembers(siteId) {
      const { rows } = await db.query<MemberRecord>(
        `SELECT u.id AS "userId", u.email, u.name, u.organisation, m.role, m.joined_at AS "joinedAt"
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.site_id = $1
         ORDER BY CASE m.role WHEN 'facilitator' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, ${nocase('u.name')}`,
        [siteId],
      );
      return rows;
    },

    // ---- rooms -----------------------------------------------------------------------------

    async createRoom(room, limits = {}) {
      const id = newId();
      const at = nowIso();
      if (limits.maxInSite !== undefined || limits.maxByCreator !== undefined) return insertRoomWithin(room, limits, id, at);
      // Without limits there is nothing to count: one statement.
      const { rows } = await db.query<RoomRecord>(roomWritten(insertRoom), [id, room.siteId, room.kind, room.title, room.createdBy, at]);
      return rows[0]!;
    },

    async getRoom(id) {
      return getRoomNow(db, id);
    },

    async listRooms(siteId, options) {
      // Ties on updated_at (SQLite leaves their order open) are broken by id, as the pages are.
      const { rows } = await db.query<RoomRecord>(
        `${ROOM_SELECT} WHERE r.site_id = $1 ${options.includeArchived ? '' : 'AND NOT r.archived'} ${PAGE_ORDER}`,
        [siteId],
      );
      return rows;
    },

    async listRoomPage(siteId, query) {
      const filter = PAGE_FILTERS[query.archived];
      const { after } = query;
      const [total, page] = await Promise.all([
        db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM rooms r WHERE ${filter}`, [siteId]),
        after
          ? db.query<RoomRecord>(`${ROOM_SELECT} WHERE ${filter} AND ${PAGE_AFTER} ${PAGE_ORDER} LIMIT $5`, [
              siteId,
              after.archived,
              after.updatedAt,
              after.id,
              query.limit + 1,
            ])
          : db.query<RoomRecord>(`${ROOM_SELECT} WHERE ${filter} ${PAGE_ORDER} LIMIT $2`, [siteId, query.limit + 1]),
      ]);
      const rows = page.rows;
      return { rooms: rows.slice(0, query.limit), total: total.rows[0]!.n, more: rows.length > query.limit };
    },

    async countRooms(siteId) {
      return countActiveRooms(db, siteId);
    },

    async getOrCreateLogRoom(siteId) {
      // The unique partial index rooms_site_log admits one log per site: a concurrent caller's
      // insert (in any process) waits for the first to commit, then does nothing, and its next
      // statement, with a fresh snapshot, reads the same row.
      const at = nowIso();
      await db.query(
        `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
         VALUES ($1, $2, 'log', $3, false, NULL, $4, $4) ON CONFLICT (site_id) WHERE kind = 'log' DO NOTHING`,
        [newId(), siteId, LOG_ROOM_TITLE, at],
      );
      const { rows } = await db.query<RoomRecord>(`${ROOM_SELECT} WHERE r.site_id = $1 AND r.kind = 'log'`, [siteId]);
      return rows[0]!;
    },

    async updateRoom(id, patch) {
      // A lock asked for while one is in force keeps that one's author and time. Every SET
      // expression reads the row as it was before the update, as in SQLite.
      const { rows } = await db.query<RoomRecord>(
        roomWritten(
          `UPDATE rooms SET title = COALESCE($2, title), archived = COALESCE($3, archived),
             locked_by = CASE WHEN $4::boolean IS NULL OR ($4 AND locked) THEN locked_by WHEN $4 THEN $5::text END,
             locked_at = CASE WHEN $4::boolean IS NULL OR ($4 AND locked) THEN locked_at WHEN $4 THEN $6::text END,
             locked = COALESCE($4, locked), updated_at = $6
           WHERE id = $1`,
        ),
        [id, patch.title ?? null, patch.archived ?? null, patch.locked ?? null, patch.lockedBy ?? null, nowIso()],
      );
      return rows[0] ?? null;
    },

    // ---- invites ---------------------------------------------------------------------------

    async createInvite(invite) {
      const { rows } = await db.query<InviteRecord>(
        `WITH i AS (
           INSERT INTO invites (id, site_id, role, email, hash, created_by, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *
         ) SELECT ${INVITE_COLUMNS} FROM i JOIN sites s ON s.id = i.site_id`,
        [newId(), invite.siteId, invite.role, invite.email, invite.hash, invite.createdBy, nowIso(), invite.expiresAt],
      );
      return rows[0]!;
    },

    async getInviteByHash(hash) {
      const { rows } = await db.query<InviteRecord>(`${INVITE_SELECT} WHERE i.hash = $1`, [hash]);
      return rows[0] ?? null;
    },

    async claimInvite(id, userId, at) {
      // One statement: of two concurrent claims, the second finds used_at set and changes nothing.
      const { rowCount } = await db.query(
        'UPDATE invites SET used_at = $1, used_by = $2 WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL',
        [at, userId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    async acceptInvite(input) {
      try {
        return await accept(input);
      } catch (error) {
        if (error === rollback) return { ok: false, reason: 'invite_taken' };
        throw error;
      }
    },

    async listPendingInvites(siteId, now): Promise<PendingInviteRecord[]> {
      const { rows } = await db.query<PendingInviteRow>(
        `SELECT ${INVITE_COLUMNS}, u.name AS "creatorName", u.organisation AS "creatorOrganisation"
         FROM invites i JOIN sites s ON s.id = i.site_id LEFT JOIN users u ON u.id = i.created_by
         WHERE i.site_id = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.seq DESC`,
        [siteId, now],
      );
      return rows.map(({ creatorName: name, creatorOrganisation: organisation, ...invite }) => ({
        ...invite,
        creator: name === null || organisation === null ? null : { name, organisation },
      }));
    },

    async revokeInvite(siteId, id, at) {
      // One transaction, so the invite read back is the one this update left (its row stays
      // locked by the update until then).
      return db.transaction(async (tx) => {
        await tx.query('UPDATE invites SET revoked_at = $1 WHERE id = $2 AND site_id = $3 AND used_at IS NULL AND revoked_at IS NULL', [
          at,
          id,
          siteId,
        ]);
        const { rows } = await tx.query<InviteRecord>(`${INVITE_SELECT} WHERE i.id = $1 AND i.site_id = $2`, [id, siteId]);
        return rows[0] ?? null;
      });
    },

    // ---- sign-in throttling ----------------------------------------------------------------

    async getLoginThrottle(key) {
      const { rows } = await db.query<LoginThrottle>('SELECT failures, locked_until AS "lockedUntil" FROM login_throttle WHERE key = $1', [key]);
      return { failures: rows[0]?.failures ?? 0, lockedUntil: rows[0]?.lockedUntil ?? null };
    },

    async recordLoginFailure(key, at, options) {
      // Read, count and write under an advisory lock on the key, held to the end of the
      // transaction: concurrent failures for one key (from any process) are each counted.
      // A row lock would not do, as the first failure has no row to lock.
      return db.transaction(async (tx): Promise<LoginThrottle> => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [THROTTLE_LOCK, key]);
        const { rows } = await tx.query<{ failures: number; first_failure_at: string }>(
          'SELECT failures, first_failure_at FROM login_throttle WHERE key = $1',
          [key],
        );
        const row = rows[0];
        const atMs = Date.parse(at);
        const fresh = !row || atMs - Date.parse(row.first_failure_at) > options.windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        const firstAt = fresh ? at : row.first_failure_at;
        const lockedUntil = failures >= options.maxFailures ? new Date(atMs + options.lockMs).toISOString() : null;
        await tx.query(
          `INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
             first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until`,
          [key, failures, firstAt, lockedUntil],
        );
        return { failures, lockedUntil };
      });
    },

    async clearLoginFailures(key) {
      await db.query('DELETE FROM login_throttle WHERE key = $1', [key]);
    },
  };
}
