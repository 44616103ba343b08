/**
 * Feedback loops of a causal loop diagram: every elementary directed cycle of the map, found
 * live while people draw, and classified from the polarities of its connections.
 *
 * The search is Johnson's algorithm (1975) with two additions that keep it cheap and bounded
 * inside a browser frame:
 *
 * - Before searching from a start element `s`, a reverse breadth-first search gives every
 *   element its distance back to `s`. A path is only extended through an element that can
 *   still close into a loop within `maxLength`, so a length bound prunes the search instead
 *   of merely cutting the output (the idea of Gupta and Suzumura's bounded-length search,
 *   in its simplest form).
 * - Johnson's blocking assumes a blocked element truly cannot reach `s`. A path cut by the
 *   length bound proves nothing of the kind, so a cut counts as "found" and unblocks, exactly
 *   as a closed loop does. Blocking then only ever skips work that is certain to be fruitless.
 *
 * Every bound (`maxLoops`, `maxLength`, a time budget) is reported when it stopped the search,
 * so the editor can say that the list is incomplete rather than silently show part of it.
 *
 * Pure and framework-free: used by the client (live, in the loops panel) and the server.
 */
import type { LoopNote, MapConnection, MapData, MapElement, Polarity } from './model.js';

export type LoopType = 'reinforcing' | 'balancing' | 'unknown';

export interface FeedbackLoop {
  /** Stable identity across edits that keep the loop; see {@link loopKey}. */
  key: string;
  /** Elements in cycle order, starting at the smallest id (code-unit order). */
  elementIds: string[];
  /** `connectionIds[i]` goes from `elementIds[i]` to `elementIds[(i + 1) % length]`. */
  connectionIds: string[];
  length: number;
  type: LoopType;
  /** How many of the loop's connections have polarity `?`. */
  unknownCount: number;
}

export type LoopElementInput = Pick<MapElement, 'id'>;
export type LoopConnectionInput = Pick<MapConnection, 'id' | 'from' | 'to' | 'polarity'>;

export interface LoopInput {
  elements: readonly LoopElementInput[];
  connections: readonly LoopConnectionInput[];
}

