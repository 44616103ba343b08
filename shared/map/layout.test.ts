import { describe, expect, it } from 'vitest';
import { autoLayout } from './layout.js';
import { ELEMENT_BOX } from './placement.js';

const el = (id: string) => ({ id, x: 0, y: 0 });
const link = (id: string, from: string, to: string) => ({ id, from, to });

describe('autoLayout', () => {
  it('puts causes before effects left to right, and no two elements on top of each other', () => {
    const map = {
      elements: ['a', 'b', 'c', 'd'].map(el),
      connections: [link('1', 'a', 'b'), link('2', 'b', 'c'), link('3', 'a', 'd'), link('4', 'c', 'c')],
    } as never;
    const pos = new Map(autoLayout(map).map((p) => [p.id, p]));
    expect(pos.get('a')!.x).toBeLessThan(pos.get('b')!.x);
    expect(pos.get('b')!.x).toBeLessThan(pos.get('c')!.x);
    const all = [...pos.values()];
    for (const p of all) {
      for (const q of all) {
        if (p === q) continue;
        expect(Math.abs(p.x - q.x) >= ELEMENT_BOX.width - 40 || Math.abs(p.y - q.y) >= ELEMENT_BOX.height - 30).toBe(true);
      }
    }
  });

  it('lays out top to bottom on request, and copes with cycles and an empty map', () => {
    const map = { elements: ['a', 'b'].map(el), connections: [link('1', 'a', 'b'), link('2', 'b', 'a')] } as never;
    const [a, b] = autoLayout(map, 'TB');
    expect(a!.x === b!.x || a!.y !== b!.y).toBe(true);
    expect(Math.abs(a!.y - b!.y)).toBeGreaterThan(0);
    expect(autoLayout({ elements: [], connections: [] })).toEqual([]);
  });
});
