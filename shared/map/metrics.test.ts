import { describe, expect, it } from 'vitest';
import { randomLoopMap, seededRandom } from './loopsFixtures.js';
import { betweenness, degrees, elementMetrics, rankElements, type MetricConnectionInput, type MetricInput } from './metrics.js';

const link = (id: string, from: string, to: string): MetricConnectionInput => ({ id, from, to });
const map = (ids: string[], pairs: string[]): MetricInput => ({
  elements: ids.map((id) => ({ id })),
  // 'ab' is a connection from a to b; its id is its place in the list.
  connections: pairs.map((pair, i) => link(`c${i}`, pair[0]!, pair[1]!)),
});

/**
 * Betweenness from its definition: for every ordered pair (s, t) of other elements, the share
 * of shortest s→t routes through v, found by counting routes with a breadth-first search from
 * every element. Not normalised.
 */
function betweennessByDefinition(input: MetricInput): Map<string, number> {
  const ids = input.elements.map((e) => e.id);
  const next = new Map(ids.map((id) => [id, new Set<string>()]));
  for (const c of input.connections) if (c.from !== c.to && next.has(c.to)) next.get(c.from)?.add(c.to);
  const routes = (from: string) => {
    const distance = new Map([[from, 0]]);
    const count = new Map([[from, 1]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const x = queue[i]!;
      for (const y of next.get(x)!) {
        if (!distance.has(y)) {
          distance.set(y, distance.get(x)! + 1);
          count.set(y, 0);
          queue.push(y);
        }
        if (distance.get(y) === distance.get(x)! + 1) count.set(y, count.get(y)! + count.get(x)!);
      }
    }
    return { distance, count };
  };
  const all = new Map(ids.map((id) => [id, routes(id)]));
  const score = new Map(ids.map((id) => [id, 0]));
  for (const s of ids) {
    for (const t of ids) {
      const st = all.get(s)!;
      if (s === t || !st.distance.has(t)) continue;
      for (const v of ids) {
        if (v === s || v === t) continue;
        const vt = all.get(v)!;
        if (st.distance.has(v) && vt.distance.has(t) && st.distance.get(v)! + vt.distance.get(t)! === st.distance.get(t)) {
          score.set(v, score.get(v)! + (st.count.get(v)! * vt.count.get(t)!) / st.count.get(t)!);
        }
      }
    }
  }
  return score;
}

describe('degree', () => {
  it('counts every connection drawn, parallel ones and self-loops included', () => {
    const result = degrees(map(['a', 'b', 'c', 'lonely'], ['ab', 'ab', 'bc', 'ca', 'cc']));
    expect(Object.fromEntries(result)).toEqual({
      a: { in: 1, out: 2, total: 3 },
      b: { in: 2, out: 1, total: 3 },
      c: { in: 2, out: 2, total: 4 },
      lonely: { in: 0, out: 0, total: 0 },
    });
  });

  it('ignores connections to elements that are not on the map and repeated ids', () => {
    const input = map(['a', 'b'], ['ab']);
    input.connections = [...input.connections, link('c0', 'b', 'a'), link('x', 'a', 'gone'), link('y', 'gone', 'b')];
    expect(Object.fromEntries(degrees(input))).toEqual({ a: { in: 0, out: 1, total: 1 }, b: { in: 1, out: 0, total: 1 } });
  });
});

describe('betweenness', () => {
  it('scores the middle of a chain, normalised by (n − 1)(n − 2)', () => {
    const chain = map(['a', 'b', 'c', 'd'], ['ab', 'bc', 'cd']);
    expect(Object.fromEntries(betweenness(chain))).toEqual({ a: 0, b: 1 / 3, c: 1 / 3, d: 0 });
    expect(Object.fromEntries(betweenness(chain, { normalized: false }))).toEqual({ a: 0, b: 2, c: 2, d: 0 });
  });

  it('shares routes between equal alternatives and picks out the broker between two groups', () => {
    expect(betweenness(map(['a', 'b', 'c', 'd'], ['ab', 'ac', 'bd', 'cd']), { normalized: false })).toEqual(
      new Map([['a', 0], ['b', 0.5], ['c', 0.5], ['d', 0]]),
    );
    // Council (c) is the only link from the health group (h, i) to the voluntary group (v, w).
    const groups = map(['h', 'i', 'c', 'v', 'w'], ['hi', 'ih', 'ic', 'ci', 'cv', 'vc', 'vw', 'wv']);
    expect(rankElements(betweenness(groups)).map((r) => r.id)).toEqual(['c', 'i', 'v', 'h', 'w']);
  });

  it('is not changed by parallel connections or self-loops', () => {
    const plain = map(['a', 'b', 'c', 'd'], ['ab', 'ac', 'bd', 'cd']);
    const drawnTwice = map(['a', 'b', 'c', 'd'], ['ab', 'ab', 'ab', 'ac', 'bd', 'cd', 'bb']);
    expect(betweenness(drawnTwice)).toEqual(betweenness(plain));
  });

  it('agrees with the definition on 150 seeded random maps', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 150; round++) {
      const n = 2 + Math.floor(random() * 8);
      const input = randomLoopMap(random, n, Math.floor(random() * n * 3));
      const ids = input.elements.map((e) => e.id);
      const actual = betweenness(input, { normalized: false });
      const expected = betweennessByDefinition(input);
      for (const id of ids) expect([round, id, actual.get(id)]).toEqual([round, id, expect.closeTo(expected.get(id)!, 9)]);
      const normalised = betweenness(input);
      const pairs = n > 2 ? (n - 1) * (n - 2) : 1;
      for (const id of ids) expect(normalised.get(id)).toBeCloseTo(n > 2 ? expected.get(id)! / pairs : 0, 9);
    }
  });

  it('handles an empty map', () => {
    expect(betweenness({ elements: [], connections: [] })).toEqual(new Map());
    expect(elementMetrics({ elements: [{ id: 'a' }], connections: [] })).toEqual(new Map([['a', { in: 0, out: 0, total: 0, betweenness: 0 }]]));
  });
});

describe('ranking', () => {
  const metrics = elementMetrics(map(['a', 'b', 'c', 'd', 'e'], ['ab', 'ba', 'bc', 'cd', 'db', 'eb']));

  it('combines degree and betweenness per element', () => {
    expect(metrics.get('b')).toEqual({ in: 3, out: 2, total: 5, betweenness: expect.any(Number) });
    expect(metrics.get('b')!.betweenness).toBeGreaterThan(metrics.get('c')!.betweenness);
  });

  it('ranks from the highest value down, ties sharing a rank and ordered by id', () => {
    expect(rankElements(metrics, 'total')).toEqual([
      { id: 'b', value: 5, rank: 1 },
      { id: 'a', value: 2, rank: 2 },
      { id: 'c', value: 2, rank: 2 },
      { id: 'd', value: 2, rank: 2 },
      { id: 'e', value: 1, rank: 5 },
    ]);
    expect(rankElements(metrics, 'in', { limit: 2 }).map((r) => [r.id, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('ties values that differ only in floating-point noise', () => {
    const ranked = rankElements(new Map([['x', 0.1 + 0.2], ['y', 0.3], ['z', 0.29]]));
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([
      ['x', 1],
      ['y', 1],
      ['z', 3],
    ]);
  });

  it('asks for a metric when given whole metric records', () => {
    expect(() => rankElements(metrics as never)).toThrow(TypeError);
  });
});
