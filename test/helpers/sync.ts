/**
 * Helpers for sync tests that speak the wire protocol by hand (raw sockets), and read the
 * stored document back the way the server would load it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
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

/** One update that sets `key` to `value` in the map `name`, from a throwaway doc. */
export function mapUpdate(key: string, value: unknown, name = 'raw'): Uint8Array {
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
