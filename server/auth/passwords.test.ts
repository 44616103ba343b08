import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes into a self-describing scrypt string and verifies it', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  it('refuses a wrong password, including near misses', async () => {
    const stored = await hashPassword('Tr0ub4dor&3');
    const wrong = ['tr0ub4dor&3', 'Tr0ub4dor&3 ', 'Tr0ub4dor&', '', 'something else entirely'];
    const results = await Promise.all(wrong.map((w) => verifyPassword(w, stored)));
    expect(results).toEqual(wrong.map(() => false));
  });

  it('salts every hash, so the same password hashes differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('handles unicode passwords', async () => {
    const stored = await hashPassword('pässwörd – ünïcode 🔑');
    expect(await verifyPassword('pässwörd – ünïcode 🔑', stored)).toBe(true);
    expect(await verifyPassword('passwort – unicode 🔑', stored)).toBe(false);
  });

  it('still verifies hashes made with other parameters (they are read from the string)', async () => {
    // A cheaper hash as an older version might have written; the key below is scrypt('legacy', salt, N=1024, r=8, p=1).
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('legacy', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    expect(await verifyPassword('legacy', stored)).toBe(true);
    expect(await verifyPassword('modern', stored)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not a hash', 'not a hash'],
    ['another algorithm', 'bcrypt$2b$10$abcdefghijklmnopqrstuv$abcdefghijklmnopqrstuvwxyzabcde'],
    ['too few parts', 'scrypt$32768$8$1$c2FsdA'],
    ['too many parts', 'scrypt$32768$8$1$c2FsdA$aGFzaA$extra'],
    ['non-numeric parameters', 'scrypt$lots$8$1$c2FsdA$aGFzaA'],
    ['a cost that is not a power of two', 'scrypt$3$8$1$c2FsdA$aGFzaA'],
    ['a negative cost', 'scrypt$-1$8$1$c2FsdA$aGFzaA'],
    ['an absurd cost', 'scrypt$1099511627776$8$1$c2FsdA$aGFzaA'],
    ['a zero block size', 'scrypt$32768$0$1$c2FsdA$aGFzaA'],
    ['a hash of the wrong length', 'scrypt$1024$8$1$c2FsdA$aGFzaA'],
  ])('treats a malformed stored hash (%s) as a non-match instead of throwing', async (_what, stored) => {
    await expect(verifyPassword('any password', stored)).resolves.toBe(false);
  });

  it('the dummy check for unknown accounts always fails', async () => {
    await expect(verifyAgainstDummy('dummy password for timing')).resolves.toBe(false);
  });
});
