import type WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
import { createLogger } from '../server/logger.js';
import { awarenessFrame, decodeServerMessage, docRoomMap, mapUpdate, step1Frame, updateFrame } from './helpers/sync.js';

/**
 * The server stamps `user` from the account, so these tests mark states with a field of their
 * own (`note`) and read it back.
 */
type Presence = { note?: { name: string }; user?: { id: string; name: string; organisation: string } } | undefined;

describe('awareness (presence)', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let mallory: Person;
  const clients: SyncClient[] = [];
  const client = (roomId: string, person: Person) => {
    const c = connectClient(server.wsUrl, roomId, person.token);
    clients.push(c);
    return c;
  };
  const presenceOf = (observer: SyncClient, clientID: number) =>
    observer.provider.awareness.getStates().get(clientID) as Presence;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await createPerson(server, { site: 'torbay', role: 'member' });
    bob = await createPerson(server, { site: 'torbay', role: 'viewer' });
    mallory = await createPerson(server, { site: 'torbay', role: 'member' });
  });
  const connections = async () =>
    ((await (await fetch(`${server.url}/api/health`)).json()) as { connections: number }).connections;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    // Each test starts with nobody connected, so it can count connections.
    await eventually(async () => expect(await connections()).toBe(0));
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('is relayed both ways, reaches late joiners, and the server itself is not present', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const a = client(roomId, alice);
    const b = client(roomId, bob);
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('note', { name: 'Asha' });
    // Viewers are present too, though they cannot edit.
    b.provider.awareness.setLocalStateField('note', { name: 'Bo' });
    await eventually(() => {
      expect(presenceOf(b, a.doc.clientID)?.note?.name).toBe('Asha');
      expect(presenceOf(a, b.doc.clientID)?.note?.name).toBe('Bo');
    });

    const late = client(roomId, bob);
    await late.synced;
    await eventually(() => {
      expect(presenceOf(late, a.doc.clientID)?.note?.name).toBe('Asha');
      expect(presenceOf(late, b.doc.clientID)?.note?.name).toBe('Bo');
    });
    expect([...late.provider.awareness.getStates().keys()].sort()).toEqual(
      [a.doc.clientID, b.doc.clientID, late.doc.clientID].sort(),
    );

    a.provider.awareness.setLocalStateField('note', { name: 'Asha (away)' });
    await eventually(() => expect(presenceOf(late, a.doc.clientID)?.note?.name).toBe('Asha (away)'));
  });

  it('leaves no ghost when a socket drops without saying goodbye', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const a = client(roomId, alice);
    const b = client(roomId, alice);
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('note', { name: 'Asha' });
    await eventually(() => expect(presenceOf(b, a.doc.clientID)?.note?.name).toBe('Asha'));

    // Cut A's TCP connection: no awareness "null" is sent, only the server can tell B. (The
    // client-side 30 s awareness timeout is far longer than this test waits.)
    a.provider.shouldConnect = false;
    (a.provider.ws as unknown as WebSocket).terminate();
    await eventually(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false));
    expect(b.closeCodes).toEqual([]);

    // A raw connection's presence goes the same way.
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    raw.ws.send(awarenessFrame([{ clientID: 4242, clock: 1, state: { note: { name: 'Raw' } } }]));
    await eventually(() => expect(presenceOf(b, 4242)?.note?.name).toBe('Raw'));
    raw.ws.terminate();
    await eventually(() => expect(b.provider.awareness.getStates().has(4242)).toBe(false));

    // And a newcomer is not told about either of them.
    const late = client(roomId, alice);
    await late.synced;
    const query = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    query.ws.send(step1Frame());
    query.ws.send(new Uint8Array([3])); // query awareness
    await eventually(() => {
      const states = query.messages.map(decodeServerMessage).filter((m) => m.kind === 'awareness');
      expect(states.length).toBeGreaterThan(0);
      const ids = states.flatMap((m) => (m.kind === 'awareness' ? m.entries.filter((e) => e.state !== null).map((e) => e.clientID) : []));
      expect(ids).not.toContain(a.doc.clientID);
      expect(ids).not.toContain(4242);
    });
    expect(late.provider.awareness.getStates().has(a.doc.clientID)).toBe(false);
    query.ws.close();
  });

  it('leaves no ghost from presence that was still queued when its socket went', async () => {
    const roomId = await createRoom(server, alice, 'torbay', 'doc');
    const a = client(roomId, alice);
    const b = client(roomId, alice);
    await Promise.all([a.synced, b.synced]);

    // A slow store (as a networked database would be) holds the room's queue on a write, so
    // the raw socket's presence is still queued when the socket goes.
    const storage = server.storage;
    const appendUpdate = storage.appendUpdate.bind(storage);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    storage.appendUpdate = async (name, update) => {
      await gate;
      await appendUpdate(name, update);
    };
    try {
      const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
      raw.ws.send(updateFrame(mapUpdate('slow', 1)));
      raw.ws.send(awarenessFrame([{ clientID: 5151, clock: 1, state: { note: { name: 'Gone' } } }]));
      raw.ws.terminate();
      await raw.closed;
      // The server has seen the socket go (only A and B are left) before the write completes.
      await eventually(async () => expect(await connections()).toBe(2));
    } finally {
      release();
      storage.appendUpdate = appendUpdate;
    }
    // The edit it sent is kept; its presence is not.
    await eventually(() => expect(docRoomMap(b.doc).get('slow')).toBe(1));
    a.provider.awareness.setLocalStateField('marker', 1);
    await eventually(() => expect((presenceOf(b, a.doc.clientID) as { marker?: number } | undefined)?.marker).toBe(1));
    expect(b.provider.awareness.getStates().has(5151)).toBe(false);

    // The same client id reconnecting (as y-websocket does, keeping its doc's id) is not
    // locked out by a stale owner.
    const back = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    back.ws.send(awarenessFrame([{ clientID: 5151, clock: 2, state: { note: { name: 'Back' } } }]));
    await eventually(() => expect(presenceOf(b, 5151)?.note?.name).toBe('Back'));
    back.ws.close();
    await eventually(() => expect(b.provider.awareness.getStates().has(5151)).toBe(false));
  });

  it("does not let a connection overwrite or remove another person's client id", async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const a = client(roomId, alice);
    const b = client(roomId, bob);
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('note', { name: 'Asha' });
    await eventually(() => expect(presenceOf(b, a.doc.clientID)?.note?.name).toBe('Asha'));

    // Another member of the same site, on a raw socket, tries to speak for Asha's client id.
    const forger = await rawSocket(`${server.wsUrl}/${roomId}?token=${mallory.token}`);
    const victim = a.doc.clientID;
    const clock = 1_000_000;
    forger.ws.send(awarenessFrame([{ clientID: victim, clock, state: { note: { name: 'Mallory' } } }]));
    forger.ws.send(awarenessFrame([{ clientID: victim, clock: clock + 1, state: null }]));
    // Mixed with an id of its own, the forged entry alone is dropped.
    forger.ws.send(
      awarenessFrame([
        { clientID: 777, clock: 1, state: { note: { name: 'Mallory' } } },
        { clientID: victim, clock: clock + 2, state: { note: { name: 'Mallory' } } },
      ]),
    );
    // Its own id is fine; the room handles one connection's messages in order, so once B sees
    // this, the forgeries above have been dealt with.
    forger.ws.send(awarenessFrame([{ clientID: 778, clock: 1, state: { note: { name: 'Marker' } } }]));
    await eventually(() => expect(presenceOf(b, 778)?.note?.name).toBe('Marker'));

    expect(presenceOf(b, victim)?.note?.name).toBe('Asha');
    expect(a.provider.awareness.getLocalState()).toEqual({ note: { name: 'Asha' } });
    expect(presenceOf(b, 777)?.note?.name).toBe('Mallory');
    // What the server would tell a newcomer agrees.
    const late = client(roomId, bob);
    await late.synced;
    await eventually(() => expect(presenceOf(late, victim)?.note?.name).toBe('Asha'));
    // Mallory's own id appears and the legitimate owner can still update its state.
    a.provider.awareness.setLocalStateField('note', { name: 'Asha 2' });
    await eventually(() => expect(presenceOf(b, victim)?.note?.name).toBe('Asha 2'));
    forger.ws.close();
  });

  it("lets a person's new connection take over their own client id (a reconnect after a blip)", async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const b = client(roomId, bob);
    await b.synced;
    // The old socket stays open as far as the server knows (a half-dead TCP connection).
    const old = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    old.ws.send(awarenessFrame([{ clientID: 9000, clock: 1, state: { note: { name: 'Asha' } } }]));
    await eventually(() => expect(presenceOf(b, 9000)?.note?.name).toBe('Asha'));

    // The same person reconnects with the same client id and a newer clock.
    const again = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    again.ws.send(awarenessFrame([{ clientID: 9000, clock: 2, state: { note: { name: 'Asha (back)' } } }]));
    await eventually(() => expect(presenceOf(b, 9000)?.note?.name).toBe('Asha (back)'));

    // The id now belongs to the new socket: closing it removes the presence, with no ghost,
    // though the old socket is still open.
    again.ws.close();
    await eventually(() => expect(b.provider.awareness.getStates().has(9000)).toBe(false));
    old.ws.close();
  });

  it('takes the echoes y-websocket clients send back as harmless: no warnings in a busy room', async () => {
    const lines: string[] = [];
    const quiet = await startTestServer({}, undefined, {
      log: createLogger('warn', (_level, line) => lines.push(line)),
    });
    try {
      const p1 = await createPerson(quiet, { site: 'torbay', role: 'member' });
      const p2 = await createPerson(quiet, { site: 'torbay', role: 'member' });
      const p3 = await createPerson(quiet, { site: 'torbay', role: 'viewer' });
      const roomId = await createRoom(quiet, p1, 'torbay');
      const peers = [p1, p2, p3].map((p) => connectClient(quiet.wsUrl, roomId, p.token));
      await Promise.all(peers.map((p) => p.synced));
      for (let i = 0; i < 5; i++) {
        peers.forEach((p, n) => p.provider.awareness.setLocalStateField('cursor', { n, i }));
      }
      await eventually(() => {
        for (const observer of peers) {
          for (const [n, p] of peers.entries()) {
            expect(observer.provider.awareness.getStates().get(p.doc.clientID)).toMatchObject({ cursor: { n, i: 4 } });
          }
        }
      });
      for (const p of peers) p.destroy();
      expect(lines).toEqual([]);
    } finally {
      await quiet.dispose();
    }
  });
});
