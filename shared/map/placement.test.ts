import { describe, expect, it } from 'vitest';
import { ELEMENT_BOX, freeSpot } from './placement.js';

describe('freeSpot', () => {
  it('puts the first element centred on the point', () => {
    expect(freeSpot({ x: 100, y: 45 }, [])).toEqual({ x: 0, y: 0 });
  });

  it('never overlaps an existing element, and stays near the centre', () => {
    const elements: { x: number; y: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const spot = freeSpot({ x: 0, y: 0 }, elements);
      for (const e of elements) {
        expect(Math.abs(e.x - spot.x) >= ELEMENT_BOX.width || Math.abs(e.y - spot.y) >= ELEMENT_BOX.height).toBe(true);
      }
      elements.push(spot);
    }
    // 40 boxes fit within 4 rings of the centre.
    for (const e of elements) expect(Math.abs(e.x)).toBeLessThanOrEqual(ELEMENT_BOX.width * 4);
  });

  it('picks the nearest free neighbour of an occupied centre', () => {
    const spot = freeSpot({ x: 100, y: 45 }, [{ x: 10, y: 5 }]);
    expect(spot).toEqual({ x: 0, y: -ELEMENT_BOX.height });
  });
});
