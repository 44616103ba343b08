/**
 * The schema of the SQLite store: versioned migrations, each run once, in order, in its own
 * transaction, recorded in `schema_migrations`. To change the schema, append a migration to
 * `MIGRATIONS` (never edit or reorder one that has shipped: databases out there have run it).
 */
import type Database from 'better-sqlite3';
import { nowIso } from './common.js';

/**
 * A schema migration: its SQL, or for a table rebuild (SQLite cannot alter a CHECK constraint)
 * the SQL with `foreignKeysOff`, which runs it with foreign keys off and checks them after.
 */
export type Migration = string | { sql: string; foreignKeysOff: true };

/**
 * Ordered schema migrations; migration N is `MIGRATIONS[N - 1]`, its comment numbered N.
 * Append, never edit.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1. The first schema.
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
  // 2. The update log clustered on (doc, seq): an append touches one b-tree page instead of the
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
  // 3. Facilitators can withdraw an invite: it stays as a record of who was invited, but dead.
  // The index serves a site's list of invites, newest first.
  `
  ALTER TABLE invites ADD COLUMN revoked_at TEXT;
  CREATE INDEX invites_site ON invites (site_id, created_at);
  `,
  // 4. Rooms of kind 'log': each site's one learning log. The CHECK on rooms.kind can only change by
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
  // 5. Site-wide search. search_entries holds what each room's extractor found; search_fts indexes
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
  // 6. Who sent each stored update (null: the server itself, a seed or an import), and per room
  // who has edited it: their count of updates and bytes, first and last time. The log row's user
  // goes when compaction folds it into the snapshot; room_editors keeps the answer. No foreign
  // keys: attribution outlives accounts, and a rebuild of users must not cascade into it.
  `
  ALTER TABLE doc_updates ADD COLUMN user_id TEXT;
  CREATE TABLE room_editors (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    updates INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
  ) WITHOUT ROWID;
  `,
  // 7. A facilitator can lock a room: only facilitators may then change it. locked_by and
  // locked_at describe the lock in force (both null while unlocked).
  `
  ALTER TABLE rooms ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE rooms ADD COLUMN locked_by TEXT REFERENCES users(id) ON DELETE SET NULL;
  ALTER TABLE rooms ADD COLUMN locked_at TEXT;
  `,
  // 8. Named versions of rooms, kept beside the docs (they used to be kept inside them, and every
  // client downloaded them all). Each holds the room's whole doc at that moment and who saved it,
  // by name and organisation as they were then. Ids are unique per room, so versions moved out
  // of old docs keep theirs. No foreign keys, as for the search index: a rebuild of rooms or
  // users must not cascade into them. The state goes last, so listing never reads it.
  `
  CREATE TABLE room_versions (
    room_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_by TEXT,
    created_by_name TEXT NOT NULL,
    created_by_organisation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (room_id, id)
  );
  CREATE INDEX room_versions_order ON room_versions (room_id, created_at);
  `,
  // 9. Attributions each doc has held (hashes of place and value), so a reloaded room accepts
  // one written back by an undo as no forgery. Compaction leaves them.
  `
  CREATE TABLE doc_attributions (
    doc TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (doc, key)
  ) WITHOUT ROWID;
  `,
  // 10. Workshops. Each has a room of kind 'workshop' (its live state), so the CHECK on rooms.kind
  // is widened by rebuilding the table as migration 4 did, with the lock columns of migration 7.
  // A workshop's agenda (steps) is JSON: it is read and written whole, never queried by step.
  // No foreign key to rooms, as for versions: a rebuild of rooms must not cascade into it.
  {
    foreignKeysOff: true,
    sql: `
  CREATE TABLE rooms_new (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('map', 'doc', 'log', 'workshop')),
    title TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    locked_at TEXT
  );
  INSERT INTO rooms_new (rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at, locked, locked_by, locked_at)
    SELECT rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at, locked, locked_by, locked_at FROM rooms;
  DROP TABLE rooms;
  ALTER TABLE rooms_new RENAME TO rooms;
  CREATE INDEX rooms_site ON rooms (site_id, archived);
  CREATE UNIQUE INDEX rooms_site_log ON rooms (site_id) WHERE kind = 'log';
  CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    room_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    steps TEXT NOT NULL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE INDEX workshops_site ON workshops (site_id, created_at);
  `,
  },
  // 11. Workshops' rounds (votes, private notes, check-ins) and what people put in them, held
  // here rather than in any doc until a round is closed. An entry is a vote's dot (the target's
  // id) or a note's text.
  `
  CREATE TABLE workshop_rounds (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('vote', 'private-notes', 'check-in')),
    room_id TEXT,
    prompt TEXT NOT NULL,
    votes_per_person INTEGER,
    anonymous INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by TEXT,
    created_at TEXT NOT NULL,
    closed_at TEXT
  );
  CREATE INDEX workshop_rounds_workshop ON workshop_rounds (workshop_id, created_at);
  CREATE TABLE workshop_round_entries (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES workshop_rounds(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX workshop_round_entries_round ON workshop_round_entries (round_id, user_id);
  `,
  // 12. Who came to each workshop: everyone whose connection to its room was accepted, by the
  // room (a workshop has exactly one), for the record's attendance.
  `
  CREATE TABLE workshop_attendance (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
  ) WITHOUT ROWID;
  `,
  // 13. Guests of workshops: links that invite people from other agencies to one workshop (only
  // a hash of each token), and on their accounts the workshop they are a guest of. A guest's
  // account goes with its workshop, and so, by the tokens' own cascade, do its sessions.
  `
  CREATE TABLE workshop_guest_invites (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    label TEXT,
    hash TEXT NOT NULL UNIQUE,
    created_by TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX workshop_guest_invites_workshop ON workshop_guest_invites (workshop_id);
  ALTER TABLE users ADD COLUMN guest_of TEXT REFERENCES workshops(id) ON DELETE CASCADE;
  CREATE INDEX users_guest_of ON users (guest_of) WHERE guest_of IS NOT NULL;
  `,
  // 14. Rooms a workshop made for itself (breakout groups' copies of a map), so access checks
  // that know only storage (a guest's sync connection) know them as the workshop's.
  `
  CREATE TABLE workshop_rooms (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    room_id TEXT NOT NULL,
    PRIMARY KEY (workshop_id, room_id)
  ) WITHOUT ROWID;
  `,
  // 15. Learning summaries: rooms of kind 'summary' (the CHECK on rooms.kind widened by a rebuild,
  // as in migration 10), and their published versions. A version is immutable: its data (the
  // redacted summary, JSON) is written once; withdrawing sets withdrawn_at on every version of
  // the room. The slug is the summary's address within its site, kept by all its versions.
  // No foreign key to rooms, as for versions: the rebuild must not cascade into it.
  {
    foreignKeysOff: true,
    sql: `
  CREATE TABLE rooms_new (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('map', 'doc', 'log', 'workshop', 'summary')),
    title TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    locked_at TEXT
  );
  INSERT INTO rooms_new (rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at, locked, locked_by, locked_at)
    SELECT rowid, id, site_id, kind, title, archived, created_by, created_at, updated_at, locked, locked_by, locked_at FROM rooms;
  DROP TABLE rooms;
  ALTER TABLE rooms_new RENAME TO rooms;
  CREATE INDEX rooms_site ON rooms (site_id, archived);
  CREATE UNIQUE INDEX rooms_site_log ON rooms (site_id) WHERE kind = 'log';
  CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    room_id TEXT NOT NULL,
    slug TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT NOT NULL,
    withdrawn_at TEXT,
    UNIQUE (room_id, version)
  );
  CREATE INDEX publications_site_slug ON publications (site_id, slug, version);
  CREATE INDEX publications_published ON publications (published_at);
  `,
  },
];

/** The schema version a fresh database reaches: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to `SCHEMA_VERSION`, running the migrations it has not run yet.
 *
 * @example
 * const db = new Database('workspace.db')
 * migrate(db)
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() as number;
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  migrations.forEach((migration, index) => {
    const version = index + 1;
    if (version <= applied) return;
    const sql = typeof migration === 'string' ? migration : migration.sql;
    const rebuild = typeof migration !== 'string' && migration.foreignKeysOff;
    // PRAGMA foreign_keys does nothing inside a transaction, so it is switched around it;
    // the check inside rolls the rebuild back if it left any reference dangling.
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`Migration ${version} would leave ${broken.length} broken references; nothing was changed.`);
        }
        record.run(version, nowIso());
      })();
    } finally {
      if (rebuild) db.pragma('foreign_keys = ON');
    }
  });
}