export interface LoopSearchOptions {
  /** Stop after this many loops (default 1000). */
  maxLoops?: number;
  /** Longest loop to list, in elements (default 12); `Infinity` lists every length. */
  maxLength?: number;
  /** Stop searching after this many milliseconds (default 40); `Infinity` never stops. */
  timeBudgetMs?: number;
  /** The clock, in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

export const LOOP_SEARCH_DEFAULTS = { maxLoops: 1000, maxLength: 12, timeBudgetMs: 40 } as const;

/**
 * Why a result may be incomplete:
 * - `maxLoops`: there were more loops than `maxLoops` (certain);
 * - `maxLength`: the search cut paths that could only close beyond `maxLength`, so longer
 *   loops may exist (may: proving one exists is as hard as the search itself);
 * - `time`: the time budget ran out.
 */
export type LoopTruncation = 'maxLoops' | 'maxLength' | 'time';

export interface LoopSearchResult {
  /** Shortest first, then by key. */
  loops: FeedbackLoop[];
  truncated: boolean;
  /** Empty when `truncated` is false. */
  truncatedBy: LoopTruncation[];
  elapsedMs: number;
}

/**
 * Reinforcing when the loop has an even number of `-` connections (two opposite moves cancel
 * out), balancing when odd, unknown as soon as one polarity is `?`: a single unknown link can
 * flip the whole loop, so guessing would mislead.
 */
export function classifyLoop(polarities: readonly Polarity[]): { type: LoopType; unknownCount: number } {
  let negative = 0;
  let unknownCount = 0;
  for (const p of polarities) {
    if (p === '-') negative++;
    else if (p === '?') unknownCount++;
  }
  return { type: loopType(negative, unknownCount), unknownCount };
}

function loopType(negative: number, unknownCount: number): LoopType {
  return unknownCount > 0 ? 'unknown' : negative % 2 === 0 ? 'reinforcing' : 'balancing';
}

const KEY_STEP = '>';
const KEY_CONNECTIONS = '|';
// encodeURIComponent leaves the usual URL-safe ids as they are and escapes `>` and `|`, so a
// key reads like `a>b>c` and still cannot be forged by an id that contains the separators.
const encodeId = encodeURIComponent;

/**
 * The key of a loop. It is built from the element sequence, rotated to start at the smallest
 * id, so it survives moves, label and polarity edits, and any connection added or removed
 * elsewhere; a loop note keyed by it follows the loop and not one connection's id (people
 * often delete and redraw an arrow, and a redrawn arrow should keep the loop's name).
 *
 * Parallel connections (two arrows from A to B) make several loops with the same elements.
 * The one that takes, at every step, the connection with the smallest id keeps the plain
 * element key; each other variant adds its connection ids after `|`. So a map without
 * parallel connections (nearly every map) has element-only keys, and adding a parallel arrow
 * leaves the existing note on the element loop instead of breaking it. Pass `connectionIds`
 * only for such a non-canonical variant.
 */
export function loopKey(elementIds: readonly string[], connectionIds?: readonly string[]): string {
  return joinKey(elementIds.map(encodeId), connectionIds?.map(encodeId));
}

function joinKey(encodedElements: readonly string[], encodedConnections: readonly string[] | undefined): string {
  const elements = encodedElements.join(KEY_STEP);
  return encodedConnections ? elements + KEY_CONNECTIONS + encodedConnections.join(KEY_STEP) : elements;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The map as compact integer arrays. Elements are numbered in id order, so Johnson's search,
 * which starts each loop at its smallest-numbered element, yields loops already rotated to
 * their smallest id. Connections whose ends are not elements of the map (a half-applied
 * remote delete) are left out, as are repeated ids.
 */
interface MapIndex {
  ids: string[];
  /** `ids` encoded for keys once, not once per loop: a dense map yields many loops per id. */
  encodedIds: string[];
  indexOf: Map<string, number>;
  connections: LoopConnectionInput[];
  /** Distinct successors of node v: `succ[succStart[v] .. succStart[v + 1]]`, ascending. */
  succStart: Int32Array;
  succ: Int32Array;
  /** For each successor slot: the connections from v to that successor, by ascending id. */
  slotConnections: number[][];
  /** Distinct predecessors of node v, likewise (self-loops excluded from both). */
  predStart: Int32Array;
  pred: Int32Array;
  /** Self-loop connections of node v, by ascending id. */
  selfLoops: Map<number, number[]>;
}

function buildIndex(input: LoopInput): MapIndex {
  const ids = [...new Set(input.elements.map((e) => e.id))].sort(compareIds);
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;

  const seen = new Set<string>();
  const connections: LoopConnectionInput[] = [];
  for (const c of input.connections) {
    if (seen.has(c.id) || !indexOf.has(c.from) || !indexOf.has(c.to)) continue;
    seen.add(c.id);
    connections.push(c);
  }
  const byId = connections.map((_, i) => i).sort((a, b) => compareIds(connections[a]!.id, connections[b]!.id));

  // Group connections by ordered pair; since `byId` is in id order, each group is too.
  const selfLoops = new Map<number, number[]>();
  const pairs = new Map<number, number[]>();
  for (const ci of byId) {
    const c = connections[ci]!;
    const from = indexOf.get(c.from)!;
    const to = indexOf.get(c.to)!;
    const target = from === to ? selfLoops : pairs;
    const pairKey = from === to ? from : from * n + to;
    const group = target.get(pairKey);
    if (group) group.push(ci);
    else target.set(pairKey, [ci]);
  }

  const pairKeys = [...pairs.keys()].sort((a, b) => a - b);
  const succStart = new Int32Array(n + 1);
  const predStart = new Int32Array(n + 1);
  for (const key of pairKeys) {
    succStart[Math.floor(key / n) + 1]!++;
    predStart[(key % n) + 1]!++;
  }
  for (let v = 0; v < n; v++) {
    succStart[v + 1]! += succStart[v]!;
    predStart[v + 1]! += predStart[v]!;
  }
  const succ = new Int32Array(pairKeys.length);
  const pred = new Int32Array(pairKeys.length);
  const slotConnections: number[][] = new Array<number[]>(pairKeys.length);
  const predFill = predStart.slice(0, n);
  // Pair keys ascend by (from, to), so successor slots fill in order and stay sorted.
  pairKeys.forEach((key, slot) => {
    const from = Math.floor(key / n);
    const to = key % n;
    succ[slot] = to;
    slotConnections[slot] = pairs.get(key)!;
    pred[predFill[to]!++] = from;
  });
  return { ids, encodedIds: ids.map(encodeId), indexOf, connections, succStart, succ, slotConnections, predStart, pred, selfLoops };
}

/** The successor slot from `v` to `w`, or -1 (binary search: successors are sorted). */
function slotOf(index: MapIndex, v: number, w: number): number {
  let lo = index.succStart[v]!;
  let hi = index.succStart[v + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = index.succ[mid]!;
    if (x === w) return mid;
    if (x < w) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Strongly connected components (Tarjan, iterative so a long chain of elements cannot
 * overflow the call stack). Returns each node's component number; a loop of two or more
 * elements always lies inside one component.
 */
function components(index: MapIndex): Int32Array {
  const n = index.ids.length;
  const { succStart, succ } = index;
  const comp = new Int32Array(n).fill(-1);
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode = new Int32Array(n);
  const callSlot = new Int32Array(n);
  let counter = 0;
  let compCount = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callSlot[0] = succStart[root]!;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const slot = callSlot[depth]!;
      if (slot < succStart[v + 1]!) {
        callSlot[depth] = slot + 1;
        const w = succ[slot]!;
        if (order[w] === -1) {
          depth++;
          callNode[depth] = w;
          callSlot[depth] = succStart[w]!;
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      if (low[v] === order[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = compCount;
        } while (w !== v);
        compCount++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }
  return comp;
}

function makeLoop(
  index: MapIndex,
  nodes: ArrayLike<number>,
  connectionIndices: ArrayLike<number>,
  length: number,
  canonical: boolean,
): FeedbackLoop {
  // One pass and no intermediate arrays: a dense map can yield thousands of loops per frame,
  // and allocation (garbage collection) is then most of the cost.
  const elementIds = new Array<string>(length);
  const connectionIds = new Array<string>(length);
  let key = '';
  let negative = 0;
  let unknownCount = 0;
  for (let i = 0; i < length; i++) {
    const c = index.connections[connectionIndices[i]!]!;
    elementIds[i] = index.ids[nodes[i]!]!;
    connectionIds[i] = c.id;
    key += (i === 0 ? '' : KEY_STEP) + index.encodedIds[nodes[i]!]!;
    if (c.polarity === '-') negative++;
    else if (c.polarity === '?') unknownCount++;
  }
  if (!canonical) key = joinKey([key], connectionIds.map(encodeId));
  return { key, elementIds, connectionIds, length, type: loopType(negative, unknownCount), unknownCount };
}

function byLengthThenKey(a: FeedbackLoop, b: FeedbackLoop): number {
  return a.length - b.length || compareIds(a.key, b.key);
}

class StopSearch extends Error {}

/** Records the loop(s) through `nodes[0..length)`; `slotLists[i]` holds the connections from
 *  `nodes[i]` to the next node, by ascending id. */
type Emit = (nodes: ArrayLike<number>, slotLists: readonly (readonly number[])[], length: number) => void;

/**
 * Every feedback loop of the map, up to the bounds in `options`.
 *
 * Self-loops (a connection from an element to itself) are loops of length 1. Each distinct
 * path of connections is its own loop, so two parallel connections A→B with one B→A make two
 * loops. Loops are sorted shortest first, then by key; when the search is truncated the list
 * holds the loops found before it stopped, which are not necessarily the shortest.
 *
 * @example
 * findLoops({
 *   elements: [{ id: 'a' }, { id: 'b' }],
 *   connections: [
 *     { id: 'c1', from: 'a', to: 'b', polarity: '+' },
 *     { id: 'c2', from: 'b', to: 'a', polarity: '-' },
 *   ],
 * }).loops
 * // [{ key: 'a>b', elementIds: ['a', 'b'], connectionIds: ['c1', 'c2'], length: 2,
 * //    type: 'balancing', unknownCount: 0 }]
 */
export function findLoops(input: LoopInput, options: LoopSearchOptions = {}): LoopSearchResult {
  const maxLoops = options.maxLoops ?? LOOP_SEARCH_DEFAULTS.maxLoops;
  const maxLength = options.maxLength ?? LOOP_SEARCH_DEFAULTS.maxLength;
  const timeBudgetMs = options.timeBudgetMs ?? LOOP_SEARCH_DEFAULTS.timeBudgetMs;
  const now = options.now ?? (() => performance.now());
  if (!(maxLoops >= 0)) throw new RangeError(`maxLoops must be 0 or more, got ${maxLoops}`);
  if (!(maxLength >= 1)) throw new RangeError(`maxLength must be 1 or more, got ${maxLength}`);
  if (!(timeBudgetMs >= 0)) throw new RangeError(`timeBudgetMs must be 0 or more, got ${timeBudgetMs}`);

  const started = now();
  const deadline = started + timeBudgetMs;
  const index = buildIndex(input);
  const loops: FeedbackLoop[] = [];
  const truncatedBy = new Set<LoopTruncation>();
  let steps = 0;
  // Reading the clock costs more than a search step, so look at it every 1024 steps (well
  // under a millisecond of work) rather than on each one.
  const tick = () => {
    if ((++steps & 1023) === 0 && now() > deadline) {
      truncatedBy.add('time');
      throw new StopSearch();
    }
  };
  // Scratch buffers reused for every loop, so that only the loops themselves are allocated.
  const choice = new Int32Array(index.ids.length);
  const chosen = new Int32Array(index.ids.length);
  const emit: Emit = (nodes, slotLists, length) => {
    // Expand parallel connections: every combination is its own loop. Combination 0 (the
    // smallest connection id at each step) is the canonical one that keeps the plain key.
    choice.fill(0, 0, length);
    for (let canonical = true; ; canonical = false) {
      if (loops.length >= maxLoops) {
        truncatedBy.add('maxLoops');
        throw new StopSearch();
      }
      for (let i = 0; i < length; i++) chosen[i] = slotLists[i]![choice[i]!]!;
      loops.push(makeLoop(index, nodes, chosen, length, canonical));
      let step = 0;
      while (step < length && ++choice[step]! === slotLists[step]!.length) choice[step++] = 0;
      if (step === length) return;
    }
  };

  try {
    for (const [v, list] of index.selfLoops) emit([v], [list], 1);
    johnson(index, maxLength, emit, tick, () => truncatedBy.add('maxLength'));
  } catch (error) {
    if (!(error instanceof StopSearch)) throw error;
  }
  loops.sort(byLengthThenKey);
  return { loops, truncated: truncatedBy.size > 0, truncatedBy: [...truncatedBy].sort(), elapsedMs: now() - started };
}

/**
 * Johnson's elementary-circuit search over the distinct-successor graph (self-loops are
 * handled by the caller), iterative so a long loop cannot overflow the call stack. For each
 * start node s, in ascending order, it enumerates the loops whose smallest node is s.
 */
function johnson(
  index: MapIndex,
  maxLength: number,
  emit: Emit,
  tick: () => void,
  lengthCut: () => void,
): void {
  const n = index.ids.length;
  const { succStart, succ, predStart, pred, slotConnections } = index;
  const comp = components(index);
  const compSize = new Int32Array(n);
  for (let v = 0; v < n; v++) compSize[comp[v]!]!++;

  // dist[w]: shortest distance from w back to s among nodes >= s of s's component, valid
  // where distStamp[w] === s + 1 (stamps save clearing the array for every start).
  const dist = new Int32Array(n);
  const distStamp = new Int32Array(n);
  const queue = new Int32Array(n);
  const blocked = new Uint8Array(n);
  // blockedBy[w]: nodes that stay blocked until w is unblocked (Johnson's B(w)).
  const blockedBy: number[][] = new Array<number[]>(n);
  // Nodes entered while searching from s, each listed once, to reset after that start.
  const touched: number[] = [];
  const touchedStamp = new Int32Array(n);
  const path = new Int32Array(n);
  const pathSlot = new Int32Array(n);
  const nextSlot = new Int32Array(n);
  const found = new Uint8Array(n);
  const slotLists: number[][] = [];

  const work: number[] = [];
  const unblock = (u: number) => {
    work.push(u);
    while (work.length > 0) {
      const x = work.pop()!;
      if (!blocked[x]) continue;
      blocked[x] = 0;
      const waiting = blockedBy[x];
      if (waiting) {
        for (const y of waiting) if (blocked[y]) work.push(y);
        waiting.length = 0;
      }
    }
  };

  for (let s = 0; s < n; s++) {
    if (compSize[comp[s]!]! < 2) continue;
    const c = comp[s]!;
    const stamp = s + 1;

    // Reverse BFS from s within the live subgraph (nodes >= s of s's component), no deeper
    // than maxLength - 1: a node farther from s can never be on a listed loop through s, so
    // the search ignores it (unstamped), and only notes that longer loops may exist. On a
    // large sparse map this bound is what keeps the search from costing elements².
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    dist[s] = 0;
    distStamp[s] = stamp;
    while (head < tail) {
      const x = queue[head++]!;
      const beyond = dist[x]! + 1 >= maxLength;
      for (let p = predStart[x]!; p < predStart[x + 1]!; p++) {
        tick();
        const y = pred[p]!;
        if (y <= s || comp[y] !== c || distStamp[y] === stamp) continue;
        if (beyond) {
          lengthCut();
          break;
        }
        distStamp[y] = stamp;
        dist[y] = dist[x]! + 1;
        queue[tail++] = y;
      }
    }
    // Later starts only see larger nodes, so s's component shrinks by one for them.
    compSize[c]!--;

    let depth = 0;
    path[0] = s;
    nextSlot[0] = succStart[s]!;
    found[0] = 0;
    blocked[s] = 1;
    touched.push(s);
    touchedStamp[s] = stamp;
    while (depth >= 0) {
      const v = path[depth]!;
      const slot = nextSlot[depth]!;
      if (slot < succStart[v + 1]!) {
        nextSlot[depth] = slot + 1;
        tick();
        const w = succ[slot]!;
        if (w === s) {
          // Within maxLength by construction: v was only entered with depth + dist[v] <= maxLength.
          for (let i = 0; i < depth; i++) slotLists[i] = slotConnections[pathSlot[i]!]!;
          slotLists[depth] = slotConnections[slot]!;
          emit(path, slotLists, depth + 1);
          found[depth] = 1;
          continue;
        }
        // Blocked (on the path, or shown unable to reach s) comes first: such a w adds
        // nothing at any length, and v will wait on it as Johnson's algorithm has it.
        if (distStamp[w] !== stamp || blocked[w]) continue;
        if (depth + 1 + dist[w]! > maxLength) {
          // Too far to close from here, but maybe not from a shorter path: a cut proves
          // nothing about w, so treat it like a find and let v be unblocked.
          lengthCut();
          found[depth] = 1;
          continue;
        }
        pathSlot[depth] = slot;
        depth++;
        path[depth] = w;
        nextSlot[depth] = succStart[w]!;
        found[depth] = 0;
        blocked[w] = 1;
        if (touchedStamp[w] !== stamp) {
          touchedStamp[w] = stamp;
          touched.push(w);
        }
        continue;
      }
      if (found[depth]) {
        unblock(v);
      } else {
        // No loop through v for now: v stays blocked until a successor it waits on frees up.
        for (let sl = succStart[v]!; sl < succStart[v + 1]!; sl++) {
          const w = succ[sl]!;
          if (distStamp[w] !== stamp || w === s) continue;
          const waiting = (blockedBy[w] ??= []);
          if (!waiting.includes(v)) waiting.push(v);
        }
      }
      const foundHere = found[depth]!;
      depth--;
      if (depth >= 0 && foundHere) found[depth] = 1;
    }
    for (const t of touched) {
      blocked[t] = 0;
      if (blockedBy[t]) blockedBy[t].length = 0;
    }
    touched.length = 0;
  }
}

/** A loop note matched to the loop it is kept on. */
export interface LoopNoteMatch<N> {
  note: N;
  loop: FeedbackLoop;
  /** False when the loop exists but is not in the search result (longer than `maxLength`, or
   *  the search was cut short); the loop is then rebuilt from the note's key. */
  listed: boolean;
}

export interface LoopNoteMatches<N> {
  kept: LoopNoteMatch<N>[];
  /** Notes whose loop no longer exists: "this loop was broken". */
  broken: N[];
}

/**
 * Matches loop notes to loops by key and says which notes lost their loop.
 *
 * A note whose key is not among `result.loops` is not declared broken on that alone: the
 * search may have been bounded. Its loop is rebuilt from the key and checked against the map
 * (every element present, each step still connected), which is exact and costs only the
 * loop's length. The rebuilt loop carries its current key, which differs from the note's when
 * parallel connections changed which variant is canonical (see {@link loopKey}).
 */
export function matchLoopNotes<N extends Pick<LoopNote, 'key'>>(
  notes: readonly N[],
  result: Pick<LoopSearchResult, 'loops'>,
  input: LoopInput,
): LoopNoteMatches<N> {
  const listed = new Map(result.loops.map((loop) => [loop.key, loop]));
  const kept: LoopNoteMatch<N>[] = [];
  const broken: N[] = [];
  let index: MapIndex | undefined;
  for (const note of notes) {
    const direct = listed.get(note.key);
    if (direct) {
      kept.push({ note, loop: direct, listed: true });
      continue;
    }
    index ??= buildIndex(input);
    const rebuilt = loopFromKey(index, note.key);
    if (!rebuilt) broken.push(note);
    else {
      const known = listed.get(rebuilt.key);
      kept.push(known ? { note, loop: known, listed: true } : { note, loop: rebuilt, listed: false });
    }
  }
  return { kept, broken };
}

/**
 * Reads a key made by {@link loopKey} back into its ids, or null when it cannot be one (for
 * code that rewrites keys, such as an import giving elements fresh ids).
 */
export function parseLoopKey(key: string): { elementIds: string[]; connectionIds?: string[] } | null {
  const parts = key.split(KEY_CONNECTIONS);
  if (parts.length > 2 || parts[0] === '') return null;
  try {
    const elementIds = parts[0]!.split(KEY_STEP).map(decodeURIComponent);
    if (parts.length === 1) return { elementIds };
    const connectionIds = parts[1]!.split(KEY_STEP).map(decodeURIComponent);
    return connectionIds.length === elementIds.length ? { elementIds, connectionIds } : null;
  } catch {
    return null; // a malformed %-escape: not a key this module made
  }
}

/** The loop a key names, as the map is now, or null when it no longer exists. */
function loopFromKey(index: MapIndex, key: string): FeedbackLoop | null {
  const parsed = parseLoopKey(key);
  if (!parsed) return null;
  const { elementIds } = parsed;
  let { connectionIds } = parsed;
  const found = elementIds.map((id) => index.indexOf.get(id));
  if (found.some((v) => v === undefined) || new Set(found).size !== found.length) return null;
  const k = found.length;
  // Keys made here always start at the smallest element; rotate anyway so a key written by
  // hand (or by an older version) still finds its loop.
  const first = found.indexOf(Math.min(...(found as number[])));
  const nodes = [...found.slice(first), ...found.slice(0, first)] as number[];
  connectionIds &&= [...connectionIds.slice(first), ...connectionIds.slice(0, first)];

  const chosen: number[] = [];
  let canonical = true;
  for (let i = 0; i < k; i++) {
    const v = nodes[i]!;
    const w = nodes[(i + 1) % k]!;
    const options = v === w ? index.selfLoops.get(v) : index.slotConnections[slotOf(index, v, w)];
    if (!options || options.length === 0) return null;
    if (!connectionIds) {
      chosen.push(options[0]!);
      continue;
    }
    const pick = options.findIndex((ci) => index.connections[ci]!.id === connectionIds[i]);
    if (pick === -1) return null;
    if (pick !== 0) canonical = false;
    chosen.push(options[pick]!);
  }
  return makeLoop(index, nodes, chosen, k, canonical);
}

/**
 * Whether the loop a key names is still on the map: every step of it a connection from one of
 * its elements to the next (the connections the key names, when it names them). Cheap, with no
 * search, for checking a key someone sent (a vote on a loop).
 *
 * @example
 * loopOnMap(readMap(doc), note.key) // false once one of its links is deleted
 */
export function loopOnMap(map: Pick<MapData, 'connections'>, key: string): boolean {
  const parsed = parseLoopKey(key);
  if (!parsed || parsed.elementIds.length === 0) return false;
  const { elementIds, connectionIds } = parsed;
  const byId = new Map(map.connections.map((c) => [c.id, c]));
  return elementIds.every((from, i) => {
    const to = elementIds[(i + 1) % elementIds.length]!;
    if (connectionIds) {
      const c = byId.get(connectionIds[i]!);
      return c !== undefined && c.from === from && c.to === to;
    }
    return map.connections.some((c) => c.from === from && c.to === to);
  });
}
