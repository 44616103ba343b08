/**
 * "Saved" acknowledgements (shared/sync/saved.ts) against a real server whose storage the test
 * can stall: a sender is told its edit is saved only after the store resolved the append, never
 * for an edit that was dropped, and unmodified y-websocket clients sync as before.
 */
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addParkingLotItem, readParkingLot } from '../shared/doc/parkingLot.js';
import { decodeSaved } from '../shared/sync/saved.js';
import { openStorage } from '../server/main.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  tempDir,
  type Person,
  type TestServer,
} from './helpers/server.js';
import { stallableStorage, type StallableStorage } from './helpers/stallStorage.js';
import { decodeServerMessage, step1Frame, syncFrame, SYNC_STEP2, updateFrame } from './helpers/sync.js';

type Raw = Awaited<ReturnType<typeof rawSocket>>;

/** The `seq` of every saved acknowledgement a socket received, in order. */
function savedSeqs(socket: Raw): number[] {
  return socket.messages.map(decodeSaved).filter((seq): seq is number => seq !== null);
}

function count(socket: Raw, kind: 'sync-step1' | 'sync-step2'): number {
  return socket.messages.filter((m) => decodeServerMessage(m).kind === kind).length;
}

/**
 * Waits for the server's answer to a sync step 1: the room handles one connection's messages
 * in order, so everything sent before it has been dealt with (and any acknowledgement sent).
 */
async function roomBarrier(socket: Raw): Promise<void> {
  const before = count(socket, 'sync-step2');
  socket.ws.send(step1Frame());
  await eventually(() => expect(count(socket, 'sync-step2')).toBe(before + 1));
}

/** A ping's pong: the server wrote everything it had sent on this socket before it. */
function socketBarrier(socket: Raw): Promise<void> {
  return new Promise((resolve) => {
    socket.ws.once('pong', () => resolve());
    socket.ws.ping();
  });
}

/** A client's doc and the updates its edits make, as a raw socket would send them. */
function notesClient(person: Person & { name: string; organisation: string }) {
  const doc = new Y.Doc();
  let n = 0;
  return {
    doc,
    /** Adds a note and returns the update it made. */
    note(text: string): Uint8Array {
      const before = Y.encodeStateVector(doc);
      addParkingLotItem(doc, text, { id: person.id, name: person.name, organisation: person.organisation }, `note-${++n}`);
      return Y.encodeStateAsUpdate(doc, before);
    },
  };
}

async function person(server: TestServer, role: 'member' | 'viewer', name: string) {
  const organisation = 'Torbay Council';
  return { ...(await createPerson(server, { site: 'torbay', role, name, organisation })), name, organisation };
}

