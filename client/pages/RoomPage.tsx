import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, Navigate, useParams, useSearchParams } from 'react-router';
import type { SiteRole } from '../../shared/roles.js';
import { mayWriteRoom } from '../../shared/rooms/kinds.js';
import { ApiError, messageOf } from '../api/http.js';
import { keys, useMe, useRoom, useSite, useWorkshops } from '../api/queries.js';
import { DocRoom } from '../doc/DocRoom.js';
import { SummaryRoom } from '../summaries/SummaryRoom.js';
import { MapEditor, type MapRoomParts } from '../map/MapEditor.js';
import { MapWorkshopStrip } from '../workshops/WorkshopStrip.js';
import { ConnectionStatus } from '../room/ConnectionStatus.js';
import { ParkingLotPanel } from '../room/ParkingLotPanel.js';
import { PresenceList } from '../room/PresenceList.js';
import { refusesEdits } from '../room/RoomConnection.js';
import { RoomLock } from '../room/RoomLock.js';
import { RoomProvider } from '../room/RoomProvider.js';
import { useRoomStatus } from '../room/hooks.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { roleName } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { NotFoundPage } from './NotFoundPage.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';

const KIND = { map: 'System map', doc: 'Document', log: 'Learning log', workshop: 'Workshop', summary: 'Learning summary' } as const;

export function RoomPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const room = useRoom(id);
  // Opened from a workshop: its strip (step, time, follow me) shows over the map.
  const workshopId = useSearchParams()[0].get('workshop');
  // A guest has no site to read: they come to a room from their workshop, and go back there.
  const guestOf = me.data?.guestOf ?? null;
  const site = useSite(room.data?.siteSlug ?? '', me.isSuccess && guestOf === null);
  const client = useQueryClient();
  // A workshop's room is found in its site's list of workshops (one request, often cached).
  const workshops = useWorkshops(room.data?.siteSlug ?? '', room.data?.kind === 'workshop' && guestOf === null);
  useDocumentTitle(room.data?.title);

  // Once the room is open, a failed re-read (access just removed) keeps it on screen: the
  // connection panel says why it stopped, which is clearer than the page vanishing.
  if (room.isError && !room.data) {
    if (room.error instanceof ApiError && (room.error.status === 404 || room.error.status === 400)) return <NotFoundPage what="room" />;
    return <ErrorMessage>{messageOf(room.error)}</ErrorMessage>;
  }
  if (!room.data || !me.data) return <Status>Opening the room…</Status>;
  // Where the page leads back to, and the role it offers edits by. A guest takes part as a
  // member would; the server says (read-only) where it drops their edits, as for anyone.
  const place =
    guestOf !== null
      ? { trail: [{ to: `/workshops/${guestOf}`, label: 'Your workshop' }], back: { to: `/workshops/${guestOf}`, label: 'your workshop' }, role: 'member' as const }
      : site.data
        ? { trail: [{ to: '/', label: 'Sites' }, { to: `/sites/${site.data.slug}`, label: site.data.name }], back: { to: `/sites/${site.data.slug}`, label: site.data.name }, role: site.data.role }
        : null;
  if (!place) return site.isError ? <ErrorMessage>{messageOf(site.error)}</ErrorMessage> : <Status>Opening the room…</Status>;

  const r = room.data;
  // The learning log has its own page (filters, entries); its room address leads there.
  if (r.kind === 'log') return <Navigate to={`/sites/${r.siteSlug}/log`} replace />;
  // A workshop's room holds only its live state (step, timer), which the server writes: the
  // workshop's page shows it. Without the workshop (the list failed), nothing to edit here.
  if (r.kind === 'workshop') {
    if (guestOf !== null) return <Navigate to={`/workshops/${guestOf}`} replace />;
    if (workshops.isPending) return <Status>Opening the room…</Status>;
    const workshop = workshops.data?.workshops.find((w) => w.roomId === r.id);
    if (workshop) return <Navigate to={`/workshops/${workshop.id}`} replace />;
    return (
      <div className="room room-kind-workshop">
        <Breadcrumb trail={place.trail} current={r.title} />
        <h1>{r.title}</h1>
        <p>
          This is the live room of the workshop “{r.title}”: its current step and timer. Workshops are run from{' '}
          <Link to={place.back.to}>{place.back.label}</Link>.
        </p>
      </div>
    );
  }
  const role = place.role;
  // The registry of room kinds answers as the server does: viewers, archived rooms, and
  // everyone but facilitators in a locked room write nothing.
  const readOnly = !mayWriteRoom(r.kind, role, { locked: r.locked, archived: r.archived });

  const onPermissionChanged = () => {
    // The server says when this person's access changed (role removed or lowered, room
    // archived): read role and room again.
    void client.invalidateQueries({ queryKey: keys.site(r.siteSlug) });
    void client.invalidateQueries({ queryKey: keys.room(r.id) });
  };
  const meta = (
    <>
      {KIND[r.kind]} · you are {guestOf !== null ? 'a guest' : roleName(role).toLowerCase()}
      {r.archived && ' · archived (read-only)'}
    </>
  );

  if (r.kind === 'map') {
    // The canvas is the room: one slim bar above it holds the title and the room's state.
    return (
      <div className="room room-kind-map">
        <RoomProvider roomId={r.id} title={r.title} user={me.data} onPermissionChanged={onPermissionChanged}>
          <MapRoomBody
            title={r.title}
            readOnlyByRole={readOnly}
            room={{
              start: (
                <div className="room-bar-title">
                  <Link to={place.back.to} className="room-bar-back" aria-label={`Back to ${place.back.label}`} title={`Back to ${place.back.label}`}>
                    <span aria-hidden="true">‹</span> <span className="room-bar-site">{place.back.label}</span>
                  </Link>
                  <h1>{r.title}</h1>
                  <p className="room-meta">{meta}</p>
                </div>
              ),
              end: (
                <>
                  <ConnectionStatus compact />
                  <PresenceList compact />
                  <RoomLock room={r} role={role} meId={me.data.id} part="button" />
                </>
              ),
              notices: (
                <>
                  <RoomLock room={r} role={role} meId={me.data.id} part="notice" />
                  {workshopId && <MapWorkshopStrip workshopId={workshopId} roomId={r.id} me={me.data} />}
                </>
              ),
            }}
          />
        </RoomProvider>
      </div>
    );
  }

  return (
    <div className={`room room-kind-${r.kind}`}>
      <Breadcrumb trail={place.trail} current={r.title} />
      <h1>{r.title}</h1>
      <p className="room-meta">{meta}</p>
      <RoomLock room={r} role={role} meId={me.data.id} />
      <RoomProvider roomId={r.id} title={r.title} user={me.data} onPermissionChanged={onPermissionChanged}>
        {r.kind === 'summary' ? (
          <SummaryRoomBody roomId={r.id} siteSlug={r.siteSlug} role={role} readOnlyByRole={readOnly} />
        ) : (
          <RoomBody title={r.title} siteSlug={r.siteSlug} readOnlyByRole={readOnly} />
        )}
      </RoomProvider>
    </div>
  );
}

