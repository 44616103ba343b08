/** Small helpers every module of the SQLite store uses. */

/** The current time as stored: ISO 8601 in UTC, so text order is time order. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** better-sqlite3 returns Buffers; Yjs wants plain Uint8Arrays over exactly the stored bytes. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
