/**
 * Ending a workshop: the facilitator notes the decisions and actions (one per line) and ends it;
 * the server saves the maps and documents as versions and writes the record. Once ended, every
 * page shows where the record is.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Workshop } from '../../shared/workshops/api.js';
import { messageOf } from '../api/http.js';
import { useEndWorkshop } from '../api/queries.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

/** Non-empty lines, trimmed. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function EndWorkshopForm({ workshop }: { workshop: Workshop }) {
  const id = useId();
  const [decisions, setDecisions] = useState('');
  const [actions, setActions] = useState('');
  const ending = useEndWorkshop(workshop.id, workshop.siteSlug);
  const end = useSubmitOnce(ending);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!window.confirm(`End “${workshop.title}” for everyone? Its maps and documents are saved as versions and its record is written.`)) return;
    end({ decisions: lines(decisions), actions: lines(actions) });
  }

  return (
    <details className="panel workshop-end">
      <summary>End the workshop…</summary>
      <form onSubmit={submit}>
        <p className="hint">
          Ending saves the maps and documents the agenda worked on as versions and writes a record (who came, the agenda as it ran, the rounds, and what you
          note here) as a document, linked from the learning log.
        </p>
        <div className="field">
          <label htmlFor={`${id}-decisions`}>Decisions, one per line</label>
          <textarea id={`${id}-decisions`} rows={3} value={decisions} onChange={(e) => setDecisions(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-actions`}>Actions, one per line</label>
          <textarea id={`${id}-actions`} rows={3} value={actions} onChange={(e) => setActions(e.target.value)} />
        </div>
        <button type="submit" disabled={ending.isPending}>
          {ending.isPending ? 'Ending…' : 'End the workshop'}
        </button>
        <ErrorMessage>{ending.error ? messageOf(ending.error) : null}</ErrorMessage>
      </form>
    </details>
  );
}

/** What every page shows once the workshop has ended. */
export function WorkshopEnded({ recordRoomId }: { recordRoomId: string | null }) {
  return (
    <p className="workshop-ended" role="status">
      <strong>This workshop has ended.</strong>{' '}
      {recordRoomId ? <Link to={`/rooms/${recordRoomId}`}>Read the workshop record</Link> : 'Its record is being written…'}
    </p>
  );
}
