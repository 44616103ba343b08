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
    const roomId = await createRoom(server, alice, 'torbay');
    const a = client(roomId, alice);
    const b = client(roomId, bob);
    await Promise.all([a.synced, b.synced]);

    const elements = a.doc.getMap<Y.Map<unknown>>('elements');
    const el = new Y.Map<unknown>();
    el.set('label', 'Footfall');
    el.set('kind', 'variable');
    elements.set('e1', el);
    a.doc.getText('notes').insert(0, 'Hello from the council. ');
    b.doc.getText('notes').insert(0, 'Hello from the trust. ');
    b.doc.getMap('elements').set('e2', new Y.Map([['label', 'Loneliness']]));

    await eventually(() => {
      expect(b.doc.getMap('elements').toJSON()).toEqual(a.doc.getMap('elements').toJSON());
      expect(Object.keys(a.doc.getMap('elements').toJSON()).sort()).toEqual(['e1', 'e2']);
      expect(a.doc.getText('notes').toString()).toBe(b.doc.getText('notes').toString());
      expect(a.doc.getText('notes').toString()).toContain('council');
      expect(a.doc.getText('notes').toString()).toContain('trust');
    });
  });

  it('a client joining later receives the stored state before it edits', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const a = client(roomId, alice);
    await a.synced;
    a.doc.getArray('items').push(['one', 'two']);
    await eventually(async () => {
      const stored = await server.storage.loadDoc(roomId);
      expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0);
    });
    const late = client(roomId, bob);
    await late.synced;
    expect(late.doc.getArray('items').toArray()).toEqual(['one', 'two']);
  });
});
