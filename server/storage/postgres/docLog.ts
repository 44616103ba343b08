/**
 * The PostgreSQL `DocStore`: each doc's updates in an append-only log (`doc_updates`, ordered by
 * one table-wide sequence, with the account that sent each), compacted into one snapshot
 * (`doc_snapshots`); each doc's count of updates ever appended (`doc_revisions`); who has
 * edited each room (`room_editors`) and the attribution keys each doc has held, both written in
 * the append's own transaction.
 *
 * Several processes may append to one doc and compact it. Appends to a doc are serialised by
 * its `doc_revisions` row (each append transaction updates it first), so per doc the log's ids
 * rise in commit order. Compaction runs under an advisory lock per doc and deletes exactly the
 * rows it read, so an update another process appends meanwhile is never lost.
 */
import * as Y from 'yjs';
import { checkUpdate } from '../../ydoc/guard.js';
import { replayStoredDoc } from '../../ydoc/replay.js';
import type { DocStore, RoomEditorRecord, StoredDoc } from '../types.js';
import { nowIso, toBytes, type PgDb, type Queryable } from './db.js';

// COLLATE "C" on the columns sorted or compared: byte order, as SQLite sorts, whatever the
// database's default collation (a locale's would sort user ids differently).
export const DOC_LOG_SCHEMA = `
CREATE TABLE doc_updates (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  doc TEXT NOT NULL,
  data BYTEA NOT NULL,
  user_id TEXT
);
CREATE INDEX doc_updates_doc ON doc_updates (doc, id);
CREATE TABLE doc_snapshots (
  doc TEXT PRIMARY KEY,
  data BYTEA NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE doc_revisions (
  doc TEXT PRIMARY KEY,
  revision BIGINT NOT NULL
);
CREATE TABLE room_editors (
  room_id TEXT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  updates INTEGER NOT NULL,
  bytes BIGINT NOT NULL,
  first_at TEXT COLLATE "C" NOT NULL,
  last_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE TABLE doc_attributions (
  doc TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (doc, key)
);
`;

/** An arbitrary constant: the first key of the advisory lock each doc's compaction takes. */
const COMPACT_LOCK = 7_305_002;

