/**
 * Every frame that ever broke something (test/reliability/corpus/*.json, kept by
 * `npm run fuzz` and by hand) replayed against a room holding the doc they were found against,
 * while two honest clients edit: the sender is refused, no honest client is closed, and the
 * stored room replays cleanly with every honest edit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { DOC_CONTENT_FIELD } from '../../shared/doc/extensions.js';
import { replayStoredDoc } from '../../server/ydoc/replay.js';
import { connectClient, createPerson, createRoom, eventually, rawSocket, startTestServer, type Person, type SyncClient, type TestServer } from '../helpers/server.js';
import { decodeServerMessage, docRoomList, docRoomMap, notesText, step1Frame, writeNote } from '../helpers/sync.js';
import { FUZZ_ROOM_KIND, targetDoc } from './hostile.js';

const corpusDir = new URL('./corpus/', import.meta.url);
const cases = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => {
    const { frames } = JSON.parse(readFileSync(new URL(file, corpusDir), 'utf8')) as { frames: { kind: string; hex: string }[] };
    return frames.map((f, i) => ({ name: `${file} #${i + 1}: ${f.kind}`, frame: Uint8Array.from(Buffer.from(f.hex, 'hex')) }));
  });

describe('regression corpus', () => {
  let server: TestServer;
  let alice: Person;
  let mallory: Person;
  let roomId: string;
  let a: SyncClient;
  let b: SyncClient;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await createPerson(server, { site: 'torbay', role: 'member' });
    const bob = await createPerson(server, { site: 'torbay', role: 'member' });
    mallory = await createPerson(server, { site: 'torbay', role: 'member' });
    roomId = await createRoom(server, alice, 'torbay', FUZZ_ROOM_KIND);
    a = connectClient(server.wsUrl, roomId, alice.token);
    b = connectClient(server.wsUrl, roomId, bob.token);
    await Promise.all([a.synced, b.synced]);
    // The frames refer to the ids of the doc they were found against.
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(targetDoc()));
    await eventually(() => expect(notesText(b.doc)).toBe(notesText(a.doc)));
  });
  afterAll(async () => {
    a.destroy();
    b.destroy();
    await server.dispose();
  });

  it('holds cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('$name', async ({ frame }) => {
    const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${mallory.token}`);
    raw.ws.send(step1Frame());
    await eventually(() => expect(raw.messages.map((m) => decodeServerMessage(m).kind)).toContain('sync-step2'));
    raw.ws.send(frame);
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError);

    // Markers in new entries, leaving the target doc's items as the frames found them.
    const marker = `m${Math.random()}`;
    docRoomMap(a.doc).set(marker, 1);
    writeNote(b.doc, b.doc.getXmlFragment(DOC_CONTENT_FIELD).length, `${marker} `);
    await eventually(() => {
      expect(docRoomMap(b.doc).get(marker)).toBe(1);
      expect(notesText(a.doc)).toBe(notesText(b.doc));
    });
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    const { doc, problems } = replayStoredDoc(await server.storage.loadDoc(roomId));
    expect(problems).toEqual([]);
    // The body holds the notes, the target's formatted text and its paragraph.
    expect(notesText(doc)).toBe(notesText(a.doc));
    expect(notesText(doc)).toContain(marker);
    expect(docRoomMap(doc).toJSON()).toEqual(docRoomMap(a.doc).toJSON());
    expect(docRoomList(doc).toArray()).toEqual(docRoomList(a.doc).toArray());
  });
});
