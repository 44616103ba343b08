/**
 * Password hashing with scrypt (memory-hard, in Node's standard library). The stored string
 * carries its parameters, so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const DEFAULT = { N: 2 ** 15, r: 8, p: 1 };

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 256 * options.N! * options.r! }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * @example
 * const stored = await hashPassword('correct horse battery') // 'scrypt$32768$8$1$<salt>$<hash>'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, DEFAULT);
  return ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  let key: Buffer;
  try {
    key = await scryptAsync(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  } catch {
    // Parameters scrypt refuses (N not a power of two, out of range, too much memory).
    return false;
  }
  return expected.length === key.length && timingSafeEqual(expected, key);
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real check, so a sign-in for an unknown email cannot be told
 * apart from a wrong password by timing.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password for timing');
  await verifyPassword(password, await dummyHash);
  return false;
}
