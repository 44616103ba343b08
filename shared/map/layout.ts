/**
 * Auto-layout on demand: a layered drawing (dagre) that puts causes before effects and keeps
 * crossings low. It returns new positions only; the caller writes them with `moveElements`,
 * so a layout is one undoable step that everyone sees.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { MapData } from './model.js';
import { ELEMENT_BOX } from './placement.js';

export type LayoutDirection = 'LR' | 'TB';

export function autoLayout(map: Pick<MapData, 'elements' | 'connections'>, direction: LayoutDirection = 'LR'): { id: string; x: number; y: number }[] {
  if (map.elements.length === 0) return [];
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 40, ranksep: 110, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const w = ELEMENT_BOX.width - 40;
  const h = ELEMENT_BOX.height - 30;
  for (const element of map.elements) g.setNode(element.id, { width: w, height: h });
  for (const c of map.connections) if (c.from !== c.to) g.setEdge(c.from, c.to, {}, c.id);
  layout(g);
  return map.elements.map((element) => {
    const node = g.node(element.id);
    // dagre gives centres; the map stores top-left corners.
    return { id: element.id, x: Math.round(node.x - w / 2), y: Math.round(node.y - h / 2) };
  });
}
