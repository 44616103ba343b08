/**
 * Which connections of a large map really pass through the view. React Flow's own culling
 * (`onlyRenderVisibleElements`) keeps every edge whose bounding box meets the view, and the box
 * of a long diagonal link covers most of the map: zoomed in on a large map, it kept a thousand
 * curves that never crossed the screen, and the browser rasterised them all again whenever one
 * element changed size. Here a link is kept only when its curve comes near the view.
 */
import type { ReactFlowState, Rect } from '@xyflow/react';
import { linkBends, linkCurve, pointOnCurve, type Curve } from '../../shared/map/geometry.js';

interface Point {
  x: number;
  y: number;
}

/** What a link is to these functions: its id and its ends' element ids. */
interface Link {
  id: string;
  source: string;
  target: string;
}

/** Points along each curve tested against the view; the view is widened by a margin to spare. */
const SAMPLES = 16;

/** Whether `curve` comes within `rect` (tested at SAMPLES points, by pieces). */
export function curveMeetsRect(curve: Curve, rect: Rect): boolean {
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  const [p0, p1, p2, p3] = curve;
  // The curve lies inside the box of its control points: most links are ruled out here.
  if (Math.max(p0.x, p1.x, p2.x, p3.x) < rect.x || Math.min(p0.x, p1.x, p2.x, p3.x) > right) return false;
  if (Math.max(p0.y, p1.y, p2.y, p3.y) < rect.y || Math.min(p0.y, p1.y, p2.y, p3.y) > bottom) return false;
  let px = p0.x;
  let py = p0.y;
  for (let i = 1; i <= SAMPLES; i++) {
    const { x, y } = pointOnCurve(curve, i / SAMPLES);
    // The piece's own box against the view: a little generous, never missing a crossing.
    if (Math.max(px, x) >= rect.x && Math.min(px, x) <= right && Math.max(py, y) >= rect.y && Math.min(py, y) <= bottom) return true;
    px = x;
    py = y;
  }
  return false;
}

/** Pieces a curve is cut into to measure how far a point is from it: finer than the culling's. */
const DISTANCE_SAMPLES = 48;

/** How far `p` is from `curve` (to within a hair: the curve cut into pieces). */
export function distanceToCurve(curve: Curve, p: Point): number {
  let best = Infinity;
  let from = curve[0];
  for (let i = 1; i <= DISTANCE_SAMPLES; i++) {
    const to = pointOnCurve(curve, i / DISTANCE_SAMPLES);
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

const bendCache = new WeakMap<readonly Link[], Map<string, number>>();
const NO_BENDS: ReadonlyMap<string, number> = new Map();

/**
 * How much further than usual each link of `links` bows (`linkBends`: the second link between
 * the same elements in the same direction bows further out), worked out once per list: every
 * edge on the canvas asks at every change of React Flow's store, and the list changes far less.
 */
export function bendsOf(links: readonly Link[]): ReadonlyMap<string, number> {
  let bends = bendCache.get(links);
  if (!bends) bendCache.set(links, (bends = linkBends(links, (l) => [l.source, l.target])));
  return bends;
}

/**
 * The link whose curve passes nearest `point`, if within `tolerance` (map units): what a click
 * on one of `ThroughLinks`'s plain curves, which are not elements of their own, was aimed at.
 */
export function linkNear<E extends Link>(edges: readonly E[], boxOf: (id: string) => Rect | undefined, point: Point, tolerance: number): E | null {
  let best: E | null = null;
  let bestDistance = tolerance;
  const near = { x: point.x - tolerance, y: point.y - tolerance, width: 2 * tolerance, height: 2 * tolerance };
  const bends = bendsOf(edges);
  for (const edge of edges) {
    const ends = curveEnds(edge, boxOf, bends);
    // Most curves are nowhere near: the cheap test first.
    if (!ends || !curveMeetsRect(ends.curve, near)) continue;
    const distance = distanceToCurve(ends.curve, point);
    if (distance <= bestDistance) {
      best = edge;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * A link's elements' boxes and its curve between them, as every drawing of it has it
 * (`linkCurve`, shared with the edges and the exported SVG); null while an element is missing.
 * The culling, the click test, `ThroughLinks` and `ZoomedOutCanvas` all start from it.
 */
export function curveEnds(edge: Link, boxOf: (id: string) => Rect | undefined, bends: ReadonlyMap<string, number> = NO_BENDS): { s: Rect; t: Rect; curve: Curve } | null {
  const s = boxOf(edge.source);
  const t = boxOf(edge.target);
  if (!s || !t) return null;
  return { s, t, curve: linkCurve(s, t, { bend: bends.get(edge.id) ?? 1, self: edge.source === edge.target }) };
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
export function edgesMeeting<E extends Link>(
  edges: readonly E[],
  boxOf: (id: string) => Rect | undefined,
  rect: Rect,
  keep: (edge: E) => boolean = () => false,
): { near: E[]; through: E[] } {
  const near: E[] = [];
  const through: E[] = [];
  const bends = bendsOf(edges);
  for (const edge of edges) {
    const ends = curveEnds(edge, boxOf, bends);
    if (!ends || !curveMeetsRect(ends.curve, rect)) continue;
    (meets(ends.s, rect) || meets(ends.t, rect) || keep(edge) ? near : through).push(edge);
  }
  return { near, through };
}
