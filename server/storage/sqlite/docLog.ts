/**
 * The SQLite `DocStore`: each doc's updates in an append-only log (`doc_updates`, numbered per
 * doc, with the account that sent each), compacted into one snapshot (`doc_snapshots`); who
 * has edited each room, counted as updates are appended (`room_editors`).
 */
import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { replayStoredDoc } from '../../ydoc/replay.js';
import type { DocStore, RoomEditorRecord, StoredDoc } from '../types.js';
import { nowIso, toBytes } from './common.js';

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

/** The doc log, and the hook the store's `close` needs. */
export interface SqliteDocLog extends DocStore {
  /** Commits the appends waiting for the end of this turn of the event loop now. */
  flushAppends(): void;
}

/**
 * Prepares the doc log's statements on `db` (migrated already).
 *
 * @example
 * const { flushAppends, ...docs } = openDocLog(db)
 * await docs.appendUpdate(roomId, update)
 */
export function openDocLog(db: Database.Database): SqliteDocLog {
  const stmt = {
    append: db.prepare('INSERT INTO doc_updates (doc, seq, data, user_id) VALUES (?, ?, ?, ?)'),
    countEdits: db.prepare(
      `INSERT INTO room_editors (room_id, user_id, updates, bytes, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_id, user_id) DO UPDATE SET updates = updates + excluded.updates,
         bytes = bytes + excluded.bytes, last_at = MAX(last_at, excluded.last_at)`,
    ),
    editors: db.prepare(
      `SELECT user_id AS userId, updates, bytes, first_at AS firstAt, last_at AS lastAt FROM room_editors
       WHERE room_id = ? ORDER BY last_at DESC, user_id`,
    ),
    lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM doc_updates WHERE doc = ?').pluck(),
    keepAttribution: db.prepare('INSERT OR IGNORE INTO doc_attributions (doc, key) VALUES (?, ?)'),
    attributions: db.prepare('SELECT key FROM doc_attributions WHERE doc = ?').pluck(),
    snapshot: db.prepare('SELECT data FROM doc_snapshots WHERE doc = ?').pluck(),
    updates: db.prepare('SELECT data FROM doc_updates WHERE doc = ? ORDER BY seq').pluck(),
    updatesWithSeq: db.prepare('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq'),
    saveSnapshot: db.prepare(
      `INSERT INTO doc_snapshots (doc, data, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (doc) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
    ),
    deleteUpTo: db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?'),
    addToBase: db.prepare(
      `INSERT INTO doc_revisions (doc, base) VALUES (?, ?)
       ON CONFLICT (doc) DO UPDATE SET base = base + excluded.base`,
    ),
    revision: db
      .prepare(
        `SELECT COALESCE((SELECT base FROM doc_revisions WHERE doc = ?), 0)
           + COALESCE((SELECT MAX(seq) FROM doc_updates WHERE doc = ?), 0)`,
      )
      .pluck(),
  };

  let pendingAppends: PendingAppend[] = [];
  let flushTimer: NodeJS.Immediate | undefined;
  /**
   * Each doc's last log number, once read: an append is then a plain insert, without the
   * `MAX(seq)` lookup on every edit. Only this process appends to a doc's log; should another
   * ever have, the insert clashes on (doc, seq) and the batch is retried with numbers read anew.
   */
  const lastSeq = new Map<string, number>();

  const commitAppends = db.transaction((batch: readonly PendingAppend[]) => {
    const numbered = new Map<string, number>();
    // One row per room and editor for the whole batch, so a burst of edits writes it once.
    const edits = new Map<string, { name: string; userId: string; updates: number; bytes: number; firstAt: string; lastAt: string }>();
    for (const { name, update, userId, attributions, at } of batch) {
      const seq = (numbered.get(name) ?? lastSeq.get(name) ?? (stmt.lastSeq.get(name) as number)) + 1;
      stmt.append.run(name, seq, update, userId);
      numbered.set(name, seq);
      for (const key of attributions) stmt.keepAttribution.run(name, key);
      if (userId === null) continue;
      const key = JSON.stringify([name, userId]);
      const counted = edits.get(key);
      if (counted) {
        counted.updates += 1;
        counted.bytes += update.byteLength;
        counted.lastAt = at;
      } else edits.set(key, { name, userId, updates: 1, bytes: update.byteLength, firstAt: at, lastAt: at });
    }
    for (const e of edits.values()) stmt.countEdits.run(e.name, e.userId, e.updates, e.bytes, e.firstAt, e.lastAt);
    // Remembered only once committed: a failed batch leaves the numbers as they were.
    for (const [name, seq] of numbered) lastSeq.set(name, seq);
  });

  function flushAppends(): void {
    if (flushTimer) clearImmediate(flushTimer);
    flushTimer = undefined;
    const batch = pendingAppends;
    if (batch.length === 0) return;
    pendingAppends = [];
    try {
      try {
        commitAppends(batch);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        // Numbers out of date (some other writer appended): read them again, once.
        lastSeq.clear();
        commitAppends(batch);
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const { resolve } of batch) resolve();
  }

  const load = db.transaction((name: string): StoredDoc => {
    const snapshot = stmt.snapshot.get(name) as Buffer | undefined;
    const updates = stmt.updates.all(name) as Buffer[];
    return { snapshot: snapshot ? toBytes(snapshot) : null, updates: updates.map(toBytes) };
  });

  // One synchronous transaction: nothing can append between reading the log and deleting it.
  const compact = db.transaction((name: string, current: Uint8Array | undefined) => {
    const rows = stmt.updatesWithSeq.all(name) as { seq: number; data: Buffer }[];
    if (rows.length === 0) return;
    let merged = current;
    if (!merged) {
      const snapshot = stmt.snapshot.get(name) as Buffer | undefined;
      // Replayed as a room loads it, so a bad stored update is dropped here, not thrown on.
      const { doc } = replayStoredDoc({ snapshot: snapshot ? toBytes(snapshot) : null, updates: rows.map((r) => toBytes(r.data)) });
      merged = Y.encodeStateAsUpdate(doc);
      doc.destroy();
    }
    stmt.saveSnapshot.run(name, merged, nowIso());
    const last = rows[rows.length - 1]!.seq;
    stmt.deleteUpTo.run(name, last);
    // What is left numbers on from the highest row kept: none, unless another writer's.
    lastSeq.delete(name);
    // The log numbers from 1 again after this, so its last number moves into the base.
    stmt.addToBase.run(name, last);
  });

  return {
    async loadDoc(name) {
      flushAppends();
      return load(name);
    },

    /**
     * Appends are grouped: every append made in one turn of the event loop is committed in one
     * transaction just after it (setImmediate), and each promise resolves only once that commit
     * has succeeded. One commit for many small updates writes far fewer WAL pages, so SQLite
     * checkpoints (and fsyncs) far less often, while "durable before relayed" still holds.
     */
    appendUpdate(name, update, origin) {
      return new Promise((resolve, reject) => {
        pendingAppends.push({ name, update, userId: origin?.userId ?? null, attributions: origin?.attributions ?? [], at: nowIso(), resolve, reject });
        flushTimer ??= setImmediate(flushAppends);
      });
    },

    async compactDoc(name, current) {
      flushAppends();
      compact(name, current);
    },

    async docRevision(name) {
      return stmt.revision.get(name, name) as number;
    },

    async loadAttributions(name) {
      flushAppends();
      return stmt.attributions.all(name) as string[];
    },

    async listRoomEditors(roomId) {
      return stmt.editors.all(roomId) as RoomEditorRecord[];
    },

    flushAppends,
  };
}
