/**
 * Drawing on the learning log in one step: an entry as a piece of evidence, or what an entry
 * learned as a lesson with the behaviours it showed.
 */
import { useId, useState } from 'react';
import type { SummarySources } from '../../shared/summaries/api.js';
import { SUMMARY_LIMITS, addSummaryItem, type SummaryItem } from '../../shared/summaries/doc.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { entryLabel } from './useSummary.js';

type LogEntrySource = SummarySources['logEntries'][number];

const MODES = {
  evidence: {
    label: 'Log entry to add as evidence',
    button: 'Add from the log',
    hint: 'Adds the entry as private evidence; tick Public on it to publish it.',
    none: 'The learning log has no entries yet.',
  },
  lesson: {
    label: 'Log entry to draw a lesson from',
    button: 'Draw a lesson from the log',
    hint: 'Starts a lesson from what the entry learned, with the behaviours it showed.',
    none: 'No log entry says what was learned yet.',
  },
} as const;

export function FromLog({
  mode,
  sources,
  items,
  onAdded,
}: {
  mode: keyof typeof MODES;
  sources: SummarySources;
  /** The section's items, to mark entries already drawn on. */
  items: readonly SummaryItem[];
  onAdded: (itemId: string) => void;
}) {
  const conn = useRoomConnection();
  const id = useId();
  const [choice, setChoice] = useState('');
  const { error, attempt } = useAttempt();
  const words = MODES[mode];
  const key = (e: { roomId: string; entryId: string }) => `${e.roomId}/${e.entryId}`;
  const entries = mode === 'lesson' ? sources.logEntries.filter((e) => e.learned.trim()) : sources.logEntries;
  const used = new Set(
    mode === 'evidence'
      ? items.filter((i) => i.evidenceKind === 'log').map(key)
      : // A lesson keeps no link to its entry: the same words mean it was drawn from it.
        sources.logEntries.filter((e) => items.some((i) => i.text === e.learned.trim().slice(0, SUMMARY_LIMITS.textMax).trim())).map(key),
  );

  function add(entry: LogEntrySource) {
    return attempt(() => {
      const itemId =
        mode === 'evidence'
          ? addSummaryItem(conn.doc, 'evidence', { evidenceKind: 'log', roomId: entry.roomId, entryId: entry.entryId })
          : addSummaryItem(conn.doc, 'lesson', {
              text: entry.learned.trim().slice(0, SUMMARY_LIMITS.textMax),
              behaviours: entry.behaviours.slice(0, SUMMARY_LIMITS.tagsMax),
            });
      setChoice('');
      onAdded(itemId);
    });
  }

  if (entries.length === 0) return <p className="hint summary-from-log">{words.none}</p>;
  const chosen = entries.find((e) => key(e) === choice);
  return (
    <div className="summary-from-log">
      <div className="field summary-field">
        <label htmlFor={`${id}-entry`}>{words.label}</label>
        <p className="hint" id={`${id}-hint`}>
          {words.hint}
        </p>
        <select id={`${id}-entry`} value={choice} aria-describedby={`${id}-hint`} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Choose an entry</option>
          {entries.map((e) => (
            <option key={key(e)} value={key(e)}>
              {entryLabel(e)}
              {used.has(key(e)) ? ' (already in the summary)' : ''}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="button-secondary" disabled={!chosen} onClick={() => chosen && add(chosen)}>
        {words.button}
      </button>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  );
}
