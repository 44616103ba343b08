import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { PresenceUser } from '../../shared/doc/presence.js';
import { ELEMENT_KIND_LABELS, type ElementKind } from '../../shared/map/model.js';
import { useElement } from './elementStore.js';

/**
 * What React Flow holds of an element: what places and draws its box. Its words (label, agency,
 * description) are read by the node itself (`useElement`), so changing them leaves React Flow's
 * nodes alone.
 */
export type ElementNodeData = { kind: ElementKind; dimmed: boolean; highlighted: boolean; selectedBy?: PresenceUser[]; openComments?: number; scale?: number;
  /** Votes from workshops' dot votes, once closed. */
  votes?: number;
};
export type ElementNodeType = Node<ElementNodeData, 'element'>;

/** Where a connection can be dragged from: every side. */
const CONNECT_SIDES = [Position.Right, Position.Bottom, Position.Left, Position.Top] as const;

/**
 * One element on the canvas: its label, kind and agency, with handles on all four sides to drag
 * a connection from (shown on hover and focus), and a drag may end anywhere on another
 * element's body (see DragConnect.tsx). Links name no handle, so React Flow ties them to the
 * first of each type, the unseen anchors; it draws an edge only between handles, but the edge
 * itself runs from box edge to box edge (ConnectionEdge).
 */
export const ElementNode = memo(function ElementNode({ id, data, selected, isConnectable }: NodeProps<ElementNodeType>) {
  const { kind, dimmed, highlighted, selectedBy } = data;
  // Missing only for the moment between an element's removal and its node's.
  const element = useElement(id);
  const other = selectedBy?.[0];
  return (
    <div
      className={`map-node kind-${kind}${selected ? ' is-selected' : ''}${dimmed ? ' is-dimmed' : ''}${highlighted ? ' is-highlighted' : ''}`}
      title={element?.description || undefined}
      // Someone else's selection shows as a ring in their colour, with their name.
      style={{
        ...(other ? { outline: `3px solid ${other.colour}`, outlineOffset: '3px' } : {}),
        ...(data.scale ? { '--scale': data.scale } : {}),
      }}
    >
      {other && (
        <span className="map-node-selected-by" style={{ background: other.colour }}>
          {selectedBy!.map((u) => u.name).join(', ')}
        </span>
      )}
      <Handle type="target" position={Position.Left} className="map-handle-anchor" isConnectable={isConnectable} isConnectableStart={false} />
      <Handle type="source" position={Position.Right} className="map-handle-anchor" isConnectable={isConnectable} isConnectableStart={false} />
      <span className="map-node-kind">{ELEMENT_KIND_LABELS[kind]}</span>
      <span className="map-node-label">{element?.label}</span>
      {element?.agency && <span className="map-node-agency">{element.agency}</span>}
      {data.votes ? (
        <span className="map-node-votes" data-testid="votes">
          <span aria-hidden="true">●</span> {data.votes} {data.votes === 1 ? 'vote' : 'votes'}
        </span>
      ) : null}
      {data.openComments ? (
        <span className="map-node-comments" title={`${data.openComments} open comment thread(s)`}>
          💬 {data.openComments}
        </span>
      ) : null}
      {CONNECT_SIDES.map((side) => (
        <Handle key={side} type="source" position={side} id={side} className="map-handle" isConnectable={isConnectable} title="Drag to another element to connect" />
      ))}
    </div>
  );
});
