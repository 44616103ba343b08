/**
 * Looking at part of the map: by kind, owning agency, who added it, tag, or words; matching
 * elements stay bright (or the rest is hidden). A lens is personal: it changes only your view.
 */
import { memo, useId, useMemo } from 'react';
import { lensActive, lensChoices, type Lens, NO_LENS } from '../../shared/map/lens.js';
import { ELEMENT_KIND_LABELS, polarityDisputed, type ElementKind, type MapData } from '../../shared/map/model.js';

export type LensMode = 'highlight' | 'hide';
export type SizeBy = 'none' | 'degree' | 'betweenness' | 'votes';
/** Betweenness costs O(elements × connections); above this it is offered only on request. */
export const BETWEENNESS_LIVE_MAX = 1500;

/** Memoised: give it stable callbacks; `map` is read for its choices only (positions may lag). */
export const LensPanel = memo(function LensPanel({
  map,
  lens,
  mode,
  matches,
  onChange,
  onMode,
  onShowMatches,
  sizeBy,
  onSizeBy,
  ranking,
}: {
  sizeBy: SizeBy;
  onSizeBy: (by: SizeBy) => void;
  /** The most central elements for the chosen measure, best first. */
  ranking: { label: string; value: number }[];
  map: MapData;
  lens: Lens;
  mode: LensMode;
  matches: number;
  onChange: (lens: Lens) => void;
  onMode: (mode: LensMode) => void;
  onShowMatches: () => void;
}) {
  const id = useId();
  const choices = useMemo(() => lensChoices(map), [map]);
  const disputed = useMemo(() => map.connections.filter(polarityDisputed).length, [map.connections]);
  const set = (patch: Partial<Lens>) => onChange({ ...lens, ...patch });
  const select = (key: 'agency' | 'addedBy' | 'tag', label: string, options: string[], any: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} value={lens[key]} onChange={(e) => set({ [key]: e.target.value })}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section className="lens" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Look at</h3>
      <div className="field">
        <label htmlFor={`${id}-search`}>Search the map</label>
        <input id={`${id}-search`} type="search" value={lens.search} onChange={(e) => set({ search: e.target.value })} />
      </div>
      <fieldset>
        <legend>Kinds</legend>
        <div className="lens-kinds">
          {choices.kinds.map((k) => (
            <div className="field-check" key={k}>
              <input
                id={`${id}-kind-${k}`}
                type="checkbox"
                checked={lens.kinds.includes(k)}
                onChange={(e) => set({ kinds: e.target.checked ? [...lens.kinds, k] : lens.kinds.filter((x: ElementKind) => x !== k) })}
              />
              <label htmlFor={`${id}-kind-${k}`}>{ELEMENT_KIND_LABELS[k]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {select('addedBy', 'Added by', choices.addedBy, 'Any organisation')}
      {select('agency', 'Owning agency', choices.agencies, 'Any agency')}
      {select('tag', 'Tag', choices.tags, 'Any tag')}
      {lensActive(lens) && (
        <>
          <p role="status" data-testid="lens-matches">
            {matches === 1 ? '1 element matches.' : `${matches} elements match.`}
          </p>
          <div className="inline-row">
            <button type="button" className="button-secondary" aria-pressed={mode === 'hide'} onClick={() => onMode(mode === 'hide' ? 'highlight' : 'hide')}>
              Hide the rest
            </button>
            <button type="button" className="button-secondary" onClick={onShowMatches} disabled={matches === 0}>
              Zoom to them
            </button>
            <button type="button" className="button-secondary" onClick={() => onChange(NO_LENS)}>
              Clear
            </button>
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-size`}>Size elements by</label>
        <select id={`${id}-size`} value={sizeBy} onChange={(e) => onSizeBy(e.target.value as SizeBy)}>
          <option value="none">Nothing (all the same)</option>
          <option value="degree">Number of connections</option>
          <option value="betweenness" disabled={map.elements.length > BETWEENNESS_LIVE_MAX}>
            Betweenness (how often it lies between others)
          </option>
          <option value="votes">Votes (from workshops’ dot votes)</option>
        </select>
      </div>
      {ranking.length > 0 && (
        <>
          <p className="hint">{sizeBy === 'votes' ? 'Most votes:' : 'Most central:'}</p>
          <ol className="ranking" data-testid="ranking">
            {ranking.map((r) => (
              <li key={r.label}>
                {r.label} <span className="hint">({Number.isInteger(r.value) ? r.value : r.value.toFixed(2)})</span>
              </li>
            ))}
          </ol>
        </>
      )}
      <p className="hint">
        {disputed === 0 ? 'No connection is disputed between agencies.' : `${disputed} connection${disputed === 1 ? ' is' : 's are'} disputed between agencies (marked on the map).`}
      </p>
    </section>
  );
});
