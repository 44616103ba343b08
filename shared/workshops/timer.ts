/**
 * A workshop's shared countdown, kept in server time so every client shows the same seconds
 * whatever its own clock says. The server writes the state (start, pause, add time) with its
 * own clock; a client reads it with its estimate of the server's clock (`clockOffset`).
 * Pure functions of plain data: the server, the page and the tests use the same maths.
 */

/** Idle (nothing set), running until `endsAt` (server ms), or paused with time left. */
export type TimerState =
  | { status: 'idle' }
  | { status: 'running'; endsAt: number; durationMs: number }
  | { status: 'paused'; remainingMs: number; durationMs: number };

export const IDLE_TIMER: TimerState = { status: 'idle' };

/** The longest a timer may run, and the most time one press may add or take away. */
export const TIMER_LIMITS = { maxMs: 8 * 60 * 60 * 1000, stepMaxMs: 60 * 60 * 1000 } as const;

const clamp = (ms: number) => Math.max(0, Math.min(TIMER_LIMITS.maxMs, Math.round(ms)));

/**
 * Milliseconds left at server time `now`: 0 once a running timer has ended (it does not go
 * negative: the end is shown as "time's up", not as a count upwards).
 *
 * @example
 * remainingMs({ status: 'running', endsAt: 65_000, durationMs: 60_000 }, 5_000) // 60000
 */
export function remainingMs(timer: TimerState, now: number): number {
  if (timer.status === 'idle') return 0;
  if (timer.status === 'paused') return timer.remainingMs;
  return Math.max(0, timer.endsAt - now);
}

/** Whether a running timer has reached its end at `now`. */
export function timeIsUp(timer: TimerState, now: number): boolean {
  return timer.status === 'running' && timer.endsAt <= now;
}

/**
 * Starts (or resumes) the countdown at `now`: from `durationMs` when given (a step's timebox),
 * else from where a paused timer stopped.
 */
export function startTimer(timer: TimerState, now: number, durationMs?: number): TimerState {
  const left = durationMs !== undefined ? clamp(durationMs) : timer.status === 'paused' ? timer.remainingMs : remainingMs(timer, now);
  const duration = durationMs !== undefined ? clamp(durationMs) : timer.status === 'idle' ? left : timer.durationMs;
  return { status: 'running', endsAt: now + left, durationMs: duration };
}

/** Pauses a running timer at `now`, keeping what is left; anything else is unchanged. */
export function pauseTimer(timer: TimerState, now: number): TimerState {
  if (timer.status !== 'running') return timer;
  return { status: 'paused', remainingMs: remainingMs(timer, now), durationMs: timer.durationMs };
}

/**
 * Adds (or, negative, takes away) time. A running timer that had ended starts again from `now`
 * with the time added, as a facilitator giving "two more minutes" expects.
 */
export function addTime(timer: TimerState, now: number, ms: number): TimerState {
  const step = Math.max(-TIMER_LIMITS.stepMaxMs, Math.min(TIMER_LIMITS.stepMaxMs, Math.round(ms)));
  if (timer.status === 'idle') return step > 0 ? { status: 'paused', remainingMs: clamp(step), durationMs: clamp(step) } : timer;
  if (timer.status === 'paused') return { ...timer, remainingMs: clamp(timer.remainingMs + step), durationMs: clamp(timer.durationMs + step) };
  const left = clamp(remainingMs(timer, now) + step);
  return { status: 'running', endsAt: now + left, durationMs: clamp(timer.durationMs + step) };
}

/** "12:05", "1:02:03" or "0:00": minutes and seconds left, rounded up (so 0:00 means ended). */
export function formatRemaining(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** One exchange with the server's clock: when it was asked, what it said, when the answer came (client ms). */
export interface ClockSample {
  sentAt: number;
  serverNow: number;
  receivedAt: number;
}

/**
 * How far the server's clock is ahead of this one (ms; negative behind), from the sample with
 * the shortest round trip: its answer was read nearest the middle of the trip.
 *
 * @example
 * clockOffset([{ sentAt: 1000, serverNow: 6050, receivedAt: 1100 }]) // 5000
 */
export function clockOffset(samples: readonly ClockSample[]): number {
  let best: ClockSample | null = null;
  for (const s of samples) {
    if (s.receivedAt < s.sentAt) continue;
    if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
  }
  return best ? Math.round(best.serverNow - (best.sentAt + best.receivedAt) / 2) : 0;
}
