import { describe, expect, it } from 'vitest';
import { instantiate } from './templates.js';
import { seededRandom } from './loopsFixtures.js';
import type { MapData } from './model.js';
import { BESIDE_GAP, ELEMENT_BOX, PLACEMENT_GAP, containingGroup, elementBoxes, enclosingBox, freeSpot, placeMapData, spotForElement, type Box, type Size } from './placement.js';

/** The clear space between two boxes: negative when they overlap, 0 when they touch. */
function clearance(a: Box, b: Box): number {
  const dx = Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width));
  const dy = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height));
  return Math.max(dx, dy);
}

const SMALL: Size = { width: 160, height: 56 };

describe('freeSpot', () => {
  it('takes the wanted spot when it is free', () => {
    expect(freeSpot({ x: 10, y: 20 }, SMALL, [])).toEqual({ x: 10, y: 20 });
    expect(freeSpot({ x: 10, y: 20 }, SMALL, [{ x: 500, y: 500, width: 160, height: 56 }])).toEqual({ x: 10, y: 20 });
  });

  it('moves the least distance that clears an occupied spot, keeping the gap', () => {
    // Shorter to go up or down (56 + 40) than sideways (160 + 40); up on a tie.
    expect(freeSpot({ x: 0, y: 0 }, SMALL, [{ x: 0, y: 0, ...SMALL }])).toEqual({ x: 0, y: -SMALL.height - PLACEMENT_GAP });
  });

  it('keeps clear of a tall box whose label wraps, by its real height', () => {
    const tall = { x: 0, y: 0, width: 160, height: 190 };
    const spot = freeSpot({ x: 0, y: 120 }, SMALL, [tall]);
    expect(clearance({ ...spot, ...SMALL }, tall)).toBeGreaterThanOrEqual(PLACEMENT_GAP);
    // Below it, nearer than above it.
    expect(spot).toEqual({ x: 0, y: 190 + PLACEMENT_GAP });
  });

  it('never overlaps or touches boxes of varied sizes, and stays near the wanted spot', () => {
    const random = seededRandom(15);
    const boxes: Box[] = [];
    for (let i = 0; i < 60; i++) {
      boxes.push({ x: Math.round(random() * 1200 - 600), y: Math.round(random() * 800 - 400), width: 120 + Math.round(random() * 120), height: 50 + Math.round(random() * 150) });
    }
    const placed: Box[] = [];
    for (let i = 0; i < 40; i++) {
      const size = { width: 150 + (i % 3) * 30, height: 60 + (i % 4) * 40 };
      const spot = freeSpot({ x: 0, y: 0 }, size, [...boxes, ...placed]);
      const box = { ...spot, ...size };
      for (const other of [...boxes, ...placed]) expect(clearance(box, other)).toBeGreaterThanOrEqual(PLACEMENT_GAP);
      placed.push(box);
    }
    // The first lands where a brute-force search over a fine grid finds the nearest free spot.
    const first = placed[0]!;
    let nearest = Infinity;
    for (let x = -1200; x <= 1200; x += 10) {
      for (let y = -1200; y <= 1200; y += 10) {
        if (boxes.every((b) => clearance({ x, y, width: 150, height: 60 }, b) >= PLACEMENT_GAP)) nearest = Math.min(nearest, Math.hypot(x, y));
      }
    }
    expect(Math.hypot(first.x, first.y)).toBeLessThanOrEqual(nearest);
  });

  it('is deterministic: the same boxes give the same spot, whatever their order', () => {
    const boxes = [
      { x: 0, y: 0, width: 160, height: 56 },
      { x: -200, y: 0, width: 160, height: 120 },
      { x: 200, y: -10, width: 160, height: 70 },
    ];
    const spot = freeSpot({ x: 0, y: 0 }, SMALL, boxes);
    expect(freeSpot({ x: 0, y: 0 }, SMALL, [...boxes].reverse())).toEqual(spot);
    expect(freeSpot({ x: 0, y: 0 }, SMALL, boxes)).toEqual(spot);
  });

  it('answers quickly on a map of 2,000 elements', () => {
    const boxes = Array.from({ length: 2000 }, (_, i) => ({ x: (i % 50) * 240, y: Math.floor(i / 50) * 130, ...ELEMENT_BOX }));
    const started = performance.now();
    const spot = freeSpot({ x: 3000, y: 2000 }, ELEMENT_BOX, boxes);
    expect(performance.now() - started).toBeLessThan(1000);
    for (const b of boxes) expect(clearance({ ...spot, ...ELEMENT_BOX }, b)).toBeGreaterThanOrEqual(PLACEMENT_GAP);
  });
});

