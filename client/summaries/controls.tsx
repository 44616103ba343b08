/**
 * The small form controls of a summary item: a labelled choice from a list, and a group of
 * checkboxes. Each keeps a value the list no longer has on screen (a vocabulary changed, a map
 * was archived, a viewer cannot read the site's lists), so a draft is never shown as other
 * than it is.
 */
import { useId, type ReactNode } from 'react';

export interface Option {
  value: string;
  label: string;
  description?: string;
}

export function Choice({
  label,
  value,
  options,
  groups,
  onChange,
  disabled,
  hint,
  empty,
  missing = 'One no longer in the list',
}: {
  label: string;
  value: string;
  options?: readonly Option[];
  /** Options under headings (`<optgroup>`), after `options`. */
  groups?: readonly { label: string; options: readonly Option[] }[];
  onChange: (value: string) => void;
  disabled?: boolean;
  hint?: ReactNode;
  /** The option for no choice (value ''), when there may be none. */
  empty?: string;
  /** How a chosen value the lists do not have is shown. */
  missing?: string;
}) {
  const id = useId();
  const all = [...(options ?? []), ...(groups ?? []).flatMap((g) => g.options)];
  const known = value === '' ? empty !== undefined : all.some((o) => o.value === value);
  return (
    <div className="field summary-field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <select id={id} value={value} disabled={disabled} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {!known && <option value={value}>{value === '' ? 'Choose…' : missing}</option>}
        {options?.map((o) => (
          <option key={o.value} value={o.value} title={o.description}>
            {o.label}
          </option>
        ))}
        {groups?.map(
          (g) =>
            g.options.length > 0 && (
              <optgroup key={g.label} label={g.label}>
                {g.options.map((o) => (
                  <option key={o.value} value={o.value} title={o.description}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            ),
        )}
      </select>
    </div>
  );
}

/**
 * Checkboxes for ids chosen from a list; ids chosen before that the list no longer has are
 * listed after it, ticked, so they can be unticked.
 */
export function Checks({
  legend,
  options,
  chosen,
  onChange,
  disabled,
  hint,
  className = '',
}: {
  legend: string;
  options: readonly Option[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  disabled?: boolean;
  hint?: ReactNode;
  className?: string;
}) {
  const id = useId();
  const gone = chosen.filter((c) => !options.some((o) => o.value === c));
  const all: Option[] = [...options, ...gone.map((value) => ({ value, label: `${value} (no longer in the list)` }))];
  return (
    <fieldset className={`summary-checks ${className}`} aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="summary-check-list">
        {all.map((o, i) => (
          <div className="field-check" key={o.value}>
            <input
              id={`${id}-${i}`}
              type="checkbox"
              checked={chosen.includes(o.value)}
              disabled={disabled}
              onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))}
            />
            <label htmlFor={`${id}-${i}`} title={o.description}>
              {o.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** A vocabulary as options. */
export function optionsOf(terms: readonly { id: string; label: string; description?: string }[]): Option[] {
  return terms.map((t) => ({ value: t.id, label: t.label, description: t.description }));
}
