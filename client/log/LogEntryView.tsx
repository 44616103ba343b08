/**
 * One learning-log entry. Read, it is a short record; opened for editing, each text field is a
 * live editor and the behaviours, authors and map links can be changed. Everyone editing the
 * same entry sees each other's typing as it happens.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { MentionablesResponseSchema } from '../../shared/api.js';
import { mapRefHref } from '../../shared/doc/extensions.js';
import type { ListedBehaviour } from '../../shared/log/behaviours.js';
import {
  LOG_TEXT_FIELDS,
  addAuthor,
  addLink,
  entryField,
  removeAuthor,
  removeEntry,
  removeLink,
  setBehaviours,
  touchEntry,
  updateEntry,
  type LogEntry,
  type LogTextField,
} from '../../shared/log/doc.js';
import { paths } from '../../shared/routes.js';
import { request } from '../api/http.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { actorOf } from '../room/actor.js';
import { FieldEditor } from './FieldEditor.js';

const FIELD_NAMES: Record<LogTextField, { label: string; hint: string }> = {
  tried: { label: 'What we tried', hint: 'The action, who was involved, where.' },
  happened: { label: 'What happened', hint: 'What people did and said; what changed, or did not.' },
  learned: { label: 'What we learned', hint: 'About the issue, the system, and ourselves as leaders.' },
  evidence: { label: 'Evidence', hint: 'What shows it: numbers, quotes, observations, documents.' },
};

interface Props {
  entry: LogEntry;
  behaviours: ListedBehaviour[];
  behaviourLabel: Map<string, string>;
  readOnly: boolean;
  editing: boolean;
  onEdit: (on: boolean) => void;
}

export function LogEntryView({ entry, behaviours, behaviourLabel, readOnly, editing, onEdit }: Props) {
  const conn = useRoomConnection();
  const id = useId();
  const { error, attempt } = useAttempt();
  const actor = actorOf(conn);

  return (
    <li className="log-entry" aria-labelledby={`${id}-t`}>
      <article>
        <h3 id={`${id}-t`} className="log-entry-title">
          <time dateTime={entry.date}>{new Date(`${entry.date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}</time> – {entry.title}
        </h3>
        <p className="hint log-authors">
          By {entry.authors.map((a) => (a.organisation ? `${a.name} (${a.organisation})` : a.name)).join(', ') || 'nobody yet'}
        </p>
        {entry.behaviours.length > 0 && (
          <ul className="chips" aria-label="Behaviours shown">
            {entry.behaviours.map((b) => (
              <li key={b} className="chip">
                {behaviourLabel.get(b) ?? b}
              </li>
            ))}
          </ul>
        )}
        {entry.links.length > 0 && (
          <ul className="chips" aria-label="On the map">
            {entry.links.map((l) => (
              <li key={`${l.roomId}:${l.targetId}`} className="chip chip-link">
                <Link to={mapRefHref(l)}>
                  {l.targetKind === 'loop' ? '⟲ ' : '◆ '}
                  {l.label}
                </Link>
                {editing && !readOnly && (
                  <button type="button" className="button-link" aria-label={`Remove the link to ${l.label}`} onClick={() => attempt(() => removeLink(conn.doc, entry.id, l, actor))}>
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {editing ? (
          <div className="log-edit">
            <TitleAndDate entry={entry} />
            {LOG_TEXT_FIELDS.map((field) => {
              const fragment = entryField(conn.doc, entry.id, field);
              return (
                fragment && (
                  <div key={field} className="log-field">
                    <h4>{FIELD_NAMES[field].label}</h4>
                    <FieldEditor fragment={fragment} label={FIELD_NAMES[field].label} hint={FIELD_NAMES[field].hint} readOnly={readOnly} onBlur={() => touchEntry(conn.doc, entry.id, actor)} />
                  </div>
                )
              );
            })}
            <fieldset className="log-behaviours">
              <legend>Leadership behaviours shown</legend>
              {behaviours.map((b) => (
                <div className="field-check" key={b.id}>
                  <input
                    id={`${id}-b-${b.id}`}
                    type="checkbox"
                    checked={entry.behaviours.includes(b.id)}
                    onChange={(e) =>
                      attempt(() =>
                        setBehaviours(conn.doc, entry.id, e.target.checked ? [...entry.behaviours, b.id] : entry.behaviours.filter((x) => x !== b.id), actor),
                      )
                    }
                  />
                  <label htmlFor={`${id}-b-${b.id}`} title={b.description}>
                    {b.label}
                  </label>
                </div>
              ))}
            </fieldset>
            <Authors entry={entry} onError={(write) => attempt(write)} />
            <LinkPicker onPick={(link) => attempt(() => addLink(conn.doc, entry.id, link, actor))} />
            <ErrorMessage>{error}</ErrorMessage>
            <div className="toolbar">
              <button type="button" onClick={() => onEdit(false)}>
                Done
              </button>
              <button
                type="button"
                className="button-warning"
                onClick={() => {
                  if (window.confirm(`Delete the entry “${entry.title}”? Undo cannot bring back its text for others who had it open.`)) removeEntry(conn.doc, entry.id);
                }}
              >
                Delete entry
              </button>
            </div>
          </div>
        ) : (
          <>
            <dl className="log-fields">
              {LOG_TEXT_FIELDS.filter((f) => entry[f]).map((field) => (
                <div key={field}>
                  <dt>{FIELD_NAMES[field].label}</dt>
                  <dd className="log-text">{entry[field]}</dd>
                </div>
              ))}
            </dl>
            {!readOnly && (
              <button type="button" className="button-secondary" onClick={() => onEdit(true)} aria-label={`Edit “${entry.title}”`}>
                Edit
              </button>
            )}
          </>
        )}
      </article>
    </li>
  );
}

function TitleAndDate({ entry }: { entry: LogEntry }) {
  const conn = useRoomConnection();
  const id = useId();
  const [title, setTitle] = useState(entry.title);
  const [date, setDate] = useState(entry.date);
  const { error, attempt } = useAttempt();
  const save = () => {
    if (title !== entry.title || date !== entry.date) attempt(() => updateEntry(conn.doc, entry.id, { title, date }, actorOf(conn)));
  };
  return (
    <div className="log-title-edit">
      <div className="field">
        <label htmlFor={`${id}-d`}>When</label>
        <input id={`${id}-d`} type="date" value={date} onChange={(e) => setDate(e.target.value)} onBlur={save} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-t`}>Title</label>
        <input id={`${id}-t`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === 'Enter' && save()} />
      </div>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  );
}

function Authors({ entry, onError }: { entry: LogEntry; onError: (write: () => unknown) => void }) {
  const conn = useRoomConnection();
  const id = useId();
  const actor = actorOf(conn);
  const [name, setName] = useState('');
  const [organisation, setOrganisation] = useState('');
  const meAuthor = entry.authors.some((a) => a.userId === conn.user.id);
  function submit(event: FormEvent) {
    event.preventDefault();
    onError(() => addAuthor(conn.doc, entry.id, { userId: null, name, organisation }, actor));
    setName('');
    setOrganisation('');
  }
  return (
    <fieldset className="log-authors-edit">
      <legend>Authors</legend>
      <ul>
        {entry.authors.map((a) => (
          <li key={`${a.userId ?? ''}:${a.name}:${a.organisation}`}>
            {a.name}
            {a.organisation && ` (${a.organisation})`}{' '}
            <button type="button" className="button-link" aria-label={`Remove ${a.name} as an author`} onClick={() => onError(() => removeAuthor(conn.doc, entry.id, a, actor))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {!meAuthor && (
        <button type="button" className="button-secondary" onClick={() => onError(() => addAuthor(conn.doc, entry.id, { userId: actor.userId, name: actor.name, organisation: actor.organisation }, actor))}>
          Add me as an author
        </button>
      )}
      <form onSubmit={submit} className="log-author-new">
        <div className="field">
          <label htmlFor={`${id}-n`}>Name</label>
          <input id={`${id}-n`} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-o`}>Organisation</label>
          <input id={`${id}-o`} value={organisation} maxLength={200} onChange={(e) => setOrganisation(e.target.value)} />
        </div>
        <button type="submit" className="button-secondary">
          Add author
        </button>
      </form>
    </fieldset>
  );
}

/** Finds a map element or named loop of the site (through the server's index) to link the entry to. */
function LinkPicker({ onPick }: { onPick: (link: { roomId: string; targetKind: 'element' | 'loop'; targetId: string; label: string }) => void }) {
  const { slug = '' } = useParams();
  const id = useId();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['sites', slug, 'mentionables', q],
    queryFn: ({ signal }) => request(`${paths.siteMentionables(slug)}?q=${encodeURIComponent(q)}&limit=8`, { schema: MentionablesResponseSchema, signal }),
    enabled: q.trim().length > 0,
  });
  return (
    <div className="log-link-picker">
      <label htmlFor={`${id}-q`}>Link to a map element or loop</label>
      <input id={`${id}-q`} type="search" value={q} placeholder="Type part of its name" onChange={(e) => setQ(e.target.value)} />
      {q.trim() && found.data && (
        <ul aria-label="Matching map elements and loops">
          {found.data.items.length === 0 && <li className="hint">Nothing on this site’s maps matches.</li>}
          {found.data.items.map((item) => (
            <li key={`${item.roomId}:${item.targetId}`}>
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  onPick({ roomId: item.roomId, targetKind: item.targetKind, targetId: item.targetId, label: item.label });
                  setQ('');
                }}
              >
                Link {item.targetKind === 'loop' ? 'loop' : 'element'} “{item.label}”
              </button>
              <span className="hint"> · {item.roomTitle}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
