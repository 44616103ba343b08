/**
 * Adds an entry to the log: the day it happened and a one-line title. The person adding it is
 * its first author; the rest (text, behaviours, links, co-authors) is filled in on the entry.
 */
import { useState, type FormEvent } from 'react';
import { newId } from '../../shared/ids.js';
import { addEntry } from '../../shared/log/doc.js';
import { Field } from '../ui/Field.js';
import { useAttempt } from '../ui/useAttempt.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { actorOf } from '../room/actor.js';

const today = () => new Date().toISOString().slice(0, 10);

export function NewEntryForm({ onAdded }: { onAdded: (entryId: string) => void }) {
  const conn = useRoomConnection();
  const [date, setDate] = useState(today);
  const [title, setTitle] = useState('');
  const { error, attempt } = useAttempt();

  function submit(event: FormEvent) {
    event.preventDefault();
    const id = newId();
    if (attempt(() => addEntry(conn.doc, { id, date, title }, actorOf(conn)))) {
      setTitle('');
      onAdded(id);
    }
  }

  return (
    <section className="panel" aria-labelledby="new-entry-h">
      <h2 id="new-entry-h">Add an entry</h2>
      <form className="log-new" onSubmit={submit}>
        <Field label="When" type="date" value={date} required onChange={(e) => setDate(e.target.value)} />
        <Field label="What happened, in a line" value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} error={error} />
        <button type="submit">Add entry</button>
      </form>
    </section>
  );
}
