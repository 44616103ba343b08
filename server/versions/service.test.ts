import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { VERSION_LIMITS } from '../../shared/api.js';
import { addElement, readMap, removeElements } from '../../shared/map/doc.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/index.js';
import { createDocReader } from '../ydoc/reader.js';
import { VersionService, beforeRestoringName } from './service.js';

const ann = { userId: 'u-ann', name: 'Ann', organisation: 'Torbay Council' };
const room = { id: 'room-map-0001', kind: 'map' as const };
let storage: SqliteStorage;

/** A service over one live doc, written as the server writes: in a transaction, nothing else. */
function serviceOver(live: Y.Doc, maxVersionBytes = 1024 * 1024) {
  storage = openSqliteStorage({ filename: ':memory:' });
  return new VersionService({
    store: storage,
    docs: createDocReader({ store: storage, liveDoc: () => live }),
    writeAsServer: async (_roomId, change) => {
      let result!: ReturnType<typeof change>;
      live.transact(() => {
        result = change(live);
      });
      return result;
    },
    log: createLogger('silent'),
    maxVersionBytes,
  });
}

afterEach(async () => {
  await storage.close();
});

describe('VersionService', () => {
  it('saves the live doc, restores a version into it, and saves the doc as it was first', async () => {
    const live = new Y.Doc();
    addElement(live, { id: 'a', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, ann);
    const versions = serviceOver(live);
    const saved = await versions.save(room, 'First', ann);
    expect(saved).toMatchObject({ roomId: room.id, name: 'First', createdBy: ann, summary: { elements: 1, connections: 0 } });
    const first = readMap(live);

    removeElements(live, ['a']);
    addElement(live, { id: 'b', kind: 'variable', label: 'Parking', x: 0, y: 0 }, ann);
    const changed = readMap(live);
    const done = (await versions.restore(room, saved.id, ann))!;
    expect(readMap(live)).toEqual(first);
    expect(done.restored).toEqual(saved);
    expect(done.before.name).toBe('Before restoring “First”');
    expect((await versions.read(room, done.before.id))!.content).toEqual({ kind: 'map', map: changed });
    expect(await versions.restore(room, 'gone', ann)).toBeNull();
  });

  it('refuses a room over the size limit, before changing anything', async () => {
    const live = new Y.Doc();
    for (let i = 0; i < 40; i++) addElement(live, { id: `e${i}`, kind: 'variable', label: `Element number ${i}`, x: i, y: 0 }, ann);
    const versions = serviceOver(live, 1024);
    await expect(versions.save(room, 'Too big', ann)).rejects.toBeInstanceOf(AppError);
    // A version made while the room was small, restored once it has grown: the room stays as it is.
    await versions.store(room.id, { id: 'small', name: 'Small', author: ann, createdAt: new Date().toISOString() }, { state: Y.encodeStateAsUpdate(new Y.Doc()), summary: {} });
    const before = readMap(live);
    await expect(versions.restore(room, 'small', ann)).rejects.toMatchObject({ status: 409, options: { details: { setting: 'MAX_VERSION_BYTES', limit: 1024 } } });
    expect(readMap(live)).toEqual(before);
    expect((await versions.list(room.id)).map((v) => v.id)).toEqual(['small']);
  });

  it('names the version saved before a restore within the length limit', () => {
    expect(beforeRestoringName('after workshop 3')).toBe('Before restoring “after workshop 3”');
    const long = beforeRestoringName('x'.repeat(VERSION_LIMITS.nameMax));
    expect(long).toHaveLength(VERSION_LIMITS.nameMax);
    expect(long.endsWith('x…”')).toBe(true);
  });
});
