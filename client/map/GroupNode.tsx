import { NodeResizer, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { MapGroup } from '../../shared/map/model.js';

export type GroupNodeType = Node<{ group: MapGroup }, 'group'>;

/** A frame around part of the map (a stakeholder quadrant, an iceberg level, a horizon). */
export const GroupNode = memo(function GroupNode({ data, selected, draggable }: NodeProps<GroupNodeType>) {
  return (
    <div className={`group-frame${selected ? ' is-selected' : ''}`}>
      <NodeResizer isVisible={Boolean(selected && draggable)} minWidth={120} minHeight={80} />
      <span className="group-label">{data.group.label}</span>
    </div>
  );
});
