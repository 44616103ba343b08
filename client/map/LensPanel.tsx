/**
 * Looking at part of the map: by kind, owning agency, who added it, tag, or words; matching
 * elements stay bright (or the rest is hidden). A lens is personal: it changes only your view.
 */
import { useId } from 'react';
import { lensActive, lensChoices, type Lens, NO_LENS } from '../../shared/map/lens.js';
import { ELEMENT_KIND_LABELS, polarityDisputed, type ElementKind, type MapData } from '../../shared/map/model.js';

export type LensMode = 'highlight' | 'hide';

export function LensPanel({
  map,
  lens,
  mode,
  matches,
  onChange,
  onMode,
  onShowMatches,
}: {
  map: MapData;
  lens: Lens;
  mode: LensMode;
  matches: number;
  onChange: (lens: Lens) => void;
  onMode: (mode: LensMode) => void;
  onShowMatches: () => void;
}) {
  const id = useId();
  const choices = lensChoices(map);
  const disputed = map.connections.filter(polarityDisputed).length;
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
      <p className="hint">
        {disputed === 0 ? 'No connection is disputed between agencies.' : `${disputed} connection${disputed === 1 ? ' is' : 's are'} disputed between agencies (marked on the map).`}
      </p>
    </section>
  );
}
