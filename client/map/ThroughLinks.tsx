import type { Rect } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { createPortal } from 'react-dom';
import { fmt } from '../../shared/map/geometry.js';
import { dashesFor, useEdgeLabelLayerElement, type ConnectionEdgeType } from './ConnectionEdge.js';
import { bendsOf, curveEnds } from './edgesInView.js';

interface Drawn {
  key: string;
  className: string;
  d: string;
  style?: { strokeDasharray: string };
}

/**
 * The links of a large map that only pass across the view, both their elements out of sight
 * (`edgesMeeting`'s `through`), drawn as the same curves as the edges (`linkCurve`) but as a few
 * plain SVG paths: one per look, each link of unknown polarity on its own so its dashes can be
 * bounded (`dashesFor`). As React Flow edges each was a component with its own store selectors,
 * two paths and a label: zooming in past the canvas on a map of long links mounted some 2,000
 * of them in one frame. Their arrowheads are out of sight; their labels show when the view
 * reaches one of their elements, and the outline lists them all. They take no pointer events:
 * a click on the pane near one selects it (`linkNear`, from MapEditor), and selected links are
 * React Flow edges.
 */
export const ThroughLinks = memo(function ThroughLinks({ edges, boxOf }: { edges: readonly ConnectionEdgeType[]; boxOf: (id: string) => Rect | undefined }) {
  const layer = useEdgeLabelLayerElement();
  const drawn = useMemo(() => {
    const groups = new Map<string, Drawn>();
    const single: Drawn[] = [];
    const bends = bendsOf(edges);
    for (const edge of edges) {
      const ends = curveEnds(edge, boxOf, bends);
      if (!ends || !edge.data || edge.hidden) continue;
      const { connection, dimmed, highlighted } = edge.data;
      const [from, c1, c2, to] = ends.curve;
      const d = `M${fmt(from.x)},${fmt(from.y)} C${fmt(c1.x)},${fmt(c1.y)} ${fmt(c2.x)},${fmt(c2.y)} ${fmt(to.x)},${fmt(to.y)}`;
      const polarity = connection.polarity === '-' ? 'minus' : connection.polarity === '+' ? 'plus' : 'unknown';
      const className = `react-flow__edge-path map-edge polarity-${polarity}${dimmed ? ' is-dimmed' : ''}${highlighted ? ' is-highlighted' : ''}`;
      if (polarity === 'unknown') {
        single.push({ key: edge.id, className, d, style: dashesFor(from.x, from.y, to.x, to.y) });
        continue;
      }
      const group = groups.get(className);
      if (group) group.d += d;
      else groups.set(className, { key: className, className, d });
    }
    return [...groups.values(), ...single];
  }, [edges, boxOf]);
  if (!layer || drawn.length === 0) return null;
  return createPortal(
    <svg className="map-through-links" aria-hidden="true">
      {drawn.map(({ key, className, d, style }) => (
        <path key={key} className={className} d={d} style={style} fill="none" />
      ))}
    </svg>,
    layer,
  );
});
