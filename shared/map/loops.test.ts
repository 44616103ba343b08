import { describe, expect, it } from 'vitest';
import {
  classifyLoop,
  findLoops,
  loopKey,
  loopOnMap,
  matchLoopNotes,
  parseLoopKey,
  type FeedbackLoop,
  type LoopConnectionInput,
  type LoopInput,
} from './loops.js';
import { completeDigraph, randomLoopMap, seededRandom } from './loopsFixtures.js';
import type { Polarity } from './model.js';

const link = (id: string, from: string, to: string, polarity: Polarity = '+'): LoopConnectionInput => ({ id, from, to, polarity });
const map = (ids: string[], connections: LoopConnectionInput[]): LoopInput => ({ elements: ids.map((id) => ({ id })), connections });
/** What a reader of the loops panel sees: the loop's elements, its type. */
const summary = (loops: FeedbackLoop[]) => loops.map((l) => `${l.elementIds.join('→')} ${l.type}`);

describe('loops: system archetypes', () => {
  it('fixes that fail: the fix balances the symptom, its side effect reinforces it', () => {
    const { loops, truncated } = findLoops(
      map(
        ['problem', 'fix', 'consequence'],
        [
          link('c1', 'problem', 'fix', '+'),
          link('c2', 'fix', 'problem', '-'),
          link('c3', 'fix', 'consequence', '+'),
          link('c4', 'consequence', 'problem', '+'),
        ],
      ),
    );
    expect(truncated).toBe(false);
    expect(summary(loops)).toEqual(['fix→problem balancing', 'consequence→problem→fix reinforcing']);
    expect(loops[1]).toMatchObject({ connectionIds: ['c4', 'c1', 'c3'], length: 3, unknownCount: 0 });
  });

  it('limits to growth: growth reinforces until a limit balances it', () => {
    const { loops } = findLoops(
      map(
        ['effort', 'performance', 'slowing', 'limit'],
        [
          link('c1', 'effort', 'performance', '+'),
          link('c2', 'performance', 'effort', '+'),
          link('c3', 'performance', 'slowing', '+'),
          link('c4', 'slowing', 'performance', '-'),
          link('c5', 'limit', 'slowing', '+'),
        ],
      ),
    );
    expect(summary(loops)).toEqual(['effort→performance reinforcing', 'performance→slowing balancing']);
  });

  it('shifting the burden: two balancing fixes and the side effect that erodes the fundamental one', () => {
    const { loops } = findLoops(
      map(
        ['symptom', 'quickFix', 'fundamental', 'sideEffect'],
        [
          link('c1', 'symptom', 'quickFix', '+'),
          link('c2', 'quickFix', 'symptom', '-'),
          link('c3', 'symptom', 'fundamental', '+'),
          link('c4', 'fundamental', 'symptom', '-'),
          link('c5', 'quickFix', 'sideEffect', '+'),
          link('c6', 'sideEffect', 'fundamental', '-'),
        ],
      ),
    );
    expect(summary(loops)).toEqual([
      'fundamental→symptom balancing',
      'quickFix→symptom balancing',
      'fundamental→symptom→quickFix→sideEffect reinforcing',
    ]);
  });
});

