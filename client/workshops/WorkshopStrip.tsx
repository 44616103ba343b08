/**
 * The workshop on a map opened from it (`/rooms/:id?workshop=…`): a strip over the canvas with
 * the step and the time left, a hand to raise, and "follow me". The facilitator who leads
 * publishes the part of the map in view through the map room's presence; everyone else's view
 * follows it until they choose not to. "Bring everyone here" opens this map, at this view, on
 * every participant's page.
 *
 * Rendered inside the map's room and React Flow: it takes the map's connection first, then
 * opens the workshop's own room for the live state.
 */
import { useOnViewportChange, useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { User } from '../../shared/api.js';
import { MAP_VIEW_FIELD, viewOf } from '../../shared/map/presence.js';
import { roleAtLeast } from '../../shared/roles.js';
import type { MapView } from '../../shared/workshops/live.js';
import { formatRemaining, remainingMs, timeIsUp } from '../../shared/workshops/timer.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { messageOf } from '../api/http.js';
import { useFollow, useHand, useSite, useSummon, useWorkshop } from '../api/queries.js';
import type { RoomConnection } from '../room/RoomConnection.js';
import { RoomProvider, useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useServerClockOffset, useServerNow } from './serverClock.js';
import { useOnSummon, viewFromLink, workshopRoomLink } from './summon.js';
import { useWorkshopLive } from './useWorkshopLive.js';

/** A leader's view goes out at most this often while they pan and zoom. */
const VIEW_SEND_MS = 100;

export function MapWorkshopStrip({ workshopId, roomId, me }: { workshopId: string; roomId: string; me: User }) {
  const mapConn = useRoomConnection();
  const workshop = useWorkshop(workshopId);
  const site = useSite(workshop.data?.siteSlug ?? '', workshop.isSuccess);
  if (!workshop.data || !site.data) return null;
  return (
    <RoomProvider roomId={workshop.data.roomId} title={workshop.data.title} user={me} offline={false}>
      <Strip
        workshop={workshop.data}
        mapConn={mapConn}
        roomId={roomId}
        me={me}
        canRun={roleAtLeast(site.data.role, 'facilitator')}
        canTakePart={roleAtLeast(site.data.role, 'member')}
      />
    </RoomProvider>
  );
}

/** The part of the map in view now, in map coordinates. */
function useViewRect(): () => MapView | null {
  const flow = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  return () => {
    if (!width || !height) return null;
    const { x, y, zoom } = flow.getViewport();
    return { x: -x / zoom, y: -y / zoom, width: width / zoom, height: height / zoom };
  };
}

interface StripProps {
  workshop: Workshop;
  mapConn: RoomConnection;
  roomId: string;
  me: User;
  canRun: boolean;
  canTakePart: boolean;
}

function Strip({ workshop: w, mapConn, roomId, me, canRun, canTakePart }: StripProps) {
  const live = useWorkshopLive(w.live);
  const now = useServerNow(useServerClockOffset());
  const flow = useReactFlow();
  const viewRect = useViewRect();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const follow = useFollow(w.id);
  const summon = useSummon(w.id);
  const handing = useHand(w.id);
  const [stopped, setStopped] = useState(false);

  const leader = live.follow && live.follow.roomId === roomId ? live.follow : null;
  const leading = leader?.userId === me.id;
  const following = leader !== null && !leading && !stopped;
  const ended = live.endedAt !== null;
  const step = w.steps[live.step];
  const myHand = live.hands.some((h) => h.userId === me.id);

  // Opened by "bring everyone here" (or a link with a view): show that part once the map is drawn.
  // Keyed by the parameter's text: the view parsed from it is a new object every render.
  const viewParam = params.get('view');
  const shown = useRef(false);
  useEffect(() => {
    const linkView = viewFromLink(viewParam);
    if (!linkView || shown.current) return;
    shown.current = true;
    setTimeout(() => void flow.fitBounds(linkView, { padding: 0, duration: 0 }), 100);
  }, [viewParam, flow]);

  useOnSummon(live.summon, (s) => {
    if (s.roomId === roomId) {
      if (s.view && !canRun) void flow.fitBounds(s.view, { padding: 0, duration: 300 });
    } else if (!canRun) void navigate(workshopRoomLink(w.id, s.roomId, s.view));
  });

  // Leading: publish the view as it changes (throttled), and nothing once not leading.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const publish = () => {
    pending.current = null;
    const rect = viewRect();
    if (rect) mapConn.awareness.setLocalStateField(MAP_VIEW_FIELD, rect);
  };
  useOnViewportChange({
    onChange: () => {
      if (leading && !pending.current) pending.current = setTimeout(publish, VIEW_SEND_MS);
    },
  });
  useEffect(() => {
    if (!leading) return;
    publish();
    return () => {
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
      mapConn.awareness.setLocalStateField(MAP_VIEW_FIELD, null);
    };
    // Publishing starts and stops with leading; the callbacks read the latest view themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [leading, mapConn]);

  // Following: the leader's view, whenever it changes.
  const leaderId = following ? leader.userId : null;
  useEffect(() => {
    if (!leaderId) return;
    let last = '';
    const apply = () => {
      const view = viewOf(mapConn.awareness.getStates(), leaderId);
      const key = view ? JSON.stringify(view) : '';
      if (!view || key === last) return;
      last = key;
      void flow.fitBounds(view, { padding: 0, duration: 200 });
    };
    apply();
    mapConn.awareness.on('change', apply);
    return () => mapConn.awareness.off('change', apply);
  }, [leaderId, mapConn, flow]);

  const error = follow.error ?? summon.error ?? handing.error;
  const up = timeIsUp(live.timer, now);
  return (
    <section className="workshop-strip" aria-label="Workshop">
      <p className="workshop-strip-now">
        <Link to={`/workshops/${w.id}`}>{w.title}</Link>
        {ended ? (
          ' · ended'
        ) : (
          <>
            {' · '}
            <span>{step?.title}</span>{' '}
            <strong className={up ? 'workshop-time-up' : undefined} role="timer" aria-live="off" aria-label="Time left">
              {up ? "Time's up" : formatRemaining(remainingMs(live.timer, now))}
            </strong>
          </>
        )}
      </p>
      {!ended && (
        <div className="inline-row">
          {leader && !leading && (
            <button type="button" className="button-secondary" aria-pressed={following} onClick={() => setStopped(following)}>
              {following ? `Following ${leader.name} · Stop` : `Follow ${leader.name}`}
            </button>
          )}
          {canRun && (
            <>
              <button type="button" className="button-secondary" aria-pressed={leading} disabled={follow.isPending} onClick={() => follow.mutate(leading ? null : roomId)}>
                {leading ? 'Stop leading' : 'Everyone follow me'}
              </button>
              <button type="button" className="button-secondary" disabled={summon.isPending} onClick={() => summon.mutate({ roomId, view: viewRect() ?? undefined })}>
                Bring everyone here
              </button>
            </>
          )}
          {canTakePart && (
            <button type="button" className="button-secondary" aria-pressed={myHand} disabled={handing.isPending} onClick={() => handing.mutate({ raised: !myHand })}>
              {myHand ? 'Lower my hand' : 'Raise my hand'}
            </button>
          )}
        </div>
      )}
      <ErrorMessage>{error ? messageOf(error) : null}</ErrorMessage>
    </section>
  );
}
