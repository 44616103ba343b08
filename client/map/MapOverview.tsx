/**
 * The overview of a large map, in place of React Flow's minimap: that one draws the nodes React
 * Flow has, which zoomed out are only the few in play (an almost empty map), and closer in is an
 * SVG of thousands of nodes to mount. This draws every element from the editor's own list on a
 * canvas, with the view as a frame on it; pressing or dragging on it moves the view there.
 */
import { Panel, useReactFlow, useStoreApi, type Node, type Rect } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { viewRect } from './edgesInView.js';
import { boundsOf, nodeBox } from './ZoomedOutCanvas.js';

/** The overview's size in CSS pixels, as React Flow's minimap. */
const SIZE = { width: 200, height: 150 };
const PAD = 6;
/** The elements are drawn again at most this often after the map changes. */
const PICTURE_MS = 250;

/** Map units to overview pixels. */
interface Fit {
  scale: number;
  x: number;
  y: number;
}

/** The map and the view together, centred within the padding (as React Flow's minimap fits). */
export function overviewFit(map: Rect, view: Rect): Fit {
  const x0 = Math.min(map.x, view.x);
  const y0 = Math.min(map.y, view.y);
  const width = Math.max(map.x + map.width, view.x + view.width) - x0;
  const height = Math.max(map.y + map.height, view.y + view.height) - y0;
  const scale = Math.min((SIZE.width - 2 * PAD) / width, (SIZE.height - 2 * PAD) / height);
  return { scale, x: (SIZE.width - width * scale) / 2 - x0 * scale, y: (SIZE.height - height * scale) / 2 - y0 * scale };
}

/** Whether two fits draw the elements within a fraction of a pixel of each other. */
const sameFit = (a: Fit, b: Fit) => Math.abs(a.scale / b.scale - 1) < 0.002 && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5;

export const MapOverview = memo(function MapOverview({ nodes }: { nodes: readonly Node[] }) {
  const store = useStoreApi();
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const bounds = useMemo(() => boundsOf(nodes), [nodes]);
  const latest = useRef({ nodes, bounds });
  latest.current = { nodes, bounds };
  /** The fit last drawn, which the pointer is read against. */
  const drawnFit = useRef<Fit | null>(null);
  /** Held while the pointer drags on the overview, so the map does not slide under it. */
  const heldFit = useRef<Fit | null>(null);
  const repaint = useRef<() => void>(() => {});
  const redraw = useRef<() => void>(() => {});

  useEffect(() => {
    // The elements are drawn into a picture of their own, again only when the map's looks or
    // the fit change; each move of the view copies the picture and draws the frame.
    const picture = document.createElement('canvas');
    let pictureFit: Fit | null = null;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let draws = 0;
    const paintPicture = (at: Fit, dpr: number) => {
      pictureFit = at;
      picture.width = SIZE.width * dpr;
      picture.height = SIZE.height * dpr;
      const ctx = picture.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr * at.scale, 0, 0, dpr * at.scale, dpr * at.x, dpr * at.y);
      for (const faint of [false, true]) {
        ctx.beginPath();
        for (const node of latest.current.nodes) {
          if (node.hidden || node.type !== 'element' || Boolean((node.data as { dimmed?: boolean }).dimmed) !== faint) continue;
          const b = nodeBox(node);
          ctx.rect(b.x, b.y, b.width, b.height);
        }
        ctx.fillStyle = faint ? '#d8dadb' : '#505a5f';
        ctx.fill();
      }
    };
    const draw = () => {
      frame = 0;
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      const map = latest.current.bounds;
      if (!el || !ctx) return;
      const dpr = window.devicePixelRatio || 1;
      if (el.width !== SIZE.width * dpr) {
        el.width = SIZE.width * dpr;
        el.height = SIZE.height * dpr;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      const view = viewRect(store.getState());
      if (map && view) {
        const at = heldFit.current ?? overviewFit(map, view);
        if (!pictureFit || !sameFit(at, pictureFit)) paintPicture(at, dpr);
        drawnFit.current = at;
        ctx.drawImage(picture, 0, 0);
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.strokeStyle = '#1d70b8';
        ctx.lineWidth = 2;
        ctx.strokeRect(at.x + view.x * at.scale, at.y + view.y * at.scale, view.width * at.scale, view.height * at.scale);
      }
      el.dataset.draws = String(++draws);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    redraw.current = schedule;
    repaint.current = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        pictureFit = null;
        schedule();
      }, PICTURE_MS);
    };
    schedule();
    const unsubscribe = store.subscribe((s, before) => {
      if (s.transform !== before.transform || s.width !== before.width || s.height !== before.height) schedule();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [store]);

  // Drawn again when elements come or go, are hidden or dimmed, or the map's extent changes;
  // a move inside the map shifts a box by a fraction of a pixel here and waits for one of those
  // (redrawing with every remote move delayed the move on the main map).
  const looks = useMemo(() => {
    let hidden = 0;
    let dimmed = 0;
    for (const n of nodes) {
      if (n.hidden) hidden++;
      else if ((n.data as { dimmed?: boolean }).dimmed) dimmed++;
    }
    return `${nodes.length} ${hidden} ${dimmed} ${bounds ? `${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}` : ''}`;
  }, [nodes, bounds]);
  useEffect(() => repaint.current(), [looks]);

  /** Centres the view, at its zoom, on the map point under the pointer. */
  function moveTo(event: PointerEvent<HTMLCanvasElement>) {
    const at = drawnFit.current;
    if (!at) return;
    const r = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - r.left - at.x) / at.scale;
    const y = (event.clientY - r.top - at.y) / at.scale;
    const { transform, width, height } = store.getState();
    const zoom = transform[2];
    void flow.setViewport({ x: width / 2 - x * zoom, y: height / 2 - y * zoom, zoom });
  }

  return (
    <Panel position="bottom-left" className="map-overview">
      <canvas
        ref={canvas}
        style={{ width: SIZE.width, height: SIZE.height }}
        role="img"
        aria-label="Overview of the whole map (press or drag on it to move the view there)"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          heldFit.current = drawnFit.current;
          moveTo(event);
        }}
        onPointerMove={(event) => {
          // Only a drag that began here: one that began on the map (a node, the pane) and
          // passes over the overview must not move the view.
          if (event.currentTarget.hasPointerCapture(event.pointerId)) moveTo(event);
        }}
        onPointerUp={() => {
          heldFit.current = null;
          // Fitted again to the map and where the view now is.
          redraw.current();
        }}
        onPointerCancel={() => {
          heldFit.current = null;
          redraw.current();
        }}
      />
    </Panel>
  );
});