/**
 * Whether the open room is read-only here. Edits are offered only when the role allows them and
 * the server has neither said (permission denied: read-only) that it now drops them nor ended
 * the connection for good (edits made then would go nowhere); either can arrive before the page
 * has re-read the role, and it applies to every panel alike.
 */
function useReadOnly(readOnlyByRole: boolean): boolean {
  const status = useRoomStatus();
  return readOnlyByRole || refusesEdits(status);
}

/** The open map room: the parking lot is one of its panels. */
function MapRoomBody({ title, readOnlyByRole, room }: { title: string; readOnlyByRole: boolean; room: MapRoomParts }) {
  const readOnly = useReadOnly(readOnlyByRole);
  const panels = useMemo(() => [{ id: 'parking', label: 'Parking lot', content: <ParkingLotPanel readOnly={readOnly} /> }], [readOnly]);
  return <MapEditor readOnly={readOnly} title={title} room={{ ...room, panels }} />;
}

/** The open document: the text, with the parking lot and the room's state beside it. */
function RoomBody({ title, siteSlug, readOnlyByRole }: { title: string; siteSlug: string; readOnlyByRole: boolean }) {
  const readOnly = useReadOnly(readOnlyByRole);
  return (
    <div className="room-layout">
      <div className="room-main">
        <section className="panel doc-panel" aria-labelledby="editor-heading">
          <h2 id="editor-heading">The document</h2>
          <DocRoom readOnly={readOnly} title={title} siteSlug={siteSlug} />
        </section>
        <ParkingLotPanel readOnly={readOnly} />
      </div>
      <aside className="room-side" aria-label="Room status">
        <ConnectionStatus />
        <PresenceList />
      </aside>
    </div>
  );
}

/** The open learning summary: a long form, with publishing for facilitators. */
function SummaryRoomBody({ roomId, siteSlug, role, readOnlyByRole }: { roomId: string; siteSlug: string; role: SiteRole | null; readOnlyByRole: boolean }) {
  const readOnly = useReadOnly(readOnlyByRole);
  return <SummaryRoom roomId={roomId} siteSlug={siteSlug} role={role} readOnly={readOnly} />;
}
