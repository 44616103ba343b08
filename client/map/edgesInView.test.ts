import type { ReactFlowState } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { dashesFor } from './ConnectionEdge.js';
import { cellRect, curveMeetsRect, distanceToCurve, edgesMeeting, linkNear, viewCell } from './edgesInView.js';

const view = { x: 0, y: 0, width: 100, height: 100 };

describe('connections in view', () => {
  it('keeps a curve that crosses the view and drops one whose bounding box alone meets it', () => {
    // Straight through, left to right.
    expect(curveMeetsRect({ x: -500, y: 50 }, { x: 500, y: 50 }, view)).toBe(true);
    // A long diagonal from far top-left to far bottom-right passes through the middle.
    expect(curveMeetsRect({ x: -1000, y: -1000 }, { x: 1000, y: 1000 }, view)).toBe(true);
    // A diagonal whose box covers the view but which passes well below and left of it.
    expect(curveMeetsRect({ x: -1000, y: 300 }, { x: 300, y: 1500 }, view)).toBe(false);
    // Entirely to one side.
    expect(curveMeetsRect({ x: 200, y: 0 }, { x: 400, y: 100 }, view)).toBe(false);
    // Backwards (target left of the source): the curve swings out past both ends, into the view.
    expect(curveMeetsRect({ x: -2, y: 20 }, { x: -22, y: 80 }, view)).toBe(true);
    expect(curveMeetsRect({ x: -2, y: 20 }, { x: -22, y: 80 }, { x: 10, y: 0, width: 100, height: 100 })).toBe(false);
  });

  it('filters links by their elements’ boxes, from the source’s right side to the target’s left', () => {
    const boxes = new Map([
      ['a', { x: -300, y: 40, width: 100, height: 20 }],
      ['b', { x: 300, y: 40, width: 100, height: 20 }],
      ['c', { x: 300, y: 400, width: 100, height: 20 }],
      ['d', { x: 500, y: 400, width: 100, height: 20 }],
    ]);
    const edges = [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'cd', source: 'c', target: 'd' },
      { id: 'ax', source: 'a', target: 'missing' },
    ];
    const { near, through } = edgesMeeting(edges, (id) => boxes.get(id), view);
    expect([...near, ...through].map((e) => e.id)).toEqual(['ab']);
  });

  it('tells links with an end in view from links only passing through it, keeping asked-for ones near', () => {
    const boxes = new Map([
      ['out-left', { x: -300, y: 40, width: 100, height: 20 }],
      ['out-right', { x: 300, y: 40, width: 100, height: 20 }],
      ['in', { x: 40, y: 60, width: 30, height: 20 }],
    ]);
    const edges = [
      { id: 'across', source: 'out-left', target: 'out-right' },
      { id: 'into', source: 'out-left', target: 'in' },
      { id: 'from', source: 'in', target: 'out-right' },
      { id: 'chosen', source: 'out-left', target: 'out-right' },
    ];
    const { near, through } = edgesMeeting(edges, (id) => boxes.get(id), view, (e) => e.id === 'chosen');
    expect(near.map((e) => e.id)).toEqual(['into', 'from', 'chosen']);
    expect(through.map((e) => e.id)).toEqual(['across']);
  });

  it('snaps the view to cells so small pans keep the same cell, and widens it by a cell', () => {
    const state = (x: number, y: number, zoom: number) => ({ transform: [x, y, zoom], width: 800, height: 600 }) as unknown as ReactFlowState;
    const cell = viewCell(state(0, 0, 1));
    expect(viewCell(state(-5, -5, 1))).toBe(cell);
    expect(viewCell(state(-400, 0, 1))).not.toBe(cell);
    const rect = cellRect(cell)!;
    // Holds the view (0,0)-(800,600) with room to spare.
    expect(rect.x).toBeLessThan(0);
    expect(rect.y).toBeLessThan(0);
    expect(rect.x + rect.width).toBeGreaterThan(800);
    expect(rect.y + rect.height).toBeGreaterThan(600);
    expect(cellRect('')).toBeNull();
    expect(viewCell({ transform: [0, 0, 1], width: 0, height: 0 } as unknown as ReactFlowState)).toBe('');
  });

  it('measures how far a point is from a curve, and finds the link a click on a plain curve meant', () => {
    // A straight link along y = 50: its curve is the line itself.
    expect(distanceToCurve({ x: 0, y: 50 }, { x: 400, y: 50 }, { x: 200, y: 53 })).toBeCloseTo(3, 5);
    expect(distanceToCurve({ x: 0, y: 50 }, { x: 400, y: 50 }, { x: 500, y: 50 })).toBeCloseTo(100, 5);
    // A curve from (0,0) to (400,200) is an S: its middle is at (200,100), not near (200,40).
    expect(distanceToCurve({ x: 0, y: 0 }, { x: 400, y: 200 }, { x: 200, y: 100 })).toBeLessThan(1);
    expect(distanceToCurve({ x: 0, y: 0 }, { x: 400, y: 200 }, { x: 200, y: 40 })).toBeGreaterThan(20);

    // Boxes 100 × 20: a link leaves its source's right-hand side at mid-height.
    const boxes = new Map([
      ['a', { x: -100, y: 40, width: 100, height: 20 }],
      ['b', { x: 400, y: 40, width: 100, height: 20 }],
      ['c', { x: -100, y: 60, width: 100, height: 20 }],
      ['d', { x: 400, y: 60, width: 100, height: 20 }],
    ]);
    const boxOf = (id: string) => boxes.get(id);
    const ab = { id: 'ab', source: 'a', target: 'b' }; // along y = 50
    const cd = { id: 'cd', source: 'c', target: 'd' }; // along y = 70
    expect(linkNear([ab, cd], boxOf, { x: 200, y: 52 }, 6)?.id).toBe('ab');
    expect(linkNear([ab, cd], boxOf, { x: 200, y: 66 }, 6)?.id).toBe('cd');
    // Between the two, beyond the tolerance of either: nothing.
    expect(linkNear([ab, cd], boxOf, { x: 200, y: 60 }, 6)).toBeNull();
    expect(linkNear([{ id: 'gone', source: 'a', target: 'x' }], boxOf, { x: 200, y: 50 }, 6)).toBeNull();
  });

  it('bounds the dashes of a link of unknown polarity, however long', () => {
    expect(dashesFor(0, 0, 200, 0)).toBeUndefined();
    const long = dashesFor(0, 0, 8000, 0)!;
    const [on, off] = long.strokeDasharray.split(' ').map(Number) as [number, number];
    expect(8000 / (on + off)).toBeLessThanOrEqual(40);
    expect(on).toBeGreaterThan(off);
  });
});
