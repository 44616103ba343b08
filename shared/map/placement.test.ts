import { describe, expect, it } from 'vitest';
import { ELEMENT_BOX, containingGroup, freeSpot } from './placement.js';

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

describe('containingGroup', () => {
  const grid = [
    { id: 'satisfied', x: 0, y: 0, width: 600, height: 400 },
    { id: 'manage', x: 600, y: 0, width: 600, height: 400 },
    { id: 'inner', x: 650, y: 50, width: 100, height: 100 },
  ];
  it('finds the frame an element sits in, the smallest when nested, none outside', () => {
    expect(containingGroup({ x: 10, y: 10 }, grid)?.id).toBe('satisfied');
    expect(containingGroup({ x: 600, y: 399 }, grid)?.id).toBe('manage');
    expect(containingGroup({ x: 700, y: 100 }, grid)?.id).toBe('inner');
    expect(containingGroup({ x: 1200, y: 0 }, grid)).toBeNull();
  });
});
