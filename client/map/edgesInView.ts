/**
 * Which connections of a large map really pass through the view. React Flow's own culling
 * (`onlyRenderVisibleElements`) keeps every edge whose bounding box meets the view, and the box
 * of a long diagonal link covers most of the map: zoomed in on a large map, it kept a thousand
 * curves that never crossed the screen, and the browser rasterised them all again whenever one
 * element changed size. Here a link is kept only when its curve comes near the view.
 */
import type { ReactFlowState, Rect } from '@xyflow/react';

interface Point {
  x: number;
  y: number;
}

/** Points along each curve tested against the view; the view is widened by a margin to spare. */
const SAMPLES = 16;

/**
 * React Flow's bezier from a right-hand source handle to a left-hand target handle
 * (`getBezierPath`, curvature 0.25): its four control points.
 */
function controlPoints(s: Point, t: Point): [Point, Point, Point, Point] {
  const offset = (distance: number) => (distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance));
  return [s, { x: s.x + offset(t.x - s.x), y: s.y }, { x: t.x - offset(t.x - s.x), y: t.y }, t];
}

/** Whether the curve from `s` to `t` comes within `rect` (tested at SAMPLES points, by pieces). */
export function curveMeetsRect(s: Point, t: Point, rect: Rect): boolean {
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  const [p0, p1, p2, p3] = controlPoints(s, t);
  // The curve lies inside the box of its control points: most links are ruled out here.
  if (Math.max(p0.x, p1.x, p2.x, p3.x) < rect.x || Math.min(p0.x, p1.x, p2.x, p3.x) > right) return false;
  if (Math.max(p0.y, p3.y) < rect.y || Math.min(p0.y, p3.y) > bottom) return false;
  let px = p0.x;
  let py = p0.y;
  for (let i = 1; i <= SAMPLES; i++) {
    const { x, y } = pointOnCurve(p0, p1, p2, p3, i / SAMPLES);
    // The piece's own box against the view: a little generous, never missing a crossing.
    if (Math.max(px, x) >= rect.x && Math.min(px, x) <= right && Math.max(py, y) >= rect.y && Math.min(py, y) <= bottom) return true;
    px = x;
    py = y;
  }
  return false;
}

function pointOnCurve(p0: Point, p1: Point, p2: Point, p3: Point, u: number): Point {
  const v = 1 - u;
  const a = v * v * v;
  const b = 3 * v * v * u;
  const c = 3 * v * u * u;
  const d = u * u * u;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/** Pieces a curve is cut into to measure how far a point is from it: finer than the culling's. */
const DISTANCE_SAMPLES = 48;

/** How far `p` is from the curve from `s` to `t` (to within a hair: the curve cut into pieces). */
export function distanceToCurve(s: Point, t: Point, p: Point): number {
  const [p0, p1, p2, p3] = controlPoints(s, t);
  let best = Infinity;
  let from = p0;
  for (let i = 1; i <= DISTANCE_SAMPLES; i++) {
    const to = pointOnCurve(p0, p1, p2, p3, i / DISTANCE_SAMPLES);
    best = Math.min(best, distanceToSegment(p, from, to));
    from = to;
  }
  return best;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const u = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + u * dx), p.y - (a.y + u * dy));
}

/**
 * The link whose curve passes nearest `point`, if within `tolerance` (map units): what a click
 * on one of `ThroughLinks`'s plain curves, which are not elements of their own, was aimed at.
 */
