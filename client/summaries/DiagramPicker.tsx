/**
 * A diagram of a summary: which map, the whole of it or one named loop, its title, archetype and
 * caption, and which of its elements the public sees. Publishing draws it from the map as the
 * map is then; an element unticked here is left out with its connections (`redact.ts`).
 */
import { useId } from 'react';
import { ELEMENT_KIND_LABELS } from '../../shared/map/model.js';
import type { SummarySources } from '../../shared/summaries/api.js';
import { SUMMARY_LIMITS, type SummaryItem, type SummaryItemPatch } from '../../shared/summaries/doc.js';
import { Choice, optionsOf } from './controls.js';
import { LiveText } from './LiveText.js';
import type { Vocabulary } from './useSummary.js';

/** Enough to choose from on one screen; a larger map is better shown a loop at a time. */
export const ELEMENTS_LISTED_MAX = 200;

const LOOP_TYPE = { reinforcing: 'reinforcing', balancing: 'balancing', unknown: 'type unknown' } as const;

export function DiagramPicker({
  item,
  sources,
  vocabulary,
  update,
  disabled,
}: {
  item: SummaryItem;
  sources: SummarySources | undefined;
  vocabulary: Vocabulary;
  update: (patch: SummaryItemPatch) => void;
  disabled: boolean;
}) {
  const id = useId();
  const map = sources?.maps.find((m) => m.roomId === item.mapRoomId);
  const loop = map?.loops.find((l) => l.key === item.loopKey);
  const inView = map ? (item.loopKey ? map.elements.filter((e) => loop?.elementIds.includes(e.id)) : map.elements) : [];
  const listed = inView.slice(0, ELEMENTS_LISTED_MAX);
  const hidden = new Set(item.hiddenElementIds);
  const shownCount = inView.filter((e) => !hidden.has(e.id)).length;
  const setHidden = (ids: Set<string>) => update({ hiddenElementIds: [...ids] });

  return (
    <div className="summary-diagram">
      <div className="summary-row">
        <Choice
          label="Map"
          value={item.mapRoomId}
          empty="Choose a map"
          missing={sources ? 'A map that is no longer one of the site’s' : 'The chosen map'}
          options={(sources?.maps ?? []).map((m) => ({ value: m.roomId, label: m.title || 'Untitled map' }))}
          disabled={disabled}
          // Loops and private elements belong to the map they were chosen on.
          onChange={(mapRoomId) => update({ mapRoomId, loopKey: '', hiddenElementIds: [] })}
        />
        <Choice
          label="Shows"
          value={item.loopKey}
          empty="Whole map"
          missing={map ? 'A loop that is not on the map any more' : 'The chosen loop'}
          options={(map?.loops ?? []).map((l) => ({ value: l.key, label: `Loop: ${l.name} (${LOOP_TYPE[l.type]})` }))}
          disabled={disabled || !item.mapRoomId}
          hint={map && map.loops.length === 0 ? 'The map has no named loops; name one on the map to show it alone.' : undefined}
          onChange={(loopKey) => update({ loopKey })}
        />
      </div>
      <LiveText label="Diagram title" value={item.title} maxLength={SUMMARY_LIMITS.titleMax} disabled={disabled} onCommit={(title) => update({ title })} />
      <Choice
        label="Systems archetype"
        value={item.archetype}
        empty="None"
        options={optionsOf(vocabulary.archetypes)}
        disabled={disabled}
        onChange={(archetype) => update({ archetype })}
      />
      <LiveText label="Caption" multiline rows={2} value={item.text} maxLength={SUMMARY_LIMITS.textMax} disabled={disabled} onCommit={(text) => update({ text })} />
      {map ? (
        <fieldset className="summary-checks summary-elements" aria-describedby={`${id}-hint`}>
          <legend>Shown in public</legend>
          <p className="hint" id={`${id}-hint`}>
            {shownCount} of {inView.length} {item.loopKey ? 'elements of the loop' : 'elements'} shown. Untick an element to keep it private: it and its
            connections are left out of the public diagram.
            {inView.length > listed.length &&
              ` Only the first ${ELEMENTS_LISTED_MAX} of ${inView.length} are listed; the others are shown unless you choose a loop instead.`}
          </p>
          {!disabled && listed.length > 1 && (
            <div className="toolbar">
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  const next = new Set(hidden);
                  for (const e of listed) next.delete(e.id);
                  setHidden(next);
                }}
              >
                Show all<span className="visually-hidden"> elements of {item.title || map.title}</span>
              </button>
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  const next = new Set(hidden);
                  for (const e of listed) next.add(e.id);
                  setHidden(next);
                }}
              >
                Keep all private<span className="visually-hidden"> elements of {item.title || map.title}</span>
              </button>
            </div>
          )}
          <div className="summary-check-list summary-element-list">
            {listed.map((e, i) => (
              <div className="field-check" key={e.id}>
                <input
                  id={`${id}-e${i}`}
                  type="checkbox"
                  checked={!hidden.has(e.id)}
                  disabled={disabled}
                  onChange={(event) => {
                    const next = new Set(hidden);
                    if (event.target.checked) next.delete(e.id);
                    else next.add(e.id);
                    setHidden(next);
                  }}
                />
                <label htmlFor={`${id}-e${i}`}>
                  {e.label || 'Unnamed element'} <span className="summary-kind">({ELEMENT_KIND_LABELS[e.kind].toLowerCase()})</span>
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      ) : (
        item.mapRoomId &&
        sources && <p className="hint">The map is not one of the site’s maps now; choose another to publish this diagram.</p>
      )}
      {!sources && item.hiddenElementIds.length > 0 && (
        <p className="hint">
          {item.hiddenElementIds.length} {item.hiddenElementIds.length === 1 ? 'element is' : 'elements are'} kept private.
        </p>
      )}
    </div>
  );
}
