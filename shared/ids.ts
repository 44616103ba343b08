/**
 * Identifiers that travel in URLs: room ids, site slugs, invite tokens. Shared so the client
 * can build links and the server can reject anything else before touching storage.
 */

/** Room ids: URL-safe, long enough to be unguessable, short enough to read aloud. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{10,64}$/;
/** Site slugs: lower-case words joined by hyphens, e.g. `west-cheshire`. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 64;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A random URL-safe id from the platform's CSPRNG (Web Crypto, present in browsers and Node).
 *
 * @example
 * newId() // 'V1StGXR8_Z5jdHi6B-myT'
 */
export function newId(length = 21): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  // 256 is a multiple of 64, so masking with 63 keeps the distribution uniform.
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value);
}

export function isSlug(value: string): boolean {
  return value.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(value);
}

/**
 * Turns a place name into a slug.
 *
 * @example
 * slugify('Dorset, Bournemouth and Poole') // 'dorset-bournemouth-and-poole'
 * slugify('London Boroughs of Lambeth & Southwark') // 'london-boroughs-of-lambeth-southwark'
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
}
