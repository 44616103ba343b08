/**
 * The writes of the Yjs update log, on one better-sqlite3 connection: appending a group of
 * updates in one transaction and compacting a doc's log into a snapshot. The storage runs them
 * either on its own connection (in-memory databases, tools) or on the writer thread's
 * (`sqliteWriter.ts`), so both paths share this one implementation.
 */
import type Database from 'better-sqlite3';
import * as Y from 'yjs';

export interface LogAppend {
  name: string;
  update: Uint8Array;
}

export interface DocLogWriter {
  /** Appends every update in one transaction: all of them are committed, or none. */
  append(items: readonly LogAppend[]): void;
  /** Replaces the doc's snapshot and its whole log with one snapshot, in one transaction. */
  compact(name: string, current?: Uint8Array): void;
}

/** better-sqlite3 returns Buffers; Yjs wants plain Uint8Arrays over exactly the stored bytes. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function docLogWriter(db: Database.Database): DocLogWriter {
  const insert = db.prepare(
    `INSERT INTO doc_updates (doc, seq, data)
     SELECT @doc, COALESCE(MAX(seq), 0) + 1, @data FROM doc_updates WHERE doc = @doc`,
  );
  const snapshot = db.prepare('SELECT data FROM doc_snapshots WHERE doc = ?').pluck();
  const updatesWithSeq = db.prepare('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq');
  const upsertSnapshot = db.prepare(
    `INSERT INTO doc_snapshots (doc, data, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (doc) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
  );
  const deleteLog = db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?');

  const append = db.transaction((items: readonly LogAppend[]) => {
    for (const { name, update } of items) insert.run({ doc: name, data: update });
  });

  // One synchronous transaction: nothing can append between reading the log and deleting it.
  const compact = db.transaction((name: string, current?: Uint8Array) => {
    const rows = updatesWithSeq.all(name) as { seq: number; data: Buffer }[];
    if (rows.length === 0) return;
    let merged = current;
    if (!merged) {
      const stored = snapshot.get(name) as Buffer | undefined;
      const doc = new Y.Doc({ gc: true });
      Y.transact(doc, () => {
        if (stored) Y.applyUpdate(doc, toBytes(stored));
        for (const row of rows) Y.applyUpdate(doc, toBytes(row.data));
      });
      merged = Y.encodeStateAsUpdate(doc);
      doc.destroy();
    }
    upsertSnapshot.run(name, merged, new Date().toISOString());
    deleteLog.run(name, rows[rows.length - 1]!.seq);
  });

  return { append: (items) => append(items), compact: (name, current) => compact(name, current) };
}
