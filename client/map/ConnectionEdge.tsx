import { BaseEdge, getBezierPath, useStore, type Edge, type EdgeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { PresenceUser } from '../../shared/doc/presence.js';
import { polarityDisputed, type MapConnection } from '../../shared/map/model.js';

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

/** React Flow's edge-label layer (in map coordinates, above the edges, below the nodes), found once. */
export function useEdgeLabelLayerElement(): HTMLElement | null {
  const domNode = useStore((s) => s.domNode);
  return useMemo(() => domNode?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null, [domNode]);
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

/** A causal link: the arrow, its polarity, a delay mark and a flag when agencies disagree. */
export const ConnectionEdge = memo(function ConnectionEdge(props: EdgeProps<ConnectionEdgeType>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected, data } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const labelLayer = useContext(LabelLayer);
  if (!data) return <BaseEdge id={id} path={path} markerEnd={markerEnd} />;
  const { connection, dimmed, highlighted } = data;
  const disputed = polarityDisputed(connection);
  const cls = `map-edge polarity-${connection.polarity === '-' ? 'minus' : connection.polarity === '+' ? 'plus' : 'unknown'}${
    selected ? ' is-selected' : ''
  }${dimmed ? ' is-dimmed' : ''}${highlighted ? ' is-highlighted' : ''}`;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={cls} style={connection.polarity === '?' ? dashesFor(sourceX, sourceY, targetX, targetY) : undefined} />
      {labelLayer &&
        createPortal(
          <div
            className={`map-edge-label ${cls}`}
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              ...(data.selectedBy?.[0] ? { boxShadow: `0 0 0 3px ${data.selectedBy[0].colour}` } : {}),
            }}
            title={`${POLARITY_NAME[connection.polarity]}${connection.delay ? ', with a delay' : ''}${disputed ? '; agencies disagree on this link' : ''}`}
          >
            <span className="map-edge-polarity">{POLARITY_TEXT[connection.polarity]}</span>
            {connection.delay && <span className="map-edge-delay">‖</span>}
            {disputed && <span className="map-edge-disputed">disputed</span>}
            {connection.label && <span className="map-edge-text">{connection.label}</span>}
          </div>,
          labelLayer,
        )}
    </>
  );
});