interface PendingAppend {
  name: string;
  update: Uint8Array;
  userId: string | null;
  attributions: readonly string[];
  /** When it was asked for: the editor's time, not the commit's. */
  at: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Writes one batch of appends; re-runnable, as `db.transaction` may retry it. */
async function commitAppends(tx: Queryable, batch: readonly PendingAppend[]): Promise<void> {
  const perDoc = new Map<string, number>();
  const attributions = new Map<string, Set<string>>();
  // One row per room and editor for the whole batch, so a burst of edits writes it once.
  const edits = new Map<string, { name: string; userId: string; updates: number; bytes: number; firstAt: string; lastAt: string }>();
  for (const { name, update, userId, attributions: keys, at } of batch) {
    perDoc.set(name, (perDoc.get(name) ?? 0) + 1);
    if (keys.length > 0) {
      const kept = attributions.get(name) ?? new Set<string>();
      for (const key of keys) kept.add(key);
      attributions.set(name, kept);
    }
    if (userId === null) continue;
    const key = JSON.stringify([name, userId]);
    const counted = edits.get(key);
    if (counted) {
      counted.updates += 1;
      counted.bytes += update.byteLength;
      counted.lastAt = at;
    } else edits.set(key, { name, userId, updates: 1, bytes: update.byteLength, firstAt: at, lastAt: at });
  }

  // First, so each doc's row is locked before its log rows take their ids: appends to one doc
  // from several processes then commit in id order. Docs in sorted order, so two batches that
  // share docs lock them in the same order and cannot deadlock.
  const docs = [...perDoc.keys()].sort();
  await tx.query(
    `INSERT INTO doc_revisions (doc, revision)
     SELECT doc, n FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS t(doc, n, o) ORDER BY o
     ON CONFLICT (doc) DO UPDATE SET revision = doc_revisions.revision + excluded.revision`,
    [docs, docs.map((d) => perDoc.get(d)!)],
  );
  // Ids are drawn in the batch's order, so a doc's updates load in the order they were appended.
  await tx.query(
    `INSERT INTO doc_updates (doc, data, user_id)
     SELECT doc, data, user_id FROM unnest($1::text[], $2::bytea[], $3::text[]) WITH ORDINALITY AS t(doc, data, user_id, o) ORDER BY o`,
    [batch.map((a) => a.name), batch.map((a) => a.update), batch.map((a) => a.userId)],
  );
  if (attributions.size > 0) {
    const pairs = [...attributions].flatMap(([name, keys]) => [...keys].map((key) => [name, key] as const));
    await tx.query(
      'INSERT INTO doc_attributions (doc, key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }
  if (edits.size > 0) {
    const rows = [...edits.values()];
    await tx.query(
      `INSERT INTO room_editors (room_id, user_id, updates, bytes, first_at, last_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[])
       ON CONFLICT (room_id, user_id) DO UPDATE SET updates = room_editors.updates + excluded.updates,
         bytes = room_editors.bytes + excluded.bytes, last_at = GREATEST(room_editors.last_at, excluded.last_at)`,
      [rows.map((e) => e.name), rows.map((e) => e.userId), rows.map((e) => e.updates), rows.map((e) => e.bytes), rows.map((e) => e.firstAt), rows.map((e) => e.lastAt)],
    );
  }
}

/**
 * The caller's whole doc with whatever else the store holds: another process may have appended
 * rows since the caller's copy was taken, and compacted them into the snapshot. Merging an
 * update the copy already holds changes nothing, so the snapshot and every row read are merged,
 * and nothing is lost when the rows are deleted. A row that an honest encoder could not have
 * written is left out, as a replay would leave it.
 */
function mergeCurrent(current: Uint8Array, rows: readonly Uint8Array[], snapshot: Uint8Array | null): Uint8Array {
  try {
    return Y.mergeUpdates([...(snapshot ? [snapshot] : []), current, ...rows.filter((row) => checkUpdate(row) === null)]);
  } catch {
    // Something Yjs would not merge: rebuild as a room loads, the caller's copy included.
    const { doc } = replayStoredDoc({ snapshot, updates: [current, ...rows] });
    const merged = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return merged;
  }
}

/**
 * The doc log on `db` (migrated already).
 *
 * @example
 * const docs = openDocLog(db)
 * await docs.appendUpdate(roomId, update, { userId })
 */
/** The doc log, and the hook the store's `close` needs. */
export interface PgDocLog extends DocStore {
  /** Commits the appends waiting to be grouped now (before the pool closes). */
  flushAppends(): Promise<void>;
}

export function openDocLog(db: PgDb): PgDocLog {
  let pending: PendingAppend[] = [];
  let scheduled = false;
  /**
   * The batch being committed, then the next. One batch at a time per process: appends of one
   * doc are stored in the order they were made, and whatever arrives while a batch commits
   * waits to go in the next, larger one. Never rejects.
   */
  let committing: Promise<void> = Promise.resolve();

  /** Commits every append asked for so far; resolves once they are committed (or failed). */
  function flushAppends(): Promise<void> {
    committing = committing.then(async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        await db.transaction((tx) => commitAppends(tx, batch));
      } catch (error) {
        for (const { reject } of batch) reject(error);
        return;
      }
      for (const { resolve } of batch) resolve();
    });
    return committing;
  }

  return {
    flushAppends,

    async loadDoc(name) {
      await flushAppends();
      // One statement, so one snapshot of the database: a compaction committing between reading
      // the snapshot and reading the log cannot make this see neither its rows nor its result.
      const { rows } = await db.query<{ snapshot: boolean; data: Buffer }>(
        `SELECT true AS snapshot, 0::bigint AS id, data FROM doc_snapshots WHERE doc = $1
         UNION ALL
         SELECT false, id, data FROM doc_updates WHERE doc = $1
         ORDER BY snapshot DESC, id`,
        [name],
      );
      const stored: StoredDoc = { snapshot: null, updates: [] };
      for (const row of rows) {
        if (row.snapshot) stored.snapshot = toBytes(row.data);
        else stored.updates.push(toBytes(row.data));
      }
      return stored;
    },

    /**
     * Appends are grouped: every append made in one turn of the event loop (and while the
     * previous group commits) is committed in one transaction, and each promise resolves only
     * once that commit has succeeded, so "durable before relayed" holds with fewer commits.
     */
    appendUpdate(name, update, origin) {
      return new Promise((resolve, reject) => {
        pending.push({ name, update, userId: origin?.userId ?? null, attributions: origin?.attributions ?? [], at: nowIso(), resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void flushAppends();
        });
      });
    },

    async compactDoc(name, current) {
      await flushAppends();
      await db.transaction(async (tx) => {
        // Held to the end of this transaction. Another process compacting the doc now holds it:
        // its compaction does this one's work, so this one does nothing rather than wait.
        const { rows: lock } = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS ok', [COMPACT_LOCK, name]);
        if (!lock[0]!.ok) return;
        const { rows } = await tx.query<{ snapshot: boolean; id: number; data: Buffer }>(
          `SELECT true AS snapshot, 0::bigint AS id, data FROM doc_snapshots WHERE doc = $1
           UNION ALL
           SELECT false, id, data FROM doc_updates WHERE doc = $1
           ORDER BY snapshot DESC, id`,
          [name],
        );
        const snapshot = rows[0]?.snapshot ? toBytes(rows[0].data) : null;
        const log = rows.filter((r) => !r.snapshot);
        if (log.length === 0) return;
        const updates = log.map((r) => toBytes(r.data));
        let merged: Uint8Array;
        if (current) merged = mergeCurrent(current, updates, snapshot);
        else {
          // Replayed as a room loads it, so a bad stored update is dropped here, not thrown on.
          const { doc } = replayStoredDoc({ snapshot, updates });
          merged = Y.encodeStateAsUpdate(doc);
          doc.destroy();
        }
        await tx.query(
          `INSERT INTO doc_snapshots (doc, data, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (doc) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
          [name, merged, nowIso()],
        );
        // Exactly the rows merged, by id: whatever was appended since the read stays, whichever
        // order ids were drawn and committed in.
        await tx.query('DELETE FROM doc_updates WHERE doc = $1 AND id = ANY($2::bigint[])', [name, log.map((r) => r.id)]);
      });
    },

    async docRevision(name) {
      const { rows } = await db.query<{ revision: number }>('SELECT revision FROM doc_revisions WHERE doc = $1', [name]);
      return rows[0]?.revision ?? 0;
    },

    async loadAttributions(name) {
      await flushAppends();
      const { rows } = await db.query<{ key: string }>('SELECT key FROM doc_attributions WHERE doc = $1', [name]);
      return rows.map((r) => r.key);
    },

    async listRoomEditors(roomId) {
      const { rows } = await db.query<RoomEditorRecord>(
        `SELECT user_id AS "userId", updates, bytes, first_at AS "firstAt", last_at AS "lastAt" FROM room_editors
         WHERE room_id = $1 ORDER BY last_at DESC, user_id`,
        [roomId],
      );
      return rows;
    },
  };
}
