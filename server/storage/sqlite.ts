/**
 * SQLite implementation of `Storage`, the embedded default. One database file under DATA_DIR
 * in WAL mode, so the operator CLI can read and write while the server runs, and a committed
 * append survives `kill -9` of the process.
 */
import Database from 'better-sqlite3';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './checkpointer.js';
import * as Y from 'yjs';
import { replayStoredDoc } from '../ydoc/replay.js';
import { newId } from '../../shared/ids.js';
import { LOG_ROOM_TITLE, type RoomKind } from '../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import type { SearchEntry } from '../../shared/search/types.js';
import { MATCH_END, MATCH_START, ftsQuery, indexableText, splitSnippet } from './fts.js';
import type {
  InviteAcceptance,
  InviteRecord,
  LoginThrottle,
  MemberRecord,
  MentionRef,
  MentionableRecord,
  NewUser,
  PendingInviteRecord,
  RoomLimits,
  RoomPageQuery,
  RoomRecord,
  SearchHit,
  SiteRecord,
  SiteWithRole,
  Storage,
  StoredDoc,
  TokenKind,
  TokenRecord,
  UserRecord,
} from './types.js';
import { RoomLimitError } from './types.js';

/**
 * A schema migration: its SQL, or for a table rebuild (SQLite cannot alter a CHECK constraint)
 * the SQL with `foreignKeysOff`, which runs it with foreign keys off and checks them after.
 */
type Migration = string | { sql: string; foreignKeysOff: true };

