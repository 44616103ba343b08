/**
 * `npm run bench:guard`: what the update guard costs per update, against what a room did before
 * it (decode, apply) and against the other way the issue named (apply on a scratch copy of the
 * room's doc first), on a map at the size limits (2,000 elements, 6,000 connections).
 *
 * Each way applies the same stream of honest single-edit updates (renames and moves) to its
 * own copy of the doc; figures are µs per update (median and p95) and ratios to the old path.
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addMapData, moveElements, readMap, updateElement, type Actor } from '../shared/map/doc.js';
import { gridMap } from '../shared/map/fixtures/gridMap.js';
import { applyGuarded, checkDecodedUpdate, dropPending, metaOf, withoutKnown } from '../server/ydoc/guard.js';
import { numberOption, percentile } from './common.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? ''] as const));
const elements = numberOption('elements', args.get('--elements') ?? '2000', 10, 20_000);
const connections = numberOption('connections', args.get('--connections') ?? '6000', 0, 60_000);
const updatesCount = numberOption('updates', args.get('--updates') ?? '300', 10, 100_000);
const scratchCount = Math.min(updatesCount, 30);

const actor: Actor = { userId: 'bench', name: 'Bench', organisation: 'Bench' };
const source = new Y.Doc();
addMapData(source, gridMap(elements, connections, 1), actor);
const base = Y.encodeStateAsUpdate(source);
const ids = readMap(source).elements.map((e) => e.id);

// The stream of honest edits, each as the update its transaction emitted.
const stream: Uint8Array[] = [];
source.on('update', (u: Uint8Array) => stream.push(u));
for (let i = 0; i < updatesCount; i++) {
  const id = ids[i % ids.length]!;
  if (i % 2) updateElement(source, id, { label: `Renamed ${i}` }, actor);
  else moveElements(source, [{ id, x: i * 3, y: i * 2 }]);
}

function fresh(): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  return doc;
}

function time(label: string, count: number, each: (doc: Y.Doc, update: Uint8Array) => void): number[] {
  const doc = fresh();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const update = stream[i]!;
    const t0 = performance.now();
    each(doc, update);
    out.push((performance.now() - t0) * 1000);
  }
  out.sort((a, b) => a - b);
  console.log(`${label.padEnd(56)} p50 ${percentile(out, 50).toFixed(1).padStart(9)} µs   p95 ${percentile(out, 95).toFixed(1).padStart(9)} µs`);
  return out;
}

console.log(`map of ${elements} elements and ${connections} connections: ${(base.byteLength / 1024 / 1024).toFixed(2)} MB encoded; ${updatesCount} single-edit updates`);
// What a room did before the guard: the frame's update decoded (to refuse garbage), then applied.
const bare = time('before: decode, apply (reference)', updatesCount, (doc, u) => {
  Y.decodeUpdate(u);
  Y.applyUpdate(doc, u);
});
// What a room does now, in the same order.
const guarded = time('now: decode, check, trim, apply, check the transaction', updatesCount, (doc, u) => {
  const decoded = Y.decodeUpdate(u);
  if (checkDecodedUpdate(decoded) !== null) throw new Error('an honest update was refused');
  const error = applyGuarded(doc, withoutKnown(doc, u, metaOf(decoded)), null, { checkPlacement: true });
  if (error) throw error;
  dropPending(doc);
});
const scratch = time(`the other way: apply on a scratch copy first (${scratchCount})`, scratchCount, (doc, u) => {
  Y.decodeUpdate(u);
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  Y.applyUpdate(copy, u);
  copy.destroy();
  Y.applyUpdate(doc, u);
});
const ratio = (a: number[], p: number) => (percentile(a, p) / percentile(bare, p)).toFixed(2);
console.log(`now / before: p50 ${ratio(guarded, 50)}×, p95 ${ratio(guarded, 95)}×`);
console.log(`scratch copy / before: p50 ${ratio(scratch, 50)}×, p95 ${ratio(scratch, 95)}×`);
