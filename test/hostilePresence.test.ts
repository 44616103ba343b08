/**
 * Issue 13: awareness is bounded and owned, and presence tells the truth. Each case is an
 * attack that once closed every honest client or falsified who is in the room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/closeCodes.js';
import { readPresence } from '../shared/doc/presence.js';
import { MAX_AWARENESS_IDS_PER_CONNECTION } from '../server/sync/room.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { awarenessJsonFrame, docRoomMap } from './helpers/sync.js';

describe('hostile presence', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let viewer: Person;
  let roomId: string;
  let a: SyncClient;
  let b: SyncClient;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await createPerson(server, { site: 'torbay', role: 'member', name: 'Alice Honest', organisation: 'Torbay Council' });
    bob = await createPerson(server, { site: 'torbay', role: 'member', name: 'Bob Honest', organisation: 'NHS Devon' });
    viewer = await createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Volunteers' });
    roomId = await createRoom(server, alice, 'torbay', 'doc');
    a = connectClient(server.wsUrl, roomId, alice.token);
    b = connectClient(server.wsUrl, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('user', { id: 'x', name: 'whatever', organisation: '', colour: '#000000' });
    await eventually(() => expect(readPresence(b.provider.awareness.getStates().get(a.doc.clientID))?.name).toBe('Alice Honest'));
  });
  afterAll(async () => {
    a.destroy();
    b.destroy();
    await server.dispose();
  });

  it("stamps every presence with the account's name and organisation, whatever the client claims", async () => {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${viewer.token}`);
    const forged = { user: { id: alice.id, name: 'A (admin)', organisation: 'Council', colour: '#000000' } };
    raw.ws.send(awarenessJsonFrame([{ clientID: 31337, clock: 1, json: JSON.stringify(forged) }]));
    await eventually(() => {
      const seen = readPresence(b.provider.awareness.getStates().get(31337));
      expect(seen).toMatchObject({ id: viewer.id, name: 'Vic Viewer', organisation: 'Volunteers' });
    });
    raw.ws.close();
    await eventually(() => expect(b.provider.awareness.getStates().has(31337)).toBe(false));
  });

  it("an entry with another person's current clock and a null state does not remove their presence", async () => {
    const victim = a.doc.clientID;
    const clock = a.provider.awareness.meta.get(victim)!.clock;
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${viewer.token}`);
    raw.ws.send(awarenessJsonFrame([{ clientID: victim, clock, json: 'null' }]));
    raw.ws.send(awarenessJsonFrame([{ clientID: 4040, clock: 1, json: '{}' }])); // a marker: handled after
    await eventually(() => expect(b.provider.awareness.getStates().has(4040)).toBe(true));
    expect(readPresence(b.provider.awareness.getStates().get(victim))?.name).toBe('Alice Honest');
    raw.ws.close();
  });

  it('a viewer announcing 400 ids gets only a few; when it leaves, no honest client is closed', async () => {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${viewer.token}`);
    const ids = Array.from({ length: 400 }, (_, i) => ({ clientID: 100_000 + i, clock: 1, json: '{}' }));
    raw.ws.send(awarenessJsonFrame(ids));
    raw.ws.send(awarenessJsonFrame([{ clientID: 99_999, clock: 1, json: '{}' }]));
    await eventually(() => {
      const flood = [...b.provider.awareness.getStates().keys()].filter((id) => id >= 99_999 && id < 100_400);
      expect(flood).toHaveLength(MAX_AWARENESS_IDS_PER_CONNECTION);
    });
    raw.ws.close();
    await eventually(() => expect([...b.provider.awareness.getStates().keys()].filter((id) => id >= 99_999 && id < 100_400)).toEqual([]));
    // Both honest clients echo the removals; they stay connected and keep syncing.
    docRoomMap(a.doc).set('after-flood', 1);
    await eventually(() => expect(docRoomMap(b.doc).get('after-flood')).toBe(1));
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
  });

  it('a deeply nested or oversized state closes its sender (1002) and no one else', async () => {
    for (const json of ['['.repeat(5000) + ']'.repeat(5000), JSON.stringify({ big: 'x'.repeat(7 * 1024 * 1024) })]) {
      const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${viewer.token}`);
      raw.ws.send(awarenessJsonFrame([{ clientID: 5555, clock: 1, json }]));
      expect((await raw.closed).code).toBe(json.length > 8 * 1024 * 1024 ? CloseCode.MessageTooBig : CloseCode.ProtocolError);
    }
    docRoomMap(a.doc).set('after-deep', 1);
    await eventually(() => expect(docRoomMap(b.doc).get('after-deep')).toBe(1));
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    expect(b.provider.awareness.getStates().has(5555)).toBe(false);
  });
});
