/**
 * A workshop as it runs: the agenda with the step everyone is on, and one countdown shown alike
 * on every screen (a projector, a laptop, a phone). The step and timer are in the workshop's
 * room, written only by the server with its own clock; this page reads them from the room's
 * doc and shows the time left by its estimate of the server's clock, so a participant whose
 * clock is wrong still sees the same seconds as everyone else.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { User } from '../../shared/api.js';
import { roleAtLeast } from '../../shared/roles.js';
import { WORKSHOP_STEP_KIND_NAMES, type Workshop, type WorkshopTimerRequest } from '../../shared/workshops/api.js';
import type { WorkshopLive } from '../../shared/workshops/live.js';
import { formatRemaining, remainingMs, timeIsUp } from '../../shared/workshops/timer.js';
import { ApiError, messageOf } from '../api/http.js';
import { useMe, useRooms, useSite, useWorkshop, useWorkshopStep, useWorkshopTimer } from '../api/queries.js';
import { ConnectionStatus } from '../room/ConnectionStatus.js';
import { PresenceList } from '../room/PresenceList.js';
import { RoomProvider } from '../room/RoomProvider.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { Breakouts, YourBreakoutGroup } from '../workshops/Breakouts.js';
import { EndWorkshopForm, WorkshopEnded } from '../workshops/EndWorkshop.js';
import { GuestLinks } from '../workshops/GuestLinks.js';
import { People } from '../workshops/People.js';
import { Rounds } from '../workshops/Rounds.js';
import { useServerClockOffset, useServerNow } from '../workshops/serverClock.js';
import { useOnSummon, workshopRoomLink } from '../workshops/summon.js';
import { useWorkshopLive } from '../workshops/useWorkshopLive.js';
import { NotFoundPage } from './NotFoundPage.js';

export function WorkshopPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const workshop = useWorkshop(id);
  // A guest (invited to this workshop alone) has no site to read, and takes part as a member would.
  const guest = me.data?.guestOf != null;
  const site = useSite(workshop.data?.siteSlug ?? '', workshop.isSuccess && me.isSuccess && !guest);
  useDocumentTitle(workshop.data?.title);

  if (workshop.isError && !workshop.data) {
    if (workshop.error instanceof ApiError && (workshop.error.status === 404 || workshop.error.status === 400)) return <NotFoundPage what="workshop" />;
    return <ErrorMessage>{messageOf(workshop.error)}</ErrorMessage>;
  }
  if (!workshop.data || !me.data || (!guest && site.isPending)) return <Status>Opening the workshop…</Status>;
  if (!guest && site.isError && !site.data) return <ErrorMessage>{messageOf(site.error)}</ErrorMessage>;

  const w = workshop.data;
  const role = guest ? 'member' : (site.data?.role ?? null);
  return (
    <div className="workshop">
      {site.data && <Breadcrumb trail={[{ to: '/', label: 'Sites' }, { to: `/sites/${site.data.slug}`, label: site.data.name }]} current={w.title} />}
      <RoomProvider roomId={w.roomId} title={w.title} user={me.data}>
        <WorkshopBody workshop={w} me={me.data} canRun={roleAtLeast(role, 'facilitator')} canTakePart={roleAtLeast(role, 'member')} />
      </RoomProvider>
    </div>
  );
}

/**
 * A short beep. The audio context is made on the person's click (the checkbox), as browsers
 * only let a page play sound after one; anything the browser refuses is ignored, a beep is not
 * worth an error.
 */
function useBeep(enabled: boolean): () => void {
  const context = useRef<AudioContext | null>(null);
  useEffect(() => {
    if (!enabled) return;
    try {
      context.current ??= new AudioContext();
      void context.current.resume().catch(() => undefined);
    } catch {
      context.current = null;
    }
  }, [enabled]);
  useEffect(() => () => void context.current?.close().catch(() => undefined), []);
  return useCallback(() => {
    const ctx = context.current;
    if (!enabled || !ctx) return;
    try {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.3, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.8);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start();
      oscillator.stop(ctx.currentTime + 0.8);
    } catch {
      // See above.
    }
  }, [enabled]);
}

