/**
 * Where the causal loop diagram conventions are drawn, from the elements' boxes alone: the
 * curve of a link from box edge to box edge, its arrowhead, the polarity sign beside the
 * arrowhead, the delay mark (‖) across its middle, and a loop's marker at the loop's centre.
 * One module for the exported SVG (`svg.ts`) and the live canvas (`ConnectionEdge`,
 * `ThroughLinks`, `ZoomedOutCanvas`, `LoopMarkers`, the culling in `edgesInView`), so a link
 * looks the same however it is drawn. Pure arithmetic in map units: no DOM.
 */

export interface Point {
  x: number;
  y: number;
}

/** A box in map units: an element's top-left corner and drawn size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A cubic Bézier: start, two control points, end. A quadratic is given in this form too. */
export type Curve = readonly [Point, Point, Point, Point];

export interface LinkGeometry {
  /** SVG path data of the curve (`M… Q…`, or `M… C…` for a link from an element to itself). */
  d: string;
  curve: Curve;
  /** Where the curve leaves the source's box. */
  start: Point;
  /** The arrowhead's tip, just off the target's box. */
  end: Point;
  /** Unit vector the arrowhead points along (the curve's direction at its end). */
  direction: Point;
  /** Unit vector to the side the curve bows: the polarity and the label sit on this side. */
  normal: Point;
  /** The curve's middle: where the delay mark crosses it and its label sits. */
  middle: Point;
  /** Unit vector along the curve at its middle. */
  along: Point;
}

/** How far a link bows, as a share of its length, at most `BOW_MAX` map units. */
const BOW = 0.15;
const BOW_MAX = 80;
/** Space between a box and the end of a link, so the arrowhead's tip touches and no more. */
const GAP = 2;

/** One decimal is plenty in map units, and keeps paths short. */
export const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

const unit = (dx: number, dy: number): Point => {
  const length = Math.hypot(dx, dy) || 1;
  return { x: dx / length, y: dy / length };
};

