/**
 * Maps for testing and benchmarking loop finding and metrics, made from a seed so a failing
 * case or a benchmark figure can be reproduced exactly. Not used by the app.
 */
import type { LoopConnectionInput, LoopInput } from './loops.js';
import type { Polarity } from './model.js';

/** The seeded generator these maps are made with (kept here for the tests that import it). */
export { seededRandom } from '../random.js';

/**
 * A map of `elements` elements and `connections` connections between elements picked at
 * random (self-loops and parallel connections included, as people do draw them). Element ids
 * start with a random part, so id order is not drawing order, as with the editor's ids.
 */
export function randomLoopMap(
  random: () => number,
  elements: number,
  connections: number,
  polarities: readonly Polarity[] = ['+', '+', '-', '-', '?'],
): LoopInput {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const ids = Array.from({ length: elements }, (_, i) => `${Math.floor(random() * 36 ** 4).toString(36)}-${i}`);
  return {
    elements: ids.map((id) => ({ id })),
    connections: Array.from({ length: connections }, (_, i) => ({
      id: `${Math.floor(random() * 36 ** 4).toString(36)}-c${i}`,
      from: pick(ids),
      to: pick(ids),
      polarity: pick(polarities),
    })),
  };
}

/**
 * Every element connected to every other, the densest a map can be: K_n has
 * Σ_{k=2..n} C(n, k)·(k − 1)! loops (84 for K5, over 10^8 for K12). Ids `k00`, `k01`, ….
 */
export function completeDigraph(n: number): LoopInput {
  const ids = Array.from({ length: n }, (_, i) => `k${String(i).padStart(2, '0')}`);
  const connections: LoopConnectionInput[] = [];
  ids.forEach((from, i) =>
    ids.forEach((to, j) => {
      if (i !== j) connections.push({ id: `c${i}-${j}`, from, to, polarity: (i + j) % 3 ? '+' : '-' });
    }),
  );
  return { elements: ids.map((id) => ({ id })), connections };
}
