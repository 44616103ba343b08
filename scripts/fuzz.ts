/**
 * `npm run fuzz -- --frames N --seed S`: fuzzes a live room for longer than the reliability
 * suite does (test/reliability/fuzzRoom.ts). Frames sent just before anything broke are kept
 * in test/reliability/corpus/ to be committed as regression cases.
 */
import { parseArgs } from 'node:util';
import { fuzzRoom } from '../test/reliability/fuzzRoom.js';

const { values } = parseArgs({
  options: { frames: { type: 'string', default: '100000' }, seed: { type: 'string', default: '13' }, sockets: { type: 'string', default: '6' } },
});
const frames = Number(values.frames);
const seed = Number(values.seed);
if (!Number.isInteger(frames) || frames < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- --frames N --seed S [--sockets K]');
  process.exit(2);
}
const result = await fuzzRoom({
  frames,
  seed,
  sockets: Number(values.sockets),
  corpusDir: new URL('../test/reliability/corpus/', import.meta.url).pathname,
  progress: (line) => console.log(line),
});
console.log(
  `seed ${seed}: ${result.frames} frames in ${(result.ms / 1000).toFixed(1)} s (${Math.round((result.frames / result.ms) * 1000)}/s); ` +
    `${result.attackerClosed} attacker closes, ${result.honestEdits} honest edits`,
);
if (result.failures.length > 0) {
  for (const f of result.failures) console.log(`FAILED: ${f}`);
  process.exit(1);
}
console.log('the room survived: no crash, honest clients never closed, converged, and the stored room holds every honest edit');
process.exit(0);
