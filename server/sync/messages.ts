/**
 * The y-websocket wire protocol: reading a frame into typed messages (rejecting anything
 * malformed before it can reach the document or storage) and writing the server's replies.
 *
 * A frame is one or more messages, each `varUint(type)` then a payload (lib0 encoding).
 * The reference server reads only the first message of a frame; we read them all, and insist
 * the frame ends exactly where the last message does, so truncation is always detected.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { checkDecodedUpdate, metaOf, type UpdateMeta } from '../ydoc/guard.js';

export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
export const SyncMessageType = { Step1: 0, Step2: 1, Update: 2 } as const;

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  /** The decoded state, or null when the client is leaving. */
  state: unknown;
}

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array; meta: UpdateMeta }
  | { type: 'sync-update'; update: Uint8Array; meta: UpdateMeta }
  | { type: 'awareness'; update: Uint8Array; entries: AwarenessEntry[] }
  | { type: 'query-awareness' }
  | { type: 'auth' };

/** The frame broke the protocol. The connection that sent it is closed; nothing is applied. */
export class ProtocolViolation extends Error {
  override readonly name = 'ProtocolViolation';
}

/** A frame with more messages than this is abuse, not a client. */
const MAX_MESSAGES_PER_FRAME = 1000;
/**
 * y-websocket clients echo every awareness change they receive back to the server, so one
 * message may hold an entry for everyone in the room: the limit is the room's, not one tab's.
 * (At 256, one viewer announcing 400 ids made every honest client's echo of their removal
 * too long, and all were closed.) Each connection may still claim only a few ids (room.ts).
 */
const MAX_AWARENESS_ENTRIES = 20_000;
/** One person's presence is a name, a cursor and a selection: a few kilobytes at most. */
export const MAX_AWARENESS_STATE_BYTES = 64 * 1024;
/** Presence states nest a few levels; deeper is hostile (10 KB of brackets overflowed JSON.stringify). */
export const MAX_AWARENESS_DEPTH = 16;

/** An update's bytes, and which clocks of which clients it holds (from the one decode). */
function readUpdate(decoder: decoding.Decoder, what: string): { update: Uint8Array; meta: UpdateMeta } {
  const update = decoding.readVarUint8Array(decoder);
  let decoded;
  try {
    // Decoding walks every struct and the delete set, so a truncated or garbled update throws
    // here rather than half-way through being applied.
    decoded = Y.decodeUpdate(update);
  } catch (cause) {
    throw new ProtocolViolation(`${what} is not a valid Yjs update`, { cause });
  }
  // Well-formed bytes can still describe structs Yjs fails on while integrating them.
  const problem = checkDecodedUpdate(decoded);
  if (problem) throw new ProtocolViolation(`${what} breaks the Yjs invariants: ${problem}`);
  return { update, meta: metaOf(decoded) };
}

function readAwareness(decoder: decoding.Decoder): { update: Uint8Array; entries: AwarenessEntry[] } {
  const update = decoding.readVarUint8Array(decoder);
  const inner = decoding.createDecoder(update);
  const count = decoding.readVarUint(inner);
  if (count > MAX_AWARENESS_ENTRIES) throw new ProtocolViolation(`awareness update has ${count} entries`);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(inner);
    const clock = decoding.readVarUint(inner);
    const json = decoding.readVarString(inner);
    if (json.length > MAX_AWARENESS_STATE_BYTES) throw new ProtocolViolation(`awareness state of ${json.length} characters`);
    // Depth is checked on the text, before parsing, so no recursion ever sees a deep value.
    if (jsonDepth(json) > MAX_AWARENESS_DEPTH) throw new ProtocolViolation('awareness state nests too deeply');
    let state: unknown;
    try {
      state = JSON.parse(json);
    } catch (cause) {
      throw new ProtocolViolation('awareness state is not JSON', { cause });
    }
    entries.push({ clientID, clock, state });
  }
  if (decoding.hasContent(inner)) throw new ProtocolViolation('awareness update has trailing bytes');
  return { update, entries };
}

/** The deepest nesting of brackets in JSON text, skipping strings. */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Writes awareness entries, each state already as JSON text, as y-protocols encodes them. */
export function encodeAwarenessEntries(entries: readonly { clientID: number; clock: number; json: string }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientID, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientID);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Reads every message of one binary frame.
 *
 * @throws ProtocolViolation when the frame is empty, truncated, has an unknown type or carries
 *   an update that does not decode.
 * @example
 * for (const message of parseFrame(bytes)) if (message.type === 'sync-update') store(message.update)
 */
export function parseFrame(frame: Uint8Array): IncomingMessage[] {
  if (frame.byteLength === 0) throw new ProtocolViolation('empty frame');
  const decoder = decoding.createDecoder(frame);
  const messages: IncomingMessage[] = [];
  try {
    while (decoding.hasContent(decoder)) {
      if (messages.length >= MAX_MESSAGES_PER_FRAME) throw new ProtocolViolation('too many messages in one frame');
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.Sync: {
          const sub = decoding.readVarUint(decoder);
          if (sub === SyncMessageType.Step1) {
            const stateVector = decoding.readVarUint8Array(decoder);
            try {
              Y.decodeStateVector(stateVector);
            } catch (cause) {
              throw new ProtocolViolation('sync step 1 carries an invalid state vector', { cause });
            }
            messages.push({ type: 'sync-step1', stateVector });
          } else if (sub === SyncMessageType.Step2) {
            messages.push({ type: 'sync-step2', ...readUpdate(decoder, 'sync step 2') });
          } else if (sub === SyncMessageType.Update) {
            messages.push({ type: 'sync-update', ...readUpdate(decoder, 'sync update') });
          } else {
            throw new ProtocolViolation(`unknown sync message type ${sub}`);
          }
          break;
        }
        case MessageType.Awareness:
          messages.push({ type: 'awareness', ...readAwareness(decoder) });
          break;
        case MessageType.Auth:
          // Clients have nothing to say on this channel; read the payload and ignore it.
          decoding.readVarUint(decoder);
          decoding.readVarString(decoder);
          messages.push({ type: 'auth' });
          break;
        case MessageType.QueryAwareness:
          messages.push({ type: 'query-awareness' });
          break;
        default:
          throw new ProtocolViolation(`unknown message type ${type}`);
      }
    }
  } catch (error) {
    if (error instanceof ProtocolViolation) throw error;
    // lib0 throws plain Errors ("Unexpected end of array") on truncation.
    throw new ProtocolViolation(`truncated or malformed frame: ${(error as Error).message}`, { cause: error });
  }
  return messages;
}

function syncMessage(sub: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return syncMessage(SyncMessageType.Step1, Y.encodeStateVector(doc));
}

export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return syncMessage(SyncMessageType.Step2, Y.encodeStateAsUpdate(doc, stateVector));
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return syncMessage(SyncMessageType.Update, update);
}

export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

/** An awareness message with no entries: a valid no-op the client counts as traffic. */
export const KEEPALIVE_MESSAGE: Uint8Array = (() => {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 0);
  return encodeAwareness(encoding.toUint8Array(inner));
})();

/** The y-protocols "permission denied" message, sent before closing a refused connection. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Auth);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

/**
 * "Saved": the connection's sync edit message number `seq` is stored. Written by shared/ (the
 * client reads it with the same module), where its design is explained.
 */
export { encodeSaved } from '../../shared/sync/saved.js';
