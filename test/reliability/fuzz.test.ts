/**
 * The fuzz of issue 13 with a fixed seed: 100,000 random and mutated frames against a room two
 * honest clients keep editing (FUZZ_FRAMES and FUZZ_SEED change it; `npm run fuzz` runs longer).
 */
import { describe, expect, it } from 'vitest';
import { fuzzRoom } from './fuzzRoom.js';

const frames = Number(process.env.FUZZ_FRAMES ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? 13);

describe('fuzzing a live room', () => {
  it(`survives ${frames} hostile frames (seed ${seed})`, { timeout: 900_000 }, async () => {
    const result = await fuzzRoom({ frames, seed, sockets: 16 });
    process.stdout.write(
      `[reliability] fuzz: ${result.frames} frames in ${(result.ms / 1000).toFixed(1)} s, ` +
        `${result.attackerClosed} closed their sender, ${result.reconnects} reconnects, ${result.honestEdits} honest edits, ` +
        `${result.refusedByRules} refused by the room's rules (${result.refusedForRoot} for their root alone)\n`,
    );
    expect(result.failures).toEqual([]);
    expect(result.frames).toBe(frames);
    // The frames were hostile: most closed their sender (else the generator has gone soft).
    expect(result.attackerClosed).toBeGreaterThan(frames / 2);
    // They reach the guard and Yjs: few are refused only for writing a root the room lacks.
    expect(result.refusedForRoot).toBeLessThan(frames / 20);
  });
});
