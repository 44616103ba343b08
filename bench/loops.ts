/**
 * Loop-detection benchmark: `findLoops` (Johnson's algorithm with a distance-pruned length
 * bound) against a naive reference (a depth-first walk of every simple path, with the same
 * bounds and the same output), on the same maps in one run.
 *
 *   npm run bench:loops                    # 20 timed runs a case after 5 warm-ups
 *   npm run bench:loops -- --repeats 50 --warmups 0   # --warmups 0 shows cold (first-run) times
 *
 * Maps: a seeded random map of 2,000 elements and 4,000 connections; complete digraphs of 8
 * to 14 elements (every element connected to every other, the densest a map can be); a ladder
 * of 500 rungs (many small loops sharing elements). Each is run with the editor's default
 * bounds, then with no time budget (so the time shows the whole cost of reaching the loop
 * cap), then with no loop cap either where that finishes (every loop up to 12 elements).
 *
 * It prints figures; it asserts nothing.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  LOOP_SEARCH_DEFAULTS,
  classifyLoop,
  findLoops,
  loopKey,
  type FeedbackLoop,
  type LoopConnectionInput,
  type LoopInput,
  type LoopSearchOptions,
  type LoopSearchResult,
  type LoopTruncation,
} from '../shared/map/loops.js';
import { completeDigraph, randomLoopMap, seededRandom } from '../shared/map/loopsFixtures.js';
import type { Polarity } from '../shared/map/model.js';

// ---- maps ---------------------------------------------------------------------------------

const POLARITY_MIX: Polarity[] = ['+', '+', '+', '+', '-', '-', '-', '-', '?'];

/** Two rails running opposite ways, joined by two-way rungs: a 2-loop per rung, and a loop
 *  around every stretch of rails between two rungs. */
function ladder(rungs: number): LoopInput {
  const top = Array.from({ length: rungs }, (_, i) => `t${i}`);
  const bottom = Array.from({ length: rungs }, (_, i) => `b${i}`);
  const connections: LoopConnectionInput[] = [];
  const add = (from: string, to: string) => connections.push({ id: `c${connections.length}`, from, to, polarity: connections.length % 4 ? '+' : '-' });
  for (let i = 0; i < rungs; i++) {
    add(top[i]!, bottom[i]!);
    add(bottom[i]!, top[i]!);
    if (i + 1 < rungs) {
      add(top[i]!, top[i + 1]!);
      add(bottom[i + 1]!, bottom[i]!);
    }
  }
  return { elements: [...top, ...bottom].map((id) => ({ id })), connections };
}

// ---- the reference ------------------------------------------------------------------------

/**
 * The obvious search: from each element s (in id order), walk every simple path through
 * larger elements, one connection at a time, and record a loop whenever a connection returns
 * to s. No pruning and no blocking, the same bounds and the same output as `findLoops`.
 */
