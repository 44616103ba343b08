/** `startServer` with a `Storage` handed in: the server uses that store, seeds it, and leaves it open. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addParkingLotItem } from '../shared/doc/parkingLot.js';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/main.js';
import { openSqliteStorage } from '../server/storage/sqlite/index.js';
import type { Storage } from '../server/storage/types.js';
import { connectClient, createPerson, createRoom, eventually, tempDir } from './helpers/server.js';

/** `storage`, counting the calls of each of its methods in `calls`. */
function countingCalls(storage: Storage, calls: Map<string, number>): Storage {
  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('a server started with a Storage handed in', () => {
  const storeDir = tempDir();
  const dataDir = tempDir();
  afterAll(() => {
    for (const dir of [storeDir, dataDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps everything in that store, seeds it, and leaves it open when it stops', async () => {
    const sqlite = openSqliteStorage({ filename: join(storeDir, 'handed-in.db') });
    const calls = new Map<string, number>();
    const storage = countingCalls(sqlite, calls);
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const server = await startServer(config, { storage, clientDir: join(dataDir, 'no-client') });
    try {
      expect(server.storage).toBe(storage);
      // Seeded as the server's own store would be; nothing opened in DATA_DIR.
      expect(await sqlite.getSite('torbay')).not.toBeNull();
      expect(existsSync(join(dataDir, 'workspace.db'))).toBe(false);

      // Sign-in, a room and a live edit: all through the handed-in store.
      const author = { name: 'Pat', organisation: 'Torbay Council' };
      const person = await createPerson(server, { site: 'torbay', role: 'member', ...author });
      expect(calls.get('createToken')).toBe(1);
      const roomId = await createRoom(server, person, 'torbay');
      expect(calls.get('findToken')).toBeGreaterThan(0);
      expect(calls.get('createRoom')).toBe(1);
      expect((await sqlite.getRoom(roomId))?.title).toBe('Test room');
      const client = connectClient(server.url.replace(/^http/, 'ws') + '/sync', roomId, person.token);
      await client.synced;
      addParkingLotItem(client.doc, 'Written through the handed-in store', { id: person.id, ...author }, 'note-1');
      await eventually(async () => expect((await sqlite.loadDoc(roomId)).updates.length).toBeGreaterThan(0));
      expect(calls.get('appendUpdate')).toBeGreaterThan(0);
      // Stored with the account that sent it.
      expect((await sqlite.listRoomEditors(roomId)).map((e) => e.userId)).toEqual([person.id]);
      client.destroy();
    } finally {
      await server.close();
    }
    // The server did not close what it did not open.
    expect(calls.get('close')).toBeUndefined();
    expect(await sqlite.countUsers()).toBe(1);
    await sqlite.close();
  });
});
