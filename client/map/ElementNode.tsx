import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { ELEMENT_KIND_LABELS, type MapElement } from '../../shared/map/model.js';

export type ElementNodeData = { element: MapElement; dimmed: boolean; highlighted: boolean };
export type ElementNodeType = Node<ElementNodeData, 'element'>;

/** One element on the canvas: its label, kind and agency, with handles to draw connections. */
export const ElementNode = memo(function ElementNode({ data, selected }: NodeProps<ElementNodeType>) {
  const { element, dimmed, highlighted } = data;
  return (
    <div
      className={`map-node kind-${element.kind}${selected ? ' is-selected' : ''}${dimmed ? ' is-dimmed' : ''}${highlighted ? ' is-highlighted' : ''}`}
      title={element.description || undefined}
    >
      <Handle type="target" position={Position.Left} className="map-handle" />
      <span className="map-node-kind">{ELEMENT_KIND_LABELS[element.kind]}</span>
      <span className="map-node-label">{element.label}</span>
      {element.agency && <span className="map-node-agency">{element.agency}</span>}
      <Handle type="source" position={Position.Right} className="map-handle" />
    </div>
  );
});
