import { useEffect, useId, useRef, useState } from 'react';

/**
 * A text field bound to a value others may change at the same time: it shows their change
 * unless you are typing in it, and commits yours on Enter or when you leave the field (one
 * change, one undo step), not on every keystroke.
 */
export function CommitField({
  label,
  value,
  onCommit,
  multiline = false,
  maxLength,
  disabled,
  hint,
  autoFocus = false,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  multiline?: boolean;
  maxLength?: number;
  disabled?: boolean;
  hint?: string;
  /** Focus and select the text on mount (a just-added element's label). */
  autoFocus?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) {
      input.current?.focus();
      input.current?.select();
    }
  }, [autoFocus]);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);

  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  const common = {
    id,
    value: draft,
    maxLength,
    disabled,
    'aria-describedby': hint ? `${id}-hint` : undefined,
    onFocus: () => {
      focused.current = true;
    },
    onBlur: () => {
      focused.current = false;
      commit();
    },
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input
          {...common}
          ref={input}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setDraft(value);
          }}
        />
      )}
    </div>
  );
}
