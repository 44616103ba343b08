import type { Rect } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { createPortal } from 'react-dom';
import { LOOP_COLOUR, LOOP_LETTER, fmt, loopMarkerGeometry } from '../../shared/map/geometry.js';
import type { FeedbackLoop } from '../../shared/map/loops.js';
import type { LoopNote } from '../../shared/map/model.js';
import { useFlowLayer } from './ConnectionEdge.js';

const TYPE_NAME = { reinforcing: 'reinforcing', balancing: 'balancing', unknown: 'not known yet' } as const;

/**
 * The markers of the loops whose marker is switched on in the loops panel (their note's
 * `marker`, in the map, so everyone sees the same ones): the loop's letter and number as the
 * panel lists it (R1, B2, ?3) inside a circular arrow, at the centre of the loop's elements,
 * and its name under it, as the exported SVG draws them (`loopMarkerGeometry`).
 *
 * In the viewport, in map coordinates, above the elements. They take no pointer events: a
 * press on one is a press on the canvas under it. Memoised: `boxOf` changes with every move,
 * and only the few markers switched on are laid out again.
 */
export const LoopMarkers = memo(function LoopMarkers({
  loops,
  notes,
  boxOf,
}: {
  /** The loops found, in the panel's order: a marker's number is its place in this list. */
  loops: readonly FeedbackLoop[];
  /** Each loop's note, by the loop's key (`useLoops`). */
  notes: ReadonlyMap<string, LoopNote>;
  /** An element's box on the canvas, in map units. */
  boxOf: (id: string) => Rect | undefined;
}) {
  const chosen = useMemo(
    () =>
      loops.flatMap((loop, i) => {
        const note = notes.get(loop.key);
        return note?.marker ? [{ loop, number: i + 1, name: note.name.trim() }] : [];
      }),
    [loops, notes],
  );
  // Where React Flow's `ViewportPortal` draws, found once.
  const layer = useFlowLayer('.react-flow__viewport-portal');
  if (chosen.length === 0 || !layer) return null;
  return createPortal(
    <svg className="map-loop-markers" data-testid="loop-markers">
      {chosen.map(({ loop, number, name }) => {
        const marker = loopMarkerGeometry(loop.elementIds.map(boxOf).filter((b): b is Rect => b !== undefined));
        if (!marker) return null;
        const text = `${LOOP_LETTER[loop.type]}${number}`;
        const colour = LOOP_COLOUR[loop.type];
        const { centre, arcD, arrowD, nameAt } = marker;
        return (
          <g
            key={loop.key}
            className="map-loop-marker"
            data-loop={loop.key}
            data-type={loop.type}
            role="img"
            aria-label={`${text}: ${name ? `${name}, ` : ''}${TYPE_NAME[loop.type]} loop`}
          >
            <circle cx={fmt(centre.x)} cy={fmt(centre.y)} r={marker.radius - 2} fill="#ffffff" fillOpacity={0.85} />
            <path d={arcD} fill="none" stroke={colour} strokeWidth={2.5} />
            <path d={arrowD} fill={colour} />
            <text x={fmt(centre.x)} y={fmt(centre.y + 5)} textAnchor="middle" fontSize={14} fontWeight={700} fill={colour}>
              {text}
            </text>
            {name && (
              <text x={fmt(nameAt.x)} y={fmt(nameAt.y)} textAnchor="middle" fontSize={13} fontStyle="italic" fill={colour} stroke="#ffffff" strokeWidth={3} paintOrder="stroke">
                {name}
              </text>
            )}
          </g>
        );
      })}
    </svg>,
    layer,
  );
});
