import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addElement, moveElements, updateElement } from '../../shared/map/doc.js';
import type { SearchEntry } from '../../shared/search/types.js';
import { createLogger, type LogLevel } from '../logger.js';
import type { RoomRecord, StoredDoc } from '../storage/types.js';
import { SearchIndexer } from './indexer.js';

const actor = { userId: 'u', name: 'U', organisation: 'O' };

function room(id: string, kind: RoomRecord['kind'] = 'map'): RoomRecord {
  return { id, siteId: 's', siteSlug: 'torbay', kind, title: `Room ${id}`, archived: false, createdBy: null, createdAt: '', updatedAt: '', locked: false, lockedBy: null, lockedAt: null };
}

/** A storage stand-in that records what the indexer writes. */
function fakeStorage(docs: Map<string, Y.Doc>) {
  const written: { roomId: string; entries: readonly SearchEntry[]; revision: number }[] = [];
  return {
    written,
    getRoom: async (id: string) => (docs.has(id) ? room(id) : null),
    docRevision: async () => 7,
    loadDoc: async (id: string): Promise<StoredDoc> => ({ snapshot: Y.encodeStateAsUpdate(docs.get(id)!), updates: [] }),
    replaceSearchEntries: async (roomId: string, entries: readonly SearchEntry[], indexed: { revision: number }) => {
      written.push({ roomId, entries, revision: indexed.revision });
    },
    deleteSearchEntries: vi.fn(async () => undefined),
    roomsToIndex: async () => [...docs.keys()],
  };
}

function capturingLog() {
  const lines: { level: LogLevel; line: string }[] = [];
  return { lines, log: createLogger('debug', (level, line) => lines.push({ level, line })) };
}

describe('SearchIndexer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('indexes a room once after a pause, however many changes came before it', async () => {
    vi.useFakeTimers();
    const doc = new Y.Doc();
    addElement(doc, { id: 'e1', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
    const storage = fakeStorage(new Map([['r1', doc]]));
    const indexer = new SearchIndexer({ storage, log: capturingLog().log, debounceMs: 500, maxWaitMs: 2000 });
    for (let i = 0; i < 5; i++) {
      indexer.changed('r1');
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(storage.written).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(storage.written).toHaveLength(1);
    expect(storage.written[0]).toMatchObject({ roomId: 'r1', revision: 7 });
    expect(storage.written[0]!.entries.map((e) => e.title)).toEqual(['Room r1', 'Footfall']);
    await indexer.close();
  });

  it('still indexes a room that changes all the time, at the ceiling', async () => {
    vi.useFakeTimers();
    const doc = new Y.Doc();
    const storage = fakeStorage(new Map([['r1', doc]]));
    const indexer = new SearchIndexer({ storage, log: capturingLog().log, debounceMs: 500, maxWaitMs: 2000 });
    for (let i = 0; i < 45; i++) {
      addElement(doc, { id: `e${i}`, kind: 'variable', label: `Typed ${i}`, x: 0, y: 0 }, actor);
      indexer.changed('r1');
      await vi.advanceTimersByTimeAsync(100);
    }
    // 4.5 s of constant typing: indexed at 2 s and 4 s.
    expect(storage.written).toHaveLength(2);
    await indexer.close();
  });

  it('writes nothing when a change leaves the searchable text as it was (a move, a colour)', async () => {
    vi.useFakeTimers();
    const doc = new Y.Doc();
    addElement(doc, { id: 'e1', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
    const storage = fakeStorage(new Map([['r1', doc]]));
    const indexer = new SearchIndexer({ storage, log: capturingLog().log, debounceMs: 500, maxWaitMs: 2000 });
    indexer.changed('r1');
    await vi.advanceTimersByTimeAsync(600);
    expect(storage.written).toHaveLength(1);
    moveElements(doc, [{ id: 'e1', x: 300, y: 40 }]);
    indexer.changed('r1');
    await vi.advanceTimersByTimeAsync(600);
    expect(storage.written).toHaveLength(1);
    updateElement(doc, 'e1', { label: 'Footfall on Fleet Street' }, actor);
    indexer.changed('r1');
    await vi.advanceTimersByTimeAsync(600);
    expect(storage.written).toHaveLength(2);
    expect(storage.written[1]!.entries.map((e) => e.title)).toContain('Footfall on Fleet Street');
    await indexer.close();
  });

  it('reads a loaded room’s live doc rather than storage', async () => {
    const live = new Y.Doc();
    addElement(live, { id: 'e1', kind: 'variable', label: 'Only in memory', x: 0, y: 0 }, actor);
    const storage = fakeStorage(new Map([['r1', new Y.Doc()]]));
    const indexer = new SearchIndexer({ storage, log: capturingLog().log, liveDoc: (id) => (id === 'r1' ? live : undefined) });
    await indexer.index('r1');
    expect(storage.written[0]!.entries.map((e) => e.title)).toContain('Only in memory');
  });

  it('logs a room it could not index as a warning, and goes on with the others', async () => {
    const storage = fakeStorage(new Map([['bad', new Y.Doc()], ['good', new Y.Doc()]]));
    storage.loadDoc = async (id: string): Promise<StoredDoc> => {
      if (id === 'bad') throw new Error('disk on fire');
      return { snapshot: null, updates: [] };
    };
    const { lines, log } = capturingLog();
    const indexer = new SearchIndexer({ storage, log });
    indexer.start();
    await indexer.flush();
    expect(storage.written.map((w) => w.roomId)).toEqual(['good']);
    expect(lines.some((l) => l.level === 'warn' && l.line.includes('disk on fire'))).toBe(true);
  });

  it('drops the entries of a room that no longer exists', async () => {
    const storage = fakeStorage(new Map());
    const indexer = new SearchIndexer({ storage, log: capturingLog().log });
    await indexer.index('gone');
    expect(storage.deleteSearchEntries).toHaveBeenCalledWith('gone');
  });

  it('stops on close: changes waiting for their pause are left to the next start', async () => {
    vi.useFakeTimers();
    const storage = fakeStorage(new Map([['r1', new Y.Doc()]]));
    const indexer = new SearchIndexer({ storage, log: capturingLog().log });
    indexer.changed('r1');
    await indexer.close();
    await vi.advanceTimersByTimeAsync(10_000);
    indexer.changed('r1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(storage.written).toHaveLength(0);
  });
});
