/**
 * The room's parking lot: a live list of short notes. It proves the shared document end to end
 * (live, offline, read-only for viewers) until the map and document editors arrive, and stays
 * useful beside them in workshops.
 */
import { useState, type FormEvent } from 'react';
import { newId } from '../../shared/ids.js';
import {
  PARKING_LOT_KEY,
  PARKING_LOT_TEXT_MAX,
  addParkingLotItem,
  editParkingLotItem,
  removeParkingLotItem,
  type ParkingLotItem,
} from '../../shared/doc/parkingLot.js';
import { FormActions } from '../ui/FormActions.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useRoomConnection } from './RoomProvider.js';
import { useParkingLot } from './hooks.js';
import { useUndo } from './useUndo.js';

export function ParkingLotPanel({ readOnly }: { readOnly: boolean }) {
  const conn = useRoomConnection();
  const notes = useParkingLot();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);

  const { undo, redo, canUndo: undoable, canRedo: redoable } = useUndo(conn.doc, (doc) => doc.getArray(PARKING_LOT_KEY));

  function add(event: FormEvent) {
    event.preventDefault();
    try {
      addParkingLotItem(conn.doc, draft, conn.user, newId());
      setDraft('');
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section aria-labelledby="parking-heading" className="panel parking-lot">
      <div className="panel-head">
        <h2 id="parking-heading">Parking lot</h2>
        {!readOnly && (
          <div className="toolbar" role="toolbar" aria-label="Undo and redo">
            <button type="button" className="button-secondary" onClick={undo} disabled={!undoable}>
              Undo
            </button>
            <button type="button" className="button-secondary" onClick={redo} disabled={!redoable}>
              Redo
            </button>
          </div>
        )}
      </div>
      <p className="hint">Notes to come back to. Everyone in the room sees them as they are written.</p>
      {notes.length === 0 ? (
        <p className="empty">No notes yet.</p>
      ) : (
        <ol className="notes" aria-label="Notes">
          {notes.map((note) => (
            <Note key={note.id} note={note} readOnly={readOnly} />
          ))}
        </ol>
      )}
      {readOnly ? (
        <p className="read-only-note">You can read this room but not change it (viewer).</p>
      ) : (
        <form className="inline-form" onSubmit={add}>
          <label htmlFor="new-note">New note</label>
          <div className="inline-row">
            <input
              id="new-note"
              value={draft}
              maxLength={PARKING_LOT_TEXT_MAX}
              onChange={(e) => setDraft(e.target.value)}
              autoComplete="off"
            />
            <button type="submit">Add note</button>
          </div>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      )}
    </section>
  );
}

function Note({ note, readOnly }: { note: ParkingLotItem; readOnly: boolean }) {
  const conn = useRoomConnection();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note.text);
  const [error, setError] = useState<string | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    try {
      if (!editParkingLotItem(conn.doc, note.id, text)) setError('Someone removed this note meanwhile.');
      else setEditing(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <li className="note">
      {editing ? (
        <form className="inline-form" onSubmit={save}>
          <label htmlFor={`edit-${note.id}`}>Edit note</label>
          <div className="inline-row">
            <input
              id={`edit-${note.id}`}
              value={text}
              maxLength={PARKING_LOT_TEXT_MAX}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setEditing(false);
              }}
              autoFocus
            />
          </div>
          <FormActions onCancel={() => setEditing(false)} error={error} />
        </form>
      ) : (
        <>
          <p className="note-text">{note.text}</p>
          <p className="note-meta">
            {note.author.name}
            {note.author.organisation && `, ${note.author.organisation}`} · {formatDateTime(note.createdAt)}
            {note.editedAt && ' · edited'}
          </p>
          {!readOnly && (
            <div className="note-actions">
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  setText(note.text);
                  setError(null);
                  setEditing(true);
                }}
              >
                Edit<span className="visually-hidden"> note “{note.text}”</span>
              </button>
              <button type="button" className="button-link" onClick={() => removeParkingLotItem(conn.doc, note.id)}>
                Remove<span className="visually-hidden"> note “{note.text}”</span>
              </button>
            </div>
          )}
        </>
      )}
    </li>
  );
}
