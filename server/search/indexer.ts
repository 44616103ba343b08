/**
 * Keeps the site-wide search index current. Sync tells it that a room's doc changed; it waits
 * for a pause in the typing (debounce, with a ceiling so constant typing is still indexed every
 * few seconds), asks the extractor registry in `shared/search/` what the room contributes, and
 * replaces the room's entries in storage. None of this runs on the sync path: a change only
 * (re)arms a timer.
 *
 * After a start, rooms whose doc or title changed since they were last indexed (or that never
 * were) are indexed in the background, one at a time, so startup does not wait for it.
 */
import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import { searchEntriesFor } from '../../shared/search/extract.js';
import type { SearchEntry } from '../../shared/search/types.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/types.js';
import { createDocReader, type DocReader } from '../ydoc/reader.js';

/** A quiet spell this long after the last change indexes the room… */
export const INDEX_DEBOUNCE_MS = 750;
/** …and a room changing all the time is still indexed at least this often. */
export const INDEX_MAX_WAIT_MS = 3000;

export interface SearchIndexerOptions {
  storage: Pick<Storage, 'getRoom' | 'docRevision' | 'loadDoc' | 'replaceSearchEntries' | 'deleteSearchEntries' | 'roomsToIndex'>;
  log: Logger;
  /** How rooms are read: the server's one DocReader (live doc when loaded, else storage). */
  docs?: DocReader;
  /** Without `docs`: the doc of a room loaded in memory right now, if any. */
  liveDoc?: (roomId: string) => Y.Doc | undefined;
  debounceMs?: number;
  maxWaitMs?: number;
}

/**
 * @example
 * const indexer = new SearchIndexer({ storage, log, docs })
 * indexer.start()           // catch up in the background
 * indexer.changed(roomId)   // from sync, after a room's doc changed; or after a rename
 * await indexer.close()
 */
interface Waiting {
  timer: NodeJS.Timeout | undefined;
  /** When the first change not yet indexed came, and the latest. */
  since: number;
  last: number;
}

export class SearchIndexer {
  private readonly waiting = new Map<string, Waiting>();
  /**
   * A digest of what each room last wrote to the index. Most edits (a drag, formatting) leave
   * the searchable text as it was; then nothing is written.
   */
  private readonly written = new Map<string, string>();
  /** The latest run per room; runs for one room follow each other, never overlap. */
  private readonly runs = new Map<string, Promise<void>>();
  private catchUp: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly docs: DocReader;

  constructor(private readonly options: SearchIndexerOptions) {
    this.debounceMs = options.debounceMs ?? INDEX_DEBOUNCE_MS;
    this.maxWaitMs = options.maxWaitMs ?? INDEX_MAX_WAIT_MS;
    this.docs = options.docs ?? createDocReader({ store: options.storage, liveDoc: options.liveDoc });
  }

  /** Indexes, in the background, every room changed since it was last indexed. */
  start(): void {
    this.catchUp = (async () => {
      const roomIds = await this.options.storage.roomsToIndex();
      if (roomIds.length === 0) return;
      const started = Date.now();
      this.options.log.info('indexing rooms for search', { rooms: roomIds.length });
      for (const roomId of roomIds) {
        if (this.closed) return;
        await this.index(roomId);
        // One room at a time with a pause between, so sync traffic is never held up for long.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.options.log.info('rooms indexed for search', { rooms: roomIds.length, ms: Date.now() - started });
    })().catch((error: unknown) => this.options.log.warn('catching up the search index failed', { error }));
  }

  /**
   * Notes that a room's doc, title or state changed; it is indexed after a pause. Called for
   * every applied update, so it only records the time: the one timer a waiting room has looks
   * at it when it fires (no timer is cleared and made again per keystroke).
   */
  changed(roomId: string): void {
    if (this.closed) return;
    const now = Date.now();
    const waiting = this.waiting.get(roomId);
    if (waiting) waiting.last = now;
    else this.arm(roomId, { timer: undefined, since: now, last: now }, this.debounceMs);
  }

  private arm(roomId: string, state: Waiting, delay: number): void {
    state.timer = setTimeout(() => {
      const now = Date.now();
      // Due a quiet spell after the last change, but never later than maxWait after the first.
      const due = Math.min(state.last + this.debounceMs, state.since + this.maxWaitMs);
      if (now < due) return this.arm(roomId, state, due - now);
      this.waiting.delete(roomId);
      void this.index(roomId);
    }, delay);
    state.timer.unref();
    this.waiting.set(roomId, state);
  }

  /** Indexes the room now (after a run for it still going); never rejects. */
  index(roomId: string): Promise<void> {
    const run: Promise<void> = (this.runs.get(roomId) ?? Promise.resolve())
      .then(() => this.indexOnce(roomId))
      .catch((error: unknown) => this.options.log.warn('indexing a room for search failed; its old entries stay', { room: roomId, error }))
      .finally(() => {
        if (this.runs.get(roomId) === run) this.runs.delete(roomId);
      });
    this.runs.set(roomId, run);
    return run;
  }

  private async indexOnce(roomId: string): Promise<void> {
    if (this.closed) return;
    const { storage } = this.options;
    const room = await storage.getRoom(roomId);
    if (!room) {
      this.written.delete(roomId);
      await storage.deleteSearchEntries(roomId);
      return;
    }
    // The revision is read before the doc: whatever is stored up to it is already in the live
    // doc (a room applies an update before storing it) and in a load that follows, so the
    // entries are never older than the revision they are recorded with.
    const revision = await storage.docRevision(roomId);
    const entries: SearchEntry[] = await this.docs.read(roomId, (doc) => searchEntriesFor(room.kind, doc, room.title));
    if (this.closed) return;
    const digest = createHash('sha256').update(JSON.stringify([room.title, room.archived, entries])).digest('base64');
    if (this.written.get(roomId) === digest) return;
    await storage.replaceSearchEntries(roomId, entries, { revision, title: room.title });
    // Set after the write: a failed write is tried again at the next change. (The stored revision
    // then lags while the text is unchanged; the catch-up after a restart re-reads such rooms once.)
    this.written.set(roomId, digest);
    this.options.log.debug('room indexed for search', { room: roomId, entries: entries.length });
  }

  /** Indexes every room waiting for its pause now, and resolves when all indexing has finished. */
  async flush(): Promise<void> {
    for (const [roomId, { timer }] of this.waiting) {
      if (timer) clearTimeout(timer);
      this.waiting.delete(roomId);
      void this.index(roomId);
    }
    await this.catchUp;
    await Promise.all(this.runs.values());
  }

  /**
   * Stops indexing; changes not indexed yet are found by the catch-up after the next start
   * (their doc revision is newer than the index's).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.waiting.values()) if (timer) clearTimeout(timer);
    this.waiting.clear();
    await this.catchUp;
    await Promise.all(this.runs.values());
  }
}
