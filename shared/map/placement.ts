/**
 * Where a new element goes: near where the person is looking, but never on top of another
 * element (two people adding at once, or several adds in a row, would otherwise stack them).
 */
import type { MapData, MapElement } from './model.js';

export interface Point {
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}
/** A box on the canvas: its top-left corner and its size, in map coordinates. */
export interface Box extends Point, Size {}

/** Room assumed for an element whose drawn size is not known; generous, as labels wrap. */
export const ELEMENT_BOX = { width: 200, height: 90 } as const;
/** Clear space kept around a new element, so that no two boxes touch. */
export const PLACEMENT_GAP = 40;
/** Distance from an element to one added beside it: room for the arrow between them. */
export const BESIDE_GAP = 100;

/**
 * The top-left corner nearest to `want` at which a box of `size` keeps `gap` clear of every
 * box in `occupied`. Exact and deterministic: the nearest free corner lies on `want`'s row or
 * on the top or bottom edge of a forbidden region, so only those rows are searched, nearest
 * first, each for its nearest free column.
 *
 * @example
 * freeSpot({ x: 0, y: 0 }, { width: 100, height: 50 }, [{ x: 0, y: 0, width: 100, height: 50 }]);
 * // → { x: 0, y: -90 }: above the box, 40 px clear of it
 */
export function freeSpot(want: Point, size: Size, occupied: readonly Box[], gap = PLACEMENT_GAP): Point {
  const target = { x: Math.round(want.x), y: Math.round(want.y) };
  // Top-left corners inside one of these (open) regions would bring the box within `gap` of
  // another; rounded outward, so the answer is whole pixels and still clear.
  const forbidden = occupied.map((b) => ({
    left: Math.floor(b.x - size.width - gap),
    right: Math.ceil(b.x + b.width + gap),
    top: Math.floor(b.y - size.height - gap),
    bottom: Math.ceil(b.y + b.height + gap),
  }));
  const rows = [...new Set([target.y, ...forbidden.flatMap((f) => [f.top, f.bottom])])].sort(
    (a, b) => Math.abs(a - target.y) - Math.abs(b - target.y) || a - b,
  );
  let best = target;
  let bestDistance = Infinity;
  for (const y of rows) {
    if (Math.abs(y - target.y) >= bestDistance) break;
    const x = nearestFreeColumn(target.x, forbidden.filter((f) => f.top < y && y < f.bottom));
    const distance = Math.hypot(x - target.x, y - target.y);
    if (distance < bestDistance) {
      best = { x, y };
      bestDistance = distance;
    }
  }
  return best;
}

/** The column nearest `x` outside every open span `left..right`; to the right on a tie. */
function nearestFreeColumn(x: number, spans: readonly { left: number; right: number }[]): number {
  const sorted = [...spans].sort((a, b) => a.left - b.left);
  let i = 0;
  while (i < sorted.length) {
    // Spans that overlap make one blocked run; spans that only meet leave their meeting point free.
    const left = sorted[i]!.left;
    let right = sorted[i]!.right;
    for (i++; i < sorted.length && sorted[i]!.left < right; i++) right = Math.max(right, sorted[i]!.right);
    if (left < x && x < right) return x - left < right - x ? left : right;
  }
  return x;
}

/**
 * Where a new element of `size` goes: beside `beside` (to its right, tops aligned, if there is
 * room, else the nearest free spot to that), or centred as near `near` as there is room for.
 *
 * @example
 * spotForElement(boxes, ELEMENT_BOX, { near: viewCentre });
 * spotForElement(boxes, ELEMENT_BOX, { near: viewCentre, beside: selectedBox });
 */
export function spotForElement(occupied: readonly Box[], size: Size, at: { near: Point; beside?: Box | null }): Point {
  // Beside, tops aligned: the new box's height is a guess until it is drawn, its top is not.
  const want = at.beside
    ? { x: at.beside.x + at.beside.width + BESIDE_GAP, y: at.beside.y }
    : { x: at.near.x - size.width / 2, y: at.near.y - size.height / 2 };
  return freeSpot(want, size, occupied);
}

/**
 * Each element's box: its drawn size where `sizeOf` knows it (the client measures what it has
 * drawn), `ELEMENT_BOX` otherwise.
 */
export function elementBoxes(elements: readonly Pick<MapElement, 'id' | 'x' | 'y'>[], sizeOf: (id: string) => Size | undefined = () => undefined): Box[] {
  return elements.map((e) => ({ x: e.x, y: e.y, ...(sizeOf(e.id) ?? ELEMENT_BOX) }));
}

/** The smallest box holding every given box; null when there are none. */
export function enclosingBox(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * `incoming` (a template, an import) moved as one block into the free space nearest `near`
 * (by default the middle of what is there), clear of every element and frame of `existing`.
 *
 * @example
 * addMapData(doc, placeMapData(readMap(doc), instantiate('fixes-that-fail', newId, by), { near: viewCentre }), actor);
 */
export function placeMapData(existing: MapData, incoming: MapData, options: { near?: Point; sizeOf?: (id: string) => Size | undefined } = {}): MapData {
  const block = enclosingBox([...elementBoxes(incoming.elements), ...incoming.groups]);
  if (!block) return incoming;
  const occupied = [...elementBoxes(existing.elements, options.sizeOf), ...existing.groups];
  const middle = enclosingBox(occupied);
  const near = options.near ?? (middle ? { x: middle.x + middle.width / 2, y: middle.y + middle.height / 2 } : { x: block.x + block.width / 2, y: block.y + block.height / 2 });
  const spot = spotForElement(occupied, block, { near });
  const dx = spot.x - block.x;
  const dy = spot.y - block.y;
  if (dx === 0 && dy === 0) return incoming;
  return {
    ...incoming,
    elements: incoming.elements.map((e) => ({ ...e, x: e.x + dx, y: e.y + dy })),
    groups: incoming.groups.map((g) => ({ ...g, x: g.x + dx, y: g.y + dy })),
  };
}

/**
 * The frame an element sits in (its top-left corner inside the frame), the smallest when frames
 * nest. On a stakeholder grid this is the element's quadrant, on an iceberg its level: derived
 * from where people put it, so moving it is how they change their assessment.
 */
export function containingGroup<G extends { x: number; y: number; width: number; height: number }>(
  position: { x: number; y: number },
  groups: readonly G[],
): G | null {
  let best: G | null = null;
  for (const g of groups) {
    const inside = position.x >= g.x && position.x < g.x + g.width && position.y >= g.y && position.y < g.y + g.height;
    if (inside && (!best || g.width * g.height < best.width * best.height)) best = g;
  }
  return best;
}
