/**
 * Tidy layout benchmark: `tidyLayout` (force pass, then overlap removal) on the map
 * `npm run bench:map` draws (a seeded random map, default 2,000 elements and 4,000 connections),
 * on the demo map and on every archetype template, with the drawing's quality beside the time.
 *
 *   npm run bench:layout
 *   npm run bench:layout -- --elements 2000 --connections 4000 --repeats 5 --aspect 1.6
 *
 * Per map: median and worst wall time of `--repeats` runs (after one warm-up), median CPU time, the bounding box's
 * aspect (width ÷ height; wanted 0.5–2), overlapping box pairs (wanted 0), the mean connection
 * length in box widths, and for the large map a tidy of 50 selected elements among the rest.
 * Target: the whole large map in under 1 s.
 *
 * It prints figures; it asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gridMap } from '../shared/map/fixtures/gridMap.js';
import { council, sequentialIds } from '../shared/map/fixtures/sampleMap.js';
import { importKumuCsv } from '../shared/map/kumuCsv.js';
import { boundsOfBoxes, estimateElementBox, tidyLayout, type Rect, type TidyOptions } from '../shared/map/layout.js';
import type { MapData } from '../shared/map/model.js';
import { TEMPLATE_IDS, instantiate } from '../shared/map/templates.js';
import { numberOption, percentile } from './common.js';

const TARGET_MS = 1000;

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '4000' },
    repeats: { type: 'string', default: '5' },
    aspect: { type: 'string', default: String(1238 / 756) },
    seed: { type: 'string', default: '1' },
  },
});
const elements = numberOption('elements', values.elements, 2, 10_000);
const connections = numberOption('connections', values.connections, 0, 30_000);
const repeats = numberOption('repeats', values.repeats, 1, 100);
const aspect = numberOption('aspect', values.aspect, 0.2, 5);
const seed = numberOption('seed', values.seed, 0, 2 ** 31);

function demoMap(): MapData {
  const fixture = (name: string) => readFileSync(new URL(`../shared/map/fixtures/${name}`, import.meta.url), 'utf8');
  const imported = importKumuCsv(
    { elements: fixture('torbay-dementia-elements.csv'), connections: fixture('torbay-dementia-connections.csv') },
    { newId: sequentialIds('demo'), by: council },
  );
  if (!imported.ok) throw new Error('The demo map does not import.');
  return imported.map;
}

interface Quality {
  aspect: number;
  overlaps: number;
  meanLink: number;
}

/** Aspect, overlapping pairs (a sweep over x) and mean link length of a map after a tidy. */
function quality(map: MapData, moves: { id: string; x: number; y: number }[]): Quality {
  const moved = new Map(moves.map((m) => [m.id, m]));
  const boxes = new Map<string, Rect>(
    map.elements.map((e) => {
      const at = moved.get(e.id) ?? e;
      return [e.id, { x: at.x, y: at.y, ...estimateElementBox(e) }];
    }),
  );
  const sorted = [...boxes.values()].sort((a, b) => a.x - b.x);
  let overlaps = 0;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < a.x + a.width; j++) {
      const b = sorted[j]!;
      if (a.y < b.y + b.height && b.y < a.y + a.height) overlaps++;
    }
  }
  const bounds = boundsOfBoxes(sorted);
  const centre = (r: Rect) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
  const lengths = map.connections.map((c) => {
    const [a, b] = [centre(boxes.get(c.from)!), centre(boxes.get(c.to)!)];
    return Math.hypot(a.x - b.x, a.y - b.y);
  });
  const meanLink = lengths.length ? lengths.reduce((s, l) => s + l, 0) / lengths.length / 160 : 0;
  return { aspect: bounds.width / bounds.height, overlaps, meanLink };
}

/** Wall-clock times, and the process's CPU time (what a busy machine's wall clock overstates). */
function time(map: MapData, options: TidyOptions): { ms: number[]; cpuMs: number[]; moves: ReturnType<typeof tidyLayout> } {
  let moves = tidyLayout(map, options);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    moves = tidyLayout(map, options);
    ms.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { ms: ms.sort((a, b) => a - b), cpuMs: cpuMs.sort((a, b) => a - b), moves };
}

const f = (n: number, digits = 1) => n.toFixed(digits);
console.log(`tidy layout · node ${process.version} · ${cpus()[0]?.model ?? '?'} ×${cpus().length} · load ${loadavg().map((l) => f(l, 2)).join(' ')}`);
console.log(`aspect asked for ${f(aspect, 2)}; ${repeats} timed runs per map after one warm-up\n`);
console.log(['map'.padEnd(34), 'elements', 'links', 'median ms', 'worst ms', 'cpu ms', 'aspect', 'overlaps', 'mean link (box widths)'].join('  '));

const cases: [string, MapData, TidyOptions][] = [
  ...TEMPLATE_IDS.map((id) => [id, instantiate(id, sequentialIds(), council), { aspect, seed }] as [string, MapData, TidyOptions]).filter(([, m]) => m.connections.length > 0),
  ['demo (dementia-friendly high streets)', demoMap(), { aspect, seed }],
];
const large = gridMap(elements, connections, 42);
cases.push([`bench map (${elements} / ${connections})`, large, { aspect, seed }]);
// 50 elements picked across the map, tidied among the 1,950 that stay.
const picked = large.elements.filter((_, i) => i % Math.max(1, Math.floor(elements / 50)) === 0).slice(0, 50);
cases.push([`bench map, ${picked.length} selected`, large, { aspect, seed, move: picked.map((e) => e.id) }]);

let largeMs = NaN;
for (const [name, map, options] of cases) {
  const { ms, cpuMs, moves } = time(map, options);
  const q = quality(map, moves);
  if (name.startsWith('bench map (')) largeMs = percentile(ms, 50);
  console.log(
    [
      name.padEnd(34),
      String(map.elements.length).padStart(8),
      String(map.connections.length).padStart(5),
      f(percentile(ms, 50)).padStart(9),
      f(ms[ms.length - 1]!).padStart(8),
      f(percentile(cpuMs, 50)).padStart(6),
      f(q.aspect, 2).padStart(6),
      String(q.overlaps).padStart(8),
      f(q.meanLink, 2).padStart(22),
    ].join('  '),
  );
}
console.log(`\nwhole bench map: median ${f(largeMs)} ms (target < ${TARGET_MS} ms) ${largeMs < TARGET_MS ? 'ok' : 'OVER TARGET'}`);
