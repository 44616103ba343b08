/**
 * The outline: the map as lists, a screen-reader-friendly twin of the canvas. Every element
 * with what it affects and what affects it; choosing one opens it in the details panel, where
 * everything can be changed by keyboard.
 */
import { memo, useId, useMemo } from 'react';
import type { FeedbackLoop } from '../../shared/map/loops.js';
import { ELEMENT_KIND_LABELS, polarityDisputed, type MapData } from '../../shared/map/model.js';
import { compareText } from '../../shared/compareText.js';

const SIGN = { '+': '+', '-': '−', '?': '?' } as const;

/** Memoised: give it stable callbacks; `map` is read for labels and links only (positions may lag). */
export const Outline = memo(function Outline({
  map,
  loops,
  loopNames,
  selectedId,
  onSelect,
}: {
  map: MapData;
  loops: readonly FeedbackLoop[];
  loopNames: ReadonlyMap<string, string>;
  selectedId: string | null;
  onSelect: (selection: { element?: string; connection?: string }) => void;
}) {
  const headingId = useId();
  const labelOf = useMemo(() => new Map(map.elements.map((e) => [e.id, e.label])), [map.elements]);
  const elements = useMemo(() => [...map.elements].sort((a, b) => compareText(a.label, b.label)), [map.elements]);
  return (
    <section className="outline" aria-labelledby={headingId}>
      <h3 id={headingId}>Elements ({elements.length})</h3>
      {elements.length === 0 && <p className="empty">The map is empty. Add an element to start.</p>}
      <ul className="outline-list">
        {elements.map((element) => {
          const out = map.connections.filter((c) => c.from === element.id);
          const into = map.connections.filter((c) => c.to === element.id);
          return (
            <li key={element.id}>
              <button
                type="button"
                className="button-link outline-element"
                aria-current={selectedId === element.id ? 'true' : undefined}
                onClick={() => onSelect({ element: element.id })}
              >
                {element.label}
              </button>{' '}
              <span className="hint">
                {ELEMENT_KIND_LABELS[element.kind]}
                {element.agency && `, ${element.agency}`}
              </span>
              {out.length + into.length > 0 && (
                <ul>
                  {out.map((c) => (
                    <li key={c.id}>
                      <button type="button" className="button-link" aria-current={selectedId === c.id ? 'true' : undefined} onClick={() => onSelect({ connection: c.id })}>
                        affects {labelOf.get(c.to)} ({SIGN[c.polarity]}
                        {c.delay ? ', delayed' : ''}
                        {polarityDisputed(c) ? ', disputed' : ''})
                      </button>
                    </li>
                  ))}
                  {into.map((c) => (
                    <li key={c.id}>
                      <button type="button" className="button-link" aria-current={selectedId === c.id ? 'true' : undefined} onClick={() => onSelect({ connection: c.id })}>
                        affected by {labelOf.get(c.from)} ({SIGN[c.polarity]})
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      <h3>Feedback loops ({loops.length})</h3>
      {loops.length === 0 ? (
        <p className="empty">No loops yet.</p>
      ) : (
        <ol className="outline-list">
          {loops.map((loop) => (
            <li key={loop.key}>
              <strong>{loopNames.get(loop.key) ?? (loop.type === 'unknown' ? 'Loop with an unknown polarity' : loop.type === 'reinforcing' ? 'Reinforcing loop' : 'Balancing loop')}</strong>
              {': '}
              {[...loop.elementIds, loop.elementIds[0]!].map((id) => labelOf.get(id) ?? '?').join(' → ')}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});
