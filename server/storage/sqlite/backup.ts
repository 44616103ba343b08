/**
 * The SQLite `BackupStore`: the tables of `../backup.ts` read page by page from one read
 * snapshot, and written back in one transaction. What SQLite keeps in its own way is translated
 * both ways: booleans are 0/1, each doc's log is numbered from 1 (`seq`), and a doc's revision
 * is kept as the count compactions folded away (`doc_revisions.base`) plus its log's last number.
 */
import Database from 'better-sqlite3';
import { BackupError, backupRow, backupTables, bytesOf, checkBackupRow, notEmptyError, siteCondition, type BackupTable } from '../backup.js';
import type { BackupStore, BackupValue } from '../types.js';

/** Rows read at a time: a page of a table, so none is ever held whole. */
const PAGE = 256;

/**
 * Where a table's rows are read from and in which order: their rowid (the order they were
 * stored), or for a table without one its primary key.
 */
const SOURCES: Record<string, { from: string; key: readonly string[] }> = {
  doc_updates: { from: 'doc_updates', key: ['doc', 'seq'] },
  // A doc's whole revision: what compactions folded into the base, and its log's numbers since.
  doc_revisions: {
    from: `(SELECT doc, SUM(n) AS revision FROM (
        SELECT doc, base AS n FROM doc_revisions UNION ALL SELECT doc, MAX(seq) FROM doc_updates GROUP BY doc
      ) GROUP BY doc)`,
    key: ['doc'],
  },
  doc_attributions: { from: 'doc_attributions', key: ['doc', 'key'] },
  room_editors: { from: 'room_editors', key: ['room_id', 'user_id'] },
  search_rooms: { from: 'search_rooms', key: ['room_id'] },
  workshop_attendance: { from: 'workshop_attendance', key: ['room_id', 'user_id'] },
  workshop_rooms: { from: 'workshop_rooms', key: ['workshop_id', 'room_id'] },
};

function pageSql(spec: BackupTable, forSite: boolean, after: boolean): string {
  const { from, key } = SOURCES[spec.name] ?? { from: spec.name, key: ['rowid'] };
  const where = [
    ...(forSite ? [siteCondition(spec, '@site')] : []),
    ...(after ? [`(${key.join(', ')}) > (${key.map((_, i) => `@k${i}`).join(', ')})`] : []),
  ];
  return `SELECT ${spec.columns.join(', ')}, ${key.map((k, i) => `${k} AS _k${i}`).join(', ')} FROM ${from}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key.join(', ')} LIMIT ${PAGE}`;
}

/** How a row of the backup goes into its table. */
function insertSql(spec: BackupTable): string {
  if (spec.name === 'doc_revisions') return 'INSERT INTO doc_revisions (doc, base) VALUES (@doc, @revision)';
  if (spec.name === 'doc_updates') return 'INSERT INTO doc_updates (doc, seq, data, user_id) VALUES (@doc, @seq, @data, @user_id)';
  const insert = `INSERT INTO ${spec.name} (${spec.columns.join(', ')}) VALUES (${spec.columns.map((c) => `@${c}`).join(', ')})`;
  if (!spec.replaces) return insert;
  const rest = spec.columns.filter((c) => !spec.replaces!.includes(c));
  return `${insert} ON CONFLICT (${spec.replaces.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/**
 * The backup methods on `db` (migrated already). `flushAppends` commits appends still waiting,
 * so an export holds every update appended before it was asked for.
 *
 * @example
 * const storage = { ...openBackupStore(db, flushAppends) }
 * for await (const { table, row } of storage.exportRows({})) console.log(table, row)
 */
export function openBackupStore(db: Database.Database, flushAppends: () => void): BackupStore {
  return {
    async *exportRows(options) {
      flushAppends();
      const forSite = options.siteId !== undefined;
      // A connection of its own where there is a file: its read snapshot neither sees nor holds
      // up the store's own writes while the rows are consumed, however slowly.
      const reader = db.memory ? db : new Database(db.name, { readonly: true, fileMustExist: true });
      const began = !reader.inTransaction;
      if (began) reader.exec('BEGIN');
      try {
        for (const spec of backupTables(forSite)) {
          const first = reader.prepare(pageSql(spec, forSite, false));
          const next = reader.prepare(pageSql(spec, forSite, true));
          const site = forSite ? { site: options.siteId } : {};
          let page = (forSite ? first.all(site) : first.all()) as Record<string, unknown>[];
          for (;;) {
            for (const stored of page) yield backupRow(spec, stored, forSite);
            if (page.length < PAGE) break;
            const last = page[page.length - 1]!;
            const after = Object.fromEntries(Object.keys(last).filter((k) => /^_k\d+$/.test(k)).map((k) => [k.slice(1), last[k]]));
            page = next.all({ ...site, ...after }) as Record<string, unknown>[];
          }
        }
      } finally {
        if (began && reader.inTransaction) reader.exec('COMMIT');
        if (reader !== db) reader.close();
      }
    },

    async importRows(rows) {
      flushAppends();
      if (db.inTransaction) throw new BackupError('the store is in the middle of a transaction; import into a store of its own');
      // One transaction over the whole stream, taken as a writer at once: nothing else writes
      // meanwhile, and a failure anywhere leaves the store as empty as it was.
      db.exec('BEGIN IMMEDIATE');
      try {
        const counts = db
          .prepare('SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM sites) AS sites, (SELECT COUNT(*) FROM rooms) AS rooms')
          .get() as { users: number; sites: number; rooms: number };
        if (counts.users + counts.sites + counts.rooms > 0) throw notEmptyError(counts);

        const tables: Record<string, number> = {};
        const inserts = new Map<string, Database.Statement>();
        /** Each doc's log so far, numbered as appends number it. */
        const lastSeq = new Map<string, number>();
        const revisions = new Map<string, number>();
        /** Guests' workshops, set once the workshops are in (`users` comes first). */
        const guestOf: [string, string][] = [];
        for await (const item of rows) {
          const spec = checkBackupRow(item);
          const values: Record<string, unknown> = {};
          for (const column of spec.columns) {
            const value: BackupValue = item.row[column] ?? null;
            if (value === null) values[column] = null;
            else if (spec.binary?.includes(column)) values[column] = bytesOf(value);
            else if (spec.booleans?.includes(column)) values[column] = value ? 1 : 0;
            else values[column] = value;
          }
          if (spec.name === 'users' && values.guest_of !== null) {
            guestOf.push([String(values.id), String(values.guest_of)]);
            values.guest_of = null;
          } else if (spec.name === 'doc_updates') {
            const seq = (lastSeq.get(String(values.doc)) ?? 0) + 1;
            lastSeq.set(String(values.doc), seq);
            values.seq = seq;
          } else if (spec.name === 'doc_revisions') {
            revisions.set(String(values.doc), Number(values.revision));
          }
          let insert = inserts.get(spec.name);
          if (!insert) inserts.set(spec.name, (insert = db.prepare(insertSql(spec))));
          insert.run(values);
          tables[spec.name] = (tables[spec.name] ?? 0) + 1;
        }

        const setGuestOf = db.prepare('UPDATE users SET guest_of = ? WHERE id = ?');
        for (const [id, workshopId] of guestOf) setGuestOf.run(workshopId, id);
        // A revision is the base plus the log's last number: the base is what the log does not count.
        const setBase = db.prepare('UPDATE doc_revisions SET base = ? WHERE doc = ?');
        for (const [doc, revision] of revisions) setBase.run(Math.max(0, revision - (lastSeq.get(doc) ?? 0)), doc);
        db.exec('COMMIT');
        return { tables };
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
  };
}
