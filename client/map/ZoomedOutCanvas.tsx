import { useStoreApi, type Node, type Rect } from '@xyflow/react';
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import { createPortal } from 'react-dom';
import { curveBox, fmt, type Curve } from '../../shared/map/geometry.js';
import type { ElementKind } from '../../shared/map/model.js';
import { useEdgeLabelLayerElement, type ConnectionEdgeType } from './ConnectionEdge.js';
import { bendsOf, curveEnds } from './edgesInView.js';
import type { ElementNodeData } from './ElementNode.js';

/** The largest side of the canvas, in device pixels (browsers refuse much larger ones). */
const MAX_CANVAS_PX = 8192;
/**
 * The most device pixels in all (16 MB of memory): beyond it the canvas is drawn a little soft.
 * Each drawing is rasterised and copied whole: at 16 M pixels (this cap before), zooming out
 * past the switch on a large map took 330 ms to raster and 120 ms to copy in one frame.
 */
const MAX_CANVAS_AREA = 4 * 1024 * 1024;
/** The size assumed for an element React Flow has not measured yet (never in the DOM). */
export const UNMEASURED = { width: 160, height: 56 };
/** The looks of `.map-edge` in styles.css, for a canvas: colour, width (map units). */
const LINE_LOOK = {
  plain: { colour: '#505a5f', width: 2 },
  minus: { colour: '#b91c1c', width: 2 },
  selected: { colour: '#0b0c0c', width: 3 },
  highlighted: { colour: '#f47738', width: 4 },
} as const;
/** The looks of `.map-node` and its kinds in styles.css: fill, border colour and width. */
const BOX_LOOK: Record<ElementKind, { fill: string; border: string; width: number }> = {
  variable: { fill: '#ffffff', border: '#0b0c0c', width: 2 },
  actor: { fill: '#ffffff', border: '#5b2d90', width: 2 },
  organisation: { fill: '#ffffff', border: '#0e5e6f', width: 3 },
  intervention: { fill: '#ffffff', border: '#00703c', width: 2 },
  outcome: { fill: '#ffffff', border: '#1d70b8', width: 3 },
  note: { fill: '#fff7bf', border: '#b58840', width: 2 },
};
const HIGHLIGHT = { colour: '#f47738', width: 8 };

type LineLook = (typeof LINE_LOOK)[keyof typeof LINE_LOOK];
interface LineGroup {
  look: LineLook;
  dashed: boolean;
  faint: boolean;
  lines: Curve[];
}
interface BoxGroup {
  fill: string;
  border: string;
  width: number;
  faint: boolean;
  boxes: Rect[];
}
interface Picture {
  lines: LineGroup[];
  boxes: BoxGroup[];
  bounds: Rect | null;
}

type ElementNode = Node<ElementNodeData, 'element'>;
const isElement = (n: Node): n is ElementNode => n.type === 'element';

/** An element's box in map coordinates: measured when it has been in the DOM, else assumed. */
export function nodeBox(node: Node): Rect {
  const measured = node.measured?.width && node.measured.height ? node.measured : null;
  const scale = (node.data as Partial<ElementNodeData>).scale ?? 1;
  return {
    x: node.position.x,
    y: node.position.y,
    width: measured?.width ?? node.width ?? UNMEASURED.width * scale,
    height: measured?.height ?? node.height ?? UNMEASURED.height * scale,
  };
}

/** The smallest box holding every given box; null when there are none. */
function enclosing(boxes: Iterable<Rect>): Rect | null {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  return Number.isFinite(minX) ? { x: minX, y: minY, width: maxX - minX, height: maxY - minY } : null;
}

/** The box around the given nodes (elements and frames), for fitting the view; null when none. */
export function boundsOf(nodes: readonly Node[]): Rect | null {
  return enclosing(nodes.filter((n) => !n.hidden).map(nodeBox));
}

/** The topmost shown element under a point in map coordinates, for the pointer over the canvas. */
export function elementAt(nodes: readonly Node[], point: { x: number; y: number }): string | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!isElement(node) || node.hidden) continue;
    const b = nodeBox(node);
    if (point.x >= b.x && point.x <= b.x + b.width && point.y >= b.y && point.y <= b.y + b.height) return node.id;
  }
  return null;
}

