/**
 * The leadership behaviours this site tags entries with: the shared vocabulary every site has
 * (so lessons can be compared across sites) plus the site's own additions, with how many
 * entries show each.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import { newId } from '../../shared/ids.js';
import { addBehaviour, type ListedBehaviour } from '../../shared/log/behaviours.js';
import type { LogEntry } from '../../shared/log/doc.js';
import { behaviourCounts } from '../../shared/log/filter.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { actorOf } from '../room/actor.js';

export function BehaviourVocabulary({ behaviours, entries, readOnly }: { behaviours: ListedBehaviour[]; entries: LogEntry[]; readOnly: boolean }) {
  const conn = useRoomConnection();
  const id = useId();
  const counts = useMemo(() => behaviourCounts(entries), [entries]);
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const { error, attempt } = useAttempt();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (attempt(() => addBehaviour(conn.doc, { id: newId(), label, description }, actorOf(conn)))) {
      setLabel('');
      setDescription('');
    }
  }

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Leadership behaviours</h2>
      <details>
        <summary>
          {behaviours.length} behaviours ({behaviours.filter((b) => b.added).length} added by this site)
        </summary>
        <dl className="behaviour-list">
          {behaviours.map((b) => (
            <div key={b.id}>
              <dt>
                {b.label} <span className="hint">· {counts.get(b.id) ?? 0} entries{b.added ? ` · added by ${b.added.name}` : ''}</span>
              </dt>
              <dd>{b.description}</dd>
            </div>
          ))}
        </dl>
        {!readOnly && (
          <form onSubmit={submit} className="behaviour-new">
            <h3>Add a behaviour to this site’s list</h3>
            <div className="field">
              <label htmlFor={`${id}-label`}>Name</label>
              <input id={`${id}-label`} value={label} maxLength={80} required onChange={(e) => setLabel(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-desc`}>What it looks like</label>
              <textarea id={`${id}-desc`} value={description} maxLength={500} rows={2} onChange={(e) => setDescription(e.target.value)} />
            </div>
            <ErrorMessage>{error}</ErrorMessage>
            <button type="submit" className="button-secondary">
              Add behaviour
            </button>
          </form>
        )}
      </details>
    </section>
  );
}
