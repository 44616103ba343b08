/**
 * The PostgreSQL `BackupStore`: the tables of `../backup.ts` read through a cursor in one
 * REPEATABLE READ snapshot, and written back in one transaction, in batches. What this store
 * keeps beyond the backup is remade on the way in: identity `seq` columns and
 * `search_entries.id` are drawn in the order the rows come (which is the order they were
 * stored), guests' `guest_seq` likewise, and the search index's `tsvector`s and counts are
 * computed as `replaceSearchEntries` computes them.
 */
import type pg from 'pg';
import { BackupError, backupRow, backupTables, bytesOf, checkBackupRow, notEmptyError, siteCondition, type BackupTable } from '../backup.js';
import type { BackupStore, BackupValue } from '../types.js';
import { ident, type PgDb } from './db.js';
import { entryTerms, indexableText } from './searchText.js';

/** Rows fetched from the cursor at a time. */
const FETCH = 500;
/** A batch of rows is written once it holds this many, or about this many bytes. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 << 20;
/** An arbitrary constant: the advisory lock that keeps two imports into one database apart. */
const IMPORT_LOCK = 7_305_005;

/**
 * Each table's rows in the order they were stored: by their identity column where they have
 * one, else by time and key (text by its bytes, as SQLite sorts it).
 */
const ORDER: Record<string, string> = {
  users: 'guest_seq NULLS FIRST, created_at COLLATE "C", id COLLATE "C"',
  tokens: 'created_at COLLATE "C", id COLLATE "C"',
  sites: 'created_at COLLATE "C", id COLLATE "C"',
  memberships: 'joined_at COLLATE "C", site_id COLLATE "C", user_id COLLATE "C"',
  rooms: 'created_at COLLATE "C", id COLLATE "C"',
  invites: 'seq',
  settings: 'key COLLATE "C"',
  login_throttle: 'key COLLATE "C"',
  doc_snapshots: 'doc COLLATE "C"',
  doc_updates: 'doc COLLATE "C", id',
  doc_revisions: 'doc COLLATE "C"',
  doc_attributions: 'doc COLLATE "C", key COLLATE "C"',
  room_editors: 'room_id COLLATE "C", user_id COLLATE "C"',
  search_rooms: 'room_id COLLATE "C"',
  search_entries: 'id',
  room_versions: 'seq',
  workshops: 'seq',
  workshop_rounds: 'seq',
  workshop_round_entries: 'seq',
  workshop_attendance: 'room_id COLLATE "C", user_id COLLATE "C"',
  workshop_guest_invites: 'seq',
  workshop_rooms: 'workshop_id COLLATE "C", room_id COLLATE "C"',
  publications: 'published_at COLLATE "C", id COLLATE "C"',
};

interface Batch {
  spec: BackupTable;
  columns: string[];
  rows: unknown[][];
  bytes: number;
}

/** A batch of rows of one table, inserted in their order (identity values are drawn in it). */
async function insertBatch(client: pg.PoolClient, types: Map<string, string>, batch: Batch): Promise<void> {
  const { spec, columns, rows } = batch;
  const names = columns.map(ident).join(', ');
  const columnTypes = columns.map((column) => {
    const type = types.get(`${spec.name}.${column}`);
    if (!type) throw new BackupError(`the database has no column ${spec.name}.${column} (is its schema up to date?)`);
    return type;
  });
  // An array column (udt_name `_int4`) cannot go through unnest as an array of arrays of
  // differing lengths: its values go as array literals (text) and are cast back after.
  const isArray = columnTypes.map((type) => type.startsWith('_'));
  const arrays = columnTypes.map((type, i) => (isArray[i] ? `$${i + 1}::text[]` : `$${i + 1}::${type}[]`));
  const selected = columns.map((column, i) => (isArray[i] ? `${ident(column)}::${columnTypes[i]!.slice(1)}[]` : ident(column))).join(', ');
  const replace = spec.replaces
    ? ` ON CONFLICT (${spec.replaces.map(ident).join(', ')}) DO UPDATE SET ${columns
        .filter((c) => !spec.replaces!.includes(c))
        .map((c) => `${ident(c)} = excluded.${ident(c)}`)
        .join(', ')}`
    : '';
  await client.query(
    `INSERT INTO ${ident(spec.name)} (${names})
     SELECT ${selected} FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS t(${names}, backup_order) ORDER BY backup_order${replace}`,
    columns.map((_, i) => rows.map((row) => (isArray[i] && Array.isArray(row[i]) ? `{${(row[i] as unknown[]).join(',')}}` : row[i]))),
  );
}

/**
 * The backup methods on `db` (migrated already). `flushAppends` commits appends still waiting,
 * so an export holds every update appended before it was asked for.
 *
 * @example
 * const storage = { ...openBackupStore(db, flushAppends) }
 * await storage.importRows(rowsOfAnotherStore)
 */
