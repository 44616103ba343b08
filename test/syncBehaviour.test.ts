import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, READ_ONLY_REASON } from '../shared/closeCodes.js';
import {
  api,
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
import {
  awarenessFrame,
  concatBytes,
  decodeServerMessage,
  docRoomList,
  docRoomMap,
  mapUpdate,
  notesText,
  step1Frame,
  storedDoc,
  updateFrame,
  writeNote,
} from './helpers/sync.js';

/** Clients made by a test, destroyed after it. */
function clientPool(getServer: () => TestServer) {
  const clients: SyncClient[] = [];
  return {
    connect(roomId: string, person: Person | string, doc?: Y.Doc): SyncClient {
      const token = typeof person === 'string' ? person : person.token;
      const c = connectClient(getServer().wsUrl, roomId, token, { doc });
      clients.push(c);
      return c;
    },
    destroyAll() {
      for (const c of clients.splice(0)) c.destroy();
    },
  };
}

/**
 * Sets an awareness field on `from` and waits until `to` sees it. The room handles one
 * connection's messages in order, so everything `from` sent before has been dealt with.
 */
async function barrier(from: SyncClient, to: SyncClient): Promise<void> {
  const marker = Math.random();
  from.provider.awareness.setLocalStateField('marker', marker);
  await eventually(() =>
    expect((to.provider.awareness.getStates().get(from.doc.clientID) as { marker?: number } | undefined)?.marker).toBe(
      marker,
    ),
  );
}

async function login(server: TestServer, person: Person): Promise<string> {
  const res = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
  expect(res.status).toBe(200);
  return (res.body as { token: string }).token;
}

describe('access on live connections', () => {
  let server: TestServer;
  let facilitator: Person;
  let member: Person;
  let viewer: Person;
  const pool = clientPool(() => server);

  beforeAll(async () => {
    server = await startTestServer();
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    member = await createPerson(server, { site: 'torbay', role: 'member' });
    viewer = await createPerson(server, { site: 'torbay', role: 'viewer' });
  });
  afterEach(() => pool.destroyAll());
  afterAll(async () => {
    await server.dispose();
  });

  it('a viewer reads live but its edits are neither relayed nor stored', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const m = pool.connect(roomId, member);
    await m.synced;
    writeNote(m.doc, 0, 'member wrote this');

    // The viewer arrives with offline edits (sent in its sync step 2) and then edits live.
    const offline = new Y.Doc();
    docRoomList(offline).push(['viewer offline']);
    const v = pool.connect(roomId, viewer, offline);
    await v.synced;
    docRoomList(v.doc).push(['viewer live']);
    await barrier(v, m);

    expect(notesText(v.doc)).toBe('member wrote this');
    expect(docRoomList(m.doc).length).toBe(0);
    const { doc } = await storedDoc(server.storage, roomId);
    expect(docRoomList(doc).length).toBe(0);
    expect(notesText(doc)).toBe('member wrote this');

    // The member's later edits still reach the viewer.
    docRoomMap(m.doc).set('e1', 'Footfall');
    await eventually(() => expect(docRoomMap(v.doc).get('e1')).toBe('Footfall'));
    expect(v.closeCodes).toEqual([]);
  });

  it('tells a live connection when it becomes read-only (role lowered), without closing it; a viewer’s edit is answered once', async () => {
    const demoted = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, facilitator, 'torbay', 'doc');
    const d = pool.connect(roomId, demoted);
    const v = pool.connect(roomId, viewer);
    await Promise.all([d.synced, v.synced]);
    // Connecting as a viewer sends an empty sync answer: that is no edit, so nothing is said.
    expect(v.permissionDenied).toEqual([]);

    const res = await api(server, `/api/sites/torbay/members/${demoted.id}`, {
      method: 'PUT',
      token: facilitator.token,
      body: { role: 'viewer' },
    });
    expect(res.status).toBe(200);
    await eventually(() => expect(d.permissionDenied).toEqual([READ_ONLY_REASON]));
    expect(d.closeCodes).toEqual([]);

    docRoomMap(v.doc).set('a', 1);
    docRoomMap(v.doc).set('b', 2);
    await eventually(() => expect(v.permissionDenied).toEqual([READ_ONLY_REASON]));
    await barrier(v, d);
    expect(v.permissionDenied).toEqual([READ_ONLY_REASON]);
    expect(v.closeCodes).toEqual([]);
  });

  it('archiving a room makes live connections read-only; restoring it makes them writable again', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const m = pool.connect(roomId, member);
    const f = pool.connect(roomId, facilitator);
    await Promise.all([m.synced, f.synced]);
    docRoomMap(m.doc).set('before', 1);
    await eventually(() => expect(docRoomMap(f.doc).get('before')).toBe(1));

    const archive = await api(server, `/api/rooms/${roomId}`, {
      method: 'PATCH',
      token: facilitator.token,
      body: { archived: true },
    });
    expect(archive.status).toBe(200);
    docRoomMap(m.doc).set('while-archived', 1);
    docRoomMap(f.doc).set('facilitator-while-archived', 1);
    await barrier(m, f);
    await barrier(f, m);
    expect(docRoomMap(f.doc).has('while-archived')).toBe(false);
    expect(docRoomMap(m.doc).has('facilitator-while-archived')).toBe(false);
    let stored = docRoomMap((await storedDoc(server.storage, roomId)).doc).toJSON();
    expect(stored).toEqual({ before: 1 });
    // Read-only, not disconnected.
    expect(m.closeCodes).toEqual([]);

    const restore = await api(server, `/api/rooms/${roomId}`, {
      method: 'PATCH',
      token: facilitator.token,
      body: { archived: false },
    });
    expect(restore.status).toBe(200);
    docRoomMap(m.doc).set('after-restore', 1);
    // Yjs cannot apply the member's new edit without the ones the server dropped while the room
    // was archived (they still live in the client's doc), so on restore the server asks the
    // client for what it lacks, as a reconnect would, instead of silently ignoring it.
    await eventually(() => expect(docRoomMap(f.doc).get('after-restore')).toBe(1));
    await eventually(async () => {
      stored = docRoomMap((await storedDoc(server.storage, roomId)).doc).toJSON();
      expect(stored).toEqual({ before: 1, 'while-archived': 1, 'facilitator-while-archived': 1, 'after-restore': 1 });
    });
    expect(docRoomMap(m.doc).toJSON()).toEqual(docRoomMap(f.doc).toJSON());
  });

  it('removing a member closes their live socket with 4409 and no one else’s', async () => {
    const leaving = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const gone = pool.connect(roomId, leaving);
    const stays = pool.connect(roomId, member);
    await Promise.all([gone.synced, stays.synced]);

    const res = await api(server, `/api/sites/torbay/members/${leaving.id}`, {
      method: 'DELETE',
      token: facilitator.token,
    });
    expect(res.status).toBe(204);
    await eventually(() => expect(gone.closeCodes[0]).toBe(CloseCode.PermissionChanged));
    // 44xx is terminal for the y-websocket client: it does not retry.
    expect(gone.provider.shouldConnect).toBe(false);

    expect(stays.closeCodes).toEqual([]);
    docRoomMap(stays.doc).set('still', 'here');
    const other = pool.connect(roomId, facilitator);
    await eventually(() => expect(docRoomMap(other.doc).get('still')).toBe('here'));
  });

  it('signing out closes the sockets of that session (4401), not those of other sessions', async () => {
    const person = await createPerson(server, { site: 'torbay', role: 'member' });
    const otherSession = await login(server, person);
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const signedOut = pool.connect(roomId, person);
    const stillIn = pool.connect(roomId, otherSession);
    await Promise.all([signedOut.synced, stillIn.synced]);

    const res = await api(server, '/api/auth/logout', { method: 'POST', token: person.token });
    expect(res.status).toBe(204);
    await eventually(() => expect(signedOut.closeCodes[0]).toBe(CloseCode.Unauthorized));

    expect(stillIn.closeCodes).toEqual([]);
    docRoomMap(stillIn.doc).set('after-logout', 1);
    const watcher = pool.connect(roomId, member);
    await eventually(() => expect(docRoomMap(watcher.doc).get('after-logout')).toBe(1));
    // The signed-out token cannot connect again.
    const retry = pool.connect(roomId, person);
    await eventually(() => expect(retry.closeCodes[0]).toBe(CloseCode.Unauthorized));
  });
});

