import { describe, expect, it } from 'vitest';
import { arrowhead, delayMark, labelPoint, linkBends, linkCurve, linkGeometry, loopMarkerGeometry, pointOnCurve, polarityPoint, type Point, type Rect } from './geometry.js';

const box = (x: number, y: number, width = 160, height = 56): Rect => ({ x, y, width, height });
const inside = (p: Point, b: Rect) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height;
const distanceToBox = (p: Point, b: Rect) => Math.hypot(Math.max(b.x - p.x, 0, p.x - b.x - b.width), Math.max(b.y - p.y, 0, p.y - b.y - b.height));

describe('linkGeometry', () => {
  it('joins boxes side by side from the facing sides, with the arrowhead at the target', () => {
    const a = box(0, 0);
    const b = box(400, 0);
    const link = linkGeometry(a, b);
    // Leaves the source's right-hand side, arrives at the target's left-hand side, a gap off each.
    expect(link.start.x).toBeCloseTo(162, 0);
    expect(link.start.y).toBeGreaterThan(a.y);
    expect(link.start.y).toBeLessThan(a.y + a.height);
    expect(link.end.x).toBeCloseTo(398, 0);
    expect(link.end.y).toBeGreaterThan(b.y);
    expect(link.end.y).toBeLessThan(b.y + b.height);
    // Pointing into the target, rightwards.
    expect(link.direction.x).toBeGreaterThan(0.9);
    expect(link.d).toMatch(/^M162,[\d.]+ Q[\d.]+,-?[\d.]+ 398,[\d.]+$/);
    // The curve's ends are the path's.
    expect(link.curve[0]).toEqual(link.start);
    expect(link.curve[3]).toEqual(link.end);
  });

  it('joins a vertical stack from bottom to top', () => {
    const a = box(0, 0);
    const b = box(20, 200);
    const down = linkGeometry(a, b);
    expect(down.start.y).toBeCloseTo(58, 0);
    expect(down.end.y).toBeCloseTo(198, 0);
    const up = linkGeometry(b, a);
    expect(up.start.y).toBeCloseTo(198, 0);
    expect(up.end.y).toBeCloseTo(58, 0);
  });

  it('bows each link to its left, so A→B and B→A part, and a second A→B further out', () => {
    const a = box(0, 0);
    const b = box(400, 0);
    const there = linkGeometry(a, b);
    const back = linkGeometry(b, a);
    // Rightwards bows up the screen; leftwards, down.
    expect(there.middle.y).toBeLessThan(28 - 10);
    expect(back.middle.y).toBeGreaterThan(28 + 10);
    expect(there.start).not.toEqual(back.end);
    const second = linkGeometry(a, b, { bend: 1.9 });
    expect(second.middle.y).toBeLessThan(there.middle.y - 10);
    // The middle lies on the curve.
    const onCurve = pointOnCurve(there.curve, 0.5);
    expect(onCurve.x).toBeCloseTo(there.middle.x, 5);
    expect(onCurve.y).toBeCloseTo(there.middle.y, 5);
    // linkCurve is the same curve, without the path text.
    expect(linkCurve(a, b)).toEqual(there.curve);
  });

  it('draws a link from an element to itself as a round trip over its top', () => {
    const a = box(100, 100);
    const self = linkGeometry(a, a, { self: true });
    expect(self.d).toMatch(/^M[\d.]+,[\d.]+ C/);
    expect(self.start.y).toBeLessThan(a.y);
    expect(self.end.y).toBeLessThan(a.y);
    expect(self.middle.y).toBeLessThan(a.y - 40);
    // Coming back down onto the box.
    expect(self.direction.y).toBeGreaterThan(0);
  });

  it('numbers parallel links so each further one bows further', () => {
    const links = [
      { id: 'ab', from: 'a', to: 'b' },
      { id: 'ba', from: 'b', to: 'a' },
      { id: 'ab2', from: 'a', to: 'b' },
      { id: 'ab3', from: 'a', to: 'b' },
    ];
    const bends = linkBends(links, (l) => [l.from, l.to]);
    expect([...bends]).toEqual([
      ['ab2', 1.9],
      ['ab3', 2.8],
    ]);
  });
});

describe('marks on a link', () => {
  const a = box(0, 0);
  const b = box(400, 0);
  const link = linkGeometry(a, b);

  it('puts the polarity beside the arrowhead, nearer the target than the source, clear of its box', () => {
    const p = polarityPoint(link, b);
    expect(distanceToBox(p, b)).toBeLessThan(distanceToBox(p, a));
    expect(Math.hypot(p.x - link.end.x, p.y - link.end.y)).toBeLessThan(40);
    // A sign 20 × 22 around it does not overlap the target.
    expect(p.x + 10).toBeLessThanOrEqual(b.x);
    // On the side the link bows: above a rightward link.
    expect(p.y).toBeLessThan(link.end.y);
  });

  it('steps the polarity back along the link until it is clear of a target it would overlap', () => {
    // Straight down onto a wide box: just behind the arrowhead would be on the box's top edge.
    const top = box(0, 0);
    const wide = box(-200, 100, 560, 56);
    const down = linkGeometry(top, wide);
    const p = polarityPoint(down, wide);
    expect(p.y + 11).toBeLessThanOrEqual(wide.y);
  });

  it('crosses the middle with two short strokes for a delay, and sets the label off the line', () => {
    const { segments, d } = delayMark(link);
    expect(segments).toHaveLength(2);
    expect(d.match(/M/g)).toHaveLength(2);
    for (const [p, q] of segments) {
      // Across the link (perpendicular to it), 18 long, centred on the middle's neighbourhood.
      const along = (q.x - p.x) * link.along.x + (q.y - p.y) * link.along.y;
      expect(Math.abs(along)).toBeLessThan(1e-9);
      expect(Math.hypot(q.x - p.x, q.y - p.y)).toBeCloseTo(18, 5);
      expect(Math.hypot((p.x + q.x) / 2 - link.middle.x, (p.y + q.y) / 2 - link.middle.y)).toBeCloseTo(3, 5);
    }
    const label = labelPoint(link, 12);
    expect(Math.hypot(label.x - link.middle.x, label.y - link.middle.y)).toBeCloseTo(12, 5);
    expect(label.y).toBeLessThan(link.middle.y);
  });

  it('draws the arrowhead with its tip at the end of the link, outside the target', () => {
    const d = arrowhead(link);
    const numbers = [...d.matchAll(/-?[\d.]+/g)].map((m) => Number(m[0]));
    expect(numbers[0]).toBeCloseTo(link.end.x, 0);
    expect(numbers[1]).toBeCloseTo(link.end.y, 0);
    for (let i = 0; i < numbers.length; i += 2) expect(inside({ x: numbers[i]!, y: numbers[i + 1]! }, b)).toBe(false);
  });
});

describe('loopMarkerGeometry', () => {
  it('centres the marker on the mean of the boxes’ centres', () => {
    const marker = loopMarkerGeometry([box(0, 0, 100, 50), box(200, 0, 100, 50), box(100, 300, 100, 50)])!;
    expect(marker.centre).toEqual({ x: 150, y: 125 });
    expect(marker.arcD).toMatch(/^M[\d.]+,[\d.]+ A17,17 0 1 1 [\d.]+,[\d.]+$/);
    expect(marker.arrowD).toMatch(/Z$/);
    expect(marker.nameAt.y).toBeGreaterThan(125 + marker.radius);
    expect(loopMarkerGeometry([])).toBeNull();
  });
});
