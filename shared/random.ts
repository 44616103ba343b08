/**
 * Chance that can be replayed: the same seed gives the same numbers, so a seeded layout, a
 * generated test map or a benchmark figure comes out the same every run.
 */

/**
 * Mulberry32: a tiny seeded PRNG returning numbers in [0, 1).
 *
 * @example const random = seededRandom(42); random(); // the same first number every time
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