function naiveLoops(input: LoopInput, options: Required<Omit<LoopSearchOptions, 'now'>>): LoopSearchResult {
  const started = performance.now();
  const deadline = started + options.timeBudgetMs;
  const ids = [...new Set(input.elements.map((e) => e.id))].sort();
  const rank = new Map(ids.map((id, i) => [id, i]));
  const out = new Map<string, LoopConnectionInput[]>();
  // The canonical variant of parallel connections (smallest id at each step) keeps the plain key.
  const smallestOfPair = new Map<string, string>();
  for (const c of input.connections) {
    if (!rank.has(c.from) || !rank.has(c.to)) continue;
    out.set(c.from, [...(out.get(c.from) ?? []), c]);
    const pair = `${c.from}\u0000${c.to}`;
    const smallest = smallestOfPair.get(pair);
    if (smallest === undefined || c.id < smallest) smallestOfPair.set(pair, c.id);
  }
  const loops: FeedbackLoop[] = [];
  const truncatedBy = new Set<LoopTruncation>();
  const onPath = new Set<string>();
  const elementPath: string[] = [];
  const connectionPath: LoopConnectionInput[] = [];
  let steps = 0;
  const walk = (start: string, at: string): boolean => {
    for (const c of out.get(at) ?? []) {
      if ((++steps & 1023) === 0 && performance.now() > deadline) {
        truncatedBy.add('time');
        return false;
      }
      if (c.to === start) {
        if (loops.length >= options.maxLoops) {
          truncatedBy.add('maxLoops');
          return false;
        }
        const connections = [...connectionPath, c];
        const elementIds = [...elementPath];
        const canonical = connections.every((x) => smallestOfPair.get(`${x.from}\u0000${x.to}`) === x.id);
        const connectionIds = connections.map((x) => x.id);
        loops.push({
          key: canonical ? loopKey(elementIds) : loopKey(elementIds, connectionIds),
          elementIds,
          connectionIds,
          length: elementIds.length,
          ...classifyLoop(connections.map((x) => x.polarity)),
        });
        continue;
      }
      if (rank.get(c.to)! < rank.get(start)! || onPath.has(c.to)) continue;
      if (elementPath.length >= options.maxLength) {
        truncatedBy.add('maxLength');
        continue;
      }
      onPath.add(c.to);
      elementPath.push(c.to);
      connectionPath.push(c);
      const goOn = walk(start, c.to);
      onPath.delete(c.to);
      elementPath.pop();
      connectionPath.pop();
      if (!goOn) return false;
    }
    return true;
  };
  for (const start of ids) {
    onPath.add(start);
    elementPath.push(start);
    const goOn = walk(start, start);
    onPath.delete(start);
    elementPath.pop();
    if (!goOn) break;
  }
  loops.sort((a, b) => a.length - b.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { loops, truncated: truncatedBy.size > 0, truncatedBy: [...truncatedBy].sort(), elapsedMs: performance.now() - started };
}

// ---- measuring ----------------------------------------------------------------------------

interface Measured {
  p50: number;
  p95: number;
  max: number;
  result: LoopSearchResult;
  /** Timed runs the time budget stopped; their loop counts vary with the machine's speed. */
  timeCut: number;
}

function measure(run: () => LoopSearchResult, repeats: number, warmups: number): Measured {
  for (let i = 0; i < warmups; i++) run();
  const times: number[] = [];
  let result: LoopSearchResult | undefined;
  let timeCut = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    result = run();
    times.push(performance.now() - t0);
    if (result.truncatedBy.includes('time')) timeCut++;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: times[times.length - 1]!, result: result!, timeCut };
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(6);
const outcome = ({ result: r, timeCut }: Measured, repeats: number) =>
  `${String(r.loops.length).padStart(6)}  ${(r.truncated ? r.truncatedBy.join('+') : 'complete').padEnd(20)} ${timeCut ? `${timeCut}/${repeats}` : '-'}`.padEnd(34);

function main(): void {
  const { values } = parseArgs({ options: { repeats: { type: 'string', default: '20' }, warmups: { type: 'string', default: '5' } } });
  const repeats = Number(values.repeats);
  const warmups = Number(values.warmups);

  // `uncapped`: maps whose every loop up to maxLength can be listed in reasonable time.
  const cases: { name: string; input: LoopInput; uncapped: boolean }[] = [
    { name: 'random 2000 el / 4000 conn', input: randomLoopMap(seededRandom(20261122), 2000, 4000, POLARITY_MIX), uncapped: true },
    ...[8, 10, 12, 14].map((n) => ({ name: `complete digraph K${n}`, input: completeDigraph(n), uncapped: n === 8 })),
    { name: 'ladder, 500 rungs', input: ladder(500), uncapped: true },
  ];
  const defaults = { ...LOOP_SEARCH_DEFAULTS };
  const modes: { name: string; options: Required<Omit<LoopSearchOptions, 'now'>>; only?: (c: (typeof cases)[number]) => boolean }[] = [
    { name: 'default bounds', options: defaults },
    { name: 'no time budget', options: { ...defaults, timeBudgetMs: Infinity } },
    { name: 'no loop cap, no time budget', options: { ...defaults, maxLoops: Infinity, timeBudgetMs: Infinity }, only: (c) => c.uncapped },
  ];

  console.log(`Loop detection: findLoops vs naive DFS, ${repeats} timed runs after ${warmups} warm-ups (ms)`);
  console.log(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`defaults: maxLoops ${defaults.maxLoops}, maxLength ${defaults.maxLength}, time budget ${defaults.timeBudgetMs} ms`);
  for (const mode of modes) {
    console.log(`\n== ${mode.name} (maxLoops ${mode.options.maxLoops}, maxLength ${mode.options.maxLength}, budget ${mode.options.timeBudgetMs} ms)`);
    console.log(`${'map'.padEnd(28)} ${'who'.padEnd(9)}   p50    p95    max   loops  stopped by (last run)  time-cut  naive/ours p50`);
    for (const c of cases) {
      if (mode.only && !mode.only(c)) continue;
      const ours = measure(() => findLoops(c.input, mode.options), repeats, warmups);
      const ref = measure(() => naiveLoops(c.input, mode.options), repeats, warmups);
      // Both searched the same space to the end (a length bound cuts both alike): compare.
      const finished = (r: LoopSearchResult) => !r.truncatedBy.includes('time') && !r.truncatedBy.includes('maxLoops');
      const same =
        finished(ours.result) && finished(ref.result)
          ? ours.result.loops.map((l) => l.key).join() === ref.result.loops.map((l) => l.key).join()
            ? '  (same loops)'
            : '  (LOOPS DIFFER)'
          : '';
      console.log(`${c.name.padEnd(28)} ${'findLoops'.padEnd(9)} ${ms(ours.p50)} ${ms(ours.p95)} ${ms(ours.max)}  ${outcome(ours, repeats)}`);
      console.log(`${''.padEnd(28)} ${'naive'.padEnd(9)} ${ms(ref.p50)} ${ms(ref.p95)} ${ms(ref.max)}  ${outcome(ref, repeats)}  ${(ref.p50 / ours.p50).toFixed(2)}×${same}`);
    }
  }
}

main();
