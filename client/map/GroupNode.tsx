import type { Node, NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { MapGroup } from '../../shared/map/model.js';

export type GroupNodeType = Node<{ group: MapGroup }, 'group'>;

/** A frame around part of the map (a stakeholder quadrant, an iceberg level, a horizon). */
export const GroupNode = memo(function GroupNode({ data }: NodeProps<GroupNodeType>) {
  return (
    <div className="group-frame">
      <span className="group-label">{data.group.label}</span>
    </div>
  );
});