describe('loops: structure', () => {
  it('counts a connection from an element to itself as a loop of length 1', () => {
    const { loops } = findLoops(map(['a', 'b'], [link('s1', 'a', 'a', '-'), link('s2', 'a', 'a', '+'), link('c', 'a', 'b')]));
    expect(loops).toEqual([
      { key: 'a', elementIds: ['a'], connectionIds: ['s1'], length: 1, type: 'balancing', unknownCount: 0 },
      { key: 'a|s2', elementIds: ['a'], connectionIds: ['s2'], length: 1, type: 'reinforcing', unknownCount: 0 },
    ]);
  });

  it('makes each path of parallel connections its own loop, with distinct keys', () => {
    const { loops } = findLoops(map(['a', 'b'], [link('c1', 'a', 'b', '+'), link('c3', 'a', 'b', '-'), link('c2', 'b', 'a', '+')]));
    expect(loops.map((l) => [l.key, l.connectionIds, l.type])).toEqual([
      ['a>b', ['c1', 'c2'], 'reinforcing'],
      ['a>b|c3>c2', ['c3', 'c2'], 'balancing'],
    ]);
  });

  it('expands parallel connections at several steps into every combination', () => {
    const { loops } = findLoops(
      map(['a', 'b', 'c'], [link('ab1', 'a', 'b'), link('ab2', 'a', 'b'), link('bc', 'b', 'c'), link('ca1', 'c', 'a'), link('ca2', 'c', 'a'), link('ca3', 'c', 'a')]),
    );
    expect(loops).toHaveLength(6);
    expect(new Set(loops.map((l) => l.key)).size).toBe(6);
    expect(new Set(loops.map((l) => l.connectionIds.join())).size).toBe(6);
    expect(loops.filter((l) => l.key === 'a>b>c')).toHaveLength(1);
  });

  it('finds loops in disconnected parts and ignores chains and dangling connections', () => {
    const { loops } = findLoops(
      map(
        ['a', 'b', 'x', 'y', 'z', 'p', 'q', 'r'],
        [
          link('ab', 'a', 'b'),
          link('ba', 'b', 'a', '-'),
          link('xy', 'x', 'y', '-'),
          link('yz', 'y', 'z', '-'),
          link('zx', 'z', 'x'),
          link('pq', 'p', 'q'),
          link('qr', 'q', 'r'),
          link('to-deleted', 'r', 'gone'),
          link('from-deleted', 'gone', 'p'),
        ],
      ),
    );
    expect(summary(loops)).toEqual(['a→b balancing', 'x→y→z reinforcing']);
  });

  it('flags a loop unknown as soon as one polarity is unknown, and counts the unknowns', () => {
    const { loops } = findLoops(map(['a', 'b', 'c'], [link('1', 'a', 'b', '?'), link('2', 'b', 'c', '-'), link('3', 'c', 'a', '?')]));
    expect(loops).toMatchObject([{ type: 'unknown', unknownCount: 2 }]);
    expect(classifyLoop(['-', '-'])).toEqual({ type: 'reinforcing', unknownCount: 0 });
    expect(classifyLoop(['-', '+', '+'])).toEqual({ type: 'balancing', unknownCount: 0 });
    expect(classifyLoop(['-', '?'])).toEqual({ type: 'unknown', unknownCount: 1 });
  });

  it('starts each loop at its smallest id and sorts shortest first, then by key', () => {
    const { loops } = findLoops(
      map(['m', 'k', 'z', 'b'], [link('1', 'z', 'm'), link('2', 'm', 'k'), link('3', 'k', 'z'), link('4', 'z', 'b'), link('5', 'b', 'z'), link('6', 'k', 'm')]),
    );
    expect(loops.map((l) => l.elementIds)).toEqual([['b', 'z'], ['k', 'm'], ['k', 'z', 'm']]);
    expect(loops[2]!.connectionIds).toEqual(['3', '1', '2']);
  });

  it('counts every loop of a complete digraph (K5 has 84)', () => {
    const { loops, truncated } = findLoops(completeDigraph(5));
    expect(truncated).toBe(false);
    expect(loops).toHaveLength(84);
    expect(loops.map((l) => l.length).filter((n) => n === 5)).toHaveLength(24);
  });

  it('follows a loop of thousands of elements without overflowing the stack', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `e${i}`);
    const connections = ids.map((id, i) => link(`c${i}`, id, ids[(i + 1) % ids.length]!));
    const { loops, truncated } = findLoops(map(ids, connections), { maxLength: Infinity, timeBudgetMs: Infinity });
    expect(truncated).toBe(false);
    expect(loops).toHaveLength(1);
    expect(loops[0]!.length).toBe(20_000);
  });
});

