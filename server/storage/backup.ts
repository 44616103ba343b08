/**
 * The backup format, the same for every backend: which tables a backup holds, in an order that
 * satisfies the foreign keys, with which columns (those both backends have, by the same names),
 * which rows belong to one site, and the file itself. Each backend reads and writes it in its own
 * `backup.ts`; the CLI (`export`, `import`) streams it.
 *
 * The file is JSON Lines: a header line, then one line per row, each table's rows together and
 * in the order they were stored:
 *
 *   {"format":"slw-backup","version":1,"schema":["users","tokens",…],"exportedAt":"…","site":"torbay"}
 *   {"t":"users","r":{"id":"…","email":"…","is_admin":false,…}}
 *
 * Values are JSON's own: booleans as `true`/`false` (SQLite's 0/1 and PostgreSQL's BOOLEAN
 * alike), binary columns (`doc_updates.data`, `doc_snapshots.data`, `room_versions.state`) as
 * base64. Columns one backend keeps for itself are left out and remade by the target:
 * PostgreSQL's identity `seq` columns and `search_entries.id` (drawn in row order), the search
 * index's `tsvector`s and counts, SQLite's per-doc `doc_updates.seq` and `doc_revisions.base`
 * (a backup carries each doc's whole `revision`).
 */
import type { BackupRow, BackupValue } from './types.js';

export const BACKUP_FORMAT = 'slw-backup';
export const BACKUP_VERSION = 1;

/** The first line of a backup. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The tables the file holds, in the order their rows follow. */
  schema: string[];
  exportedAt: string;
  /** The site's slug, for a backup of one site; absent for a whole deployment. */
  site?: string;
}

/** A backup refused or unreadable: a message an operator can act on. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface BackupTable {
  name: string;
  columns: readonly string[];
  /** Stored as 0/1 by SQLite, BOOLEAN by PostgreSQL; `true`/`false` in a backup. */
  booleans?: readonly string[];
  /** Bytes, base64 in a backup. */
  binary?: readonly string[];
  /**
   * Which rows belong to a site, as an SQL condition on the table's columns (`:site` is the
   * site's id; both backends run it as it is). Absent: the table is in whole backups only.
   */
  site?: string;
  /** What a site's backup holds instead of these columns' values (people's credentials). */
  siteRedacts?: Readonly<Record<string, BackupValue>>;
  /**
   * The key of rows a new deployment may already hold (settings its first start wrote): the
   * backup's row replaces it.
   */
  replaces?: readonly string[];
}

const SITE_ROOMS = 'SELECT id FROM rooms WHERE site_id = :site';
const SITE_WORKSHOPS = 'SELECT id FROM workshops WHERE site_id = :site';
/** Everyone a site's rows name: its members, and whoever made, locked, used, joined or edited something of it. */
const SITE_PEOPLE = [
  'SELECT user_id FROM memberships WHERE site_id = :site',
  'SELECT created_by FROM rooms WHERE site_id = :site',
  'SELECT locked_by FROM rooms WHERE site_id = :site',
  'SELECT created_by FROM invites WHERE site_id = :site',
  'SELECT used_by FROM invites WHERE site_id = :site',
  'SELECT created_by FROM workshops WHERE site_id = :site',
  `SELECT created_by FROM workshop_rounds WHERE workshop_id IN (${SITE_WORKSHOPS})`,
  `SELECT user_id FROM workshop_round_entries WHERE round_id IN (SELECT id FROM workshop_rounds WHERE workshop_id IN (${SITE_WORKSHOPS}))`,
  `SELECT created_by FROM workshop_guest_invites WHERE workshop_id IN (${SITE_WORKSHOPS})`,
  `SELECT user_id FROM workshop_attendance WHERE room_id IN (${SITE_ROOMS})`,
  `SELECT created_by FROM room_versions WHERE room_id IN (${SITE_ROOMS})`,
  `SELECT user_id FROM room_editors WHERE room_id IN (${SITE_ROOMS})`,
  `SELECT user_id FROM doc_updates WHERE doc IN (${SITE_ROOMS})`,
  'SELECT published_by FROM publications WHERE site_id = :site',
].join(' UNION ');

/**
 * Every table of a backup, in the order rows are written and restored: each after the tables
 * its foreign keys point to. One reference points forward (`users.guest_of`, to `workshops`):
 * importers set it once every row is in.
 */
