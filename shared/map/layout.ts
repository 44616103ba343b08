/**
 * Tidy layout: a force-directed drawing (d3-force) that lets a causal loop diagram's loops read
 * as loops, where a layered drawing stretched them into one long line. Linked elements pull
 * together, all elements push apart, and a weak pull to the middle, stronger across the short
 * side of the view, shapes the drawing to the view's proportions. After the force pass no two
 * boxes overlap: a few rounds push apart the boxes that still touch, and any box still in the
 * way is given the nearest free spot.
 *
 * It returns new positions only; the caller writes them with `moveElements`, so a tidy is one
 * undoable step that everyone sees. The same map and options give the same positions
 * (the force pass is seeded and starts from a fixed arrangement).
 *
 * What it leaves where it is:
 * - elements outside `move` (tidy a selection, or only new elements, without moving what people
 *   placed): they stay put and the moved ones settle around them;
 * - frames, and every element inside a frame. A frame's place means something (a quadrant of a
 *   stakeholder grid, a level of an iceberg, a horizon), and so does where an element sits in it,
 *   so a tidy never moves them, never puts a free element into a frame and never takes one out:
 *   frames are obstacles the free elements are kept clear of.
 */
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';
import type { MapData, MapElement } from './model.js';
import { containingGroup } from './placement.js';
import { seededRandom } from '../random.js';

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Size {
  x: number;
  y: number;
}

export interface TidyOptions {
  /** Only these elements move; all others stay where they are. Default: every free element. */
  move?: Iterable<string>;
  /** Drawn sizes of element boxes (as measured on screen); others are estimated from their words. */
  sizes?: ReadonlyMap<string, Size>;
  /** Width ÷ height of the view the map is shown in; the drawing is shaped near it. Default 1.5. */
  aspect?: number;
  /** Seed of the force pass; a different seed gives a different, equally tidy drawing. */
  seed?: number;
}

/** The clear space kept between two boxes, and between a box and a frame (map units). */
export const TIDY_GAP = 24;

/** Drawn size of an element box: `.map-node` in styles.css (10rem wide, 0.9rem text, 1.25 line). */
const BOX = { width: 160, padding: 2 * 6.4 + 2 * 2, kindLine: 15, line: 18, charWidth: 8 } as const;

/**
 * The size an element's box is drawn at, estimated from its words (kind line, wrapped label,
 * agency line); a little generous, so an estimate errs on the side of space.
 *
 * @example estimateElementBox({ label: 'Carer stress', agency: '' }) // { width: 160, height: 53 }
 */
export function estimateElementBox(element: Pick<MapElement, 'label' | 'agency'>): Size {
  const perLine = Math.floor((BOX.width - BOX.padding) / BOX.charWidth);
  const lines = (text: string) => Math.max(1, Math.ceil(text.length / perLine));
  const agency = element.agency ? lines(element.agency) * BOX.line : 0;
  return { width: BOX.width, height: Math.ceil(BOX.padding + BOX.kindLine + lines(element.label) * BOX.line + agency) };
}

interface Node extends SimulationNodeDatum {
  id: string;
  width: number;
  height: number;
  pinned: boolean;
}

/**
 * New top-left positions for the elements a tidy moves (elements that stay are left out).
 *
 * @example
 * moveElements(doc, tidyLayout(readMap(doc), { aspect: 1238 / 756 }));            // the whole map
 * moveElements(doc, tidyLayout(readMap(doc), { move: selectedIds }));              // a selection
 */
