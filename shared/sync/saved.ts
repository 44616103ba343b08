/**
 * The server's "saved" acknowledgement: it has durably stored what one of a connection's sync
 * edit messages carried, so the page can say "Saved" from what the server stored, not from
 * bytes handed to the socket.
 *
 * What it names: the server numbers the sync edit messages (sync step 2 and sync update) each
 * connection sends, 1, 2, 3… in the order it handles them, counting every one, also those it
 * drops; a new connection counts from 1 again. After message `seq` is stored in full, or held
 * nothing the room lacked, the server sends `saved(seq)` to its sender, and never for a message
 * it dropped (read-only, locked, refused) or stored only in part (structs waiting for updates
 * the room lacks). The client numbers the same messages as it sends them, so it knows what
 * each acknowledgement covers: an update carries one local transaction; a sync step 2 carries
 * everything its doc held when it was written, which is what makes this right across
 * reconnects and offline edits: edits made offline (or left unacknowledged when a socket
 * dropped) are all in the step 2 a client sends on reconnecting, and are saved when that is
 * acknowledged. No clock or state vector is compared: a transaction that only deletes moves no
 * clock, so state vectors could not say whether it was stored.
 *
 * On the wire it is a y-protocols auth message (type 2) of a sub-type of our own:
 * `varUint(2) varUint(SAVED) varUint(seq)`. Not a new top-level type: y-websocket's client logs
 * "Unable to compute message" for every message of a type it has no handler for, whereas its
 * auth handler reads the sub-type and silently ignores any but 0 (permission denied), so an
 * unmodified y-websocket client syncs as before and skips these.
 *
 * @example
 * conn.send(encodeSaved(3)) // server: message 3 from this connection is stored
 * decodeSaved(frame) // client: 3, or null for any other message
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** y-protocols' auth message type, shared with "permission denied". */
export const MESSAGE_AUTH = 2;
/** The auth sub-type y-protocols defines: the server drops this connection's edits. */
export const AUTH_PERMISSION_DENIED = 0;
/** Our auth sub-type: "saved". Far from 0 so a sub-type y-protocols may add is unlikely to clash. */
export const AUTH_SAVED = 83;

/** The y-websocket sync message type and the sub-types that carry edits. */
const MESSAGE_SYNC = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** The acknowledgement that the connection's sync edit message number `seq` is stored. */
export function encodeSaved(seq: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_SAVED);
  encoding.writeVarUint(encoder, seq);
  return encoding.toUint8Array(encoder);
}

/**
 * Reads the rest of a saved message, for a handler that has read its type and sub-type (as
 * y-websocket's `messageHandlers` do).
 */
export function readSaved(decoder: decoding.Decoder): number {
  return decoding.readVarUint(decoder);
}

/** The `seq` of a whole saved message; null for any other message or a malformed one. */
export function decodeSaved(message: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_AUTH || decoding.readVarUint(decoder) !== AUTH_SAVED) return null;
    return readSaved(decoder);
  } catch {
    return null;
  }
}

/**
 * Which sync edit message a client frame starts with: `'step2'`, `'update'`, or null (sync step
 * 1, awareness, anything else). y-websocket's client sends one message per frame, so a client
 * numbering what it sends counts frames this returns non-null for, as the server counts messages.
 */
export function syncEditKind(frame: Uint8Array): 'step2' | 'update' | null {
  // Both varUints are below 128, so each is one byte.
  if (frame.byteLength < 2 || frame[0] !== MESSAGE_SYNC) return null;
  if (frame[1] === SYNC_STEP2) return 'step2';
  if (frame[1] === SYNC_UPDATE) return 'update';
  return null;
}