describe('loops: keys', () => {
  const base = () =>
    map(['symptom', 'fix', 'consequence'], [link('c1', 'symptom', 'fix'), link('c2', 'fix', 'symptom', '-'), link('c3', 'fix', 'consequence'), link('c4', 'consequence', 'symptom')]);
  const keys = (input: LoopInput) => findLoops(input).loops.map((l) => l.key);

  it('keeps keys across moves, label edits, polarity changes, input order and unrelated connections', () => {
    const before = keys(base());
    expect(before).toEqual(['fix>symptom', 'consequence>symptom>fix']);

    const edited = base();
    const moved = {
      elements: edited.elements.map((e, i) => ({ ...e, label: `renamed ${i}`, x: i * 100, y: 7 })),
      connections: [...edited.connections]
        .reverse()
        .map((c) => (c.id === 'c2' ? { ...c, polarity: '+' as const } : c))
        .concat(link('c9', 'consequence', 'outsider'), link('c10', 'outsider', 'fix', '?')),
    };
    moved.elements.push({ id: 'outsider', label: 'new', x: 0, y: 0 });
    const after = findLoops(moved).loops;
    for (const key of before) expect(after.map((l) => l.key)).toContain(key);
    expect(after.find((l) => l.key === 'fix>symptom')!.type).toBe('reinforcing');

    const removed = base();
    removed.connections = removed.connections.filter((c) => c.id !== 'c3');
    expect(keys(removed)).toEqual(['fix>symptom']);
  });

  it('keeps the element key of a loop when a parallel connection with a larger id is drawn', () => {
    const withParallel = base();
    withParallel.connections = [...withParallel.connections, link('c5', 'fix', 'symptom', '+')];
    expect(keys(withParallel)).toEqual(['fix>symptom', 'fix>symptom|c5>c1', 'consequence>symptom>fix']);
  });

  it('cannot confuse ids that contain the separators', () => {
    expect(loopKey(['a>b', 'c'])).not.toBe(loopKey(['a', 'b>c']));
    expect(loopKey(['a|b'])).not.toBe(loopKey(['a'], ['b']));
    const { loops } = findLoops(map(['a>b', 'c|d'], [link('x>y', 'a>b', 'c|d'), link('z', 'c|d', 'a>b')]));
    expect(loops[0]!.key).toBe(loopKey(['a>b', 'c|d']));
  });

  it('reads a key back into its ids', () => {
    expect(parseLoopKey(loopKey(['a>b', 'c|d', 'é']))).toEqual({ elementIds: ['a>b', 'c|d', 'é'] });
    expect(parseLoopKey(loopKey(['a', 'b'], ['x|1', 'y']))).toEqual({ elementIds: ['a', 'b'], connectionIds: ['x|1', 'y'] });
    for (const bad of ['', 'a>b|c', 'a|b|c', '%E0%A4%A']) expect(parseLoopKey(bad)).toBeNull();
  });
});

describe('loops: notes', () => {
  const note = (key: string, name = key) => ({ key, name, note: '', updated: { userId: 'u', name: 'U', organisation: 'O', at: '2026-11-22T00:00:00Z' } });

  it('keeps notes on loops that still exist and reports those whose loop was broken', () => {
    const input = map(['a', 'b', 'c'], [link('ab', 'a', 'b'), link('ba', 'b', 'a'), link('bc', 'b', 'c'), link('ca', 'c', 'a')]);
    const notes = [note('a>b', 'Growth'), note('a>b>c', 'Pressure'), note('a>c>b', 'never existed'), note('%E0%A4%A', 'garbled')];
    const before = matchLoopNotes(notes, findLoops(input), input);
    expect(before.kept.map((m) => [m.note.name, m.loop.connectionIds, m.listed])).toEqual([
      ['Growth', ['ab', 'ba'], true],
      ['Pressure', ['ab', 'bc', 'ca'], true],
    ]);
    expect(before.broken.map((n) => n.name)).toEqual(['never existed', 'garbled']);

    input.connections = input.connections.filter((c) => c.id !== 'bc');
    const after = matchLoopNotes(notes, findLoops(input), input);
    expect(after.kept.map((m) => m.note.name)).toEqual(['Growth']);
    expect(after.broken.map((n) => n.name)).toEqual(['Pressure', 'never existed', 'garbled']);
  });

  it('does not call a loop broken just because the bounded search did not list it', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const input = map(ids, ids.map((id, i) => link(`c${i}`, id, ids[(i + 1) % 5]!, '-')));
    const result = findLoops(input, { maxLength: 4 });
    expect(result.loops).toEqual([]);
    const { kept, broken } = matchLoopNotes([note('a>b>c>d>e'), note('b>c>d>e>a')], result, input);
    expect(broken).toEqual([]);
    expect(kept.map((m) => [m.loop.key, m.loop.type, m.listed])).toEqual([
      ['a>b>c>d>e', 'balancing', false],
      ['a>b>c>d>e', 'balancing', false],
    ]);
  });

  it('follows a parallel variant to the element key when the canonical connection is deleted', () => {
    const input = map(['a', 'b'], [link('c1', 'a', 'b'), link('c2', 'b', 'a'), link('c3', 'a', 'b', '-')]);
    expect(findLoops(input).loops.map((l) => l.key)).toEqual(['a>b', 'a>b|c3>c2']);
    input.connections = input.connections.filter((c) => c.id !== 'c1');
    const { kept, broken } = matchLoopNotes([note('a>b|c3>c2', 'the negative one')], findLoops(input), input);
    expect(broken).toEqual([]);
    expect(kept[0]).toMatchObject({ listed: true, loop: { key: 'a>b', connectionIds: ['c3', 'c2'], type: 'balancing' } });
  });
});

