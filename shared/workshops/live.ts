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

/** Most hands up at once: more than a workshop has people. */
export const WORKSHOP_HANDS_MAX = 200;

/** A raised hand: who, and when (server ms), so they are taken in order. */
export const RaisedHandSchema = z.object({
  userId: z.string().max(64),
  name: z.string().max(200),
  organisation: z.string().max(200),
  at: z.number().int().min(0),
});
export type RaisedHand = z.infer<typeof RaisedHandSchema>;

/** A part of a map in map coordinates: what someone has in view. */
export const MapViewSchema = z.object({
  x: z.number().finite().min(-1e7).max(1e7),
  y: z.number().finite().min(-1e7).max(1e7),
  width: z.number().finite().positive().max(1e7),
  height: z.number().finite().positive().max(1e7),
});
export type MapView = z.infer<typeof MapViewSchema>;

/** A facilitator others follow: whose view, in which map. */
export const FollowSchema = z.object({ userId: z.string().max(64), name: z.string().max(200), roomId: z.string().max(64) });
export type Follow = z.infer<typeof FollowSchema>;

/** "Bring everyone here": the map and the part of it everyone is taken to, and when (server ms). */
export const SummonSchema = z.object({ roomId: z.string().max(64), view: MapViewSchema.nullable(), by: z.string().max(200), at: z.number().int().min(0) });
export type Summon = z.infer<typeof SummonSchema>;

/** Most groups in one breakout. */
export const BREAKOUT_GROUPS_MAX = 12;

const PersonSchema = z.object({ userId: z.string().max(64), name: z.string().max(200), organisation: z.string().max(200) });

/**
 * Breakouts under way (or closed, until the next): each group's copy of the main map, and the
 * version of the main map they were copied from (the base their changes are compared with).
 */
export const BreakoutSchema = z.object({
  mainRoomId: z.string().max(64),
  baseVersionId: z.string().max(64),
  startedAt: z.number().int().min(0),
  closedAt: z.number().int().min(0).nullable(),
  groups: z
    .array(z.object({ name: z.string().max(100), roomId: z.string().max(64), members: z.array(PersonSchema).max(200) }))
    .min(1)
    .max(BREAKOUT_GROUPS_MAX),
});
export type Breakout = z.infer<typeof BreakoutSchema>;

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
  /** Hands up, oldest first. */
  hands: z.array(RaisedHandSchema).max(WORKSHOP_HANDS_MAX),
  /** While set, participants in that map follow the facilitator's view (they may stop). */
  follow: FollowSchema.nullable(),
  /** The last "bring everyone here". */
  summon: SummonSchema.nullable(),
  /** The current or last breakout. */
  breakout: BreakoutSchema.nullable(),
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
 * readWorkshopLive(new Y.Doc()) // { step: 0, timer: { status: 'idle' }, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null }
 */
export function readWorkshopLive(doc: Y.Doc): WorkshopLive {
  const map = liveMap(doc);
  const step = WorkshopLiveSchema.shape.step.safeParse(map.get('step'));
  const timer = TimerStateSchema.safeParse(map.get('timer'));
  const history = WorkshopLiveSchema.shape.history.safeParse(map.get('history'));
  const endedAt = WorkshopLiveSchema.shape.endedAt.safeParse(map.get('endedAt'));
  const recordRoomId = WorkshopLiveSchema.shape.recordRoomId.safeParse(map.get('recordRoomId'));
  const lockedRoomId = WorkshopLiveSchema.shape.lockedRoomId.safeParse(map.get('lockedRoomId'));
  const hands = WorkshopLiveSchema.shape.hands.safeParse(map.get('hands'));
  const follow = FollowSchema.safeParse(map.get('follow'));
  const summon = SummonSchema.safeParse(map.get('summon'));
  const breakout = BreakoutSchema.safeParse(map.get('breakout'));
  return {
    step: step.success ? step.data : 0,
    timer: timer.success ? timer.data : IDLE_TIMER,
    history: history.success ? history.data : [],
    endedAt: endedAt.success ? endedAt.data : null,
    recordRoomId: recordRoomId.success ? recordRoomId.data : null,
    lockedRoomId: lockedRoomId.success ? lockedRoomId.data : null,
    hands: hands.success ? hands.data : [],
    follow: follow.success ? follow.data : null,
    summon: summon.success ? summon.data : null,
    breakout: breakout.success ? breakout.data : null,
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
    if (patch.hands !== undefined) map.set('hands', WorkshopLiveSchema.shape.hands.parse(patch.hands).map((h) => ({ ...h })));
    if (patch.follow !== undefined) map.set('follow', patch.follow === null ? null : { ...FollowSchema.parse(patch.follow) });
    if (patch.breakout !== undefined) map.set('breakout', patch.breakout === null ? null : structuredClone(BreakoutSchema.parse(patch.breakout)));
    if (patch.summon !== undefined) map.set('summon', patch.summon === null ? null : structuredClone(SummonSchema.parse(patch.summon)));
  });
}
