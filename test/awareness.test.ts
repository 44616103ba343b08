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
import { sendOwnAwarenessOnly } from '../client/room/ownAwareness.js';
import { createLogger } from '../server/logger.js';
import { AWARENESS_TICK_MS } from '../server/sync/room.js';
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

/** The awareness messages (with entries: keepalives have none) among `messages` from index `from`. */
function presenceMessages(messages: readonly Uint8Array[], from = 0): { clientID: number; clock: number; state: unknown }[][] {
  return messages
    .slice(from)
    .map(decodeServerMessage)
    .flatMap((m) => (m.kind === 'awareness' && m.entries.length > 0 ? [m.entries] : []));
}

/** The last entry for `clientID` in `messages` (presence messages, oldest first). */
function lastEntry(messages: { clientID: number; state: unknown }[][], clientID: number): { state: unknown } | undefined {
  return messages.flat().filter((e) => e.clientID === clientID).at(-1);
}

describe('awareness in a busy room (issue 16: a 40-person workshop)', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  const cleanups: (() => void)[] = [];
  const presenceOf = (observer: SyncClient, clientID: number) => observer.provider.awareness.getStates().get(clientID) as Presence;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await createPerson(server, { site: 'torbay', role: 'member' });
    bob = await createPerson(server, { site: 'torbay', role: 'member' });
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const raw = async (roomId: string, person: Person) => {
    const socket = await rawSocket(`${server.wsUrl}/${roomId}?token=${person.token}`);
    cleanups.push(() => socket.ws.terminate());
    // Joined once the server's sync step 1 is here: presence sent after it is handled after the join.
    await eventually(() => expect(socket.messages.length).toBeGreaterThan(0));
    return socket;
  };

  it('sends each connection one message a tick, with the latest state of every id that changed', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const peers = 6;
    const steps = 30;
    const sockets = await Promise.all(Array.from({ length: peers }, (_, n) => raw(roomId, n % 2 ? bob : alice)));
    const from = sockets.map((s) => s.messages.length);
    const started = Date.now();
    // Everyone moves their cursor 30 times as fast as they can: 180 changes, a few ticks' worth.
    for (let step = 1; step <= steps; step++) {
      for (const [n, s] of sockets.entries()) s.ws.send(awarenessFrame([{ clientID: 7000 + n, clock: step, state: { step } }]));
    }
    await eventually(() => {
      for (const [i, s] of sockets.entries()) {
        const received = presenceMessages(s.messages, from[i]);
        for (let n = 0; n < peers; n++) expect(lastEntry(received, 7000 + n)?.state).toEqual(expect.objectContaining({ step: steps }));
      }
    });
    const elapsed = Date.now() - started;
    // Ticks are at least AWARENESS_TICK_MS apart (a timer may fire a millisecond early).
    const ticks = Math.floor(elapsed / (AWARENESS_TICK_MS - 2)) + 1;
    for (const [i, s] of sockets.entries()) {
      const received = presenceMessages(s.messages, from[i]);
      expect(received.length, `messages in ${elapsed} ms`).toBeLessThanOrEqual(ticks);
      // Relayed one by one this would be every change of everyone: 180 messages.
      expect(received.length).toBeLessThan(peers * steps);
      for (const entries of received) {
        const ids = entries.map((e) => e.clientID);
        expect(new Set(ids).size).toBe(ids.length);
      }
    }
  });

  it('still tells everyone when someone leaves, after the states they sent before, and they stay gone', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const observer = connectClient(server.wsUrl, roomId, alice.token);
    cleanups.push(() => observer.destroy());
    await observer.synced;
    const watcher = await raw(roomId, bob);
    const [quitter, dropper, leaver, marker, later] = await Promise.all([
      raw(roomId, alice),
      raw(roomId, bob),
      raw(roomId, alice),
      raw(roomId, bob),
      raw(roomId, alice),
    ]);
    const from = watcher.messages.length;
    const states = (clientID: number) => Array.from({ length: 10 }, (_, i) => ({ clientID, clock: i + 1, state: { clock: i + 1 } }));
    // Two present a while: one will close its socket (the server ends its presence), the other
    // end its presence itself, each in a tick of its own.
    leaver.ws.send(awarenessFrame([{ clientID: 8003, clock: 1, state: { clock: 1 } }]));
    later.ws.send(awarenessFrame([{ clientID: 8004, clock: 1, state: { clock: 1 } }]));
    await eventually(() => expect(presenceOf(observer, 8003) && presenceOf(observer, 8004)).toBeDefined());
    leaver.ws.close();
    later.ws.send(awarenessFrame([{ clientID: 8004, clock: 2, state: null }]));
    // Within one tick: states, then the end of a presence (null), sent by its owner; states,
    // then the socket cut.
    for (const entry of states(8001)) quitter.ws.send(awarenessFrame([entry]));
    quitter.ws.send(awarenessFrame([{ clientID: 8001, clock: 11, state: null }]));
    for (const entry of states(8002)) dropper.ws.send(awarenessFrame([entry]));
    dropper.ws.terminate();
    const gone = [8001, 8002, 8003, 8004];
    await eventually(() => {
      const received = presenceMessages(watcher.messages, from);
      expect(lastEntry(received, 8001)?.state).toBeNull();
      expect(lastEntry(received, 8003)?.state).toBeNull();
      expect(lastEntry(received, 8004)?.state).toBeNull();
      // The cut socket's states may have been handled before the server saw it go, or not at all.
      expect(lastEntry(received, 8002)?.state ?? null).toBeNull();
      for (const id of gone) expect(observer.provider.awareness.getStates().has(id)).toBe(false);
    });

    // Later ticks (the observer, a stock client, echoes what it is sent) bring none of them back.
    for (const clock of [1, 2]) {
      marker.ws.send(awarenessFrame([{ clientID: 8009, clock, state: { marker: clock } }]));
      await eventually(() => expect((presenceOf(observer, 8009) as { marker?: number } | undefined)?.marker).toBe(clock));
    }
    await eventually(() => expect(lastEntry(presenceMessages(watcher.messages, from), 8009)?.state).toEqual(expect.objectContaining({ marker: 2 })));
    const received = presenceMessages(watcher.messages, from);
    for (const id of gone) {
      const entries = received.flat().filter((e) => e.clientID === id);
      const removedAt = entries.findIndex((e) => e.state === null);
      expect(entries.slice(removedAt).every((e) => e.state === null), `presence ${id} after its removal`).toBe(true);
      expect(observer.provider.awareness.getStates().has(id)).toBe(false);
    }
  });

  it('our web client sends only its own presence; others still see it arrive, move and leave', async () => {
    const roomId = await createRoom(server, alice, 'torbay');
    const ours = connectClient(server.wsUrl, roomId, alice.token);
    sendOwnAwarenessOnly(ours.provider);
    const stock = connectClient(server.wsUrl, roomId, bob.token);
    const other = connectClient(server.wsUrl, roomId, bob.token);
    cleanups.push(() => [ours, stock, other].forEach((c) => c.destroy()));
    await Promise.all([ours.synced, stock.synced, other.synced]);
    /** The client ids each awareness frame a client sends names. */
    const sentIds = (c: SyncClient): number[][] => {
      const frames: number[][] = [];
      const ws = c.provider.ws!;
      const send = ws.send.bind(ws);
      ws.send = (data) => {
        const m = decodeServerMessage(new Uint8Array(data as ArrayBuffer));
        if (m.kind === 'awareness') frames.push(m.entries.map((e) => e.clientID));
        send(data);
      };
      return frames;
    };
    const fromOurs = sentIds(ours);
    const fromStock = sentIds(stock);
    for (let i = 1; i <= 10; i++) {
      for (const c of [ours, stock, other]) c.provider.awareness.setLocalStateField('cursor', { i });
    }
    await eventually(() => {
      for (const observer of [ours, stock, other]) {
        for (const c of [ours, stock, other]) {
          expect(observer.provider.awareness.getStates().get(c.doc.clientID)).toMatchObject({ cursor: { i: 10 } });
        }
      }
    });
    expect(fromOurs.length).toBeGreaterThan(0);
    expect(fromOurs.flat().every((id) => id === ours.doc.clientID)).toBe(true);
    // The stock provider sends back what the server relayed about the others.
    expect(fromStock.flat().some((id) => id !== stock.doc.clientID)).toBe(true);

    // Leaving as RoomConnection.destroy does: its own state set to null, then the provider goes.
    ours.provider.awareness.setLocalState(null);
    expect(fromOurs.at(-1)).toEqual([ours.doc.clientID]);
    ours.destroy();
    await eventually(() => {
      expect(stock.provider.awareness.getStates().has(ours.doc.clientID)).toBe(false);
      expect(other.provider.awareness.getStates().has(ours.doc.clientID)).toBe(false);
    });
  });
});