describe('spotForElement', () => {
  it('centres a new element on the middle of the view when that is free', () => {
    expect(spotForElement([], SMALL, { near: { x: 100, y: 50 } })).toEqual({ x: 20, y: 22 });
  });

  it('puts it beside the selected element, to its right, leaving room for the arrow', () => {
    const selected = { x: 0, y: 0, width: 160, height: 100 };
    expect(spotForElement([selected], SMALL, { near: { x: 900, y: 900 }, beside: selected })).toEqual({ x: 160 + BESIDE_GAP, y: 0 });
  });

  it('beside a selected element whose right is taken, takes the nearest free spot to there', () => {
    const selected = { x: 0, y: 0, width: 160, height: 56 };
    const right = { x: 260, y: 0, width: 160, height: 56 };
    const spot = spotForElement([selected, right], SMALL, { near: { x: 0, y: 0 }, beside: selected });
    for (const b of [selected, right]) expect(clearance({ ...spot, ...SMALL }, b)).toBeGreaterThanOrEqual(PLACEMENT_GAP);
    expect(Math.hypot(spot.x - 260, spot.y)).toBeLessThanOrEqual(SMALL.height + PLACEMENT_GAP + 56);
  });

  it('gives five adds in a row five boxes that neither overlap nor touch', () => {
    const boxes: Box[] = [{ x: -80, y: -100, width: 160, height: 190 }];
    for (let i = 0; i < 5; i++) {
      // Each new element is selected, so the next goes beside it.
      const spot = spotForElement(boxes, ELEMENT_BOX, { near: { x: 0, y: 0 }, beside: i === 0 ? null : boxes.at(-1) });
      boxes.push({ ...spot, ...ELEMENT_BOX });
    }
    for (const a of boxes) for (const b of boxes) if (a !== b) expect(clearance(a, b)).toBeGreaterThan(0);
  });
});

describe('elementBoxes and enclosingBox', () => {
  it('uses the drawn size where known and a generous one otherwise', () => {
    const boxes = elementBoxes([{ id: 'a', x: 0, y: 0 }, { id: 'b', x: 300, y: 10 }], (id) => (id === 'a' ? { width: 160, height: 140 } : undefined));
    expect(boxes).toEqual([{ x: 0, y: 0, width: 160, height: 140 }, { x: 300, y: 10, ...ELEMENT_BOX }]);
    expect(enclosingBox(boxes)).toEqual({ x: 0, y: 0, width: 500, height: 140 });
    expect(enclosingBox([])).toBeNull();
  });
});

describe('placeMapData', () => {
  const by = { userId: 'u', name: 'Cal', organisation: 'Torbay Council', at: '2026-12-01T00:00:00.000Z' };
  let n = 0;
  const newId = () => `id${n++}`;
  const boxesOf = (data: MapData) => [...elementBoxes(data.elements), ...data.groups];

  it('moves a template as one block into free space near the view, clear of elements and frames', () => {
    const existing = instantiate('fixes-that-fail', newId, by);
    const incoming = { ...instantiate('iceberg', newId, by), elements: instantiate('limits-to-growth', newId, by).elements };
    const placed = placeMapData(existing, incoming, { near: { x: 100, y: 100 } });
    for (const a of boxesOf(placed)) for (const b of boxesOf(existing)) expect(clearance(a, b)).toBeGreaterThanOrEqual(PLACEMENT_GAP);
    // Moved as a block: the shapes inside keep their relative places.
    const before = enclosingBox(boxesOf(incoming))!;
    const after = enclosingBox(boxesOf(placed))!;
    const [dx, dy] = [after.x - before.x, after.y - before.y];
    expect(Math.hypot(dx, dy)).toBeGreaterThan(0);
    expect(placed.elements.map((e) => [e.x - dx, e.y - dy])).toEqual(incoming.elements.map((e) => [e.x, e.y]));
    expect(placed.groups.map((g) => [g.x - dx, g.y - dy])).toEqual(incoming.groups.map((g) => [g.x, g.y]));
  });

  it('leaves data for an empty map where it is, and is deterministic', () => {
    const empty: MapData = { elements: [], connections: [], groups: [], loopNotes: [] };
    const incoming = instantiate('fixes-that-fail', newId, by);
    expect(placeMapData(empty, incoming)).toBe(incoming);
    const existing = instantiate('fixes-that-fail', newId, by);
    expect(placeMapData(existing, incoming)).toEqual(placeMapData(existing, incoming));
    for (const a of boxesOf(placeMapData(existing, incoming))) for (const b of boxesOf(existing)) expect(clearance(a, b)).toBeGreaterThan(0);
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
