/**
 * The server's "you may write again": sent when a connection it had said it drops edits from
 * (permission denied: `read-only` or `locked`) may write once more (the room was unlocked or
 * restored, the person's role raised). y-protocols has a "permission denied" but no way back,
 * and without one a page would stay read-only until it reconnected.
 *
 * On the wire, like "saved" (`saved.ts`), an auth message of a sub-type of our own, which an
 * unmodified y-websocket client ignores: `varUint(2) varUint(WRITABLE)`.
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_AUTH } from './saved.js';

/** Our auth sub-type: "your edits are accepted again". */
export const AUTH_WRITABLE = 84;

export function encodeWritable(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_WRITABLE);
  return encoding.toUint8Array(encoder);
}
