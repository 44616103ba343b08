/**
 * Issue 13: no update can break a room. A real server, two honest y-websocket clients, and an
 * attacker with a member's token sending updates that decode but break Yjs or its readers.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/closeCodes.js';
import { DOC_COMMENTS_ROOT } from '../shared/doc/comments.js';
import { DOC_CONTENT_FIELD } from '../shared/doc/extensions.js';
import { encodeStructs } from '../server/ydoc/guard.js';
import { replayStoredDoc } from '../server/ydoc/replay.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  tempDir,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { decodeServerMessage, docRoomMap, notesText, step1Frame, updateFrame, writeNote } from './helpers/sync.js';

/** The frame: sync update carrying an item of deleted content with length 0. */
const POISON_FRAME = Uint8Array.from([0x00, 0x02, 0x0b, 0x01, 0x01, 0xb9, 0x60, 0x00, 0x01, 0x01, 0x01, 0x74, 0x00, 0x00]);

describe('a room survives updates that break Yjs', () => {
  const servers: TestServer[] = [];
  const clients: SyncClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function setUp(dataDir = tempDir()) {
    dirs.push(dataDir);
    const server = await startTestServer({ ROOM_IDLE_MS: '50' }, dataDir);
    servers.push(server);
    const alice = await createPerson(server, { site: 'torbay', role: 'member' });
    const bob = await createPerson(server, { site: 'torbay', role: 'member' });
    const mallory = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, alice, 'torbay', 'doc');
    return { server, alice, bob, mallory, roomId, dataDir };
  }
  function client(server: TestServer, roomId: string, token: string, doc?: Y.Doc): SyncClient {
    const c = connectClient(server.wsUrl, roomId, token, { doc });
    clients.push(c);
    return c;
  }
  async function attacker(server: TestServer, roomId: string, token: string) {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${token}`);
    raw.ws.send(step1Frame());
    await eventually(() => expect(raw.messages.map((m) => decodeServerMessage(m).kind)).toContain('sync-step2'));
    return raw;
  }

  it("the issue's 11-byte update closes its sender; honest edits go on being stored and relayed, and survive a restart", async () => {
    const { server, alice, bob, mallory, roomId, dataDir } = await setUp();
    const a = client(server, roomId, alice.token);
    const b = client(server, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    writeNote(a.doc, 0, 'before. ');
    await eventually(() => expect(notesText(b.doc)).toBe('before. '));

    const raw = await attacker(server, roomId, mallory.token);
    raw.ws.send(POISON_FRAME);
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError);

    writeNote(a.doc, 1, 'after A. ');
    docRoomMap(b.doc).set('e1', 'Loneliness');
    await eventually(() => {
      expect(notesText(b.doc)).toBe('before. after A. ');
      expect(docRoomMap(a.doc).get('e1')).toBe('Loneliness');
    });
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);

    // Unload and restart: the stored room opens and holds every honest edit.
    a.destroy();
    b.destroy();
    await server.close();
    servers.length = 0;
    const again = await startTestServer({}, dataDir);
    servers.push(again);
    const c = client(again, roomId, alice.token);
    await c.synced;
    expect(notesText(c.doc)).toBe('before. after A. ');
    expect(docRoomMap(c.doc).get('e1')).toBe('Loneliness');
    expect(c.closeCodes).toEqual([]);
  });

  it('content Yjs accepts but readers cannot read (a value in an XML fragment): the room reloads, nobody honest is closed, nothing is lost', async () => {
    const { server, alice, bob, mallory, roomId } = await setUp();
    const a = client(server, roomId, alice.token);
    const b = client(server, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    const fragment = a.doc.getXmlFragment(DOC_CONTENT_FIELD);
    const paragraph = new Y.XmlElement('paragraph');
    fragment.insert(0, [paragraph]);
    paragraph.insert(0, [new Y.XmlText('A paragraph.')]);
    await eventually(() => expect(notesText(b.doc)).toContain('A paragraph.'));

    // A list entry after the paragraph: its parent is the fragment, which holds XML nodes only.
    const bad = new Y.Item(Y.createID(424242, 0), null, paragraph._item!.id, null, null, null, null, new Y.ContentAny([null]));
    const raw = await attacker(server, roomId, mallory.token);
    raw.ws.send(updateFrame(encodeStructs([bad])));
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError);

    docRoomMap(b.doc).set('after', 'still syncing');
    await eventually(() => expect(docRoomMap(a.doc).get('after')).toBe('still syncing'));
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    const { doc, problems } = replayStoredDoc(await server.storage.loadDoc(roomId));
    expect(problems).toEqual([]);
    expect(notesText(doc)).toBe('<paragraph>A paragraph.</paragraph>');
    expect(docRoomMap(doc).get('after')).toBe('still syncing');
  });

  it('writing as another person’s Yjs client id is refused (their next edits would be dropped as known)', async () => {
    const { server, alice, mallory, roomId } = await setUp();
    const a = client(server, roomId, alice.token);
    await a.synced;
    docRoomMap(a.doc).set('mine', 1);
    await eventually(async () => {
      const { doc } = replayStoredDoc(await server.storage.loadDoc(roomId));
      expect(docRoomMap(doc).get('mine')).toBe(1);
    });
    // Mallory writes Alice's next clock first.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(a.doc));
    // (Set after the apply: Yjs picks a new id when an update arrives in its own.)
    forged.clientID = a.doc.clientID;
    const sv = Y.encodeStateVector(forged);
    docRoomMap(forged).set('forged', true);
    const raw = await attacker(server, roomId, mallory.token);
    raw.ws.send(updateFrame(Y.encodeStateAsUpdate(forged, sv)));
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError);
    // Alice's own next edit still reaches the room.
    docRoomMap(a.doc).set('next', 2);
    await eventually(async () => {
      const { doc } = replayStoredDoc(await server.storage.loadDoc(roomId));
      expect(docRoomMap(doc).get('next')).toBe(2);
      expect(docRoomMap(doc).has('forged')).toBe(false);
    });
  });

  it('writing as the client id of a person who is present but has not written yet is refused, and claims nothing', async () => {
    const { server, alice, mallory, roomId } = await setUp();
    const a = client(server, roomId, alice.token);
    await a.synced;
    // Alice is present (her tab announced its awareness id, which is her doc's client id).
    a.provider.awareness.setLocalStateField('cursor', { x: 1, y: 1 });
    await eventually(() => expect(server.sync.liveDoc(roomId)).toBeDefined());
    const forged = new Y.Doc();
    forged.clientID = a.doc.clientID;
    docRoomMap(forged).set('forged', true);
    const raw = await attacker(server, roomId, mallory.token);
    await eventually(() => expect(raw.messages.map((m) => decodeServerMessage(m).kind)).toContain('awareness'));
    raw.ws.send(updateFrame(Y.encodeStateAsUpdate(forged)));
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError);

    // A struct that would wait (a gap before it) is dropped and claims nothing either: Bob's
    // tab, not yet present, is not locked out by it.
    const bob = await createPerson(server, { site: 'torbay', role: 'member' });
    const bobDoc = new Y.Doc();
    const ahead = new Y.Item(Y.createID(bobDoc.clientID, 5), null, null, null, null, DOC_COMMENTS_ROOT as never, 'x', new Y.ContentAny([1]));
    const raw2 = await attacker(server, roomId, mallory.token);
    raw2.ws.send(updateFrame(encodeStructs([ahead])));
    raw2.ws.send(step1Frame());
    await eventually(() => expect(raw2.messages.filter((m) => decodeServerMessage(m).kind === 'sync-step2').length).toBeGreaterThanOrEqual(2));
    const b = client(server, roomId, bob.token, bobDoc);
    await b.synced;
    docRoomMap(bobDoc).set('bob', 1);
    docRoomMap(a.doc).set('alice', 1);
    await eventually(async () => {
      const { doc } = replayStoredDoc(await server.storage.loadDoc(roomId));
      expect(docRoomMap(doc).get('alice')).toBe(1);
      expect(docRoomMap(doc).get('bob')).toBe(1);
      expect(docRoomMap(doc).has('forged')).toBe(false);
    });
    expect(b.closeCodes).toEqual([]);
    raw2.ws.close();
  });

  it('a room whose stored log already holds the bad update (from before the fix) still opens, without it', async () => {
    const { server, alice, roomId } = await setUp();
    const honest = new Y.Doc();
    writeNote(honest, 0, 'written before the fix');
    await server.storage.appendUpdate(roomId, Y.encodeStateAsUpdate(honest));
    await server.storage.appendUpdate(roomId, POISON_FRAME.subarray(3));
    const sv = Y.encodeStateVector(honest);
    writeNote(honest, 0, 'and after it: ');
    await server.storage.appendUpdate(roomId, Y.encodeStateAsUpdate(honest, sv));

    const a = client(server, roomId, alice.token);
    await a.synced;
    expect(notesText(a.doc)).toBe('and after it: written before the fix');
    writeNote(a.doc, 0, 'Now: ');
    await eventually(async () => {
      const { doc } = replayStoredDoc(await server.storage.loadDoc(roomId));
      expect(notesText(doc)).toBe('Now: and after it: written before the fix');
    });
  });
});