describe('saved acknowledgements', () => {
  let server: TestServer;
  let stallable: StallableStorage;
  let member: Awaited<ReturnType<typeof person>>;
  let viewer: Awaited<ReturnType<typeof person>>;
  const sockets: Raw[] = [];

  async function join(roomId: string, who: Person): Promise<Raw> {
    const socket = await rawSocket(`${server.wsUrl}/${roomId}?token=${who.token}`);
    sockets.push(socket);
    // The room has loaded once its sync step 1 arrives.
    await eventually(() => expect(count(socket, 'sync-step1')).toBeGreaterThan(0));
    return socket;
  }

  beforeAll(async () => {
    const dataDir = tempDir();
    stallable = stallableStorage(await openStorage({ dataDir, seedSites: false }));
    server = await startTestServer({}, dataDir, { storage: stallable.storage });
    member = await person(server, 'member', 'Mo Member');
    viewer = await person(server, 'viewer', 'Vi Viewer');
  });
  afterEach(() => {
    stallable.resume();
    for (const socket of sockets.splice(0)) socket.ws.terminate();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('acknowledges an update to its sender only once storage resolved its append', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'map', 'Stalled');
    const socket = await join(roomId, member);
    const client = notesClient(member);
    stallable.stall();
    const appendsBefore = stallable.appends.length;
    socket.ws.send(updateFrame(client.note('Held up in storage')));
    await eventually(() => expect(stallable.appends.length).toBe(appendsBefore + 1));
    // The append is waiting; the server has written out everything it sent before our ping.
    await socketBarrier(socket);
    expect(savedSeqs(socket)).toEqual([]);

    const storedBefore = stallable.stored.length;
    stallable.resume();
    await eventually(() => expect(savedSeqs(socket)).toEqual([1]));
    // The acknowledgement came after the store resolved the append, not merely after it began.
    expect(stallable.stored.length).toBe(storedBefore + 1);
  });

  it('acknowledges an update that held nothing new, numbering every edit message the connection sent', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'map', 'Known');
    const socket = await join(roomId, member);
    const client = notesClient(member);
    const update = client.note('Said twice');
    socket.ws.send(updateFrame(update));
    await eventually(() => expect(savedSeqs(socket)).toEqual([1]));
    const appends = stallable.appends.length;
    socket.ws.send(updateFrame(update));
    // A sync step 2 that brings nothing is an edit message too, and saved.
    socket.ws.send(syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(client.doc)));
    await eventually(() => expect(savedSeqs(socket)).toEqual([1, 2, 3]));
    expect(stallable.appends.length).toBe(appends);
  });

  it('does not acknowledge an update that was stored only in part, and saves it with the sync step 2 that completes it', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'map', 'Gaps');
    const socket = await join(roomId, member);
    const client = notesClient(member);
    client.note('Sent while the connection was down'); // never sent: the server lacks it
    const second = client.note('Depends on the first');
    const step1s = count(socket, 'sync-step1');
    socket.ws.send(updateFrame(second));
    // The server keeps nothing that waits for what it lacks and asks for everything again.
    await eventually(() => expect(count(socket, 'sync-step1')).toBe(step1s + 1));
    await roomBarrier(socket);
    expect(savedSeqs(socket)).toEqual([]);

    socket.ws.send(syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(client.doc)));
    // Message 1 was the incomplete update; the step 2 is message 2.
    await eventually(() => expect(savedSeqs(socket)).toEqual([2]));
  });

  it('never acknowledges an edit the server dropped', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'map', 'Read only');
    const socket = await join(roomId, viewer);
    const appends = stallable.appends.length;
    socket.ws.send(updateFrame(notesClient(viewer).note('A viewer tries')));
    await roomBarrier(socket);
    expect(savedSeqs(socket)).toEqual([]);
    expect(stallable.appends.length).toBe(appends);
  });

  it('lets an unmodified y-websocket client sync as before, the acknowledgements flowing past it silently', async () => {
    const roomId = await createRoom(server, member, 'torbay', 'doc', 'Plain y-websocket');
    const errors = vi.spyOn(console, 'error');
    const received: Uint8Array[] = [];
    // The provider's own socket, recording what arrives; y-websocket's handlers are untouched.
    class RecordingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        this.on('message', (data: ArrayBuffer | Buffer) => received.push(new Uint8Array(data)));
      }
    }
    const doc = new Y.Doc();
    const plain = new WebsocketProvider(server.wsUrl, roomId, doc, {
      params: { token: member.token },
      WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    const other = connectClient(server.wsUrl, roomId, viewer.token);
    try {
      await eventually(() => expect(plain.synced).toBe(true));
      const author = { id: member.id, name: member.name, organisation: member.organisation };
      for (let i = 1; i <= 5; i++) addParkingLotItem(doc, `Note ${i}`, author, `plain-${i}`);
      await eventually(() => expect(readParkingLot(other.doc).map((item) => item.text)).toEqual(['Note 1', 'Note 2', 'Note 3', 'Note 4', 'Note 5']));
      await eventually(() => expect(received.map(decodeSaved).filter((seq) => seq !== null).length).toBeGreaterThanOrEqual(5));
      // Still on its first socket: nothing it received made it close or resync.
      expect(plain.wsconnected).toBe(true);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
      plain.destroy();
      other.destroy();
    }
  });
});