export function linkNear<E extends { source: string; target: string }>(
  edges: readonly E[],
  boxOf: (id: string) => Rect | undefined,
  point: Point,
  tolerance: number,
): E | null {
  let best: E | null = null;
  let bestDistance = tolerance;
  const near = { x: point.x - tolerance, y: point.y - tolerance, width: 2 * tolerance, height: 2 * tolerance };
  for (const edge of edges) {
    const ends = curveEnds(edge, boxOf);
    // Most curves are nowhere near: the cheap test first.
    if (!ends || !curveMeetsRect(ends.from, ends.to, near)) continue;
    const distance = distanceToCurve(ends.from, ends.to, point);
    if (distance <= bestDistance) {
      best = edge;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Where a link runs between its elements' boxes: from the source's right-hand handle to the
 * target's left-hand one, as React Flow draws the edges (and the canvas and `ThroughLinks` too).
 */
export function linkLine(s: Rect, t: Rect): { x1: number; y1: number; x2: number; y2: number } {
  return { x1: s.x + s.width, y1: s.y + s.height / 2, x2: t.x, y2: t.y + t.height / 2 };
}

/**
 * A link's elements' boxes and where its curve starts and ends (`linkLine`); null while an
 * element is missing. The culling, the click test and `ThroughLinks` all start from it.
 */
export function curveEnds(edge: { source: string; target: string }, boxOf: (id: string) => Rect | undefined): { s: Rect; t: Rect; from: Point; to: Point } | null {
  const s = boxOf(edge.source);
  const t = boxOf(edge.target);
  if (!s || !t) return null;
  const { x1, y1, x2, y2 } = linkLine(s, t);
  return { s, t, from: { x: x1, y: y1 }, to: { x: x2, y: y2 } };
}

/** The view in map units; null before React Flow has measured its pane. */
export function viewRect({ transform: [tx, ty, zoom], width, height }: ReactFlowState): Rect | null {
  if (!width || !height || !zoom) return null;
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

/**
 * A store selector: the view in map units, snapped outward to a grid whose step is a power of two
 * of about an eighth of the view. It changes only when the view moves into another cell, so the
 * links are filtered again every eighth of the view of panning, not at every step; a string, so
 * `useStore` compares it by value.
 */
export function viewCell(s: ReactFlowState): string {
  const view = viewRect(s);
  if (!view) return '';
  const step = 2 ** Math.ceil(Math.log2(Math.max(view.width, view.height) / 8));
  return [
    step,
    Math.floor(view.x / step),
    Math.floor(view.y / step),
    Math.ceil((view.x + view.width) / step),
    Math.ceil((view.y + view.height) / step),
  ].join(' ');
}

/** The rectangle of a `viewCell`, widened by one step on every side; null for no view. */
export function cellRect(cell: string): Rect | null {
  if (!cell) return null;
  const [step, x0, y0, x1, y1] = cell.split(' ').map(Number) as [number, number, number, number, number];
  return { x: (x0 - 1) * step, y: (y0 - 1) * step, width: (x1 - x0 + 2) * step, height: (y1 - y0 + 2) * step };
}

const meets = (a: Rect, b: Rect) => a.x <= b.x + b.width && a.x + a.width >= b.x && a.y <= b.y + b.height && a.y + a.height >= b.y;

/**
 * The links (by their end elements' boxes) whose curves meet `rect`, in two lists: `near`, those
 * with an end element in `rect` (or that `keep` asks for: selected ones), which React Flow draws
 * as edges; and `through`, those only passing across it, both ends out of sight, which
 * `ThroughLinks` draws as plain curves. On a map of long links most of the links in view pass
 * through it: at zoom 1 on the benchmark's random map, 960 curves cross the view and some 170
 * have an end in it. Their arrowheads are out of sight too; what is lost is only their label
 * and a click on them.
 */
export function edgesMeeting<E extends { source: string; target: string }>(
  edges: readonly E[],
  boxOf: (id: string) => Rect | undefined,
  rect: Rect,
  keep: (edge: E) => boolean = () => false,
): { near: E[]; through: E[] } {
  const near: E[] = [];
  const through: E[] = [];
  for (const edge of edges) {
    const ends = curveEnds(edge, boxOf);
    if (!ends || !curveMeetsRect(ends.from, ends.to, rect)) continue;
    (meets(ends.s, rect) || meets(ends.t, rect) || keep(edge) ? near : through).push(edge);
  }
  return { near, through };
}
