import type { Node } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { boundsOf, elementAt, nodeBox, sameDrawing, UNMEASURED } from './ZoomedOutCanvas.js';

function node(id: string, x: number, y: number, extra: Partial<Node> = {}): Node {
  return { id, type: 'element', position: { x, y }, data: { kind: 'variable', dimmed: false, highlighted: false }, ...extra };
}

describe('zoomed-out canvas geometry', () => {
  it('takes an element box from its measured size, else an assumed one scaled by its metric size', () => {
    expect(nodeBox(node('a', 10, 20, { measured: { width: 200, height: 80 } }))).toEqual({ x: 10, y: 20, width: 200, height: 80 });
    expect(nodeBox(node('b', 0, 0))).toEqual({ x: 0, y: 0, ...UNMEASURED });
    const scaled = nodeBox(node('c', 0, 0, { data: { kind: 'variable', dimmed: false, highlighted: false, scale: 1.5 } }));
    expect(scaled.width).toBe(UNMEASURED.width * 1.5);
  });

  it('finds the topmost shown element under a point, and nothing over empty space or a hidden one', () => {
    const nodes = [
      { id: 'frame', type: 'group', position: { x: 0, y: 0 }, width: 1000, height: 1000, data: {} } as Node,
      node('under', 0, 0),
      node('over', 100, 20),
      node('hidden', 500, 500, { hidden: true }),
    ];
    expect(elementAt(nodes, { x: 120, y: 30 })).toBe('over');
    expect(elementAt(nodes, { x: 50, y: 30 })).toBe('under');
    // Inside the frame but on no element: frames are React Flow nodes even zoomed out.
    expect(elementAt(nodes, { x: 900, y: 900 })).toBeNull();
    expect(elementAt(nodes, { x: 520, y: 520 })).toBeNull();
  });

  it('bounds every shown node, frames included, for fitting the whole map', () => {
    const nodes = [node('a', -100, 50, { measured: { width: 100, height: 40 } }), node('b', 300, 400), node('gone', 5000, 5000, { hidden: true })];
    expect(boundsOf(nodes)).toEqual({ x: -100, y: 50, width: 400 + UNMEASURED.width, height: 350 + UNMEASURED.height });
    expect(boundsOf([])).toBeNull();
  });

  it('sees a new comment count or someone selecting as drawing nothing new, and a move, a resize, a kind or a dimming as a change', () => {
    type N = Parameters<typeof sameDrawing>[0][number];
    const before = [node('a', 0, 0), node('b', 100, 0)] as N[];
    const badged = (n: N): N => ({ ...n, data: { ...n.data, openComments: 2, selectedBy: [] } });
    expect(sameDrawing(before, [before[0]!, badged(before[1]!)])).toBe(true);
    expect(sameDrawing(before, [before[0]!, { ...before[1]!, position: { x: 101, y: 0 } }])).toBe(false);
    expect(sameDrawing(before, [before[0]!, { ...before[1]!, measured: { width: 300, height: 56 } }])).toBe(false);
    expect(sameDrawing(before, [before[0]!, { ...before[1]!, data: { ...before[1]!.data, kind: 'note' } }])).toBe(false);
    expect(sameDrawing(before, [before[0]!, { ...before[1]!, data: { ...before[1]!.data, dimmed: true } }])).toBe(false);
    expect(sameDrawing(before, [before[0]!, { ...before[1]!, hidden: true }])).toBe(false);
    expect(sameDrawing(before, [before[0]!])).toBe(false);
  });
});
