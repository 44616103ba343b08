import { useEffect, useId, useLayoutEffect, useRef, useState, type ChangeEvent } from 'react';

/**
 * After this long without a keystroke the words are written to the summary, so others see them
 * while the person is still in the field. Each write is one undo step, so not every keystroke.
 */
const IDLE_MS = 1000;

/** What the shared helpers store of what was typed (they trim and normalise line ends). */
const stored = (text: string) => text.replace(/\r\n?/g, '\n').trim();

/**
 * Where a caret at `offset` in `before` belongs in `after`, when someone else's edit changed the
 * text around it: unchanged before the edit, shifted by its length after it.
 */
export function mapOffset(before: string, after: string, offset: number): number {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  if (offset <= prefix) return offset;
  if (offset >= before.length - suffix) return Math.min(after.length, offset + after.length - before.length);
  return after.length - suffix;
}

interface LiveTextProps {
  label: string;
  /** The value in the summary now (others' edits arrive here). */
  value: string;
  /** Writes the person's words to the summary; the caller reports a refusal beside the field. */
  onCommit: (value: string) => void;
  multiline?: boolean;
  rows?: number;
  maxLength?: number;
  disabled?: boolean;
  hint?: string;
  type?: 'text' | 'url';
  placeholder?: string;
}

/**
 * A text field bound live to a field of the summary. It writes on a short pause in typing, on
 * Enter (one line) and on leaving the field, and shows others' changes as they arrive, keeping
 * the caret where it was in the text. While the person has words not yet written, someone
 * else's change does not replace them: the field says so and lets them keep either (as the
 * map's `CommitField` does).
 */
export function LiveText({ label, value, onCommit, multiline = false, rows = 3, maxLength, disabled, hint, type = 'text', placeholder }: LiveTextProps) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [conflict, setConflict] = useState<{ theirs: string; yours: string } | null>(null);
  const element = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const focused = useRef(false);
  /** The summary's value the draft started from, or what this field last wrote. */
  const base = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** A caret to put back after someone else's change is shown (the browser moves it to the end). */
  const caret = useRef<[number, number] | null>(null);
  const latest = useRef({ draft, conflict, onCommit });
  useEffect(() => {
    latest.current = { draft, conflict, onCommit };
  });

  function write(text: string) {
    clearTimeout(timer.current);
    const next = stored(text);
    if (next === base.current) return;
    base.current = next;
    latest.current.onCommit(text);
  }

  useEffect(() => {
    if (value === base.current) return;
    const el = element.current;
    const dirty = stored(latest.current.draft) !== base.current;
    if (focused.current && dirty) {
      // Both changed it at once: say so rather than let the next pause overwrite theirs.
      clearTimeout(timer.current);
      setConflict({ theirs: value, yours: latest.current.draft });
    } else {
      if (focused.current && el) {
        const before = el.value;
        caret.current = [mapOffset(before, value, el.selectionStart ?? 0), mapOffset(before, value, el.selectionEnd ?? 0)];
      }
      setDraft(value);
      setConflict(null);
    }
    base.current = value;
  }, [value]);

  useLayoutEffect(() => {
    const el = element.current;
    if (caret.current && el && document.activeElement === el) el.setSelectionRange(caret.current[0], caret.current[1]);
    caret.current = null;
  }, [draft]);

  // Words typed but not yet written (the item's card closed, the page left) are written now.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      const { draft: last, conflict: open } = latest.current;
      if (!open && stored(last) !== base.current) write(last);
    },
    // Only on unmount; it reads the latest state through the ref.
    [],
  );

  const onChange = (event: ChangeEvent<HTMLTextAreaElement | HTMLInputElement>) => {
    const text = event.target.value;
    setDraft(text);
    clearTimeout(timer.current);
    if (!conflict) timer.current = setTimeout(() => write(latest.current.draft), IDLE_MS);
  };
  const describedBy = [hint ? `${id}-hint` : '', conflict ? `${id}-conflict` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    ref: element,
    value: draft,
    maxLength,
    disabled,
    placeholder,
    'aria-describedby': describedBy,
    onChange,
    onFocus: () => {
      focused.current = true;
    },
    onBlur: (event: React.FocusEvent) => {
      // Moving to the notice's own buttons is part of choosing, not leaving the field.
      if (conflict && event.relatedTarget instanceof Node && event.currentTarget.parentElement?.contains(event.relatedTarget)) return;
      focused.current = false;
      if (conflict) return;
      write(draft);
      // Shown as stored (trimmed), as everyone else sees it.
      setDraft(base.current);
    },
  };

  return (
    <div className="field summary-field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea {...common} rows={rows} />
      ) : (
        <input
          {...common}
          type={type}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !conflict) {
              e.preventDefault();
              write(draft);
            }
            if (e.key === 'Escape' && !conflict) {
              clearTimeout(timer.current);
              setDraft(value);
            }
          }}
        />
      )}
      {conflict && (
        <div className="field-conflict" id={`${id}-conflict`} role="status">
          <p>
            Someone else changed this to “{conflict.theirs || 'nothing'}” while you were typing. Yours is “{draft || 'nothing'}”.
          </p>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(value);
              setConflict(null);
              element.current?.focus();
            }}
          >
            Keep theirs
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setConflict(null);
              write(draft);
              element.current?.focus();
            }}
          >
            Put yours back
          </button>
        </div>
      )}
    </div>
  );
}
