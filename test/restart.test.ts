import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/closeCodes.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  tempDir,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { docRoomList, docRoomMap, notesText, writeNote } from './helpers/sync.js';

describe('a graceful restart', () => {
  const servers: TestServer[] = [];
  const clients: SyncClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const start = async (env: Parameters<typeof startTestServer>[0], dataDir: string) => {
    const server = await startTestServer(env, dataDir);
    servers.push(server);
    return server;
  };
  const client = (server: TestServer, roomId: string, token: string) => {
    const c = connectClient(server.wsUrl, roomId, token);
    clients.push(c);
    return c;
  };

  it('keeps every edit: a client of the new server gets what clients of the old one wrote', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = await start({}, dataDir);
    const alice = await createPerson(first, { site: 'torbay', role: 'member' });
    const bob = await createPerson(first, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(first, alice, 'torbay', 'doc');

    const a = client(first, roomId, alice.token);
    const b = client(first, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    writeNote(a.doc, 0, 'Footfall is falling. ');
    docRoomMap(a.doc).set('e1', 'Loneliness');
    docRoomList(b.doc).push(['met the trust']);
    await eventually(() => {
      expect(notesText(b.doc)).toBe('Footfall is falling. ');
      expect(docRoomList(a.doc).toArray()).toEqual(['met the trust']);
    });
    const expected = { notes: notesText(a.doc), elements: docRoomMap(a.doc).toJSON() };

    // Close with the clients still connected: they are told the server is restarting.
    await first.close();
    await eventually(() => expect(a.closeCodes).toContain(CloseCode.ServiceRestart));
    a.destroy();
    b.destroy();

    const second = await start({}, dataDir);
    // Sessions are stored too, so the same token still works.
    const fresh = client(second, roomId, bob.token);
    await fresh.synced;
    expect(notesText(fresh.doc)).toBe(expected.notes);
    expect(docRoomMap(fresh.doc).toJSON()).toEqual(expected.elements);
    expect(docRoomList(fresh.doc).toArray()).toEqual(['met the trust']);
  });

  it('compacts the log (during the session and on shutdown) without losing content', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const env = { COMPACT_AFTER_UPDATES: '5' };
    const first = await start(env, dataDir);
    const alice = await createPerson(first, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(first, alice, 'torbay', 'doc');

    const a = client(first, roomId, alice.token);
    await a.synced;
    const words = Array.from({ length: 23 }, (_, i) => `w${i}`);
    // One transaction (and so one update) per word.
    for (const word of words) docRoomList<string>(a.doc).push([word]);

    await eventually(async () => {
      const stored = await first.storage.loadDoc(roomId);
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(docRoomList(doc).toArray()).toEqual(words);
      // 23 updates with compaction every 5: a snapshot and the last 3 in the log.
      expect(stored.snapshot).not.toBeNull();
      expect(stored.updates.length).toBeLessThan(5);
    });

    a.destroy();
    await first.close();

    const second = await start(env, dataDir);
    const stored = await second.storage.loadDoc(roomId);
    // Shutdown compacted the rest of the log into the snapshot.
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(0);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, stored.snapshot!);
    expect(docRoomList(fromSnapshot).toArray()).toEqual(words);

    const fresh = client(second, roomId, alice.token);
    await fresh.synced;
    expect(docRoomList(fresh.doc).toArray()).toEqual(words);
    // And the restarted server keeps accepting edits on top of the snapshot.
    docRoomList<string>(fresh.doc).push(['after']);
    await eventually(async () => {
      const again = await second.storage.loadDoc(roomId);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, again.snapshot!);
      for (const u of again.updates) Y.applyUpdate(doc, u);
      expect(docRoomList(doc).toArray()).toEqual([...words, 'after']);
    });
  });
});
