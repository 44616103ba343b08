/**
 * The current state of any room, for readers outside sync (search, versions, exports, public
 * pages): the live doc when the room is loaded, otherwise the doc replayed from storage as a
 * room would load it. Either way the reader sees the same state (every update a room holds
 * live is stored, and a load replays exactly what is stored).
 */
import type * as Y from 'yjs';
import type { DocStore } from '../storage/types.js';
import { replayStoredDoc } from './replay.js';

export interface DocReader {
  /**
   * Calls `read` with the room's doc and returns what it returns. `read` must finish
   * synchronously and keep nothing: a live doc goes on changing (and may be replaced), and a
   * doc replayed from storage is destroyed afterwards.
   *
   * @example
   * const labels = await docs.read(roomId, (doc) => readMap(doc).elements.map((e) => e.label))
   */
  read<T>(roomId: string, read: (doc: Y.Doc) => T): Promise<T>;
}

export function createDocReader(deps: {
  store: Pick<DocStore, 'loadDoc'>;
  /** The doc of a room loaded and healthy right now, if any (`SyncServer.liveDoc`). */
  liveDoc?: (roomId: string) => Y.Doc | undefined;
}): DocReader {
  return {
    async read<T>(roomId: string, read: (doc: Y.Doc) => T): Promise<T> {
      const live = deps.liveDoc?.(roomId);
      if (live) return read(live);
      const stored = await deps.store.loadDoc(roomId);
      // Loaded meanwhile: the live doc holds at least what was just read from storage.
      const loaded = deps.liveDoc?.(roomId);
      if (loaded) return read(loaded);
      const { doc } = replayStoredDoc(stored);
      try {
        return read(doc);
      } finally {
        doc.destroy();
      }
    },
  };
}
