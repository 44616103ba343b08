import { BaseEdge, useInternalNode, useStore, type Edge, type EdgeProps, type InternalNode } from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { PresenceUser } from '../../shared/doc/presence.js';
import { arrowhead, delayMark, labelPoint, linkGeometry, polarityPoint, type Rect } from '../../shared/map/geometry.js';
import { polarityDisputed, type MapConnection } from '../../shared/map/model.js';
import { bendsOf } from './edgesInView.js';

export type ConnectionEdgeData = { connection: MapConnection; dimmed: boolean; highlighted: boolean; selectedBy?: PresenceUser[] };
export type ConnectionEdgeType = Edge<ConnectionEdgeData, 'connection'>;

const POLARITY_TEXT = { '+': '+', '-': '−', '?': '?' } as const;
const POLARITY_NAME = { '+': 'same direction', '-': 'opposite direction', '?': 'polarity not known' } as const;

const LabelLayer = createContext<HTMLElement | null>(null);

/**
 * Finds React Flow's edge-label layer once for all edges. React Flow's own `EdgeLabelRenderer`
 * looks it up with a store selector in every edge, which runs a `querySelector` per edge on
 * every store change (each pan, zoom or drag step): seconds per frame on a map of thousands of
 * connections. With `hidden` (a large map zoomed out), it gives no layer, so edges draw no
 * label. Put it around `<ReactFlow>`, inside the `ReactFlowProvider`.
 */
export function EdgeLabelLayer({ hidden, children }: { hidden: boolean; children: ReactNode }) {
  const layer = useEdgeLabelLayerElement();
  return <LabelLayer.Provider value={hidden ? null : layer}>{children}</LabelLayer.Provider>;
}

/**
 * One of React Flow's layers, found once for the canvas rather than by a `querySelector` at
 * every store change (as its own `EdgeLabelRenderer` and `ViewportPortal` do).
 */
export function useFlowLayer(selector: string): HTMLElement | null {
  const domNode = useStore((s) => s.domNode);
  return useMemo(() => domNode?.querySelector<HTMLElement>(selector) ?? null, [domNode, selector]);
}

/** React Flow's edge-label layer (in map coordinates, above the edges, below the nodes). */
export function useEdgeLabelLayerElement(): HTMLElement | null {
  return useFlowLayer('.react-flow__edgelabel-renderer');
}

/** Dashes a link whose polarity is not known shows at most, however long it is. */
const MAX_DASHES = 40;

/**
 * The dashes of a link of unknown polarity: 6/4 as in styles.css on a short link, longer on a
 * long one so there are never more than MAX_DASHES. Chromium cuts a dashed path into all its
 * dashes, along its whole length, each time a tile it crosses is drawn: on a large map, a few
 * hundred links across the screen each with hundreds of dashes took over half a second to draw
 * again whenever anything near them changed.
 */
export function dashesFor(sx: number, sy: number, tx: number, ty: number): { strokeDasharray: string } | undefined {
  const period = Math.hypot(tx - sx, ty - sy) / MAX_DASHES;
  if (period <= 10) return undefined;
  return { strokeDasharray: `${Math.round(period * 0.6)} ${Math.round(period * 0.4)}` };
}

/** A node's box in map units, as React Flow has placed and measured it. */
function internalBox(node: InternalNode): Rect {
  const { x, y } = node.internals.positionAbsolute;
  return { x, y, width: node.measured.width ?? node.width ?? 0, height: node.measured.height ?? node.height ?? 0 };
}

/**
 * How wide the band is that a press selects a link in (map units): 6 either side, as a click
 * selects one of `ThroughLinks`'s curves. React Flow's 20 left almost no empty pane to drag on a
 * dense map seen close, its links' bands crossing every gap between the elements.
 */
const INTERACTION_WIDTH = 12;

/** How far the middle label sits off the curve, towards the side it bows (map units). */
const LABEL_OFFSET = 6;

