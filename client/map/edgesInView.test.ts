import type { ReactFlowState } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { dashesFor } from './ConnectionEdge.js';
import { linkCurve, pointOnCurve, type Curve, type Point } from '../../shared/map/geometry.js';
import { cellRect, curveMeetsRect, distanceToCurve, edgesMeeting, linkNear, viewCell } from './edgesInView.js';

const view = { x: 0, y: 0, width: 100, height: 100 };

/** A straight line as a curve. */
const straight = (s: Point, t: Point): Curve => [s, s, t, t];

describe('connections in view', () => {
  it('keeps a curve that crosses the view and drops one whose bounding box alone meets it', () => {
    // Straight through, left to right.
    expect(curveMeetsRect(straight({ x: -500, y: 50 }, { x: 500, y: 50 }), view)).toBe(true);
    // A long diagonal from far top-left to far bottom-right passes through the middle.
    expect(curveMeetsRect(straight({ x: -1000, y: -1000 }, { x: 1000, y: 1000 }), view)).toBe(true);
    // A diagonal whose box covers the view but which passes well below and left of it.
    expect(curveMeetsRect(straight({ x: -1000, y: 300 }, { x: 300, y: 1500 }), view)).toBe(false);
    // Entirely to one side.
    expect(curveMeetsRect(straight({ x: 200, y: 0 }, { x: 400, y: 100 }), view)).toBe(false);
    // A link between boxes below the view bows up to its left, into it; back the other way it
    // bows down, away from it.
    const left = { x: -200, y: 115, width: 100, height: 20 };
    const right = { x: 200, y: 115, width: 100, height: 20 };
    expect(curveMeetsRect(linkCurve(left, right), view)).toBe(true);
    expect(curveMeetsRect(linkCurve(right, left), view)).toBe(false);
  });

  it('filters links by the curves between their elements’ boxes', () => {
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
      // The other way, bowing the other way, still across the view.
      { id: 'chosen', source: 'out-right', target: 'out-left' },
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
    // A straight link along y = 50.
    expect(distanceToCurve(straight({ x: 0, y: 50 }, { x: 400, y: 50 }), { x: 200, y: 53 })).toBeCloseTo(3, 5);
    expect(distanceToCurve(straight({ x: 0, y: 50 }, { x: 400, y: 50 }), { x: 500, y: 50 })).toBeCloseTo(100, 5);
    // A link bows: its middle is off the straight line between its ends.
    const bowed = linkCurve({ x: -50, y: 40, width: 50, height: 20 }, { x: 400, y: 40, width: 50, height: 20 });
    const middle = pointOnCurve(bowed, 0.5);
    expect(middle.y).toBeLessThan(20);
    expect(distanceToCurve(bowed, middle)).toBeLessThan(1);
    expect(distanceToCurve(bowed, { x: middle.x, y: 50 })).toBeGreaterThan(20);

    // Two links between boxes 100 × 20, one 20 below the other, as the canvas draws them.
    const boxes = new Map([
      ['a', { x: -100, y: 40, width: 100, height: 20 }],
      ['b', { x: 400, y: 40, width: 100, height: 20 }],
      ['c', { x: -100, y: 60, width: 100, height: 20 }],
      ['d', { x: 400, y: 60, width: 100, height: 20 }],
    ]);
    const boxOf = (id: string) => boxes.get(id);
    const ab = { id: 'ab', source: 'a', target: 'b' };
    const cd = { id: 'cd', source: 'c', target: 'd' };
    const onAb = pointOnCurve(linkCurve(boxes.get('a')!, boxes.get('b')!), 0.5);
    expect(linkNear([ab, cd], boxOf, { x: onAb.x, y: onAb.y + 2 }, 6)?.id).toBe('ab');
    expect(linkNear([ab, cd], boxOf, { x: onAb.x, y: onAb.y + 16 }, 6)?.id).toBe('cd');
    // Between the two, beyond the tolerance of either: nothing.
    expect(linkNear([ab, cd], boxOf, { x: onAb.x, y: onAb.y + 10 }, 6)).toBeNull();
    expect(linkNear([{ id: 'gone', source: 'a', target: 'x' }], boxOf, onAb, 6)).toBeNull();
    // The second link a → b bows further out, and is the one found out there.
    const ab2 = { id: 'ab2', source: 'a', target: 'b' };
    const onAb2 = pointOnCurve(linkCurve(boxes.get('a')!, boxes.get('b')!, { bend: 1.9 }), 0.5);
    expect(onAb2.y).toBeLessThan(onAb.y - 10);
    expect(linkNear([ab, ab2], boxOf, onAb2, 6)?.id).toBe('ab2');
  });

  it('bounds the dashes of a link of unknown polarity, however long', () => {
    expect(dashesFor(0, 0, 200, 0)).toBeUndefined();
    const long = dashesFor(0, 0, 8000, 0)!;
    const [on, off] = long.strokeDasharray.split(' ').map(Number) as [number, number];
    expect(8000 / (on + off)).toBeLessThanOrEqual(40);
    expect(on).toBeGreaterThan(off);
  });
});