describe.concurrent('keepalive', () => {
  let server: TestServer;
  let member: Person;
  let roomId: string;

  beforeAll(async () => {
    server = await startTestServer({ KEEPALIVE_MS: '1000' });
    member = await createPerson(server, { site: 'torbay', role: 'member' });
    roomId = await createRoom(server, member, 'torbay');
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('sends a silent client a message at least every couple of keepalive periods', async () => {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${member.token}`);
    const arrivals: number[] = [];
    raw.ws.on('message', () => arrivals.push(Date.now()));
    const started = Date.now();
    // We send nothing at all. The first message is the server's sync step 1; after that, only
    // keepalives (empty awareness updates) keep the y-websocket client's 30 s watchdog happy.
    await eventually(() => {
      const keepalives = raw.messages
        .map(decodeServerMessage)
        .filter((m) => m.kind === 'awareness' && m.entries.length === 0);
      expect(keepalives.length).toBeGreaterThanOrEqual(2);
    }, 8000);
    const elapsed = Date.now() - started;
    // Two keepalives at most two periods apart each (plus slack for a busy machine).
    expect(elapsed).toBeLessThan(6000);
    expect(decodeServerMessage(raw.messages[0]!).kind).toBe('sync-step1');
    raw.ws.close();
    await raw.closed;
  });

  it('drops a connection that stops answering pings', async () => {
    const ws = new WebSocket(`${server.wsUrl}/${roomId}?token=${member.token}`, { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // Terminated, not closed: the server does not wait for a peer that stopped answering.
    expect(await closed).toBe(1006);
  });
});

describe('room lifecycle', () => {
  let server: TestServer;
  let member: Person;
  const pool = clientPool(() => server);

  beforeAll(async () => {
    server = await startTestServer({ ROOM_IDLE_MS: '0' });
    member = await createPerson(server, { site: 'torbay', role: 'member' });
  });
  afterEach(() => pool.destroyAll());
  afterAll(async () => {
    await server.dispose();
  });

  const health = async () => (await api(server, '/api/health')).body as { rooms: number; connections: number };

  it('unloads a room once its last client leaves, compacting its log', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const a = pool.connect(roomId, member);
    await a.synced;
    for (let i = 0; i < 5; i++) docRoomList(a.doc).push([i]);
    await eventually(async () => {
      const { doc, stored } = await storedDoc(server.storage, roomId);
      expect(docRoomList(doc).toArray()).toEqual([0, 1, 2, 3, 4]);
      expect(stored.updates.length).toBeGreaterThan(0);
    });
    expect(await health()).toMatchObject({ rooms: 1, connections: 1 });

    pool.destroyAll();
    await eventually(async () => expect(await health()).toMatchObject({ rooms: 0, connections: 0 }));
    await eventually(async () => {
      const { doc, stored } = await storedDoc(server.storage, roomId);
      expect(stored.snapshot).not.toBeNull();
      expect(stored.updates).toHaveLength(0);
      expect(docRoomList(doc).toArray()).toEqual([0, 1, 2, 3, 4]);
    });

    // It loads again from the snapshot for the next visitor.
    const again = pool.connect(roomId, member);
    await again.synced;
    expect(docRoomList(again.doc).toArray()).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps messages sent before the room has loaded, and answers them with the stored state', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const first = pool.connect(roomId, member);
    await first.synced;
    writeNote(first.doc, 0, 'stored before');
    await eventually(async () => expect(notesText((await storedDoc(server.storage, roomId)).doc)).toBe('stored before'));
    pool.destroyAll();
    await eventually(async () => expect((await health()).rooms).toBe(0));

    // A slow store (as a networked database would be): the room is still loading when the
    // client's first frames arrive.
    const storage = server.storage;
    const loadDoc = storage.loadDoc.bind(storage);
    let loads = 0;
    storage.loadDoc = async (name) => {
      loads++;
      await new Promise((r) => setTimeout(r, 300));
      return loadDoc(name);
    };
    try {
      const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${member.token}`);
      raw.ws.send(step1Frame());
      raw.ws.send(updateFrame(mapUpdate('early', 'one')));
      raw.ws.send(concatBytes(updateFrame(mapUpdate('early-2', 'two')), awarenessFrame([{ clientID: 9, clock: 1, state: {} }])));
      await eventually(async () => {
        const kinds = raw.messages.map(decodeServerMessage);
        // The server's own step 1 (its first message) also describes the stored doc: were it
        // empty, a client would upload everything it has (y-websocket server #81).
        expect(kinds[0]?.kind).toBe('sync-step1');
        expect(Y.decodeStateVector((kinds[0] as { payload: Uint8Array }).payload).get(first.doc.clientID)).toBeGreaterThan(0);
        const step2 = kinds.find((m) => m.kind === 'sync-step2');
        expect(step2).toBeDefined();
        // Step 2 describes the stored doc, not the empty doc of a room still loading.
        const doc = new Y.Doc();
        Y.applyUpdate(doc, (step2 as { payload: Uint8Array }).payload);
        expect(notesText(doc)).toBe('stored before');
        // (Read with the original loadDoc, so `loads` counts only the room's loads.)
        const { doc: stored } = await storedDoc({ loadDoc }, roomId);
        expect(docRoomMap(stored).toJSON()).toEqual({ early: 'one', 'early-2': 'two' });
        expect(notesText(stored)).toBe('stored before');
      });
      expect(loads).toBe(1);
      raw.ws.close();
      await raw.closed;
    } finally {
      storage.loadDoc = loadDoc;
    }
  });

  it('stores edits a client sent just before leaving, and the reloaded room serves them', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    // A slow store: the room is still working through the writes when the socket closes and
    // the (idle time 0) room unloads.
    const storage = server.storage;
    const appendUpdate = storage.appendUpdate.bind(storage);
    storage.appendUpdate = async (name, update) => {
      await new Promise((r) => setTimeout(r, 15));
      await appendUpdate(name, update);
    };
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    try {
      const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${member.token}`);
      for (const key of keys) raw.ws.send(updateFrame(mapUpdate(key, 1)));
      raw.ws.close();
      await raw.closed;
      // Straight back in, while the old room is still storing and unloading.
      const next = pool.connect(roomId, member);
      await next.synced;
      await eventually(() => expect(Object.keys(docRoomMap(next.doc).toJSON()).sort()).toEqual(keys));
    } finally {
      storage.appendUpdate = appendUpdate;
    }
    const { doc } = await storedDoc(server.storage, roomId);
    expect(Object.keys(docRoomMap(doc).toJSON()).sort()).toEqual(keys);
  });

  it('stores every update before relaying it', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc');
    const a = pool.connect(roomId, member);
    const b = pool.connect(roomId, member);
    await Promise.all([a.synced, b.synced]);

    const events: string[] = [];
    const storage = server.storage;
    const appendUpdate = storage.appendUpdate.bind(storage);
    storage.appendUpdate = async (name, update) => {
      // Slow, so a relay that did not wait for the append would overtake it.
      await new Promise((r) => setTimeout(r, 5));
      await appendUpdate(name, update);
      const decoded = Y.decodeUpdate(update);
      for (const struct of decoded.structs) {
        const content = (struct as { content?: { getContent?: () => unknown[] } }).content?.getContent?.() ?? [];
        for (const value of content) events.push(`stored:${String(value)}`);
      }
    };
    docRoomList<string>(b.doc).observe((event) => {
      for (const delta of event.changes.delta) for (const value of delta.insert ?? []) events.push(`seen:${String(value)}`);
    });
    try {
      const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
      for (const value of values) docRoomList<string>(a.doc).push([value]);
      await eventually(() => expect(docRoomList(b.doc).toArray()).toEqual(values));
      for (const value of values) {
        const stored = events.indexOf(`stored:${value}`);
        const seen = events.indexOf(`seen:${value}`);
        expect(stored, `${value} stored`).toBeGreaterThanOrEqual(0);
        expect(stored, `${value} stored before seen`).toBeLessThan(seen);
      }
    } finally {
      storage.appendUpdate = appendUpdate;
    }
  });
});