export function tidyLayout(map: Pick<MapData, 'elements' | 'connections' | 'groups'>, options: TidyOptions = {}): { id: string; x: number; y: number }[] {
  const aspect = clamp(options.aspect ?? 1.5, 0.6, 1.9);
  const wanted = options.move ? new Set(options.move) : null;
  const nodes: Node[] = map.elements.map((e) => {
    const size = options.sizes?.get(e.id) ?? estimateElementBox(e);
    const framed = e.groupId !== null || containingGroup(e, map.groups) !== null;
    const pinned = framed || (wanted !== null && !wanted.has(e.id));
    // Centres in the force pass; top-left corners in the map.
    return { id: e.id, width: size.width, height: size.height, pinned, x: e.x + size.width / 2, y: e.y + size.height / 2 };
  });
  const moving = nodes.filter((n) => !n.pinned);
  if (moving.length === 0) return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links: SimulationLinkDatum<Node>[] = [];
  const linked = new Set<string>();
  for (const c of map.connections) {
    const key = c.from < c.to ? `${c.from}\n${c.to}` : `${c.to}\n${c.from}`;
    if (c.from === c.to || linked.has(key) || !byId.has(c.from) || !byId.has(c.to)) continue;
    linked.add(key);
    links.push({ source: c.from, target: c.to });
  }
  const before = centreOf(moving);
  const random = seededRandom(options.seed ?? 1);
  const whole = wanted === null;
  // A whole map with nothing pinned is drawn around 0, 0 and moved back to its middle after:
  // the same drawing wherever the map was.
  const middle = !whole ? centreOf(moving) : moving.length === nodes.length ? { x: 0, y: 0 } : before;
  startingPlaces(nodes, links, byId, random, whole ? middle : null);
  const pull = 0.06;
  // d3 settles in about log(alphaMin) / log(1 - alphaDecay) ticks: fewer on a large map, whose
  // every tick costs more, keeps the pass well under a second at 2,000 elements.
  const large = nodes.length > 1000;
  const ticks = large ? 60 : nodes.length > 300 ? 200 : 300;
  const simulation = forceSimulation(nodes)
    .randomSource(random)
    .alphaDecay(1 - Math.pow(0.001, 1 / ticks))
    .force(
      'link',
      forceLink<Node, SimulationLinkDatum<Node>>(links)
        .id((n) => n.id)
        .distance((l) => reach(l.source as Node) + reach(l.target as Node) + 50),
    )
    .force('charge', forceManyBody<Node>().strength(-500).distanceMax(1500).theta(large ? 1.2 : 0.9))
    // On a large map the boxes' own spacing comes from the overlap removal after: collision is
    // the dearest force per tick, and the push between all elements keeps them mostly apart.
    .force('collide', large ? null : forceCollide<Node>((n) => reach(n) + TIDY_GAP / 2).iterations(2))
    // Stronger across the short side of the view: the drawing spreads along the long one.
    .force('x', forceX<Node>(middle.x).strength(pull / Math.sqrt(aspect)))
    .force('y', forceY<Node>(middle.y).strength(pull * Math.sqrt(aspect)))
    .stop();
  simulation.tick(ticks);

  if (whole) {
    // Causes before effects where the drawing allows: mirrored if more links point left (not
    // when framed elements stay, which a mirror would move the drawing away from).
    const leftward = links.reduce((sum, l) => sum + (l.source as Node).x! - (l.target as Node).x!, 0);
    if (leftward > 0 && moving.length === nodes.length) for (const n of moving) n.x = 2 * middle.x - n.x!;
    spreadOut(moving);
    stretchToward(moving, aspect);
    // Centred where the elements were, so a tidy does not send the map off people's screens.
    const now = centreOf(moving);
    for (const n of moving) {
      n.x! += before.x - now.x;
      n.y! += before.y - now.y;
    }
  }
  const obstacles: Rect[] = map.groups.map((g) => ({ x: g.x, y: g.y, width: g.width, height: g.height }));
  removeOverlaps(nodes, obstacles);
  return moving.map((n) => ({ id: n.id, x: Math.round(n.x! - n.width / 2), y: Math.round(n.y! - n.height / 2) }));
}

/** Half the box's longer side: the radius it is given in the force pass. */
function reach(n: Node): number {
  return Math.max(n.width, n.height) / 2;
}

/**
 * Where moving elements start. A whole-map tidy starts them on a fixed spiral around `whole`
 * (d3's own start, so the result does not depend on where they were); a partial one starts
 * each beside the staying elements it is linked to, or where it is, jiggled so none coincide.
 */
function startingPlaces(nodes: Node[], links: SimulationLinkDatum<Node>[], byId: Map<string, Node>, random: () => number, whole: { x: number; y: number } | null): void {
  let i = 0;
  for (const n of nodes) {
    if (n.pinned) {
      n.fx = n.x;
      n.fy = n.y;
    } else if (whole) {
      const radius = 10 * Math.sqrt(0.5 + i);
      const angle = i++ * Math.PI * (3 - Math.sqrt(5));
      n.x = whole.x + radius * Math.cos(angle);
      n.y = whole.y + radius * Math.sin(angle);
    }
  }
  if (whole) return;
  const anchors = new Map<string, Node[]>();
  for (const l of links) {
    const [a, b] = [byId.get(l.source as string)!, byId.get(l.target as string)!];
    if (!a.pinned && b.pinned) anchors.set(a.id, [...(anchors.get(a.id) ?? []), b]);
    if (!b.pinned && a.pinned) anchors.set(b.id, [...(anchors.get(b.id) ?? []), a]);
  }
  for (const n of nodes) {
    if (n.pinned) continue;
    const near = anchors.get(n.id);
    const at = near ? centreOf(near) : { x: n.x!, y: n.y! };
    n.x = at.x + (random() - 0.5) * 200;
    n.y = at.y + (random() - 0.5) * 200;
  }
}

/**
 * Scales a whole-map drawing up about its middle until most boxes that overlap are clear (a
 * dense tangle, where the force pass packs more boxes than fit): scaling keeps the drawing's
 * shape, and leaves the overlap removal after it a few small pushes instead of thousands.
 */
