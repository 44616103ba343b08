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
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  multiline?: boolean;
  maxLength?: number;
  disabled?: boolean;
  hint?: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
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
