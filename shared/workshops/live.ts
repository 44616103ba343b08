/**
 * A workshop's live state, in its room's doc: the step everyone is on and the shared timer.
 * Only the server writes it (the root's rule in `shared/rooms/kinds.ts` is `server`), with its
 * own clock, so every client reads the same step and the same end time, and the state is stored
 * and relayed like any update: it survives reloads and restarts.
 *
 * Schema: `doc.getMap('workshopLive')` with `step` (a number) and `timer` (a `TimerState` as a
 * plain object, replaced whole: a timer changes in one piece, and a plain value is one update).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { IDLE_TIMER, TIMER_LIMITS, type TimerState } from './timer.js';

export const WORKSHOP_LIVE_ROOT = 'workshopLive';

/** Most steps an agenda may have; the step index is below it. */
export const WORKSHOP_STEPS_MAX = 30;

const Ms = z.number().int().min(0).max(TIMER_LIMITS.maxMs);

export const TimerStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('idle') }),
  z.object({ status: z.literal('running'), endsAt: z.number().int().min(0), durationMs: Ms }),
  z.object({ status: z.literal('paused'), remainingMs: Ms, durationMs: Ms }),
]) satisfies z.ZodType<TimerState>;

/** Moves between steps kept for the record's actual timings; a workshop moving more is unusual. */
export const WORKSHOP_HISTORY_MAX = 200;

export const StepStartSchema = z.object({ step: z.number().int().min(0).max(WORKSHOP_STEPS_MAX - 1), at: z.number().int().min(0) });
export type StepStart = z.infer<typeof StepStartSchema>;

export const WorkshopLiveSchema = z.object({
  /** Index of the current step in the agenda, from 0. */
  step: z.number().int().min(0).max(WORKSHOP_STEPS_MAX - 1),
  /** The countdown, in server milliseconds (see `shared/workshops/timer.ts`). */
  timer: TimerStateSchema,
  /** When each step was moved to, oldest first (server ms): the record's actual timings. */
  history: z.array(StepStartSchema).max(WORKSHOP_HISTORY_MAX),
  /** Set once the workshop has ended (server ms). */
  endedAt: z.number().int().min(0).nullable(),
  /** The document the server wrote the workshop's record into when it ended. */
  recordRoomId: z.string().max(64).nullable(),
  /** The map or document the workshop locked for the current step; it unlocks it on moving on. */
  lockedRoomId: z.string().max(64).nullable(),
});
export type WorkshopLive = z.infer<typeof WorkshopLiveSchema>;

function liveMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(WORKSHOP_LIVE_ROOT);
}

/**
 * The live state as the doc holds it. A workshop nobody has started yet (an empty doc) is on
 * its first step with the timer idle; a value that is not what the server writes reads the same
 * way rather than breaking the page.
 *
 * @example
 * readWorkshopLive(new Y.Doc()) // { step: 0, timer: { status: 'idle' }, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null }
 */
export function readWorkshopLive(doc: Y.Doc): WorkshopLive {
  const map = liveMap(doc);
  const step = WorkshopLiveSchema.shape.step.safeParse(map.get('step'));
  const timer = TimerStateSchema.safeParse(map.get('timer'));
  const history = WorkshopLiveSchema.shape.history.safeParse(map.get('history'));
  const endedAt = WorkshopLiveSchema.shape.endedAt.safeParse(map.get('endedAt'));
  const recordRoomId = WorkshopLiveSchema.shape.recordRoomId.safeParse(map.get('recordRoomId'));
  const lockedRoomId = WorkshopLiveSchema.shape.lockedRoomId.safeParse(map.get('lockedRoomId'));
  return {
    step: step.success ? step.data : 0,
    timer: timer.success ? timer.data : IDLE_TIMER,
    history: history.success ? history.data : [],
    endedAt: endedAt.success ? endedAt.data : null,
    recordRoomId: recordRoomId.success ? recordRoomId.data : null,
    lockedRoomId: lockedRoomId.success ? lockedRoomId.data : null,
  };
}

/**
 * Writes the parts of the live state given, in one transaction (one update on the wire). For the
 * server: a client's update that touches this root is refused.
 *
 * @example
 * writeWorkshopLive(doc, { step: 1, timer: startTimer(IDLE_TIMER, Date.now(), 15 * 60_000) })
 */
export function writeWorkshopLive(doc: Y.Doc, patch: Partial<WorkshopLive>): void {
  const map = liveMap(doc);
  doc.transact(() => {
    if (patch.step !== undefined) map.set('step', WorkshopLiveSchema.shape.step.parse(patch.step));
    // A copy, so the doc never holds an object the caller goes on changing.
    if (patch.timer !== undefined) map.set('timer', { ...TimerStateSchema.parse(patch.timer) });
    // Replaced whole, like the timer: the server is its only writer, so nothing merges.
    if (patch.history !== undefined) map.set('history', WorkshopLiveSchema.shape.history.parse(patch.history).map((h) => ({ ...h })));
    if (patch.endedAt !== undefined) map.set('endedAt', WorkshopLiveSchema.shape.endedAt.parse(patch.endedAt));
    if (patch.recordRoomId !== undefined) map.set('recordRoomId', WorkshopLiveSchema.shape.recordRoomId.parse(patch.recordRoomId));
    if (patch.lockedRoomId !== undefined) map.set('lockedRoomId', WorkshopLiveSchema.shape.lockedRoomId.parse(patch.lockedRoomId));
  });
}
