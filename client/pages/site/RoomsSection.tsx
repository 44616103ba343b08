import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CREATABLE_ROOM_KINDS, LIMITS, type CreatableRoomKind, type Room, type RoomKind } from '../../../shared/api.js';
import { canEditRooms, roleAtLeast, type SiteRole } from '../../../shared/roles.js';
import { cleanText } from '../../../shared/text.js';
import { messageOf } from '../../api/http.js';
import { useCreateRoom, useRooms, useUpdateRoom, type RoomListKind } from '../../api/queries.js';
import { ErrorMessage, Status } from '../../ui/Notice.js';
import { formatDateTime } from '../../ui/format.js';
import { useSubmitOnce } from '../../ui/useSubmitOnce.js';

const KIND_NAME: Record<RoomKind, string> = { map: 'System map', doc: 'Document', log: 'Learning log', workshop: 'Workshop', summary: 'Learning summary' };

export function RoomsSection({ slug, role }: { slug: string; role: SiteRole }) {
  const [showArchived, setShowArchived] = useState(false);
  const canCreate = canEditRooms(role);
  const headingId = useId();

  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Rooms</h2>
      <p className="hint">Each room is one live system map, document or learning summary.</p>
      <RoomPages slug={slug} role={role} kind="false" label="Rooms" empty="No rooms yet." />
      {canCreate && <CreateRoomForm slug={slug} />}
      <div className="field-check">
        <input id={`${headingId}-archived`} type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
        <label htmlFor={`${headingId}-archived`}>Show archived rooms</label>
      </div>
      {showArchived && <RoomPages slug={slug} role={role} kind="only" label="Archived rooms" empty="No archived rooms." />}
    </section>
  );
}

/**
 * One list of rooms, loaded a page at a time: a site can hold hundreds, and one response with
 * all of them is slow to send and to render. "Show more" loads the next page.
 */
function RoomPages({ slug, role, kind, label, empty }: { slug: string; role: SiteRole; kind: RoomListKind; label: string; empty: string }) {
  const pages = useRooms(slug, kind);
  if (pages.isPending) return <Status>Loading rooms…</Status>;
  // A failed "Show more" keeps the rooms already shown; only a failed first page replaces them.
  if (!pages.data) return <ErrorMessage>{messageOf(pages.error)}</ErrorMessage>;
  const rooms = pages.data.pages.flatMap((page) => page.rooms);
  const total = pages.data.pages.at(-1)?.total ?? rooms.length;
  if (rooms.length === 0) return <p className="empty">{empty}</p>;
  return (
    <>
      <RoomList rooms={rooms} role={role} label={label} />
      {pages.hasNextPage && (
        <p className="room-more">
          <button type="button" className="button-secondary" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {pages.isFetchingNextPage ? 'Loading…' : 'Show more'}
            <span className="visually-hidden"> {label.toLowerCase()}</span>
          </button>{' '}
          <span className="hint">
            Showing {rooms.length} of {total}
          </span>
        </p>
      )}
      {pages.isFetchNextPageError && <ErrorMessage>{messageOf(pages.error)}</ErrorMessage>}
    </>
  );
}

function RoomList({ rooms, role, label }: { rooms: Room[]; role: SiteRole; label: string }) {
  return (
    <ul className="rooms" aria-label={label}>
      {rooms.map((room) => (
        <RoomItem key={room.id} room={room} role={role} />
      ))}
    </ul>
  );
}

function RoomItem({ room, role }: { room: Room; role: SiteRole }) {
  const update = useUpdateRoom();
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(room.title);
  const inputId = useId();

  function rename(event: FormEvent) {
    event.preventDefault();
    // Invisible characters a paste brought in (a bidi override, a tab) cannot be seen to be
    // deleted, so they are removed here rather than refused by the server.
    update.mutate({ id: room.id, title: cleanText(title) }, { onSuccess: () => setRenaming(false) });
  }

  return (
    <li className="room-item">
      {renaming ? (
        <form className="inline-form" onSubmit={rename}>
          <label htmlFor={inputId}>New title for “{room.title}”</label>
          <div className="inline-row">
            <input
              id={inputId}
              value={title}
              maxLength={LIMITS.titleMax}
              onChange={(e) => setTitle(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setRenaming(false);
              }}
              autoFocus
              required
            />
            <button type="submit" disabled={update.isPending}>
              Save
            </button>
            <button type="button" className="button-secondary" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <span className={`kind kind-${room.kind}`}>{KIND_NAME[room.kind]}</span>
          <Link to={`/rooms/${room.id}`} className="room-link">
            {room.title}
          </Link>
          <span className="room-updated">
            {room.locked && <span className="room-locked">locked · </span>}updated {formatDateTime(room.updatedAt)}
          </span>
          <span className="room-actions">
            {canEditRooms(role) && !room.archived && (
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  setTitle(room.title);
                  setRenaming(true);
                }}
              >
                Rename<span className="visually-hidden"> “{room.title}”</span>
              </button>
            )}
            {roleAtLeast(role, 'facilitator') && (
              <button type="button" className="button-link" disabled={update.isPending} onClick={() => update.mutate({ id: room.id, archived: !room.archived })}>
                {room.archived ? 'Restore' : 'Archive'}
                <span className="visually-hidden"> “{room.title}”</span>
              </button>
            )}
          </span>
        </>
      )}
      {update.isError && <ErrorMessage>{messageOf(update.error)}</ErrorMessage>}
    </li>
  );
}

function CreateRoomForm({ slug }: { slug: string }) {
  const create = useCreateRoom(slug);
  // A fast double click must not make two rooms (see useSubmitOnce).
  const createOnce = useSubmitOnce(create);
  const [kind, setKind] = useState<CreatableRoomKind>('map');
  const [title, setTitle] = useState('');
  const id = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    // As for renaming: remove what the person cannot see rather than have it refused.
    createOnce({ kind, title: cleanText(title) }, { onSuccess: () => setTitle('') });
  }

  return (
    <form className="create-room" onSubmit={submit}>
      <fieldset>
        <legend>New room</legend>
        <div className="inline-row">
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as CreatableRoomKind)}>
              {CREATABLE_ROOM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_NAME[k]}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor={`${id}-title`}>Title</label>
            <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={LIMITS.titleMax} required />
          </div>
          <button type="submit" disabled={create.isPending}>
            Create room
          </button>
        </div>
        <ErrorMessage>{create.isError ? messageOf(create.error) : null}</ErrorMessage>
        {create.isSuccess && (
          <p role="status" className="status">
            Created <Link to={`/rooms/${create.data.id}`}>{create.data.title}</Link>.
          </p>
        )}
      </fieldset>
    </form>
  );
}