describe('loops: bounds', () => {
  it('stops a complete digraph of 12 elements quickly and says why', () => {
    const input = completeDigraph(12);
    const started = performance.now();
    const result = findLoops(input);
    const wall = performance.now() - started;
    expect(result.truncated).toBe(true);
    expect(result.truncatedBy.some((r) => r === 'maxLoops' || r === 'time')).toBe(true);
    // No loop of K12 is longer than 12 elements, so the length bound cut nothing; K13 has some.
    expect(result.truncatedBy).not.toContain('maxLength');
    expect(findLoops(completeDigraph(13)).truncatedBy).toContain('maxLength');
    expect(result.loops.length).toBeLessThanOrEqual(1000);
    // Budget 40 ms; the generous ceiling absorbs a loaded CI machine, an unbounded search
    // (over 10^8 loops) would take minutes.
    expect(wall).toBeLessThan(1500);

    const timed = findLoops(input, { maxLoops: Infinity, maxLength: Infinity, timeBudgetMs: 30 });
    expect(timed.truncatedBy).toEqual(['time']);
    expect(timed.elapsedMs).toBeLessThan(1500);
  });

  it('honours the time budget on the clock it is given', () => {
    let clock = 0;
    const now = () => clock++;
    const result = findLoops(completeDigraph(9), { maxLoops: Infinity, timeBudgetMs: 5, now });
    expect(result.truncatedBy).toEqual(['time']);
    // The clock is read once at the start and once every 1024 steps.
    expect(clock).toBeLessThan(12);
    expect(result.loops.length).toBeGreaterThan(0);
  });

  it('stops at maxLoops only when there are more loops than that', () => {
    const input = completeDigraph(5);
    expect(findLoops(input, { maxLoops: 84 })).toMatchObject({ truncated: false, truncatedBy: [] });
    const cut = findLoops(input, { maxLoops: 83 });
    expect(cut).toMatchObject({ truncated: true, truncatedBy: ['maxLoops'] });
    expect(cut.loops).toHaveLength(83);
    expect(findLoops(input, { maxLoops: 0 }).truncatedBy).toEqual(['maxLoops']);
  });

  it('leaves out loops longer than maxLength and says longer loops may exist', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const ring = map(ids, ids.map((id, i) => link(`c${i}`, id, ids[(i + 1) % 5]!)));
    expect(findLoops(ring, { maxLength: 4 })).toMatchObject({ loops: [], truncated: true, truncatedBy: ['maxLength'] });
    expect(findLoops(ring, { maxLength: 5 })).toMatchObject({ truncated: false });
    expect(findLoops(ring, { maxLength: 5 }).loops).toHaveLength(1);
    const pair = map(['a', 'b'], [link('1', 'a', 'b'), link('2', 'b', 'a'), link('3', 'a', 'a')]);
    expect(findLoops(pair, { maxLength: 1 })).toMatchObject({ truncatedBy: ['maxLength'], loops: [{ key: 'a' }] });
  });

  it('never takes an element twice when the length bound cuts a path', () => {
    // Found by a seeded search against a variant that blocked elements behind a cut path:
    // c→e→f→e→d came out as a "loop".
    const input = map(
      ['b', 'c', 'd', 'e', 'f'],
      ['ef', 'fe', 'dc', 'ed', 'fb', 'ce', 'bf'].map(([from, to]) => link(`${from}${to}`, from!, to!)),
    );
    for (const maxLength of [4, 5, 6]) {
      expect(findLoops(input, { maxLength }).loops.map((l) => l.elementIds.join(''))).toEqual(['bf', 'ef', 'ced']);
    }
  });

  it('refuses bounds that make no sense', () => {
    const input = map(['a'], []);
    expect(() => findLoops(input, { maxLength: 0 })).toThrow(RangeError);
    expect(() => findLoops(input, { maxLoops: -1 })).toThrow(RangeError);
    expect(() => findLoops(input, { timeBudgetMs: Number.NaN })).toThrow(RangeError);
  });
});