function spreadOut(nodes: Node[]): void {
  const cell = Math.max(1, ...nodes.map((n) => Math.max(n.width, n.height) + TIDY_GAP));
  const grid = new RectGrid<Rect & { node: Node }>(cell);
  const rect = (n: Node) => ({ x: n.x! - n.width / 2, y: n.y! - n.height / 2, width: n.width + TIDY_GAP, height: n.height + TIDY_GAP, node: n });
  for (const n of nodes) grid.add(rect(n));
  const needed: number[] = [];
  for (const a of nodes) {
    for (const { node: b } of grid.near(rect(a))) {
      if (b.index! <= a.index!) continue;
      const dx = Math.abs(a.x! - b.x!);
      const dy = Math.abs(a.y! - b.y!);
      const wx = (a.width + b.width) / 2 + TIDY_GAP;
      const wy = (a.height + b.height) / 2 + TIDY_GAP;
      if (dx >= wx || dy >= wy) continue;
      // The scale that clears this pair along the easier axis.
      needed.push(Math.min(dx > 0 ? wx / dx : Infinity, dy > 0 ? wy / dy : Infinity));
    }
  }
  if (needed.length < nodes.length / 20) return;
  needed.sort((p, q) => p - q);
  const scale = Math.min(4, needed[Math.floor(needed.length * 0.95)]!);
  const middle = centreOf(nodes);
  for (const n of nodes) {
    n.x = middle.x + (n.x! - middle.x) * scale;
    n.y = middle.y + (n.y! - middle.y) * scale;
  }
}

/**
 * Spreads a whole-map drawing along its short side until its box is no more than 1.5 times
 * out from the wanted shape. Only ever stretching keeps apart what the force pass set apart.
 */
function stretchToward(nodes: Node[], aspect: number): void {
  if (nodes.length < 2) return;
  const box = boundsOf(nodes);
  const ys = nodes.map((n) => n.y!);
  const xs = nodes.map((n) => n.x!);
  // The spread of the centres, and what the boxes add around it.
  const spreadY = Math.max(...ys) - Math.min(...ys);
  const spreadX = Math.max(...xs) - Math.min(...xs);
  const middle = { x: (Math.max(...xs) + Math.min(...xs)) / 2, y: (Math.max(...ys) + Math.min(...ys)) / 2 };
  if (box.width / box.height > aspect * 1.5 && spreadY > 0) {
    const want = box.width / (aspect * 1.5) - (box.height - spreadY);
    for (const n of nodes) n.y = middle.y + ((n.y! - middle.y) * want) / spreadY;
  } else if (box.width / box.height < aspect / 1.5 && spreadX > 0) {
    const want = (box.height * aspect) / 1.5 - (box.width - spreadX);
    for (const n of nodes) n.x = middle.x + ((n.x! - middle.x) * want) / spreadX;
  }
}

/**
 * Makes sure no moving box overlaps (or comes within `TIDY_GAP` of) another box or a frame.
 * First rounds of pushing apart along the shorter way out, as the force pass leaves only small
 * overlaps; then any moving box still in the way takes the nearest free spot.
 */
function removeOverlaps(nodes: Node[], obstacles: Rect[]): void {
  const half = TIDY_GAP / 2;
  const rect = (n: Node): Rect => ({ x: n.x! - n.width / 2 - half, y: n.y! - n.height / 2 - half, width: n.width + TIDY_GAP, height: n.height + TIDY_GAP });
  const walls = obstacles.map((o) => ({ x: o.x - half, y: o.y - half, width: o.width + TIDY_GAP, height: o.height + TIDY_GAP }));
  for (let round = 0; round < 30; round++) {
    let moved = false;
    // A sweep along x: each box against the boxes that start before its right side ends.
    const order = [...nodes].sort((p, q) => p.x! - p.width / 2 - (q.x! - q.width / 2));
    for (let i = 0; i < order.length; i++) {
      const a = order[i]!;
      for (let j = i + 1; j < order.length; j++) {
        const b = order[j]!;
        if (b.x! - b.width / 2 >= a.x! + a.width / 2 + TIDY_GAP) break;
        if (a.pinned && b.pinned) continue;
        const dx = (a.width + b.width) / 2 + TIDY_GAP - Math.abs(a.x! - b.x!);
        const dy = (a.height + b.height) / 2 + TIDY_GAP - Math.abs(a.y! - b.y!);
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        // Push along the axis that needs less; coincident centres go by order.
        const alongX = dx / (a.width + b.width) <= dy / (a.height + b.height);
        const sign = alongX ? Math.sign(b.x! - a.x!) || 1 : Math.sign(b.y! - a.y!) || 1;
        const share = a.pinned ? [0, 1] : b.pinned ? [1, 0] : [0.5, 0.5];
        const amount = (alongX ? dx : dy) + 0.5;
        if (alongX) {
          a.x! -= sign * amount * share[0]!;
          b.x! += sign * amount * share[1]!;
        } else {
          a.y! -= sign * amount * share[0]!;
          b.y! += sign * amount * share[1]!;
        }
      }
    }
    for (const n of nodes) {
      if (n.pinned) continue;
      for (const w of walls) {
        const r = rect(n);
        const dx = overlap(r.x, r.width, w.x, w.width);
        const dy = overlap(r.y, r.height, w.y, w.height);
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        // Out of the frame by the nearest side.
        const exits = [w.x - (r.x + r.width), w.x + w.width - r.x, w.y - (r.y + r.height), w.y + w.height - r.y];
        const best = exits.reduce((p, q) => (Math.abs(q) < Math.abs(p) ? q : p));
        if (best === exits[0] || best === exits[1]) n.x! += best + Math.sign(best) * 0.5;
        else n.y! += best + Math.sign(best) * 0.5;
      }
    }
    if (!moved) return;
  }
  settleLeftovers(nodes, rect, walls);
}

