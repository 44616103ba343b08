/**
 * Helpers for sync tests that speak the wire protocol by hand (raw sockets), and read the
 * stored document back the way the server would load it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { DOC_COMMENTS_ROOT } from '../../shared/doc/comments.js';
import { DOC_CONTENT_FIELD } from '../../shared/doc/extensions.js';
import { PARKING_LOT_KEY } from '../../shared/doc/parkingLot.js';
import { replayStoredDoc } from '../../server/ydoc/replay.js';
import type { DocStore, StoredDoc } from '../../server/storage/types.js';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

function build(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** A sync message (`type 0`, sub-type, length-prefixed payload). */
export function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
  return build((e) => {
    encoding.writeVarUint(e, MSG_SYNC);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
}

export function step1Frame(stateVector: Uint8Array = Y.encodeStateVector(new Y.Doc())): Uint8Array {
  return syncFrame(SYNC_STEP1, stateVector);
}

export function updateFrame(update: Uint8Array): Uint8Array {
  return syncFrame(SYNC_UPDATE, update);
}

/** An awareness message setting (or, with `state: null`, clearing) client ids' states. */
export function awarenessFrame(entries: { clientID: number; clock: number; state: unknown }[]): Uint8Array {
  return awarenessJsonFrame(entries.map(({ clientID, clock, state }) => ({ clientID, clock, json: JSON.stringify(state) })));
}

/** An awareness message whose states are given as text, which need not be valid JSON. */
export function awarenessJsonFrame(entries: { clientID: number; clock: number; json: string }[]): Uint8Array {
  const payload = build((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientID, clock, json } of entries) {
      encoding.writeVarUint(e, clientID);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });
  return build((e) => {
    encoding.writeVarUint(e, MSG_AWARENESS);
    encoding.writeVarUint8Array(e, payload);
  });
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * Plain test data in a `doc` room, on roots the kind has (`shared/rooms/kinds.ts`; the server
 * refuses an update that writes any other): values in its map root, a list in its list root,
 * and text as notes in its body (below). No reader needs these values to be comment threads
 * or parked items.
 */
export function docRoomMap<T = unknown>(doc: Y.Doc): Y.Map<T> {
  return doc.getMap<T>(DOC_COMMENTS_ROOT);
}

export function docRoomList<T = unknown>(doc: Y.Doc): Y.Array<T> {
  return doc.getArray<T>(PARKING_LOT_KEY);
}

/**
 * Text in a doc room: notes, each a `Y.XmlText` child of the body. Read together they are one
 * string (`XmlFragment.toString()` of plain texts is their text, concatenated), which the
 * functions below edit as `Y.Text` insert and delete would. A note is a list entry, so two
 * peers writing their first note at once both keep it.
 */
export function notesText(doc: Y.Doc): string {
  return doc.getXmlFragment(DOC_CONTENT_FIELD).toString();
}

function notes(doc: Y.Doc): Y.XmlText[] {
  return doc
    .getXmlFragment(DOC_CONTENT_FIELD)
    .toArray()
    .filter((node): node is Y.XmlText => node instanceof Y.XmlText);
}

/** The number of characters in the notes (their text, without formatting). */
export function notesLength(doc: Y.Doc): number {
  return notes(doc).reduce((n, note) => n + note.length, 0);
}

/** Writes `text` as a new note at position `index` among the body's children (0: first). */
export function writeNote(doc: Y.Doc, index: number, text: string): void {
  doc.getXmlFragment(DOC_CONTENT_FIELD).insert(index, [new Y.XmlText(text)]);
}

/**
 * Inserts `text` at character `at` of the notes, into the note that holds that place (at the
 * end of one note, that note); a new last note when there is no such place.
 */
export function insertNotes(doc: Y.Doc, at: number, text: string): void {
  let offset = at;
  for (const note of notes(doc)) {
    if (offset <= note.length) {
      note.insert(offset, text);
      return;
    }
    offset -= note.length;
  }
  writeNote(doc, doc.getXmlFragment(DOC_CONTENT_FIELD).length, text);
}

/** Deletes `length` characters of the notes from character `at`, across notes, in one transaction. */
export function deleteNotes(doc: Y.Doc, at: number, length: number): void {
  doc.transact(() => {
    let offset = at;
    let left = length;
    for (const note of notes(doc)) {
      if (left <= 0) return;
      if (offset >= note.length) {
        offset -= note.length;
        continue;
      }
      const n = Math.min(left, note.length - offset);
      note.delete(offset, n);
      left -= n;
      offset = 0;
    }
  });
}

/** One update that sets `key` to `value` in the map `name` (a doc room's map root unless said), from a throwaway doc. */
export function mapUpdate(key: string, value: unknown, name = DOC_COMMENTS_ROOT): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap(name).set(key, value);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

export type ServerMessage =
  | { kind: 'sync-step1' | 'sync-step2' | 'sync-update'; payload: Uint8Array }
  | { kind: 'awareness'; entries: { clientID: number; clock: number; state: unknown }[] }
  | { kind: 'other'; type: number };

/** Decodes one message the server sent (the server sends one message per frame). */
export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  const decoder = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(decoder);
  if (type === MSG_SYNC) {
    const sub = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const kind = sub === SYNC_STEP1 ? 'sync-step1' : sub === SYNC_STEP2 ? 'sync-step2' : 'sync-update';
    return { kind, payload };
  }
  if (type === MSG_AWARENESS) {
    const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(inner);
    const entries = [];
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(inner);
      const clock = decoding.readVarUint(inner);
      entries.push({ clientID, clock, state: JSON.parse(decoding.readVarString(inner)) as unknown });
    }
    return { kind: 'awareness', entries };
  }
  return { kind: 'other', type };
}

/** The document as the server would load it from storage; one that needed repairs throws. */
export async function storedDoc(store: Pick<DocStore, 'loadDoc'>, roomId: string): Promise<{ doc: Y.Doc; stored: StoredDoc }> {
  const stored = await store.loadDoc(roomId);
  const { doc, problems } = replayStoredDoc(stored);
  if (problems.length > 0) throw new Error(`stored doc needed repairs: ${problems.join('; ')}`);
  return { doc, stored };
}

/** A fingerprint of what is stored for a room, to show that nothing was added. */
export async function storedFingerprint(store: Pick<DocStore, 'loadDoc'>, roomId: string): Promise<string> {
  const stored = await store.loadDoc(roomId);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return JSON.stringify({ snapshot: stored.snapshot ? hex(stored.snapshot) : null, updates: stored.updates.map(hex) });
}