/**
 * The reference: every path of connections from every element, closing when it comes back to
 * where it started. Each loop is found once per element it passes through, so loops are
 * compared as connection sequences rotated to their smallest connection id.
 */
function exhaustiveLoops(input: LoopInput, maxLength: number): Map<string, string> {
  const found = new Map<string, string>();
  const out = new Map<string, LoopConnectionInput[]>();
  for (const c of input.connections) out.set(c.from, [...(out.get(c.from) ?? []), c]);
  const walk = (start: string, at: string, onPath: Set<string>, taken: LoopConnectionInput[]) => {
    for (const c of out.get(at) ?? []) {
      if (c.to === start) {
        const loop = [...taken, c];
        const first = loop.indexOf(loop.reduce((m, x) => (x.id < m.id ? x : m)));
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        const minus = rotated.filter((x) => x.polarity === '-').length;
        const type = rotated.some((x) => x.polarity === '?') ? 'unknown' : minus % 2 ? 'balancing' : 'reinforcing';
        found.set(rotated.map((x) => x.id).join(), type);
      } else if (!onPath.has(c.to) && taken.length + 1 < maxLength) {
        onPath.add(c.to);
        walk(start, c.to, onPath, [...taken, c]);
        onPath.delete(c.to);
      }
    }
  };
  for (const { id } of input.elements) walk(id, id, new Set([id]), []);
  return found;
}

describe('loops: against an exhaustive search', () => {
  it('finds exactly the loops an exhaustive search finds, on 600 seeded random maps', () => {
    const random = seededRandom(20261122);
    let total = 0;
    for (let round = 0; round < 600; round++) {
      const n = 1 + Math.floor(random() * 8);
      const input = randomLoopMap(random, n, Math.floor(random() * 3 * n));
      // Bounds of 3 and 5 exercise paths cut by the length bound, which must not leave
      // elements wrongly blocked (a loop missed) or wrongly unblocked (an element twice).
      for (const maxLength of [Infinity, 3, 5]) {
        const expected = exhaustiveLoops(input, maxLength);
        const result = findLoops(input, { maxLength, maxLoops: Infinity, timeBudgetMs: Infinity });
        const actual = new Map(
          result.loops.map((l) => {
            const first = l.connectionIds.indexOf([...l.connectionIds].sort()[0]!);
            return [[...l.connectionIds.slice(first), ...l.connectionIds.slice(0, first)].join(), l.type] as const;
          }),
        );
        expect({ round, maxLength, loops: actual }).toEqual({ round, maxLength, loops: expected });
        expect(new Set(result.loops.map((l) => l.key)).size).toBe(result.loops.length);
        for (const loop of result.loops) expect(new Set(loop.elementIds).size).toBe(loop.length);
        if (maxLength === Infinity) expect(result.truncated).toBe(false);
        total += expected.size;
      }
    }
    // The generator must produce real work, or the comparison proves nothing.
    expect(total).toBeGreaterThan(1000);
  });
});

describe('loopOnMap', () => {
  const by = { userId: 'u', name: 'N', organisation: 'O', at: '2026-01-01T00:00:00.000Z' };
  const link = (id: string, from: string, to: string) => ({ id, from, to, polarity: '+' as const, delay: false, confidence: null, label: '', evidence: '', views: [], created: by, updated: by });
  const connections = [link('ab', 'a', 'b'), link('ba', 'b', 'a'), link('bc', 'b', 'c')];

  it('knows a loop by its key while every link of it is there, the way round the key says', () => {
    expect(loopOnMap({ connections }, loopKey(['a', 'b'], ['ab', 'ba']))).toBe(true);
    // A key made before keys named connections: any link between the steps will do.
    expect(loopOnMap({ connections }, loopKey(['a', 'b']))).toBe(true);
    expect(loopOnMap({ connections: connections.filter((c) => c.id !== 'ba') }, loopKey(['a', 'b'], ['ab', 'ba']))).toBe(false);
    // Links named the wrong way round, or that are not in the loop, do not make it.
    expect(loopOnMap({ connections }, loopKey(['a', 'b'], ['ba', 'ab']))).toBe(false);
    expect(loopOnMap({ connections }, loopKey(['b', 'c'], ['bc', 'ab']))).toBe(false);
    expect(loopOnMap({ connections }, 'not a key%')).toBe(false);
  });
});