/** Moves each moving box that still overlaps something to the nearest free spot, in order. */
function settleLeftovers(nodes: Node[], rect: (n: Node) => Rect, walls: Rect[]): void {
  const placed = new RectGrid(Math.max(1, ...nodes.map((n) => Math.max(n.width, n.height) + TIDY_GAP)));
  for (const w of walls) placed.add(w);
  for (const n of nodes) if (n.pinned) placed.add(rect(n));
  for (const n of nodes) {
    if (n.pinned) continue;
    let r = rect(n);
    if (placed.hits(r)) {
      const step = Math.max(r.width, r.height) / 4;
      const start = { x: n.x!, y: n.y! };
      search: for (let ring = 1; ring < 2000; ring++) {
        const around: { x: number; y: number; d: number }[] = [];
        for (let i = -ring; i <= ring; i++) {
          for (let j = -ring; j <= ring; j++) {
            if (Math.max(Math.abs(i), Math.abs(j)) === ring) around.push({ x: start.x + i * step, y: start.y + j * step, d: Math.hypot(i, j) });
          }
        }
        around.sort((p, q) => p.d - q.d);
        for (const spot of around) {
          n.x = spot.x;
          n.y = spot.y;
          r = rect(n);
          if (!placed.hits(r)) break search;
        }
      }
    }
    placed.add(r);
  }
}

/** How far [a, a + aw) and [b, b + bw) overlap; ≤ 0 when they do not. */
function overlap(a: number, aw: number, b: number, bw: number): number {
  return Math.min(a + aw, b + bw) - Math.max(a, b);
}

/** A uniform grid of boxes, so a box is checked only against the boxes near it. */
class RectGrid<T extends Rect = Rect> {
  private readonly cells = new Map<number, T[]>();

  constructor(private readonly size: number) {}

  add(r: T): void {
    this.visit(r, (key) => {
      const cell = this.cells.get(key);
      if (cell) cell.push(r);
      else this.cells.set(key, [r]);
    });
  }

  /** The boxes in the cells `r` touches (some may not overlap it). */
  near(r: Rect): Set<T> {
    const found = new Set<T>();
    this.visit(r, (key) => {
      for (const other of this.cells.get(key) ?? []) found.add(other);
    });
    return found;
  }

  /** Whether `r` overlaps a box in the grid. */
  hits(r: Rect): boolean {
    for (const other of this.near(r)) if (overlap(r.x, r.width, other.x, other.width) > 0 && overlap(r.y, r.height, other.y, other.height) > 0) return true;
    return false;
  }

  private visit(r: Rect, each: (key: number) => void): void {
    for (let i = Math.floor(r.x / this.size); i <= Math.floor((r.x + r.width) / this.size); i++) {
      // One number per cell: maps are far smaller than 2^20 cells across.
      for (let j = Math.floor(r.y / this.size); j <= Math.floor((r.y + r.height) / this.size); j++) each(i * 1048576 + j);
    }
  }
}

/**
 * The box around element boxes (top-left corners and sizes), for measuring a drawing.
 *
 * @example boundsOfBoxes([{ x: 0, y: 0, width: 160, height: 60 }]) // { x: 0, y: 0, width: 160, height: 60 }
 */
export function boundsOfBoxes(boxes: readonly Rect[]): Rect {
  if (boxes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

function boundsOf(nodes: readonly Node[]): Rect {
  return boundsOfBoxes(nodes.map((n) => ({ x: n.x! - n.width / 2, y: n.y! - n.height / 2, width: n.width, height: n.height })));
}

function centreOf(nodes: readonly Node[]): { x: number; y: number } {
  return { x: avg(nodes, (n) => n.x!), y: avg(nodes, (n) => n.y!) };
}

function avg<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((sum, item) => sum + of(item), 0) / items.length;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