export const BACKUP_TABLES: readonly BackupTable[] = [
  {
    name: 'users',
    columns: ['id', 'email', 'name', 'organisation', 'password_hash', 'is_admin', 'created_at', 'guest_of'],
    booleans: ['is_admin'],
    // The site's guests (of its workshops) with its people; a guest of another site's workshop
    // is that site's, whose account would point at a workshop this backup does not hold.
    site: `guest_of IN (${SITE_WORKSHOPS}) OR (guest_of IS NULL AND id IN (${SITE_PEOPLE}))`,
    // A site's people without their passwords or global admin: those are the deployment's.
    siteRedacts: { password_hash: null, is_admin: false },
  },
  { name: 'tokens', columns: ['id', 'user_id', 'kind', 'name', 'hash', 'created_at', 'last_used_at', 'expires_at'] },
  { name: 'sites', columns: ['id', 'slug', 'name', 'issue', 'sponsor', 'created_at'], site: 'id = :site' },
  { name: 'memberships', columns: ['site_id', 'user_id', 'role', 'joined_at'], site: 'site_id = :site' },
  {
    name: 'rooms',
    columns: ['id', 'site_id', 'kind', 'title', 'archived', 'created_by', 'created_at', 'updated_at', 'locked', 'locked_by', 'locked_at'],
    booleans: ['archived', 'locked'],
    site: 'site_id = :site',
  },
  {
    name: 'invites',
    columns: ['id', 'site_id', 'role', 'email', 'hash', 'created_by', 'created_at', 'expires_at', 'used_at', 'used_by', 'revoked_at'],
    site: 'site_id = :site',
  },
  { name: 'settings', columns: ['key', 'value'], replaces: ['key'] },
  { name: 'login_throttle', columns: ['key', 'failures', 'first_failure_at', 'locked_until'], replaces: ['key'] },
  { name: 'doc_snapshots', columns: ['doc', 'data', 'updated_at'], binary: ['data'], site: `doc IN (${SITE_ROOMS})` },
  { name: 'doc_updates', columns: ['doc', 'data', 'user_id'], binary: ['data'], site: `doc IN (${SITE_ROOMS})` },
  { name: 'doc_revisions', columns: ['doc', 'revision'], site: `doc IN (${SITE_ROOMS})` },
  { name: 'doc_attributions', columns: ['doc', 'key'], site: `doc IN (${SITE_ROOMS})` },
  { name: 'room_editors', columns: ['room_id', 'user_id', 'updates', 'bytes', 'first_at', 'last_at'], site: `room_id IN (${SITE_ROOMS})` },
  { name: 'search_rooms', columns: ['room_id', 'revision', 'title', 'indexed_at'], site: `room_id IN (${SITE_ROOMS})` },
  { name: 'search_entries', columns: ['room_id', 'target', 'target_id', 'title', 'body'], site: `room_id IN (${SITE_ROOMS})` },
  {
    name: 'room_versions',
    columns: ['room_id', 'id', 'name', 'created_by', 'created_by_name', 'created_by_organisation', 'created_at', 'summary', 'bytes', 'state'],
    binary: ['state'],
    site: `room_id IN (${SITE_ROOMS})`,
  },
  {
    name: 'workshops',
    columns: ['id', 'site_id', 'room_id', 'title', 'starts_at', 'steps', 'created_by', 'created_at', 'ended_at'],
    site: 'site_id = :site',
  },
  {
    name: 'workshop_rounds',
    columns: ['id', 'workshop_id', 'kind', 'room_id', 'prompt', 'votes_per_person', 'anonymous', 'status', 'created_by', 'created_at', 'closed_at'],
    booleans: ['anonymous'],
    site: `workshop_id IN (${SITE_WORKSHOPS})`,
  },
  {
    name: 'workshop_round_entries',
    columns: ['id', 'round_id', 'user_id', 'value', 'created_at'],
    site: `round_id IN (SELECT id FROM workshop_rounds WHERE workshop_id IN (${SITE_WORKSHOPS}))`,
  },
  { name: 'workshop_attendance', columns: ['room_id', 'user_id', 'first_seen'], site: `room_id IN (${SITE_ROOMS})` },
  {
    name: 'workshop_guest_invites',
    columns: ['id', 'workshop_id', 'label', 'hash', 'created_by', 'created_at', 'expires_at'],
    site: `workshop_id IN (${SITE_WORKSHOPS})`,
  },
  { name: 'workshop_rooms', columns: ['workshop_id', 'room_id'], site: `workshop_id IN (${SITE_WORKSHOPS})` },
  {
    name: 'publications',
    columns: ['id', 'site_id', 'room_id', 'slug', 'version', 'title', 'data', 'published_by', 'published_at', 'withdrawn_at'],
    site: 'site_id = :site',
  },
];

const TABLES = new Map(BACKUP_TABLES.map((table) => [table.name, table]));

/** The tables a backup holds: all of them, or a site's (people's tokens and the deployment's settings stay out). */
export function backupTables(forSite: boolean): BackupTable[] {
  return BACKUP_TABLES.filter((table) => !forSite || table.site !== undefined);
}

/**
 * The table a row is of, after checking the row fits it: a known table, known columns, JSON
 * values (a string for each binary column). Importers call it on every row.
 */
export function checkBackupRow({ table, row }: BackupRow): BackupTable {
  const spec = TABLES.get(table);
  if (!spec) throw new BackupError(`unknown table "${table}" (a backup of a newer version? nothing was imported)`);
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new BackupError(`a row of ${table} is not an object`);
  for (const [column, value] of Object.entries(row)) {
    if (!spec.columns.includes(column)) throw new BackupError(`unknown column ${table}.${column} (a backup of a newer version? nothing was imported)`);
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) throw new BackupError(`${table}.${column} holds an ${typeof value}, not a value`);
    if (value !== null && spec.binary?.includes(column) && typeof value !== 'string') throw new BackupError(`${table}.${column} is not base64`);
  }
  return spec;
}

