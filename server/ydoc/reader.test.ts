import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StoredDoc } from '../storage/types.js';
import { createDocReader } from './reader.js';

/** A store of one doc's updates, as the sync server appends them. */
function storeOf(updates: Uint8Array[]): { loadDoc(): Promise<StoredDoc> } {
  return { loadDoc: async () => ({ snapshot: null, updates: [...updates] }) };
}

describe('DocReader', () => {
  it('gives the same state from the live doc and from storage, and destroys only what it replayed', async () => {
    const live = new Y.Doc();
    const updates: Uint8Array[] = [];
    live.on('update', (u: Uint8Array) => updates.push(u));
    live.getText('notes').insert(0, 'Footfall is falling');
    live.getMap('elements').set('e1', { label: 'Loneliness' });

    const liveReader = createDocReader({ store: storeOf(updates), liveDoc: () => live });
    const storedReader = createDocReader({ store: storeOf(updates), liveDoc: () => undefined });
    const read = (doc: Y.Doc) => ({ notes: doc.getText('notes').toString(), elements: doc.getMap('elements').toJSON() });
    const fromLive = await liveReader.read('r', read);
    const fromStore = await storedReader.read('r', read);
    expect(fromStore).toEqual(fromLive);
    expect(fromLive).toEqual({ notes: 'Footfall is falling', elements: { e1: { label: 'Loneliness' } } });

    let replayed: Y.Doc | undefined;
    await storedReader.read('r', (doc) => (replayed = doc));
    expect(replayed?.isDestroyed).toBe(true);
    await liveReader.read('r', (doc) => doc);
    expect(live.isDestroyed).toBe(false);
  });

  it('uses the live doc when the room loaded while storage was being read', async () => {
    const live = new Y.Doc();
    live.getMap('m').set('k', 'live');
    let loaded = false;
    const reader = createDocReader({
      store: {
        loadDoc: async () => {
          loaded = true;
          return { snapshot: null, updates: [] };
        },
      },
      liveDoc: () => (loaded ? live : undefined),
    });
    expect(await reader.read('r', (doc) => doc.getMap('m').get('k'))).toBe('live');
  });
});