/**
 * A causal link as a causal loop diagram draws it (`shared/map/geometry.ts`, as the exported
 * SVG): a curve from the edge of one box to the edge of the other, the arrowhead, the polarity
 * sign beside it, a ‖ across the middle when delayed, and its label and a flag when agencies
 * disagree at the middle. Drawn from the elements' boxes, not React Flow's handles (the
 * "floating edge" pattern), so it leaves and arrives on the sides that face each other.
 */
export const ConnectionEdge = memo(function ConnectionEdge(props: EdgeProps<ConnectionEdgeType>) {
  const { id, source, target, selected, data } = props;
  const sourceNode = useInternalNode(source);
  const targetNode = useInternalNode(target);
  const bend = useStore(useCallback((s) => bendsOf(s.edges).get(id) ?? 1, [id]));
  const labelLayer = useContext(LabelLayer);
  const link = useMemo(
    () => (sourceNode && targetNode ? linkGeometry(internalBox(sourceNode), internalBox(targetNode), { bend, self: source === target }) : null),
    [sourceNode, targetNode, bend, source, target],
  );
  // React Flow draws an edge only once both its nodes are measured.
  if (!link || !targetNode) return null;
  if (!data) return <BaseEdge id={id} path={link.d} />;
  const { connection, dimmed, highlighted } = data;
  const disputed = polarityDisputed(connection);
  const flags = `polarity-${connection.polarity === '-' ? 'minus' : connection.polarity === '+' ? 'plus' : 'unknown'}${
    selected ? ' is-selected' : ''
  }${dimmed ? ' is-dimmed' : ''}${highlighted ? ' is-highlighted' : ''}`;
  const cls = `map-edge ${flags}`;
  const other = data.selectedBy?.[0];
  const ring = other ? { boxShadow: `0 0 0 3px ${other.colour}` } : {};
  const sign = labelLayer ? polarityPoint(link, internalBox(targetNode)) : null;
  const note = labelLayer && (disputed || connection.label) ? labelPoint(link, LABEL_OFFSET) : null;
  const { start, end, normal } = link;
  return (
    <>
      {other && <path d={link.d} className="map-edge-others" stroke={other.colour} />}
      <BaseEdge
        id={id}
        path={link.d}
        className={cls}
        style={connection.polarity === '?' ? dashesFor(start.x, start.y, end.x, end.y) : undefined}
        interactionWidth={INTERACTION_WIDTH}
      />
      <path d={arrowhead(link)} className={`map-edge-arrow ${flags}`}>
        <title>{`${POLARITY_NAME[connection.polarity]}${connection.delay ? ', with a delay' : ''}${disputed ? '; agencies disagree on this link' : ''}`}</title>
      </path>
      {connection.delay && (
        <path d={delayMark(link).d} className={`map-edge-delay ${flags}`}>
          <title>delay</title>
        </path>
      )}
      {labelLayer &&
        createPortal(
          <>
            <div
              className={`map-edge-label map-edge-sign ${cls}`}
              data-for={id}
              style={{ transform: `translate(-50%, -50%) translate(${sign!.x}px, ${sign!.y}px)`, ...ring }}
            >
              <span className="map-edge-polarity">{POLARITY_TEXT[connection.polarity]}</span>
            </div>
            {note && (
              <div
                className={`map-edge-label map-edge-note ${cls}`}
                data-for={id}
                // Anchored by its side nearest the curve, so it stands off the line (and the delay mark) whichever way the link runs.
                style={{ transform: `translate(${-50 + 50 * normal.x}%, ${-50 + 50 * normal.y}%) translate(${note.x}px, ${note.y}px)`, ...ring }}
              >
                {disputed && <span className="map-edge-disputed">disputed</span>}
                {connection.label && <span className="map-edge-text">{connection.label}</span>}
              </div>
            )}
          </>,
          labelLayer,
        )}
    </>
  );
});
