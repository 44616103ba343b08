/**
 * Rebuilding a doc from what storage holds (a snapshot and the updates appended since), so
 * that one bad stored update cannot make a room unreadable: a room, the search indexer and
 * compaction all replay through here.
 *
 * Storage written before the update guard existed may hold updates that throw inside Yjs. Such
 * an update is skipped (and reported) rather than applied, and a snapshot holding bad structs
 * is rewritten with those structs as garbage, so every honest edit around them still opens.
 */
import * as Y from 'yjs';
import type { StoredDoc } from '../storage/types.js';
import { applyGuarded, checkUpdate, sanitizeUpdate } from './guard.js';

export interface Replayed {
  doc: Y.Doc;
  /** What could not be applied and was left out, for the log. */
  problems: string[];
}

/** Rebuilds after this many failed attempts give up on the rest of the log. */
const MAX_REBUILDS = 16;

/**
 * Builds a doc from stored state, leaving out whatever would break it.
 *
 * @example
 * const { doc, problems } = replayStoredDoc(await store.loadDoc(id))
 * if (problems.length) log.warn('skipped bad stored updates', { problems })
 */
export function replayStoredDoc(stored: StoredDoc, origin: unknown = 'load'): Replayed {
  const problems: string[] = [];
  const skip = new Set<number>();
  let snapshot = stored.snapshot;
  for (let attempt = 0; ; attempt++) {
    const doc = new Y.Doc({ gc: true });
    let failedAt: number | null = null;
    if (snapshot) {
      const error = applyGuarded(doc, snapshot, origin);
      if (error) {
        doc.destroy();
        const cleaned = trySanitize(snapshot);
        if (cleaned && cleaned.replaced > 0 && attempt === 0) {
          problems.push(`snapshot: ${error.message}; ${cleaned.replaced} bad struct(s) replaced by garbage`);
          snapshot = cleaned.update;
        } else {
          problems.push(`snapshot: ${error.message}; left out`);
          snapshot = null;
        }
        continue;
      }
    }
    for (let i = 0; i < stored.updates.length; i++) {
      if (skip.has(i)) continue;
      const update = stored.updates[i]!;
      const problem = checkUpdate(update);
      if (problem) {
        skip.add(i);
        problems.push(`update ${i}: ${problem}; left out`);
        continue;
      }
      const error = applyGuarded(doc, update, origin);
      if (error) {
        failedAt = i;
        skip.add(i);
        problems.push(`update ${i}: ${error.message}; left out`);
        break;
      }
    }
    if (failedAt === null) return { doc, problems };
    // The failed apply may have left part of itself behind: start again without it.
    doc.destroy();
    if (attempt >= MAX_REBUILDS) {
      problems.push(`gave up after ${MAX_REBUILDS} failed updates; the rest of the log is left out`);
      for (let i = failedAt; i < stored.updates.length; i++) skip.add(i);
    }
  }
}

function trySanitize(update: Uint8Array): { update: Uint8Array; replaced: number } | null {
  try {
    return sanitizeUpdate(update);
  } catch {
    return null;
  }
}