/**
 * Whether two lists of elements draw the same boxes. Most edits (a rename, a description, a
 * tag) change nothing drawn here, as there is no text: the canvas is then neither redrawn nor
 * rasterised and sent to the compositor again, work that a rename on a large map used to wait for.
 */
export function sameDrawing(a: readonly ElementNode[], b: readonly ElementNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.id !== y.id || Boolean(x.hidden) !== Boolean(y.hidden) || x.data.kind !== y.data.kind) return false;
    if (Boolean(x.data.dimmed) !== Boolean(y.data.dimmed) || Boolean(x.data.highlighted) !== Boolean(y.data.highlighted)) return false;
    const bx = nodeBox(x);
    const by = nodeBox(y);
    if (bx.x !== by.x || bx.y !== by.y || bx.width !== by.width || bx.height !== by.height) return false;
  }
  return true;
}

function lineLook(edge: ConnectionEdgeType): { name: keyof typeof LINE_LOOK; dashed: boolean; faint: boolean } {
  const { connection, dimmed, highlighted } = edge.data!;
  const name = highlighted ? 'highlighted' : edge.selected ? 'selected' : connection.polarity === '-' ? 'minus' : 'plain';
  return { name, dashed: connection.polarity === '?', faint: Boolean(dimmed) };
}

/** Everything but what is being dragged, by look, in map coordinates. */
function paint(elements: readonly ElementNode[], edges: readonly ConnectionEdgeType[], live: ReadonlySet<string>): Picture {
  // Each shown element's box, once: a remote move paints everything again.
  const boxOf = new Map<string, Rect>();
  for (const node of elements) if (!node.hidden) boxOf.set(node.id, nodeBox(node));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const lineGroups = new Map<string, LineGroup>();
  const bends = bendsOf(edges);
  const boxAt = (id: string) => boxOf.get(id);
  for (const edge of edges) {
    if (edge.hidden || !edge.data || live.has(edge.source) || live.has(edge.target)) continue;
    const ends = curveEnds(edge, boxAt, bends);
    if (!ends) continue;
    const { name, dashed, faint } = lineLook(edge);
    const key = `${name}${dashed ? ' dashed' : ''}${faint ? ' faint' : ''}`;
    let group = lineGroups.get(key);
    if (!group) lineGroups.set(key, (group = { look: LINE_LOOK[name], dashed, faint, lines: [] }));
    group.lines.push(ends.curve);
    const box = curveBox(ends.curve);
    minX = Math.min(minX, box.x);
    maxX = Math.max(maxX, box.x + box.width);
    minY = Math.min(minY, box.y);
    maxY = Math.max(maxY, box.y + box.height);
  }
  const boxGroups = new Map<string, BoxGroup>();
  const highlighted: BoxGroup = { fill: HIGHLIGHT.colour, border: HIGHLIGHT.colour, width: HIGHLIGHT.width, faint: false, boxes: [] };
  for (const node of elements) {
    const box = boxOf.get(node.id);
    if (!box || live.has(node.id)) continue;
    const { kind, dimmed } = node.data;
    const look = BOX_LOOK[kind] ?? BOX_LOOK.variable;
    const key = `${kind}${dimmed ? ' faint' : ''}`;
    let group = boxGroups.get(key);
    if (!group) boxGroups.set(key, (group = { ...look, faint: Boolean(dimmed), boxes: [] }));
    group.boxes.push(box);
    if (node.data.highlighted) highlighted.boxes.push(box);
    minX = Math.min(minX, box.x);
    maxX = Math.max(maxX, box.x + box.width);
    minY = Math.min(minY, box.y);
    maxY = Math.max(maxY, box.y + box.height);
  }
  const boxes = [...boxGroups.values()];
  // A loop or lens highlight is a thick ring under the box, as the DOM node's outer shadow.
  if (highlighted.boxes.length) boxes.unshift(highlighted);
  // A margin for the line widths and the highlight ring.
  const bounds = Number.isFinite(minX) ? { x: minX - 10, y: minY - 10, width: maxX - minX + 20, height: maxY - minY + 20 } : null;
  return { lines: [...lineGroups.values()], boxes, bounds };
}

