import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { docRoomList, docRoomMap, notesText, writeNote } from './helpers/sync.js';

describe('live sync with the real y-websocket client', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  const clients: SyncClient[] = [];
  const client = (roomId: string, person: Person, doc?: Y.Doc) => {
    const c = connectClient(server.wsUrl, roomId, person.token, { doc });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await createPerson(server, { site: 'torbay', role: 'member', organisation: 'Torbay Council' });
    bob = await createPerson(server, { site: 'torbay', role: 'facilitator', organisation: 'Torbay and South Devon NHS FT' });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.dispose();
  });

  it('two clients converge on map-like and text-like data', async () => {
    const roomId = await createRoom(server, alice, 'torbay', 'doc');
    const a = client(roomId, alice);
    const b = client(roomId, bob);
    await Promise.all([a.synced, b.synced]);

    const elements = docRoomMap<Y.Map<unknown>>(a.doc);
    const el = new Y.Map<unknown>();
    el.set('label', 'Footfall');
    el.set('kind', 'variable');
    elements.set('e1', el);
    writeNote(a.doc, 0, 'Hello from the council. ');
    writeNote(b.doc, 0, 'Hello from the trust. ');
    docRoomMap(b.doc).set('e2', new Y.Map([['label', 'Loneliness']]));

    await eventually(() => {
      expect(docRoomMap(b.doc).toJSON()).toEqual(docRoomMap(a.doc).toJSON());
      expect(Object.keys(docRoomMap(a.doc).toJSON()).sort()).toEqual(['e1', 'e2']);
      expect(notesText(a.doc)).toBe(notesText(b.doc));
      expect(notesText(a.doc)).toContain('council');
      expect(notesText(a.doc)).toContain('trust');
    });
  });

  it('a client joining later receives the stored state before it edits', async () => {
    const roomId = await createRoom(server, alice, 'torbay', 'doc');
    const a = client(roomId, alice);
    await a.synced;
    docRoomList(a.doc).push(['one', 'two']);
    await eventually(async () => {
      const stored = await server.storage.loadDoc(roomId);
      expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0);
    });
    const late = client(roomId, bob);
    await late.synced;
    expect(docRoomList(late.doc).toArray()).toEqual(['one', 'two']);
  });
});