export function openBackupStore(db: PgDb, flushAppends: () => Promise<void>): BackupStore {
  return {
    async *exportRows(options) {
      await flushAppends();
      const forSite = options.siteId !== undefined;
      const client = await db.pool.connect();
      let done = false;
      try {
        // One snapshot for every table, so the backup is of one moment while others write on.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        for (const spec of backupTables(forSite)) {
          // A cursor's query takes no parameters: the site's id goes in as a quoted literal.
          const where = forSite ? `WHERE ${siteCondition(spec, client.escapeLiteral(options.siteId!))}` : '';
          await client.query(
            `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${spec.columns.map(ident).join(', ')} FROM ${ident(spec.name)} ${where} ORDER BY ${ORDER[spec.name]}`,
          );
          for (;;) {
            const { rows } = await client.query<Record<string, unknown>>(`FETCH ${FETCH} FROM backup_rows`);
            for (const stored of rows) yield backupRow(spec, stored, forSite);
            if (rows.length < FETCH) break;
          }
          await client.query('CLOSE backup_rows');
        }
        await client.query('COMMIT');
        done = true;
      } finally {
        if (!done) await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },

    async importRows(rows) {
      await flushAppends();
      // Not `db.transaction`: it may run its work again, and the rows can be read only once.
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        // Held to the end: a second import into this database waits, then finds it not empty.
        await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
        const { rows: counted } = await client.query<{ users: number; sites: number; rooms: number }>(
          'SELECT (SELECT COUNT(*) FROM users)::int AS users, (SELECT COUNT(*) FROM sites)::int AS sites, (SELECT COUNT(*) FROM rooms)::int AS rooms',
        );
        const counts = counted[0]!;
        if (counts.users + counts.sites + counts.rooms > 0) throw notEmptyError(counts);
        const { rows: columnTypes } = await client.query<{ table_name: string; column_name: string; udt_name: string }>(
          'SELECT table_name, column_name, udt_name FROM information_schema.columns WHERE table_schema = $1',
          [db.schema],
        );
        const types = new Map(columnTypes.map((c) => [`${c.table_name}.${c.column_name}`, c.udt_name]));

        const tables: Record<string, number> = {};
        /** Guests' workshops, in the order they came: set once the workshops are in. */
        const guests: { ids: string[]; workshops: string[] } = { ids: [], workshops: [] };
        /** The rows waiting to be written, all of one table. */
        const pending: { batch: Batch | null } = { batch: null };
        const flush = async () => {
          if (pending.batch) await insertBatch(client, types, pending.batch);
          pending.batch = null;
        };
        for await (const item of rows) {
          const spec = checkBackupRow(item);
          const values = spec.columns.map((column): unknown => {
            const value: BackupValue = item.row[column] ?? null;
            if (value !== null && spec.binary?.includes(column)) return bytesOf(value);
            if (value !== null && spec.booleans?.includes(column)) return Boolean(value);
            return value;
          });
          const columns = [...spec.columns];
          if (spec.name === 'users') {
            const at = columns.indexOf('guest_of');
            if (values[at] !== null) {
              guests.ids.push(String(values[0]));
              guests.workshops.push(String(values[at]));
              values[at] = null;
            }
          } else if (spec.name === 'search_entries') {
            // As replaceSearchEntries stores an entry: its text cleaned, its tokens counted.
            const title = indexableText(String(values[columns.indexOf('title')] ?? ''));
            const body = indexableText(String(values[columns.indexOf('body')] ?? ''));
            values[columns.indexOf('title')] = title;
            values[columns.indexOf('body')] = body;
            const { tokens, terms, termFreqs, titleTerms, titleFreqs } = entryTerms(title, body);
            columns.push('tokens', 'terms', 'term_freqs', 'title_terms', 'title_freqs');
            values.push(tokens, terms, termFreqs, titleTerms, titleFreqs);
          } else if (spec.name === 'search_rooms') {
            // Counted from the room's entries once they are in.
            columns.push('entries', 'tokens');
            values.push(0, 0);
          }
          if (pending.batch && pending.batch.spec !== spec) await flush();
          const current = (pending.batch ??= { spec, columns, rows: [], bytes: 0 });
          current.rows.push(values);
          current.bytes += JSON.stringify(item.row).length;
          if (current.rows.length >= BATCH_ROWS || current.bytes >= BATCH_BYTES) await flush();
          tables[spec.name] = (tables[spec.name] ?? 0) + 1;
        }
        await flush();

        // Guests numbered in the order they came, which is the order they joined.
        await client.query(
          `UPDATE users u SET guest_of = g.workshop_id, guest_seq = g.seq
           FROM (SELECT id, workshop_id, nextval('users_guest_seq') AS seq
                 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, workshop_id, n) ORDER BY n) g
           WHERE u.id = g.id`,
          [guests.ids, guests.workshops],
        );
        await client.query(
          `UPDATE search_rooms s SET entries = c.entries, tokens = c.tokens
           FROM (SELECT room_id, COUNT(*)::int AS entries, SUM(tokens)::bigint AS tokens FROM search_entries GROUP BY room_id) c
           WHERE c.room_id = s.room_id`,
        );
        // A doc whose revision the backup did not carry counts the updates it has.
        await client.query(
          'INSERT INTO doc_revisions (doc, revision) SELECT doc, COUNT(*) FROM doc_updates GROUP BY doc ON CONFLICT (doc) DO NOTHING',
        );
        // No identity column was written (every one is GENERATED ALWAYS and drawn as the rows
        // went in), so the sequences already stand past every value in the tables.
        await client.query('COMMIT');
        return { tables };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