/** Ordered schema migrations; each runs once, in its own transaction. Append, never edit. */
const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
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
    kind TEXT NOT NULL CHECK (kind IN ('map', 'doc')),
    title TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX rooms_site ON rooms (site_id, archived);
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
    used_by TEXT REFERENCES users(id) ON DELETE SET NULL
  );
  CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_failure_at TEXT NOT NULL,
    locked_until TEXT
  );
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE doc_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX doc_updates_doc ON doc_updates (doc, id);
  CREATE TABLE doc_snapshots (
    doc TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // The update log clustered on (doc, seq): an append touches one b-tree page instead of the
  // table, its index and AUTOINCREMENT's counter, so each commit writes a third of the WAL pages
  // and SQLite checkpoints (and fsyncs) a third as often.
  `
  CREATE TABLE doc_updates_v2 (
    doc TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (doc, seq)
  ) WITHOUT ROWID;
  INSERT INTO doc_updates_v2 (doc, seq, data) SELECT doc, id, data FROM doc_updates;
  DROP TABLE doc_updates;
  ALTER TABLE doc_updates_v2 RENAME TO doc_updates;
  `,
  // Facilitators can withdraw an invite: it stays as a record of who was invited, but dead.
  // The index serves a site's list of invites, newest first.
  `
  ALTER TABLE invites ADD COLUMN revoked_at TEXT;
  CREATE INDEX invites_site ON invites (site_id, created_at);
  `,
  // Rooms of kind 'log': each site's one learning log. The CHECK on rooms.kind can only change by
  // rebuilding the table (SQLite's documented procedure: new table, copy, drop, rename, indexes).
  // Rowids are copied too, so anything keyed on them stays right. The unique partial index
  // allows one log per site, which makes creating it on first use race-safe.
  {
    foreignKeysOff: true,
    sql: `
  CREATE TABLE rooms_new (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('map', 'doc', 'log')),
    title TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  INSERT INTO rooms_new (rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at)
    SELECT rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at FROM rooms;
  DROP TABLE rooms;
  ALTER TABLE rooms_new RENAME TO rooms;
  CREATE INDEX rooms_site ON rooms (site_id, archived);
  CREATE UNIQUE INDEX rooms_site_log ON rooms (site_id) WHERE kind = 'log';
  `,
  },
  // Site-wide search. search_entries holds what each room's extractor found; search_fts indexes
  // it (external content, kept in step by the triggers): unicode61 without diacritics, so "cafe"
  // finds "café", and prefix indexes, so "obes" finds "obesity" quickly. search_rooms records the
  // doc revision and title each room was indexed at, and doc_revisions keeps the count of
  // updates that compaction folds into a snapshot, so a doc's revision survives compaction.
  // No foreign keys to rooms: a rebuild of rooms must not cascade into the index, and results
  // join rooms anyway. Written to run again harmlessly (IF NOT EXISTS throughout).
  `
  CREATE TABLE IF NOT EXISTS doc_revisions (doc TEXT PRIMARY KEY, base INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS search_entries (
    id INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL,
    target TEXT NOT NULL,
    target_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS search_entries_room ON search_entries (room_id, target_id);
  CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title, body, content = 'search_entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
  );
  CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
  END;
  CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  END;
  CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
  END;
  CREATE TABLE IF NOT EXISTS search_rooms (
    room_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    title TEXT NOT NULL,
    indexed_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

/** The schema version a fresh database reaches: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

interface UserRow {
  id: string;
  email: string;
  name: string;
  organisation: string;
  is_admin: number;
  created_at: string;
}
interface TokenRow {
  id: string;
  user_id: string;
  kind: TokenKind;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}
interface RoomRow {
  id: string;
  site_id: string;
  site_slug: string;
  kind: RoomKind;
  title: string;
  archived: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
interface InviteRow {
  id: string;
  site_id: string;
  site_slug: string;
  role: SiteRole;
  email: string | null;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  revoked_at: string | null;
}
interface PendingInviteRow extends InviteRow {
  creator_name: string | null;
  creator_organisation: string | null;
}

const USER_COLUMNS = 'id, email, name, organisation, is_admin, created_at';
const TOKEN_COLUMNS = 'id, user_id, kind, name, created_at, last_used_at, expires_at';
const ROOM_SELECT = `SELECT r.id, r.site_id, s.slug AS site_slug, r.kind, r.title, r.archived,
  r.created_by, r.created_at, r.updated_at FROM rooms r JOIN sites s ON s.id = r.site_id`;
const INVITE_COLUMNS = `i.id, i.site_id, s.slug AS site_slug, i.role, i.email, i.created_by,
  i.created_at, i.expires_at, i.used_at, i.used_by, i.revoked_at`;
const INVITE_SELECT = `SELECT ${INVITE_COLUMNS} FROM invites i JOIN sites s ON s.id = i.site_id`;

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    organisation: row.organisation,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
  };
}
function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}
function toRoom(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    siteSlug: row.site_slug,
    kind: row.kind,
    title: row.title,
    archived: row.archived === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
function toInvite(row: InviteRow): InviteRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    siteSlug: row.site_slug,
    role: row.role,
    email: row.email,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    usedBy: row.used_by,
    revokedAt: row.revoked_at,
  };
}
function nowIso(): string {
  return new Date().toISOString();
}
/** better-sqlite3 returns Buffers; Yjs wants plain Uint8Arrays over exactly the stored bytes. */
function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export interface SqliteStorageOptions {
  /** Path of the database file, or `:memory:` for tests. */
  filename: string;
  /** How long a writer waits for another process (the CLI) to finish, in ms. */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL on a thread of its own (`checkpointer.ts`), not in the commits of the
   * event loop. For the long-running server; the CLI and tests need no thread.
   */
  backgroundCheckpoints?: boolean;
  /** Told when a background checkpoint fails (the backstop checkpoint still bounds the WAL). */
  onCheckpointError?: (message: string) => void;
  /** How often the background thread checkpoints, in ms (default 1,000). */
  checkpointEveryMs?: number;
}

/**
 * Opens (creating and migrating when needed) the SQLite database.
 *
 * @example
 * const storage = openSqliteStorage({ filename: 'data/workspace.db' })
 * await storage.appendUpdate(roomId, update)
 */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(options);
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly stmt;
  private pendingAppends: { name: string; update: Uint8Array; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  /**
   * Each doc's last log number, once read: an append is then a plain insert, without the
   * `MAX(seq)` lookup on every edit. Only this process appends to a doc's log; should another
   * ever have, the insert clashes on (doc, seq) and the batch is retried with numbers read anew.
   */
  private readonly lastSeq = new Map<string, number>();
  private readonly commitAppends: (batch: readonly { name: string; update: Uint8Array }[]) => void;

  private readonly checkpointer: Checkpointer | null = null;

  constructor(options: SqliteStorageOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of this process (kill -9);
    // only a power loss can take the last few commits. FULL would fsync on every edit.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.migrate();
    if (options.backgroundCheckpoints && options.filename !== ':memory:') {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      this.checkpointer = startCheckpointer(options.filename, { onError: options.onCheckpointError, everyMs: options.checkpointEveryMs });
    }
    const db = this.db;
    this.stmt = {
      appendUpdate: db.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM doc_updates WHERE doc = ?').pluck(),
      snapshot: db.prepare('SELECT data FROM doc_snapshots WHERE doc = ?').pluck(),
      updates: db.prepare('SELECT data FROM doc_updates WHERE doc = ? ORDER BY seq').pluck(),
      updatesWithSeq: db.prepare('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq'),
      userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      userByEmail: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`),
      findToken: db.prepare(
        `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = ? AND (expires_at IS NULL OR expires_at > ?)`,
      ),
      role: db.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?').pluck(),
      room: db.prepare(`${ROOM_SELECT} WHERE r.id = ?`),
      touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
      docRevision: db.prepare(
        `SELECT COALESCE((SELECT base FROM doc_revisions WHERE doc = ?), 0)
           + COALESCE((SELECT MAX(seq) FROM doc_updates WHERE doc = ?), 0)`,
      ).pluck(),
    };
    // Made once: better-sqlite3 builds a transaction function's wrappers each time it is asked.
    this.commitAppends = db.transaction((batch: readonly { name: string; update: Uint8Array }[]) => {
      const numbered = new Map<string, number>();
      for (const { name, update } of batch) {
        const seq = (numbered.get(name) ?? this.lastSeq.get(name) ?? (this.stmt.lastSeq.get(name) as number)) + 1;
        this.stmt.appendUpdate.run(name, seq, update);
        numbered.set(name, seq);
      }
      // Remembered only once committed: a failed batch leaves the numbers as they were.
      for (const [name, seq] of numbered) this.lastSeq.set(name, seq);
    });
  }

  private migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = this.db
      .prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations')
      .pluck()
      .get() as number;
    MIGRATIONS.forEach((migration, index) => {
      const version = index + 1;
      if (version <= applied) return;
      const sql = typeof migration === 'string' ? migration : migration.sql;
      const rebuild = typeof migration !== 'string' && migration.foreignKeysOff;
      // PRAGMA foreign_keys does nothing inside a transaction, so it is switched around it;
      // the check inside rolls the rebuild back if it left any reference dangling.
      if (rebuild) this.db.pragma('foreign_keys = OFF');
      try {
        this.db.transaction(() => {
          this.db.exec(sql);
          if (rebuild) {
            const broken = this.db.pragma('foreign_key_check') as unknown[];
            if (broken.length > 0) throw new Error(`Migration ${version} would leave ${broken.length} broken references; nothing was changed.`);
          }
          this.db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(version, nowIso());
        })();
      } finally {
        if (rebuild) this.db.pragma('foreign_keys = ON');
      }
    });
  }

  // ---- documents -------------------------------------------------------------------------

  async loadDoc(name: string): Promise<StoredDoc> {
    this.flushAppends();
    return this.db.transaction(() => {
      const snapshot = this.stmt.snapshot.get(name) as Buffer | undefined;
      const updates = this.stmt.updates.all(name) as Buffer[];
      return { snapshot: snapshot ? toBytes(snapshot) : null, updates: updates.map(toBytes) };
    })();
  }

  /**
   * Appends are grouped: every append made in one turn of the event loop is committed in one
   * transaction just after it (setImmediate), and each promise resolves only once that commit
   * has succeeded. One commit for many small updates writes far fewer WAL pages, so SQLite
   * checkpoints (and fsyncs) far less often, while "durable before relayed" still holds.
   */
  appendUpdate(name: string, update: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ name, update, resolve, reject });
      this.flushTimer ??= setImmediate(() => this.flushAppends());
    });
  }

  private flushAppends(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pendingAppends;
    if (batch.length === 0) return;
    this.pendingAppends = [];
    try {
      try {
        this.commitAppends(batch);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        // Numbers out of date (some other writer appended): read them again, once.
        this.lastSeq.clear();
        this.commitAppends(batch);
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const { resolve } of batch) resolve();
  }

  async compactDoc(name: string, current?: Uint8Array): Promise<void> {
    this.flushAppends();
    // One synchronous transaction: nothing can append between reading the log and deleting it.
    this.db.transaction(() => {
      const rows = this.stmt.updatesWithSeq.all(name) as { seq: number; data: Buffer }[];
      if (rows.length === 0) return;
      let merged = current;
      if (!merged) {
        const snapshot = this.stmt.snapshot.get(name) as Buffer | undefined;
        // Replayed as a room loads it, so a bad stored update is dropped here, not thrown on.
        const { doc } = replayStoredDoc({ snapshot: snapshot ? toBytes(snapshot) : null, updates: rows.map((r) => toBytes(r.data)) });
        merged = Y.encodeStateAsUpdate(doc);
        doc.destroy();
      }
      this.db
        .prepare(
          `INSERT INTO doc_snapshots (doc, data, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (doc) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
        )
        .run(name, merged, nowIso());
      const lastSeq = rows[rows.length - 1]!.seq;
      this.db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?').run(name, lastSeq);
      // What is left numbers on from the highest row kept: none, unless another writer's.
      this.lastSeq.delete(name);
      // The log numbers from 1 again after this, so its last number moves into the base.
      this.db
        .prepare(
          `INSERT INTO doc_revisions (doc, base) VALUES (?, ?)
           ON CONFLICT (doc) DO UPDATE SET base = base + excluded.base`,
        )
        .run(name, lastSeq);
    })();
  }

  async docRevision(name: string): Promise<number> {
    return this.stmt.docRevision.get(name, name) as number;
  }

  // ---- people ----------------------------------------------------------------------------

  async createUser(user: NewUser): Promise<UserRecord> {
    const id = newId();
    const createdAt = nowIso();
    this.db
      .prepare(
        `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, user.email, user.name, user.organisation, user.passwordHash, user.isAdmin ? 1 : 0, createdAt);
    return { id, email: user.email, name: user.name, organisation: user.organisation, isAdmin: user.isAdmin, createdAt };
  }

  async getUserById(id: string): Promise<UserRecord | null> {
    const row = this.stmt.userById.get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async getUserByEmail(email: string): Promise<UserRecord | null> {
    const row = this.stmt.userByEmail.get(email) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    const hash = this.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(userId);
    return (hash as string | null | undefined) ?? null;
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId);
  }

  async setAdmin(userId: string, isAdmin: boolean): Promise<void> {
    this.db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(isAdmin ? 1 : 0, userId);
  }

  async countUsers(): Promise<number> {
    return this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = this.db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`).all() as UserRow[];
    return rows.map(toUser);
  }

  // ---- tokens ----------------------------------------------------------------------------

  async createToken(token: {
    userId: string;
    kind: TokenKind;
    name: string;
    hash: string;
    expiresAt: string | null;
  }): Promise<TokenRecord> {
    const record: TokenRecord = {
      id: newId(),
      userId: token.userId,
      kind: token.kind,
      name: token.name,
      createdAt: nowIso(),
      lastUsedAt: null,
      expiresAt: token.expiresAt,
    };
    this.db
      .prepare(
        `INSERT INTO tokens (id, user_id, kind, name, hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.id, record.userId, record.kind, record.name, token.hash, record.createdAt, record.expiresAt);
    return record;
  }

  async findToken(hash: string, now: string): Promise<{ token: TokenRecord; user: UserRecord } | null> {
    const row = this.stmt.findToken.get(hash, now) as TokenRow | undefined;
    if (!row) return null;
    const user = this.stmt.userById.get(row.user_id) as UserRow | undefined;
    return user ? { token: toToken(row), user: toUser(user) } : null;
  }

  async touchToken(id: string, at: string): Promise<void> {
    this.stmt.touchToken.run(at, id);
  }

  async listTokens(userId: string, kind: TokenKind): Promise<TokenRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_id = ? AND kind = ? ORDER BY created_at`)
      .all(userId, kind) as TokenRow[];
    return rows.map(toToken);
  }

  async deleteToken(userId: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM tokens WHERE id = ? AND user_id = ?').run(id, userId).changes > 0;
  }

  async deleteUserTokens(userId: string, options: { exceptId?: string } = {}): Promise<number> {
    return this.db
      .prepare('DELETE FROM tokens WHERE user_id = ? AND id IS NOT ?')
      .run(userId, options.exceptId ?? null).changes;
  }

  async deleteTokenByHash(hash: string): Promise<void> {
    this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(hash);
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    return this.db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now)
      .changes;
  }

  // ---- sites and members -----------------------------------------------------------------

  async upsertSite(site: Omit<SiteRecord, 'id'>): Promise<SiteRecord> {
    this.db
      .prepare(
        `INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, issue = excluded.issue,
           sponsor = excluded.sponsor`,
      )
      .run(newId(), site.slug, site.name, site.issue, site.sponsor, nowIso());
    return (await this.getSite(site.slug))!;
  }

  async listSites(userId: string): Promise<SiteWithRole[]> {
    return this.db
      .prepare(
        `SELECT s.id, s.slug, s.name, s.issue, s.sponsor, m.role FROM sites s
         LEFT JOIN memberships m ON m.site_id = s.id AND m.user_id = ?
         ORDER BY (m.role IS NULL), s.name COLLATE NOCASE`,
      )
      .all(userId) as SiteWithRole[];
  }

  async getSite(slug: string): Promise<SiteRecord | null> {
    const row = this.db.prepare('SELECT id, slug, name, issue, sponsor FROM sites WHERE slug = ?').get(slug);
    return (row as SiteRecord | undefined) ?? null;
  }

  async getRole(siteId: string, userId: string): Promise<SiteRole | null> {
    return (this.stmt.role.get(siteId, userId) as SiteRole | undefined) ?? null;
  }

  async setRole(siteId: string, userId: string, role: SiteRole): Promise<void> {
    this.upsertRole(siteId, userId, role, nowIso());
  }

  /** Gives a role on a site, or changes it (synchronous, for use inside transactions). */
  private upsertRole(siteId: string, userId: string, role: SiteRole, at: string): void {
    this.db
      .prepare(
        `INSERT INTO memberships (site_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`,
      )
      .run(siteId, userId, role, at);
  }

  async removeMember(siteId: string, userId: string): Promise<boolean> {
    return (
      this.db.prepare('DELETE FROM memberships WHERE site_id = ? AND user_id = ?').run(siteId, userId).changes > 0
    );
  }

  async listMembers(siteId: string): Promise<MemberRecord[]> {
    return this.db
      .prepare(
        `SELECT u.id AS userId, u.email, u.name, u.organisation, m.role, m.joined_at AS joinedAt
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.site_id = ?
         ORDER BY CASE m.role WHEN 'facilitator' THEN 0 WHEN 'member' THEN 1 ELSE 2 END,
           u.name COLLATE NOCASE`,
      )
      .all(siteId) as MemberRecord[];
  }

  // ---- rooms -----------------------------------------------------------------------------

  async createRoom(
    room: {
      siteId: string;
      kind: RoomKind;
      title: string;
      createdBy: string | null;
    },
    limits: RoomLimits = {},
  ): Promise<RoomRecord> {
    const id = newId();
    const at = nowIso();
    // BEGIN IMMEDIATE: the counts and the insert are one step, even against another process
    // (the CLI) creating rooms at the same moment.
    this.db
      .transaction(() => {
        if (limits.maxInSite !== undefined && this.countActiveRooms(room.siteId) >= limits.maxInSite) {
          throw new RoomLimitError('site', limits.maxInSite);
        }
        if (
          limits.maxByCreator !== undefined &&
          room.createdBy !== null &&
          this.countActiveRooms(room.siteId, room.createdBy) >= limits.maxByCreator
        ) {
          throw new RoomLimitError('creator', limits.maxByCreator);
        }
        this.db
          .prepare(
            `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, 0, ?, ?, ?)`,
          )
          .run(id, room.siteId, room.kind, room.title, room.createdBy, at, at);
      })
      .immediate();
    return (await this.getRoom(id))!;
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const row = this.stmt.room.get(id) as RoomRow | undefined;
    return row ? toRoom(row) : null;
  }

  async listRooms(siteId: string, options: { includeArchived: boolean }): Promise<RoomRecord[]> {
    const rows = this.db
      .prepare(
        `${ROOM_SELECT} WHERE r.site_id = ? ${options.includeArchived ? '' : 'AND r.archived = 0'}
         ORDER BY r.archived, r.updated_at DESC`,
      )
      .all(siteId) as RoomRow[];
    return rows.map(toRoom);
  }

  async listRoomPage(siteId: string, query: RoomPageQuery): Promise<{ rooms: RoomRecord[]; total: number; more: boolean }> {
    const filter = `r.site_id = ? AND r.kind != 'log'${
      query.archived === 'exclude' ? ' AND r.archived = 0' : query.archived === 'only' ? ' AND r.archived = 1' : ''
    }`;
    const total = this.db.prepare(`SELECT COUNT(*) FROM rooms r WHERE ${filter}`).pluck().get(siteId) as number;
    const after = query.after;
    // Rows after `after` in the order below: (archived ASC, updated_at DESC, id DESC).
    const rows = (
      after
        ? this.db
            .prepare(
              `${ROOM_SELECT} WHERE ${filter} AND (r.archived > ? OR (r.archived = ? AND (r.updated_at < ? OR (r.updated_at = ? AND r.id < ?))))
               ORDER BY r.archived, r.updated_at DESC, r.id DESC LIMIT ?`,
            )
            .all(siteId, after.archived ? 1 : 0, after.archived ? 1 : 0, after.updatedAt, after.updatedAt, after.id, query.limit + 1)
        : this.db
            .prepare(`${ROOM_SELECT} WHERE ${filter} ORDER BY r.archived, r.updated_at DESC, r.id DESC LIMIT ?`)
            .all(siteId, query.limit + 1)
    ) as RoomRow[];
    const more = rows.length > query.limit;
    return { rooms: rows.slice(0, query.limit).map(toRoom), total, more };
  }

  async countRooms(siteId: string): Promise<number> {
    return this.countActiveRooms(siteId);
  }

  /** Rooms in use in a site (not archived, not its log), optionally only those one person made. */
  private countActiveRooms(siteId: string, createdBy?: string): number {
    const byCreator = createdBy === undefined ? '' : ' AND created_by = ?';
    return this.db
      .prepare(`SELECT COUNT(*) FROM rooms WHERE site_id = ? AND archived = 0 AND kind != 'log'${byCreator}`)
      .pluck()
      .get(siteId, ...(createdBy === undefined ? [] : [createdBy])) as number;
  }

  async getOrCreateLogRoom(siteId: string): Promise<RoomRecord> {
    // The unique partial index rooms_site_log admits one log per site: the insert of a second,
    // concurrent caller (here or in the CLI's process) does nothing, and both read the same row.
    const at = nowIso();
    this.db
      .prepare(
        `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
         VALUES (?, ?, 'log', ?, 0, NULL, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(newId(), siteId, LOG_ROOM_TITLE, at, at);
    const row = this.db.prepare(`${ROOM_SELECT} WHERE r.site_id = ? AND r.kind = 'log'`).get(siteId) as RoomRow;
    return toRoom(row);
  }

  async updateRoom(id: string, patch: { title?: string; archived?: boolean }): Promise<RoomRecord | null> {
    this.db
      .prepare(
        `UPDATE rooms SET title = COALESCE(?, title), archived = COALESCE(?, archived), updated_at = ?
         WHERE id = ?`,
      )
      .run(patch.title ?? null, patch.archived === undefined ? null : patch.archived ? 1 : 0, nowIso(), id);
    return this.getRoom(id);
  }

  // ---- invites ---------------------------------------------------------------------------

  async createInvite(invite: {
    siteId: string;
    role: SiteRole;
    email: string | null;
    hash: string;
    createdBy: string;
    expiresAt: string;
  }): Promise<InviteRecord> {
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO invites (id, site_id, role, email, hash, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, invite.siteId, invite.role, invite.email, invite.hash, invite.createdBy, nowIso(), invite.expiresAt);
    const row = this.db.prepare(`${INVITE_SELECT} WHERE i.id = ?`).get(id) as InviteRow;
    return toInvite(row);
  }

  async getInviteByHash(hash: string): Promise<InviteRecord | null> {
    const row = this.db.prepare(`${INVITE_SELECT} WHERE i.hash = ?`).get(hash) as InviteRow | undefined;
    return row ? toInvite(row) : null;
  }

  async claimInvite(id: string, userId: string, at: string): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL')
        .run(at, userId, id).changes > 0
    );
  }

  async acceptInvite(input: {
    inviteId: string;
    account: { userId: string } | { newUser: NewUser };
    at: string;
  }): Promise<InviteAcceptance> {
    // One synchronous transaction (BEGIN IMMEDIATE, so another process such as the CLI waits
    // rather than interleaving): nothing else runs between the claim, the account and the role.
    // A failure after the account was inserted throws to roll it back.
    const rollback = new Error('rolled back');
    const run = this.db.transaction((): InviteAcceptance => {
      let user: UserRecord;
      let created = false;
      if ('newUser' in input.account) {
        const fresh = input.account.newUser;
        const id = newId();
        const inserted = this.db
          .prepare(
            `INSERT INTO users (id, email, name, organisation, password_hash, is_admin, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
          )
          .run(id, fresh.email, fresh.name, fresh.organisation, fresh.passwordHash, fresh.isAdmin ? 1 : 0, input.at);
        if (inserted.changes === 0) return { ok: false, reason: 'email_taken' };
        user = { id, email: fresh.email, name: fresh.name, organisation: fresh.organisation, isAdmin: fresh.isAdmin, createdAt: input.at };
        created = true;
      } else {
        const row = this.stmt.userById.get(input.account.userId) as UserRow | undefined;
        if (!row) throw new Error(`no user ${input.account.userId}`);
        user = toUser(row);
      }
      const claimed = this.db
        .prepare(
          `UPDATE invites SET used_at = ?, used_by = ?
           WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
        )
        .run(input.at, user.id, input.inviteId, input.at);
      if (claimed.changes === 0) {
        if (created) throw rollback;
        return { ok: false, reason: 'invite_taken' };
      }
      const { site_id: siteId, role } = this.db
        .prepare('SELECT site_id, role FROM invites WHERE id = ?')
        .get(input.inviteId) as { site_id: string; role: SiteRole };
      // An invite never lowers a role someone already has.
      const current = (this.stmt.role.get(siteId, user.id) as SiteRole | undefined) ?? null;
      if (!roleAtLeast(current, role)) this.upsertRole(siteId, user.id, role, input.at);
      return { ok: true, user, created };
    });
    try {
      return run.immediate();
    } catch (error) {
      if (error === rollback) return { ok: false, reason: 'invite_taken' };
      throw error;
    }
  }

  async listPendingInvites(siteId: string, now: string): Promise<PendingInviteRecord[]> {
    // rowid breaks ties between invites made in the same millisecond, so "newest first" holds.
    const rows = this.db
      .prepare(
        `SELECT ${INVITE_COLUMNS}, u.name AS creator_name, u.organisation AS creator_organisation
         FROM invites i JOIN sites s ON s.id = i.site_id LEFT JOIN users u ON u.id = i.created_by
         WHERE i.site_id = ? AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
         ORDER BY i.created_at DESC, i.rowid DESC`,
      )
      .all(siteId, now) as PendingInviteRow[];
    return rows.map((row) => {
      const { creator_name: name, creator_organisation: organisation } = row;
      return { ...toInvite(row), creator: name === null || organisation === null ? null : { name, organisation } };
    });
  }

  async revokeInvite(siteId: string, id: string, at: string): Promise<InviteRecord | null> {
    // One transaction, so the invite read back is the one this update left.
    return this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE invites SET revoked_at = ? WHERE id = ? AND site_id = ? AND used_at IS NULL AND revoked_at IS NULL',
        )
        .run(at, id, siteId);
      const row = this.db.prepare(`${INVITE_SELECT} WHERE i.id = ? AND i.site_id = ?`).get(id, siteId) as
        | InviteRow
        | undefined;
      return row ? toInvite(row) : null;
    })();
  }

  // ---- sign-in throttling ----------------------------------------------------------------

  async getLoginThrottle(key: string): Promise<LoginThrottle> {
    const row = this.db.prepare('SELECT failures, locked_until FROM login_throttle WHERE key = ?').get(key) as
      | { failures: number; locked_until: string | null }
      | undefined;
    return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
  }

  async recordLoginFailure(
    key: string,
    at: string,
    options: { maxFailures: number; lockMs: number; windowMs: number },
  ): Promise<LoginThrottle> {
    return this.db.transaction((): LoginThrottle => {
      const row = this.db
        .prepare('SELECT failures, first_failure_at FROM login_throttle WHERE key = ?')
        .get(key) as { failures: number; first_failure_at: string } | undefined;
      const atMs = Date.parse(at);
      const fresh = !row || atMs - Date.parse(row.first_failure_at) > options.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const firstAt = fresh ? at : row.first_failure_at;
      const lockedUntil =
        failures >= options.maxFailures ? new Date(atMs + options.lockMs).toISOString() : null;
      this.db
        .prepare(
          `INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
             first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until`,
        )
        .run(key, failures, firstAt, lockedUntil);
      return { failures, lockedUntil };
    })();
  }

  async clearLoginFailures(key: string): Promise<void> {
    this.db.prepare('DELETE FROM login_throttle WHERE key = ?').run(key);
  }

  // ---- search ---------------------------------------------------------------------------

  async replaceSearchEntries(roomId: string, entries: readonly SearchEntry[], indexed: { revision: number; title: string }): Promise<void> {
    const insert = this.db.prepare(
      'INSERT INTO search_entries (room_id, target, target_id, title, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM search_entries WHERE room_id = ?').run(roomId);
      for (const e of entries) insert.run(roomId, e.target, e.targetId, indexableText(e.title), indexableText(e.body));
      this.db
        .prepare(
          `INSERT INTO search_rooms (room_id, revision, title, indexed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (room_id) DO UPDATE SET revision = excluded.revision, title = excluded.title,
             indexed_at = excluded.indexed_at`,
        )
        .run(roomId, indexed.revision, indexed.title, nowIso());
    })();
  }

  async deleteSearchEntries(roomId: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM search_entries WHERE room_id = ?').run(roomId);
      this.db.prepare('DELETE FROM search_rooms WHERE room_id = ?').run(roomId);
    })();
  }

  async roomsToIndex(): Promise<string[]> {
    return this.db
      .prepare(
        `SELECT r.id FROM rooms r LEFT JOIN search_rooms s ON s.room_id = r.id
         WHERE s.room_id IS NULL OR s.title != r.title
           OR s.revision != COALESCE((SELECT base FROM doc_revisions WHERE doc = r.id), 0)
             + COALESCE((SELECT MAX(seq) FROM doc_updates WHERE doc = r.id), 0)
         ORDER BY r.updated_at DESC`,
      )
      .pluck()
      .all() as string[];
  }

  async searchSite(siteId: string, query: string, options: { limit: number }): Promise<SearchHit[]> {
    const match = ftsQuery(query);
    if (!match) return [];
    // Titles weigh five times the body in bm25 (which is lower for better matches). snippet()
    // with column -1 takes the column that matched best, marked with private-use characters.
    const rows = this.db
      .prepare(
        `SELECT e.room_id, r.kind, r.title AS room_title, e.target, e.target_id, e.title,
           snippet(search_fts, -1, ?, ?, '…', 16) AS snippet, bm25(search_fts, 5.0, 1.0) AS score
         FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid JOIN rooms r ON r.id = e.room_id
         WHERE search_fts MATCH ? AND r.site_id = ? AND r.archived = 0
         ORDER BY score, e.id LIMIT ?`,
      )
      .all(MATCH_START, MATCH_END, match, siteId, options.limit) as {
      room_id: string;
      kind: RoomKind;
      room_title: string;
      target: SearchHit['target'];
      target_id: string;
      title: string;
      snippet: string;
      score: number;
    }[];
    return rows.map((row) => ({
      roomId: row.room_id,
      roomKind: row.kind,
      roomTitle: row.room_title,
      target: row.target,
      targetId: row.target_id,
      title: row.title,
      snippet: splitSnippet(row.snippet),
      rank: -row.score,
    }));
  }

  async mentionables(
    siteId: string,
    options: { query?: string; refs?: readonly MentionRef[]; limit: number },
  ): Promise<{ items: MentionableRecord[]; missing: MentionRef[] }> {
    const columns = `e.room_id AS roomId, r.title AS roomTitle, e.target AS targetKind, e.target_id AS targetId,
      e.title AS label`;
    const mentionable = `e.target IN ('element', 'loop') AND r.site_id = ?`;
    if (options.refs) {
      const find = this.db.prepare(
        `SELECT ${columns} FROM search_entries e JOIN rooms r ON r.id = e.room_id
         WHERE e.room_id = ? AND e.target_id = ? AND ${mentionable}
         ORDER BY e.target = 'element' DESC LIMIT 1`,
      );
      const items: MentionableRecord[] = [];
      const missing: MentionRef[] = [];
      for (const ref of options.refs) {
        const found = find.get(ref.roomId, ref.targetId, siteId) as MentionableRecord | undefined;
        if (found) items.push(found);
        else missing.push({ roomId: ref.roomId, targetId: ref.targetId });
      }
      return { items, missing };
    }
    if (options.query === undefined || options.query.trim() === '') {
      const items = this.db
        .prepare(
          `SELECT ${columns} FROM search_entries e JOIN rooms r ON r.id = e.room_id
           WHERE ${mentionable} AND r.archived = 0 ORDER BY e.title COLLATE NOCASE, e.id LIMIT ?`,
        )
        .all(siteId, options.limit) as MentionableRecord[];
      return { items, missing: [] };
    }
    const match = ftsQuery(options.query);
    if (!match) return { items: [], missing: [] };
    const items = this.db
      .prepare(
        `SELECT ${columns} FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid
           JOIN rooms r ON r.id = e.room_id
         WHERE search_fts MATCH ? AND ${mentionable} AND r.archived = 0
         ORDER BY bm25(search_fts), e.title COLLATE NOCASE, e.id LIMIT ?`,
      )
      .all(`title : (${match})`, siteId, options.limit) as MentionableRecord[];
    return { items, missing: [] };
  }

  // ---- settings --------------------------------------------------------------------------

  async getSetting(key: string): Promise<string | null> {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  async setSetting(key: string, value: string | null): Promise<void> {
    if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else
      this.db
        .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(key, value);
  }

  async takeSetting(key: string, value: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM settings WHERE key = ? AND value = ?').run(key, value).changes > 0;
  }

  /** Runs a background checkpoint now, when there is a checkpoint thread (for tests). */
  async checkpointNow(): Promise<void> {
    this.flushAppends();
    await this.checkpointer?.checkpointNow();
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.flushAppends();
      // The thread's connection first, so this one, the last, checkpoints and removes the WAL.
      await this.checkpointer?.close();
      this.db.close();
    }
  }
}
