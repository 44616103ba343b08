import { useEffect, useId, useRef, useState } from 'react';

/** How long after committing a value a replacement by someone else is still called out. */
const RECENT_COMMIT_MS = 10_000;

/**
 * A text field bound to a value others may change at the same time: it shows their change
 * unless you are typing in it, and commits yours on Enter or when you leave the field (one
 * change, one undo step), not on every keystroke.
 *
 * No edit is lost silently. When someone else changes the value while you are editing it, or
 * replaces the value you just committed (two people renaming at once: one of the two wins),
 * the field says who changed it to what, and lets you keep theirs or put yours back.
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
  changedBy,
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
  /**
   * Who made the latest change to the thing this field belongs to ("Chris (Torbay Council)"),
   * when that was someone else: named when their change replaces yours.
   */
  changedBy?: string | null;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  /** Their value and your words it replaced, while the person has not chosen between them. */
  const [conflict, setConflict] = useState<{ theirs: string; yours: string } | null>(null);
  const focused = useRef(false);
  /** The value the person started editing from (or last committed), and when they committed. */
  const base = useRef(value);
  const committedAt = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) {
      input.current?.focus();
      input.current?.select();
    }
  }, [autoFocus]);
  useEffect(() => {
    if (value === base.current) return;
    const editing = focused.current && draft !== base.current;
    const justCommitted = Date.now() - committedAt.current < RECENT_COMMIT_MS;
    if ((editing || justCommitted) && value !== draft) setConflict({ theirs: value, yours: draft });
    if (!focused.current) setDraft(value);
    base.current = value;
    // Only a change of the value from outside is looked at, not each keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const commit = () => {
    if (draft === value) return;
    committedAt.current = Date.now();
    base.current = draft;
    setConflict(null);
    onCommit(draft);
  };
  const common = {
    id,
    value: draft,
    maxLength,
    disabled,
    'aria-describedby': [hint ? `${id}-hint` : '', conflict ? `${id}-conflict` : ''].filter(Boolean).join(' ') || undefined,
    onFocus: () => {
      focused.current = true;
      base.current = value;
    },
    onBlur: (e: React.FocusEvent) => {
      // Moving to the notice's own buttons is part of deciding, not leaving the field.
      if (conflict && e.relatedTarget instanceof Node && e.currentTarget.parentElement?.contains(e.relatedTarget)) return;
      focused.current = false;
      if (!conflict) commit();
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
      {conflict && (
        <div className="field-conflict" id={`${id}-conflict`} role="status" data-testid="field-conflict">
          <p>
            {changedBy ?? 'Someone else'} changed this to “{conflict.theirs || 'nothing'}” while you were editing it. Yours was “{conflict.yours || 'nothing'}”.
          </p>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(value);
              setConflict(null);
            }}
          >
            Keep theirs
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              committedAt.current = Date.now();
              base.current = conflict.yours;
              setDraft(conflict.yours);
              setConflict(null);
              if (conflict.yours !== value) onCommit(conflict.yours);
            }}
          >
            Put yours back
          </button>
        </div>
      )}
    </div>
  );
}