export function boxCentre(b: Rect): Point {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Where the ray from the box's centre towards `towards` leaves the box, `gap` further out. */
function exitPoint(b: Rect, towards: Point, gap: number): Point {
  const c = boxCentre(b);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  const length = Math.hypot(dx, dy) || 1;
  const tx = dx === 0 ? Infinity : b.width / 2 / Math.abs(dx);
  const ty = dy === 0 ? Infinity : b.height / 2 / Math.abs(dy);
  const t = Math.min(tx, ty);
  // Both infinite only when `towards` is the centre itself.
  if (!Number.isFinite(t)) return c;
  return { x: c.x + dx * t + (dx / length) * gap, y: c.y + dy * t + (dy / length) * gap };
}

export interface LinkOptions {
  /** How much further than usual the link bows (see `linkBends`); default 1. */
  bend?: number;
  /** A link from an element to itself: a round trip over the top of its box. */
  self?: boolean;
}

/**
 * The curve of a link from the box `from` to the box `to`: a quadratic bowed to its left, so
 * A→B and B→A part, leaving and arriving on the sides that face each other (the right and
 * left sides of boxes side by side, bottom and top of a stack).
 *
 * @example
 * const link = linkGeometry({ x: 0, y: 0, width: 160, height: 56 }, { x: 400, y: 0, width: 160, height: 56 })
 * link.start.x // 162: just off the source's right-hand side
 */
export function linkGeometry(from: Rect, to: Rect, options: LinkOptions = {}): LinkGeometry {
  const shape = linkShape(from, to, options);
  const [start, c1, c2, end] = shape.curve;
  const d = shape.control
    ? `M${fmt(start.x)},${fmt(start.y)} Q${fmt(shape.control.x)},${fmt(shape.control.y)} ${fmt(end.x)},${fmt(end.y)}`
    : `M${fmt(start.x)},${fmt(start.y)} C${fmt(c1.x)},${fmt(c1.y)} ${fmt(c2.x)},${fmt(c2.y)} ${fmt(end.x)},${fmt(end.y)}`;
  return { d, curve: shape.curve, start, end, direction: shape.direction, normal: shape.normal, middle: shape.middle, along: shape.along };
}

/**
 * Only the curve of `linkGeometry`, without its path text: for testing thousands of links
 * against the view, or against a click.
 */
export function linkCurve(from: Rect, to: Rect, options: LinkOptions = {}): Curve {
  return linkShape(from, to, options).curve;
}

function linkShape(from: Rect, to: Rect, options: LinkOptions): Omit<LinkGeometry, 'd'> & { control: Point | null } {
  const a = boxCentre(from);
  if (options.self) {
    const top = from.y;
    const start = { x: a.x - 25, y: top - 2 };
    const end = { x: a.x + 25, y: top - 6 };
    const c1 = { x: a.x - 45, y: top - 70 };
    const c2 = { x: a.x + 45, y: top - 70 };
    return {
      control: null,
      curve: [start, c1, c2, end],
      start,
      end,
      direction: unit(end.x - c2.x, end.y - c2.y),
      normal: { x: 1, y: 0 },
      middle: { x: a.x, y: top - 54 },
      along: { x: 1, y: 0 },
    };
  }
  const b = boxCentre(to);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const normal = { x: dy / length, y: -dx / length };
  const offset = Math.min(length * BOW, BOW_MAX) * (options.bend ?? 1);
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const control = { x: mid.x + normal.x * offset, y: mid.y + normal.y * offset };
  // Leaving towards a point half as far out as the control point: near enough radial to read
  // as leaving the box, and on the facing side of boxes side by side or stacked (aiming at the
  // control point itself put the ends by the boxes' corners).
  const aim = { x: mid.x + normal.x * offset * 0.5, y: mid.y + normal.y * offset * 0.5 };
  const start = exitPoint(from, aim, GAP);
  const end = exitPoint(to, aim, GAP);
  const middle = { x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x, y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y };
  const c1 = { x: start.x + (2 / 3) * (control.x - start.x), y: start.y + (2 / 3) * (control.y - start.y) };
  const c2 = { x: end.x + (2 / 3) * (control.x - end.x), y: end.y + (2 / 3) * (control.y - end.y) };
  return {
    control,
    curve: [start, c1, c2, end],
    start,
    end,
    direction: unit(end.x - control.x, end.y - control.y),
    normal,
    middle,
    // A quadratic's direction at its middle is its chord's.
    along: unit(end.x - start.x, end.y - start.y),
  };
}

/**
 * How much further each link bows than the first between the same two elements in the same
 * direction: the nth such link (in the order given) bows 1 + 0.9 × n times as far. Only links
 * that bow further are in the map.
 *
 * @example
 * linkBends([{ id: 'a', from: 'x', to: 'y' }, { id: 'b', from: 'x', to: 'y' }], (l) => [l.from, l.to]) // Map { 'b' => 1.9 }
 */
export function linkBends<L extends { id: string }>(links: readonly L[], endsOf: (link: L) => readonly [string, string]): Map<string, number> {
  const seen = new Map<string, number>();
  const bends = new Map<string, number>();
  for (const link of links) {
    const [from, to] = endsOf(link);
    const pair = `${from}\u0000${to}`;
    const n = seen.get(pair) ?? 0;
    seen.set(pair, n + 1);
    if (n > 0) bends.set(link.id, 1 + n * 0.9);
  }
  return bends;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * The centre of the polarity sign: just behind the arrowhead, `offset` out on the side the link
 * bows, stepped back along the link until a sign of `size` is clear of the target's box (drawn
 * over the links, it would hide a sign under it).
 */
export function polarityPoint(link: LinkGeometry, target: Rect, size: { width: number; height: number } = { width: 20, height: 22 }, offset = 12): Point {
  const { end, direction, normal } = link;
  let p = end;
  for (let back = 18; back <= 80; back += 4) {
    p = { x: end.x - direction.x * back + normal.x * offset, y: end.y - direction.y * back + normal.y * offset };
    if (!overlaps({ x: p.x - size.width / 2, y: p.y - size.height / 2, width: size.width, height: size.height }, target)) break;
  }
  return p;
}

/** Where a label goes: `offset` out from the middle of the link, on the side it bows. */
export function labelPoint(link: LinkGeometry, offset: number): Point {
  return { x: link.middle.x + link.normal.x * offset, y: link.middle.y + link.normal.y * offset };
}

/** The delay mark: two strokes across the middle of the link, `gap` apart, `half` each side of it. */
export function delayMark(link: LinkGeometry, half = 9, gap = 6): { segments: [Point, Point][]; d: string } {
  const { middle, along } = link;
  const segments = [-gap / 2, gap / 2].map((shift): [Point, Point] => {
    const cx = middle.x + along.x * shift;
    const cy = middle.y + along.y * shift;
    return [
      { x: cx - along.y * half, y: cy + along.x * half },
      { x: cx + along.y * half, y: cy - along.x * half },
    ];
  });
  return { segments, d: segments.map(([p, q]) => `M${fmt(p.x)},${fmt(p.y)} L${fmt(q.x)},${fmt(q.y)}`).join(' ') };
}

/** A closed arrowhead whose tip is the link's end: `length` long, `width` across its base. */
export function arrowhead(link: LinkGeometry, length = 12, width = 10): string {
  const { end, direction: t } = link;
  const base = { x: end.x - t.x * length, y: end.y - t.y * length };
  const h = width / 2;
  return `M${fmt(end.x)},${fmt(end.y)} L${fmt(base.x - t.y * h)},${fmt(base.y + t.x * h)} L${fmt(base.x + t.y * h)},${fmt(base.y - t.x * h)} Z`;
}

/** A point `u` (0 to 1) along a curve. */
export function pointOnCurve([p0, p1, p2, p3]: Curve, u: number): Point {
  const v = 1 - u;
  const a = v * v * v;
  const b = 3 * v * v * u;
  const c = 3 * v * u * u;
  const d = u * u * u;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/** A box holding the whole curve (that of its control points, which the curve never leaves). */
export function curveBox(curve: Curve): Rect {
  const xs = curve.map((p) => p.x);
  const ys = curve.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export interface LoopMarkerGeometry {
  /** The loop's centre: the mean of its elements' box centres. */
  centre: Point;
  radius: number;
  /** The circular arrow: about 300° clockwise, to end in an arrowhead (a marker, or `arrowD`). */
  arcD: string;
  /** A small closed arrowhead at the arc's end, for drawings without SVG markers. */
  arrowD: string;
  /** The baseline of the name, under the circle. */
  nameAt: Point;
}

/** Radius of a loop marker's circular arrow. */
export const LOOP_MARKER_RADIUS = 17;

/**
 * Where a loop's marker (R1, B2 with a circular arrow round it) is drawn, from the boxes of the
 * loop's elements; null when none of them is known.
 *
 * @example
 * loopMarkerGeometry([{ x: 0, y: 0, width: 100, height: 50 }, { x: 200, y: 0, width: 100, height: 50 }])!.centre // { x: 150, y: 25 }
 */
export function loopMarkerGeometry(boxes: readonly Rect[]): LoopMarkerGeometry | null {
  if (boxes.length === 0) return null;
  let sx = 0;
  let sy = 0;
  for (const b of boxes) {
    const c = boxCentre(b);
    sx += c.x;
    sy += c.y;
  }
  const cx = sx / boxes.length;
  const cy = sy / boxes.length;
  const r = LOOP_MARKER_RADIUS;
  const from = { x: cx + r * Math.cos(-Math.PI / 3), y: cy + r * Math.sin(-Math.PI / 3) };
  const endAngle = -Math.PI / 2 - 0.35;
  const to = { x: cx + r * Math.cos(endAngle), y: cy + r * Math.sin(endAngle) };
  // Clockwise on screen (y down), the arc's direction at its end is the radius turned a quarter.
  const arrow = arrowAt(to, { x: -Math.sin(endAngle), y: Math.cos(endAngle) });
  return {
    centre: { x: cx, y: cy },
    radius: r,
    arcD: `M${fmt(from.x)},${fmt(from.y)} A${r},${r} 0 1 1 ${fmt(to.x)},${fmt(to.y)}`,
    arrowD: arrow,
    nameAt: { x: cx, y: cy + r + 18 },
  };
}

/** A 9-unit arrowhead centred a little behind `tip`, as the export's loop-arrow marker draws it. */
function arrowAt(at: Point, t: Point): string {
  // The export's marker (viewBox 10 × 10 drawn 9 × 9, refX 6) puts the tip 3.6 past the arc's end.
  const tip = { x: at.x + t.x * 3.6, y: at.y + t.y * 3.6 };
  const base = { x: tip.x - t.x * 9, y: tip.y - t.y * 9 };
  const h = 4.5;
  return `M${fmt(tip.x)},${fmt(tip.y)} L${fmt(base.x - t.y * h)},${fmt(base.y + t.x * h)} L${fmt(base.x + t.y * h)},${fmt(base.y - t.x * h)} Z`;
}

/** The letter of a loop's marker and of its badge in the loops panel. */
export const LOOP_LETTER = { reinforcing: 'R', balancing: 'B', unknown: '?' } as const;

/** The colour of a loop's marker: blue reinforcing, green balancing, grey not known yet. */
export const LOOP_COLOUR = { reinforcing: '#1d70b8', balancing: '#00703c', unknown: '#505a5f' } as const;
