/**
 * The overview of a large map zoomed out, in place of React Flow's minimap: that one draws the
 * nodes React Flow has, which zoomed out are only the few in play, so it would show an almost
 * empty map. This draws every element from the editor's own list, with the view as a frame on
 * it; pressing or dragging on it moves the view there.
 */
import { Panel, useReactFlow, useStoreApi, type Node } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { boundsOf, nodeBox } from './ZoomedOutCanvas.js';

/** The overview's size in CSS pixels, as React Flow's minimap. */
const SIZE = { width: 200, height: 150 };
const PAD = 6;
/** The elements are drawn again at most this often. */
const PICTURE_MS = 250;

export const MapOverview = memo(function MapOverview({ nodes }: { nodes: readonly Node[] }) {
  const store = useStoreApi();
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const bounds = useMemo(() => boundsOf(nodes), [nodes]);
  // Map units to overview pixels: the whole map, centred, within the padding.
  const fit = useMemo(() => {
    if (!bounds) return null;
    const scale = Math.min((SIZE.width - 2 * PAD) / bounds.width, (SIZE.height - 2 * PAD) / bounds.height);
    return {
      scale,
      x: (SIZE.width - bounds.width * scale) / 2 - bounds.x * scale,
      y: (SIZE.height - bounds.height * scale) / 2 - bounds.y * scale,
    };
  }, [bounds]);
  // The elements are drawn into a canvas of their own, at most every PICTURE_MS (an overview
  // need not follow each step of someone's drag, and redrawing it with every remote change
  // delayed that change on the main map); each move of the view copies that picture and draws
  // the frame, a few thousand pixels.
  const picture = useRef<HTMLCanvasElement | null>(null);
  const latest = useRef({ nodes, fit });
  latest.current = { nodes, fit };
  const schedule = useRef<() => void>(() => {});
  const repaint = useRef<() => void>(() => {});

  useEffect(() => {
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let draws = 0;
    const paintPicture = () => {
      timer = undefined;
      const { nodes: all, fit: at } = latest.current;
      const dpr = window.devicePixelRatio || 1;
      const out = (picture.current ??= document.createElement('canvas'));
      out.width = SIZE.width * dpr;
      out.height = SIZE.height * dpr;
      const ctx = out.getContext('2d');
      if (!ctx || !at) return schedule.current();
      ctx.setTransform(dpr * at.scale, 0, 0, dpr * at.scale, dpr * at.x, dpr * at.y);
      for (const faint of [false, true]) {
        ctx.beginPath();
        for (const node of all) {
          if (node.hidden || node.type !== 'element' || Boolean((node.data as { dimmed?: boolean }).dimmed) !== faint) continue;
          const b = nodeBox(node);
          ctx.rect(b.x, b.y, b.width, b.height);
        }
        ctx.fillStyle = faint ? '#d8dadb' : '#505a5f';
        ctx.fill();
      }
      schedule.current();
    };
    const draw = () => {
      frame = 0;
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      const at = latest.current.fit;
      if (!el || !ctx) return;
      const dpr = window.devicePixelRatio || 1;
      if (el.width !== SIZE.width * dpr) {
        el.width = SIZE.width * dpr;
        el.height = SIZE.height * dpr;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      if (picture.current) ctx.drawImage(picture.current, 0, 0);
      if (at) {
        const { transform, width, height } = store.getState();
        const [tx, ty, zoom] = transform;
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.strokeStyle = '#1d70b8';
        ctx.lineWidth = 2;
        ctx.strokeRect(at.x + (-tx / zoom) * at.scale, at.y + (-ty / zoom) * at.scale, (width / zoom) * at.scale, (height / zoom) * at.scale);
      }
      el.dataset.draws = String(++draws);
    };
    schedule.current = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    repaint.current = () => {
      timer ??= setTimeout(paintPicture, PICTURE_MS);
    };
    paintPicture();
    const unsubscribe = store.subscribe((s, before) => {
      if (s.transform !== before.transform || s.width !== before.width || s.height !== before.height) schedule.current();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [store]);

  // Drawn again when elements come or go, are hidden or dimmed, or the map's extent changes;
  // a move inside the map shifts a box by a fraction of a pixel here and waits for one of those.
  const looks = useMemo(() => {
    let hidden = 0;
    let dimmed = 0;
    for (const n of nodes) {
      if (n.hidden) hidden++;
      else if ((n.data as { dimmed?: boolean }).dimmed) dimmed++;
    }
    return `${nodes.length} ${hidden} ${dimmed} ${fit ? `${fit.scale} ${fit.x} ${fit.y}` : ''}`;
  }, [nodes, fit]);
  useEffect(() => repaint.current(), [looks]);

  /** Centres the view, at its zoom, on the map point under the pointer. */
  function moveTo(event: PointerEvent<HTMLCanvasElement>) {
    if (!fit) return;
    const r = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - r.left - fit.x) / fit.scale;
    const y = (event.clientY - r.top - fit.y) / fit.scale;
    const { transform, width, height } = store.getState();
    const zoom = transform[2];
    void flow.setViewport({ x: width / 2 - x * zoom, y: height / 2 - y * zoom, zoom });
  }

  return (
    <Panel position="bottom-right" className="map-overview">
      <canvas
        ref={canvas}
        style={{ width: SIZE.width, height: SIZE.height }}
        role="img"
        aria-label="Overview of the whole map (press or drag on it to move the view there)"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => {
          if (event.buttons) moveTo(event);
        }}
      />
    </Panel>
  );
});