/** A binary column's value as the store takes it: the bytes the base64 stands for. */
export function bytesOf(value: BackupValue): Buffer {
  return Buffer.from(String(value), 'base64');
}

/**
 * A row as a backup holds it, from the values a backend read: booleans as `true`/`false`,
 * bytes as base64, and in a site's backup without the columns it redacts.
 */
export function backupRow(spec: BackupTable, stored: Record<string, unknown>, forSite: boolean): BackupRow {
  const row: Record<string, BackupValue> = {};
  for (const column of spec.columns) {
    const value = stored[column];
    if (value === null || value === undefined) row[column] = null;
    else if (spec.binary?.includes(column)) row[column] = Buffer.from(value as Uint8Array).toString('base64');
    else if (spec.booleans?.includes(column)) row[column] = Boolean(value);
    else if (typeof value === 'bigint') row[column] = Number(value);
    else row[column] = value as BackupValue;
  }
  if (forSite && spec.siteRedacts) Object.assign(row, spec.siteRedacts);
  return { table: spec.name, row };
}

/** Which rows of a table are a site's, with `:site` as the backend writes a parameter. */
export function siteCondition(spec: BackupTable, parameter: string): string {
  return spec.site!.replace(/:site\b/g, parameter);
}

/**
 * The backup's lines (without their newlines): the header, then a line per row.
 *
 * @example
 * for await (const line of backupLines({ site: 'torbay' }, storage.exportRows({ siteId }))) out.write(`${line}\n`)
 */
export async function* backupLines(options: { site?: string }, rows: AsyncIterable<BackupRow>): AsyncGenerator<string> {
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    schema: backupTables(options.site !== undefined).map((t) => t.name),
    exportedAt: new Date().toISOString(),
    ...(options.site === undefined ? {} : { site: options.site }),
  };
  yield JSON.stringify(header);
  for await (const { table, row } of rows) yield JSON.stringify({ t: table, r: row });
}

/**
 * Reads a backup's header, checking it is one this version can restore, and gives its rows
 * (read as they are consumed). Blank lines are skipped; a line that is not a row stops the read
 * with its line number.
 *
 * @example
 * const { header, rows } = await readBackup(readline.createInterface({ input: process.stdin }))
 * await storage.importRows(rows)
 */
export async function readBackup(lines: AsyncIterable<string>): Promise<{ header: BackupHeader; rows: AsyncIterable<BackupRow> }> {
  const iterator = lines[Symbol.asyncIterator]();
  let lineNumber = 0;
  const next = async (): Promise<string | null> => {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) return null;
      lineNumber++;
      if (value.trim() !== '') return value;
    }
  };
  const first = await next();
  if (first === null) throw new BackupError('the backup is empty (expected a file made by `export`)');
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(first) as Partial<BackupHeader>;
  } catch {
    throw new BackupError(`line ${lineNumber} is not JSON: not a backup made by \`export\``);
  }
  if (header?.format !== BACKUP_FORMAT) throw new BackupError(`not a backup made by \`export\` (its first line names no format "${BACKUP_FORMAT}")`);
  if (header.version !== BACKUP_VERSION) {
    throw new BackupError(`a backup of format version ${String(header.version)}; this version reads version ${BACKUP_VERSION} (upgrade to import it)`);
  }
  const unknown = (header.schema ?? []).filter((name) => !TABLES.has(name));
  if (unknown.length > 0) throw new BackupError(`the backup holds tables this version does not know (${unknown.join(', ')}): upgrade to import it`);

  async function* rows(): AsyncGenerator<BackupRow> {
    for (let line = await next(); line !== null; line = await next()) {
      let parsed: { t?: unknown; r?: unknown };
      try {
        parsed = JSON.parse(line) as { t?: unknown; r?: unknown };
      } catch {
        throw new BackupError(`line ${lineNumber} is not JSON (a backup cut short or edited?); nothing was imported`);
      }
      if (typeof parsed?.t !== 'string' || typeof parsed.r !== 'object' || parsed.r === null) {
        throw new BackupError(`line ${lineNumber} is not a row ({"t": table, "r": columns}); nothing was imported`);
      }
      yield { table: parsed.t, row: parsed.r as Record<string, BackupValue> };
    }
  }
  return { header: header as BackupHeader, rows: rows() };
}

/**
 * The message for a store that already holds something: restoring merges nothing.
 */
export function notEmptyError(counts: { users: number; sites: number; rooms: number }): BackupError {
  return new BackupError(
    `the target already holds ${counts.users} users, ${counts.sites} sites and ${counts.rooms} rooms; a backup is restored only into an ` +
      'empty deployment (a new DATA_DIR or database, never started by a server with SEED_SITES on). Nothing was imported.',
  );
}