function WorkshopBody({ workshop: w, me, canRun, canTakePart }: { workshop: Workshop; me: User; canRun: boolean; canTakePart: boolean }) {
  const live = useWorkshopLive(w.live);
  const navigate = useNavigate();
  // "Bring everyone here": the facilitator's page stays; everyone else's opens the map.
  useOnSummon(live.summon, (summon) => {
    if (!canRun) void navigate(workshopRoomLink(w.id, summon.roomId, summon.view));
  });
  const offset = useServerClockOffset();
  const now = useServerNow(offset);
  const [sound, setSound] = useState(false);
  const beep = useBeep(sound);
  const soundId = useId();

  const step = w.steps[live.step];
  const up = timeIsUp(live.timer, now);
  const left = remainingMs(live.timer, now);
  // Beep when the time runs out while the page is open, not on opening a page whose time is up.
  const wasUp = useRef(up);
  useEffect(() => {
    if (up && !wasUp.current) beep();
    wasUp.current = up;
  }, [up, beep]);

  const timerState = up ? 'up' : live.timer.status;
  return (
    <>
      <header className="workshop-head">
        <div>
          <h1>{w.title}</h1>
          <p className="room-meta">
            Workshop · starts <time dateTime={w.startsAt}>{formatDateTime(w.startsAt)}</time>
            {w.endedAt && ' · ended'}
          </p>
        </div>
        <div className="workshop-room-state">
          <ConnectionStatus compact />
          <PresenceList compact />
        </div>
      </header>

      <YourBreakoutGroup workshop={w} breakout={live.breakout} me={me} />
      <div className="workshop-body">
        <div className="workshop-main">
          <section className={`workshop-now panel timer-${timerState}`} aria-labelledby="workshop-now-heading">
            <h2 id="workshop-now-heading" className="workshop-step-title">
              <span className="workshop-step-count">
                Step {live.step + 1} of {w.steps.length}:
              </span>{' '}
              <span data-testid="current-step">{step?.title ?? '—'}</span>
            </h2>
            {step && (
              <p className="workshop-step-meta">
                {WORKSHOP_STEP_KIND_NAMES[step.kind]} · {step.minutes} min
              </p>
            )}
            {/* Not a live region: read out four times a second it would drown everything else. */}
            <p className="workshop-timer" role="timer" aria-live="off" aria-label="Time left" data-testid="time-left">
              {formatRemaining(left)}
            </p>
            <p className="workshop-timer-state" role="status">
              {up ? <strong className="workshop-time-up">Time's up</strong> : live.timer.status === 'paused' ? 'Paused' : live.timer.status === 'idle' ? 'Not started' : ''}
            </p>
            {live.endedAt !== null ? <WorkshopEnded recordRoomId={live.recordRoomId} /> : canRun && <WorkshopControls workshop={w} live={live} up={up} />}
            <div className="field-check">
              <input id={soundId} type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} />
              <label htmlFor={soundId}>Sound at the end</label>
            </div>
          </section>

          <People workshopId={w.id} live={live} me={me} canRun={canRun} canTakePart={canTakePart} />
          <Agenda workshop={w} current={live.step} />
          {canRun && live.endedAt === null && <GuestLinks workshop={w} />}
          {canRun && live.endedAt === null && <EndWorkshopForm workshop={w} />}
        </div>
        <div className="workshop-side">
          <Rounds workshop={w} me={me} canRun={canRun && live.endedAt === null} canTakePart={canTakePart && live.endedAt === null} stepRoomId={step?.roomId ?? null} />
          <Breakouts workshop={w} breakout={live.breakout} me={me} canRun={canRun && live.endedAt === null} stepRoomId={step?.roomId ?? null} />
        </div>
      </div>
    </>
  );
}

/** The facilitator's controls; each waits for the server's answer before another press. */
function WorkshopControls({ workshop: w, live, up }: { workshop: Workshop; live: WorkshopLive; up: boolean }) {
  const stepMutation = useWorkshopStep(w.id);
  const timerMutation = useWorkshopTimer(w.id);
  const goTo = useSubmitOnce(stepMutation);
  const time = useSubmitOnce(timerMutation);
  const busy = stepMutation.isPending || timerMutation.isPending;
  const running = live.timer.status === 'running' && !up;
  const error = stepMutation.isError ? stepMutation.error : timerMutation.isError ? timerMutation.error : null;
  const timer = (body: WorkshopTimerRequest) => {
    stepMutation.reset();
    time(body);
  };
  const step = (index: number) => {
    timerMutation.reset();
    goTo(index);
  };

  return (
    <div className="workshop-controls">
      <div role="group" aria-label="Step" className="inline-row">
        <button type="button" className="button-secondary" disabled={busy || live.step === 0} onClick={() => step(live.step - 1)}>
          Previous step
        </button>
        <button type="button" disabled={busy || live.step >= w.steps.length - 1} onClick={() => step(live.step + 1)}>
          Next step
        </button>
      </div>
      <div role="group" aria-label="Timer" className="inline-row">
        {running ? (
          <button type="button" disabled={busy} onClick={() => timer({ action: 'pause' })}>
            Pause
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => timer({ action: 'start' })}>
            Start
          </button>
        )}
        <button type="button" className="button-secondary" disabled={busy} onClick={() => timer({ action: 'add', minutes: 1 })}>
          +1 min
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => timer({ action: 'add', minutes: 5 })}>
          +5 min
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => timer({ action: 'add', minutes: -1 })}>
          −1 min
        </button>
      </div>
      <ErrorMessage>{error ? messageOf(error) : null}</ErrorMessage>
    </div>
  );
}

function Agenda({ workshop: w, current }: { workshop: Workshop; current: number }) {
  // Titles of the maps and documents the steps work on; a step still links without one.
  const rooms = useRooms(w.siteSlug, 'false');
  const roomById = new Map((rooms.data?.pages ?? []).flatMap((p) => p.rooms).map((r) => [r.id, r]));
  const total = w.steps.reduce((sum, s) => sum + s.minutes, 0);
  return (
    <section className="panel workshop-agenda" aria-labelledby="agenda-heading">
      <h2 id="agenda-heading">
        Agenda <span className="count">({total} min)</span>
      </h2>
      <ol aria-labelledby="agenda-heading">
        {w.steps.map((s, i) => {
          const room = s.roomId ? roomById.get(s.roomId) : undefined;
          return (
            <li key={s.id} aria-current={i === current ? 'step' : undefined} className={i === current ? 'current' : undefined}>
              <span className="agenda-title">{s.title}</span>{' '}
              <span className="agenda-meta">
                {WORKSHOP_STEP_KIND_NAMES[s.kind]} · {s.minutes} min{s.lock && ' · locked for all but facilitators'}
              </span>
              {s.roomId && (
                <>
                  {' · '}
                  <Link to={workshopRoomLink(w.id, s.roomId)}>{room ? `Open “${room.title}”` : 'Open its map or document'}</Link>
                </>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
