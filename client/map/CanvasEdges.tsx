import { useStoreApi, type Node } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useEdgeLabelLayerElement, type ConnectionEdgeType } from './ConnectionEdge.js';

/** The largest side of the canvas, in device pixels (browsers refuse much larger ones). */
const MAX_CANVAS_PX = 8192;
/** The size assumed for an element React Flow has not measured yet (out of view). */
const UNMEASURED = { width: 160, height: 56 };
/** The looks of `.map-edge` in styles.css, for a canvas: colour, width (map units), dashes, opacity. */
const LOOK = {
  plain: { colour: '#505a5f', width: 2 },
  minus: { colour: '#b91c1c', width: 2 },
  selected: { colour: '#0b0c0c', width: 3 },
  highlighted: { colour: '#f47738', width: 4 },
} as const;

interface Line {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * A large map's connections when zoomed out (`zoomedOut`): straight lines on one canvas in the
 * viewport under the elements, redrawn when the map changes or the zoom comes to rest (never on
 * a pan), instead of thousands of React Flow edges. At the fitted zoom of a large map most edges cross the view; as components, each runs
 * its store selectors on every pan, zoom and drag step, and as SVG each is a root the browser
 * hit-tests and layerizes every frame. The lines cannot be clicked: zoom in, or use the outline.
 */
export const CanvasEdges = memo(function CanvasEdges({ nodes, edges }: { nodes: readonly Node[]; edges: readonly ConnectionEdgeType[] }) {
  const store = useStoreApi();
  const layer = useEdgeLabelLayerElement();
  const canvas = useRef<HTMLCanvasElement>(null);

  // The lines by look, in map coordinates: derived when the map or its state changes, not per frame.
  const looks = useMemo(() => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const out = new Map<string, { look: (typeof LOOK)[keyof typeof LOOK]; dashed: boolean; faint: boolean; lines: Line[] }>();
    for (const edge of edges) {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      if (edge.hidden || !edge.data || !source || !target || source.hidden || target.hidden) continue;
      const { connection, dimmed, highlighted } = edge.data;
      const name = highlighted ? 'highlighted' : edge.selected ? 'selected' : connection.polarity === '-' ? 'minus' : 'plain';
      const dashed = connection.polarity === '?';
      const key = `${name}${dashed ? ' dashed' : ''}${dimmed ? ' faint' : ''}`;
      let group = out.get(key);
      if (!group) out.set(key, (group = { look: LOOK[name], dashed, faint: Boolean(dimmed), lines: [] }));
      // From the source's right-hand handle to the target's left-hand one, as the edges run.
      const s = source.measured?.width && source.measured.height ? source.measured : UNMEASURED;
      const t = target.measured?.width && target.measured.height ? target.measured : UNMEASURED;
      group.lines.push({
        x1: source.position.x + (s.width ?? UNMEASURED.width),
        y1: source.position.y + (s.height ?? UNMEASURED.height) / 2,
        x2: target.position.x,
        y2: target.position.y + (t.height ?? UNMEASURED.height) / 2,
      });
    }
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const group of out.values()) {
      for (const l of group.lines) {
        minX = Math.min(minX, l.x1, l.x2);
        minY = Math.min(minY, l.y1, l.y2);
        maxX = Math.max(maxX, l.x1, l.x2);
        maxY = Math.max(maxY, l.y1, l.y2);
      }
    }
    // A margin for the line widths.
    const bounds = Number.isFinite(minX) ? { x: minX - 10, y: minY - 10, width: maxX - minX + 20, height: maxY - minY + 20 } : null;
    return { groups: [...out.values()], bounds };
  }, [nodes, edges]);

  const latest = useRef(looks);
  latest.current = looks;
  const scheduled = useRef<() => void>(() => {});

  useEffect(() => {
    let frame = 0;
    let rezoom: ReturnType<typeof setTimeout> | undefined;
    // The zoom the canvas was last drawn for. It sits in the viewport, in map coordinates, so a
    // pan moves it with the elements and never redraws it.
    let drawnZoom = 0;
    const draw = () => {
      frame = 0;
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      const { groups, bounds } = latest.current;
      if (!el || !ctx) return;
      if (!bounds) {
        el.width = el.height = 0;
        return;
      }
      const zoom = store.getState().transform[2];
      drawnZoom = zoom;
      // Device pixels per map unit: as on screen, within what a canvas can hold.
      const scale = Math.min(zoom * (window.devicePixelRatio || 1), MAX_CANVAS_PX / bounds.width, MAX_CANVAS_PX / bounds.height);
      el.width = Math.ceil(bounds.width * scale);
      el.height = Math.ceil(bounds.height * scale);
      Object.assign(el.style, { left: `${bounds.x}px`, top: `${bounds.y}px`, width: `${bounds.width}px`, height: `${bounds.height}px` });
      ctx.setTransform(scale, 0, 0, scale, -bounds.x * scale, -bounds.y * scale);
      // Dashes under 2 px are invisible, and dashing thousands of lines in software is slow.
      const dashes = 6 * zoom >= 2;
      for (const { look, dashed, faint, lines } of groups) {
        ctx.beginPath();
        for (const l of lines) {
          ctx.moveTo(l.x1, l.y1);
          ctx.lineTo(l.x2, l.y2);
        }
        ctx.strokeStyle = look.colour;
        ctx.lineWidth = look.width;
        ctx.globalAlpha = faint ? 0.25 : 1;
        ctx.setLineDash(dashed && dashes ? [6, 4] : []);
        ctx.stroke();
      }
    };
    // At most once a frame, just before it is painted.
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    scheduled.current = schedule;
    schedule();
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

  useEffect(() => scheduled.current(), [looks]);

  if (!layer) return null;
  return createPortal(<canvas ref={canvas} className="map-canvas-edges" aria-hidden="true" />, layer);
});