/**
 * A large map zoomed out (`ZOOMED_OUT`), drawn on one canvas: every connection as the curve the
 * edges draw (`linkCurve`), without arrowhead or sign, and every element as a box in its kind's
 * colours, without text (under 6 px there). The editor hands React Flow only the elements
 * someone is pointing at, has selected or is dragging,
 * so those are real, interactive nodes drawn over their boxes; the thousands of others cost
 * the browser nothing per frame. As DOM nodes, each element is a box with its own transform that
 * the browser hit-tests, lays out and layerizes on every pan step; on the canvas, a pan moves one
 * layer (the viewport's) and paints nothing.
 *
 * The canvas sits in the viewport, in map coordinates, and is redrawn when the map changes or a
 * zoom comes to rest, never on a pan. What is being dragged is left off it and drawn live as a
 * few SVG lines, so a drag step does not redraw thousands of shapes. After each draw the canvas's
 * `data-draws` counts up: tests and the benchmark wait on it to know a change is on screen.
 */
export const ZoomedOutCanvas = memo(function ZoomedOutCanvas({ nodes, edges }: { nodes: readonly Node[]; edges: readonly ConnectionEdgeType[] }) {
  const store = useStoreApi();
  const layer = useEdgeLabelLayerElement();
  const canvas = useRef<HTMLCanvasElement>(null);

  const elements = useMemo(() => nodes.filter(isElement), [nodes]);
  const liveIds = useMemo(() => new Set(elements.filter((n) => n.dragging).map((n) => n.id)), [elements]);

  // What is not being dragged is painted again only when some of it changed: a drag step changes
  // the dragged nodes alone, and the rest keep their objects.
  const last = useRef<{ still: ElementNode[]; edges: readonly ConnectionEdgeType[]; liveKey: string; picture: Picture } | null>(null);
  const liveKey = [...liveIds].join(' ');
  const still = elements.filter((n) => !liveIds.has(n.id));
  let picture: Picture;
  if (last.current && last.current.edges === edges && last.current.liveKey === liveKey && sameDrawing(last.current.still, still)) {
    picture = last.current.picture;
  } else {
    picture = paint(elements, edges, liveIds);
    last.current = { still, edges, liveKey, picture };
  }

  // The connections of what is being dragged, from where it is now.
  const liveLines = useMemo(() => {
    if (liveIds.size === 0) return [];
    const byId = new Map(elements.map((n) => [n.id, n]));
    const boxAt = (id: string) => {
      const node = byId.get(id);
      return node && !node.hidden ? nodeBox(node) : undefined;
    };
    const bends = bendsOf(edges);
    const out: { d: string; look: LineLook; dashed: boolean; id: string }[] = [];
    for (const edge of edges) {
      if (!edge.data || edge.hidden || (!liveIds.has(edge.source) && !liveIds.has(edge.target))) continue;
      const ends = curveEnds(edge, boxAt, bends);
      if (!ends) continue;
      const [p0, p1, p2, p3] = ends.curve;
      const { name, dashed } = lineLook(edge);
      out.push({ d: `M${fmt(p0.x)},${fmt(p0.y)} C${fmt(p1.x)},${fmt(p1.y)} ${fmt(p2.x)},${fmt(p2.y)} ${fmt(p3.x)},${fmt(p3.y)}`, look: LINE_LOOK[name], dashed, id: edge.id });
    }
    return out;
  }, [elements, edges, liveIds]);

  const latest = useRef(picture);
  latest.current = picture;
  const redraw = useRef<() => void>(() => {});

  // A layout effect, so the first drawing is in the same frame as the switch to the canvas.
  useLayoutEffect(() => {
    let frame = 0;
    let drawn: Picture | null = null;
    let rezoom: ReturnType<typeof setTimeout> | undefined;
    let draws = 0;
    // The zoom the canvas was last drawn for. It sits in the viewport, in map coordinates, so a
    // pan moves it with the elements and never redraws it.
    let drawnZoom = 0;
    const draw = () => {
      frame = 0;
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      const { lines, boxes, bounds } = latest.current;
      if (!el || !ctx) return;
      drawn = latest.current;
      if (!bounds) {
        el.width = el.height = 0;
      } else {
        const zoom = store.getState().transform[2];
        drawnZoom = zoom;
        // Device pixels per map unit: as on screen, within what a canvas can hold.
        const scale = Math.min(
          zoom * (window.devicePixelRatio || 1),
          MAX_CANVAS_PX / bounds.width,
          MAX_CANVAS_PX / bounds.height,
          Math.sqrt(MAX_CANVAS_AREA / (bounds.width * bounds.height)),
        );
        el.width = Math.ceil(bounds.width * scale);
        el.height = Math.ceil(bounds.height * scale);
        Object.assign(el.style, { left: `${bounds.x}px`, top: `${bounds.y}px`, width: `${bounds.width}px`, height: `${bounds.height}px` });
        ctx.setTransform(scale, 0, 0, scale, -bounds.x * scale, -bounds.y * scale);
        // Dashes under 2 px are invisible, and dashing thousands of lines in software is slow.
        const dashes = 6 * zoom >= 2;
        for (const { look, dashed, faint, lines: list } of lines) {
          ctx.beginPath();
          for (const [p0, p1, p2, p3] of list) {
            ctx.moveTo(p0.x, p0.y);
            ctx.bezierCurveTo(p1.x, p1.y, p2.x, p2.y, p3.x, p3.y);
          }
          ctx.strokeStyle = look.colour;
          ctx.lineWidth = look.width;
          ctx.globalAlpha = faint ? 0.25 : 1;
          ctx.setLineDash(dashed && dashes ? [6, 4] : []);
          ctx.stroke();
        }
        ctx.setLineDash([]);
        for (const { fill, border, width, faint, boxes: list } of boxes) {
          ctx.beginPath();
          for (const b of list) ctx.rect(b.x, b.y, b.width, b.height);
          ctx.globalAlpha = faint ? 0.3 : 1;
          ctx.fillStyle = fill;
          ctx.fill();
          ctx.strokeStyle = border;
          ctx.lineWidth = width;
          ctx.stroke();
        }
        ctx.globalAlpha = 1;
      }
      el.dataset.draws = String(++draws);
    };
    // A zoom coming to rest: at most once a frame, just before it is painted.
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    // A change to the map: at once, in the frame being made. Waiting for the next animation
    // frame put a whole frame between a remote move and the screen. Drawing only records the
    // canvas's commands; they are rasterised once, when the frame is committed, however many
    // draws came before.
    redraw.current = () => {
      if (drawn === latest.current) return;
      cancelAnimationFrame(frame);
      draw();
    };
    draw();
    // Zooming scales what is drawn (briefly soft) and draws it sharp again once the zoom rests.
    const unsubscribe = store.subscribe((s, before) => {
      if (s.transform[2] === before.transform[2] || s.transform[2] === drawnZoom) return;
      clearTimeout(rezoom);
      rezoom = setTimeout(schedule, 150);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(rezoom);
    };
  }, [store, layer]);

  // A layout effect: before the browser paints the frame that shows the rest of the change.
  useLayoutEffect(() => redraw.current(), [picture]);

  if (!layer) return null;
  return createPortal(
    <>
      <canvas ref={canvas} className="map-canvas-far" aria-hidden="true" />
      {liveLines.length > 0 && (
        <svg className="map-canvas-far-live" aria-hidden="true">
          {liveLines.map((l) => (
            <path
              key={l.id}
              d={l.d}
              fill="none"
              stroke={l.look.colour}
              strokeWidth={l.look.width}
              strokeDasharray={l.dashed ? '6 4' : undefined}
            />
          ))}
        </svg>
      )}
    </>,
    layer,
  );
});
