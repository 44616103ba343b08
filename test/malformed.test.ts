import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/closeCodes.js';
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
import {
  concatBytes,
  decodeServerMessage,
  docRoomList,
  docRoomMap,
  mapUpdate,
  notesText,
  step1Frame,
  storedFingerprint,
  updateFrame,
  writeNote,
} from './helpers/sync.js';

const MAX_MESSAGE_BYTES = 4096;

interface Case {
  name: string;
  code: number;
  /** Map keys the frame would have written, had the server accepted any of it. */
  keys: string[];
  send(ws: WebSocket): void;
}

const cases: Case[] = [
  {
    name: 'a sync update frame cut short (after a valid message in the same frame)',
    code: CloseCode.ProtocolError,
    keys: ['valid-before-truncated', 'truncated'],
    send: (ws) => {
      const truncated = updateFrame(mapUpdate('truncated', 1));
      ws.send(concatBytes(updateFrame(mapUpdate('valid-before-truncated', 1)), truncated.subarray(0, truncated.length - 4)));
    },
  },
  {
    name: 'a lone sync update whose length prefix promises more than the frame holds',
    code: CloseCode.ProtocolError,
    keys: ['short'],
    send: (ws) => {
      const frame = updateFrame(mapUpdate('short', 1));
      ws.send(frame.subarray(0, 5));
    },
  },
  {
    name: 'an unknown message type (after a valid message in the same frame)',
    code: CloseCode.ProtocolError,
    keys: ['valid-before-unknown'],
    send: (ws) => ws.send(concatBytes(updateFrame(mapUpdate('valid-before-unknown', 1)), new Uint8Array([7, 0, 1]))),
  },
  {
    name: 'a sync update whose payload is garbage',
    code: CloseCode.ProtocolError,
    keys: [],
    send: (ws) => ws.send(updateFrame(new Uint8Array([0xff, 0xff, 0xff, 0x7f, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]))),
  },
  {
    name: 'a text frame (carrying an update as text)',
    code: CloseCode.UnsupportedData,
    keys: ['as-text'],
    send: (ws) => ws.send(Buffer.from(updateFrame(mapUpdate('as-text', 1))).toString('latin1')),
  },
  {
    name: 'a frame larger than MAX_MESSAGE_BYTES (a valid update)',
    code: CloseCode.MessageTooBig,
    keys: ['too-big'],
    send: (ws) => ws.send(updateFrame(mapUpdate('too-big', 'x'.repeat(MAX_MESSAGE_BYTES + 100)))),
  },
];

describe('malformed frames', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let roomId: string;
  let a: SyncClient;
  let b: SyncClient;

  beforeAll(async () => {
    server = await startTestServer({ MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
    alice = await createPerson(server, { site: 'torbay', role: 'member' });
    bob = await createPerson(server, { site: 'torbay', role: 'member' });
    roomId = await createRoom(server, alice, 'torbay', 'doc');
    a = connectClient(server.wsUrl, roomId, alice.token);
    b = connectClient(server.wsUrl, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    writeNote(a.doc, 0, 'before the attack');
    await eventually(() => expect(notesText(b.doc)).toBe('before the attack'));
  });
  afterAll(async () => {
    a.destroy();
    b.destroy();
    await server.dispose();
  });

  it.each(cases)('$name closes only that connection, stores nothing, and the others keep syncing', async (c) => {
    // A member's connection, so its edits would be accepted if they were well formed.
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    raw.ws.send(step1Frame());
    // The server answers our step 1 with step 2: the connection is live in the room.
    await eventually(() => expect(raw.messages.map((m) => decodeServerMessage(m).kind)).toContain('sync-step2'));
    const before = await storedFingerprint(server.storage, roomId);

    c.send(raw.ws);
    const closed = await raw.closed;
    expect(closed.code).toBe(c.code);

    expect(await storedFingerprint(server.storage, roomId)).toBe(before);

    // A and B are still connected and still sync both ways (in the list: the map is the frames').
    const marker = `${c.code}-${Math.random()}`;
    docRoomList(a.doc).push([`from-a-${marker}`]);
    docRoomList(b.doc).push([`from-b-${marker}`]);
    await eventually(() => {
      expect(docRoomList(b.doc).toArray()).toContain(`from-a-${marker}`);
      expect(docRoomList(a.doc).toArray()).toContain(`from-b-${marker}`);
    });
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    // Nothing of the bad frame reached them (it would have arrived before the markers).
    for (const key of c.keys) {
      expect(docRoomMap(a.doc).has(key)).toBe(false);
      expect(docRoomMap(b.doc).has(key)).toBe(false);
    }
    // Only the markers were stored since.
    const stored = await server.storage.loadDoc(roomId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(docRoomMap(doc).size).toBe(0);
    expect(notesText(doc)).toBe('before the attack');
  });

  it('a well-formed frame from the same kind of raw socket is accepted (the cases above could fail)', async () => {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${alice.token}`);
    raw.ws.send(concatBytes(step1Frame(), updateFrame(mapUpdate('accepted', 1))));
    await eventually(() => {
      expect(docRoomMap(a.doc).get('accepted')).toBe(1);
      expect(docRoomMap(b.doc).get('accepted')).toBe(1);
    });
    raw.ws.close();
    await raw.closed;
  });
});
