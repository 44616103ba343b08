/**
 * Request and response shapes of the workshop endpoints (`/api/sites/{slug}/workshops`,
 * `/api/workshops/{id}…`), published in `/api/openapi.json` like the rest of `shared/api.ts`.
 */
import { z } from 'zod';
import { oneLineText, RoomIdSchema, TitleSchema } from '../api.js';
import { BREAKOUT_GROUPS_MAX, MapViewSchema, WORKSHOP_STEPS_MAX, WorkshopLiveSchema } from './live.js';
import { TIMER_LIMITS } from './timer.js';

export const WORKSHOP_STEP_KINDS = ['discussion', 'brainstorm', 'vote', 'round', 'breakout'] as const;
export type WorkshopStepKind = (typeof WORKSHOP_STEP_KINDS)[number];
/** What people call each kind of step, on the site page and the workshop page alike. */
export const WORKSHOP_STEP_KIND_NAMES: Readonly<Record<WorkshopStepKind, string>> = {
  discussion: 'Discussion',
  brainstorm: 'Brainstorm',
  vote: 'Vote',
  round: 'Round',
  breakout: 'Breakout',
};

export const WORKSHOP_LIMITS = {
  stepsMax: WORKSHOP_STEPS_MAX,
  /** A step's timebox, in minutes: at most the longest a timer runs. */
  stepMinutesMax: TIMER_LIMITS.maxMs / 60_000,
  /** The most time one press of "add time" adds or takes away, in minutes. */
  addMinutesMax: TIMER_LIMITS.stepMaxMs / 60_000,
} as const;

export const WorkshopIdSchema = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not a workshop id');

export const WorkshopStepInputSchema = z.object({
  title: TitleSchema,
  kind: z.enum(WORKSHOP_STEP_KINDS),
  minutes: z.number().int('minutes must be a whole number').min(1, 'a step needs at least 1 minute').max(WORKSHOP_LIMITS.stepMinutesMax),
  /** The map or document of the workshop's site the step works on. */
  roomId: RoomIdSchema.optional(),
  /** Lock that map or document while the step is current: only facilitators change it. */
  lock: z.boolean().optional(),
});

/** `POST /api/sites/{slug}/workshops` */
export const CreateWorkshopRequestSchema = z.object({
  title: TitleSchema,
  /** When it starts (ISO 8601, with a time zone or Z). */
  startsAt: z.iso.datetime({ offset: true, message: 'startsAt must be a date and time such as 2026-03-02T10:00:00Z' }),
  steps: z
    .array(WorkshopStepInputSchema)
    .min(1, 'a workshop needs at least one step')
    .max(WORKSHOP_LIMITS.stepsMax, `a workshop has at most ${WORKSHOP_LIMITS.stepsMax} steps`),
});
export type CreateWorkshopRequest = z.input<typeof CreateWorkshopRequestSchema>;

export const WorkshopStepSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(WORKSHOP_STEP_KINDS),
  minutes: z.number().int(),
  roomId: z.string().nullable(),
  /** Locked for everyone but facilitators while the step is current (agendas stored before locks read as false). */
  lock: z.boolean().default(false),
});
export type WorkshopStep = z.infer<typeof WorkshopStepSchema>;

/** A workshop as listed: its agenda, without the live state (that is in its room). */
export const WorkshopSummarySchema = z.object({
  id: z.string(),
  siteSlug: z.string(),
  /** Its room of kind `workshop`, at `/sync/{roomId}`, where the live state is. */
  roomId: z.string(),
  title: z.string(),
  startsAt: z.string(),
  steps: z.array(WorkshopStepSchema),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});
export type WorkshopSummary = z.infer<typeof WorkshopSummarySchema>;

/** One workshop with its live state (`GET /api/workshops/{id}`, and the answer to creating one). */
export const WorkshopSchema = WorkshopSummarySchema.extend({ live: WorkshopLiveSchema });
export type Workshop = z.infer<typeof WorkshopSchema>;

/** A site's workshops, newest first. */
export const WorkshopListSchema = z.object({ workshops: z.array(WorkshopSummarySchema) });
export type WorkshopList = z.infer<typeof WorkshopListSchema>;

/** `POST /api/workshops/{id}/step`: move everyone to a step, starting its timebox. */
export const SetWorkshopStepRequestSchema = z.object({ index: z.number().int().min(0).max(WORKSHOP_LIMITS.stepsMax - 1) });

/** `POST /api/workshops/{id}/timer` */
export const WorkshopTimerRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start') }),
  z.object({ action: z.literal('pause') }),
  z.object({
    action: z.literal('add'),
    /** Minutes to add; negative takes time away. */
    minutes: z.number().min(-WORKSHOP_LIMITS.addMinutesMax).max(WORKSHOP_LIMITS.addMinutesMax),
  }),
]);
export type WorkshopTimerRequest = z.infer<typeof WorkshopTimerRequestSchema>;

/** `POST /api/workshops/{id}/follow`: participants in this map follow your view; `null` stops it. */
export const FollowRequestSchema = z.object({ roomId: RoomIdSchema.nullable() });
/** `POST /api/workshops/{id}/summon`: bring everyone to this map, to the part of it you have in view. */
export const SummonRequestSchema = z.object({ roomId: RoomIdSchema, view: MapViewSchema.optional() });
export type SummonRequest = z.infer<typeof SummonRequestSchema>;

/** `POST /api/workshops/{id}/breakouts`: split people into groups, each with its own copy of a map. */
export const StartBreakoutRequestSchema = z.object({
  roomId: RoomIdSchema,
  groups: z
    .array(z.object({ name: oneLineText('a group needs a name', 100), userIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{10,64}$/)).max(200) }))
    .min(1, 'at least one group')
    .max(BREAKOUT_GROUPS_MAX),
});
export type StartBreakoutRequest = z.input<typeof StartBreakoutRequestSchema>;

export const BreakoutChangeSchema = z.object({
  target: z.enum(['element', 'connection']),
  id: z.string(),
  change: z.enum(['added', 'changed', 'removed']),
  label: z.string(),
  fields: z.array(z.string()),
});
/** `GET …/breakouts/{groupRoomId}/changes`: what the group changed, against the base. */
export const BreakoutChangesSchema = z.object({ changes: z.array(BreakoutChangeSchema) });
/** `POST …/breakouts/{groupRoomId}/merge` */
export const MergeBreakoutRequestSchema = z.object({ ids: z.array(z.string().min(1).max(64)).min(1, 'choose at least one change').max(20_000) });
export const MergeBreakoutResultSchema = z.object({
  merged: z.number().int(),
  skipped: z.array(z.object({ id: z.string(), label: z.string(), reason: z.string() })),
});
export type MergeBreakoutResult = z.infer<typeof MergeBreakoutResultSchema>;

/** `POST /api/workshops/{id}/hand`: raise or lower your hand; a facilitator may lower anyone's (`userId`). */
export const HandRequestSchema = z.object({
  raised: z.boolean(),
  userId: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not a user id').optional(),
});
export type HandRequest = z.infer<typeof HandRequestSchema>;

/** `GET /api/workshops/{id}/people`: everyone who has joined the workshop's room, in the order they came. */
export const WorkshopPeopleSchema = z.object({
  people: z.array(z.object({ userId: z.string(), name: z.string(), organisation: z.string(), firstSeen: z.string() })),
});
export type WorkshopPeople = z.infer<typeof WorkshopPeopleSchema>;

/** `POST /api/workshops/{id}/end`: what the facilitator noted, one line each, for the record. */
export const EndWorkshopRequestSchema = z.object({
  decisions: z.array(oneLineText('a decision cannot be empty', 500)).max(50).optional(),
  actions: z.array(oneLineText('an action cannot be empty', 500)).max(50).optional(),
});
export type EndWorkshopRequest = z.input<typeof EndWorkshopRequestSchema>;

export const EndedWorkshopSchema = z.object({
  workshop: WorkshopSummarySchema,
  /** The document holding the workshop's record (also linked from the site's learning log). */
  recordRoomId: z.string(),
  /** The named versions saved of the maps and documents the steps worked on. */
  versions: z.array(z.object({ roomId: z.string(), versionId: z.string(), name: z.string() })),
  /** The learning log entry that points to the record. */
  logEntryId: z.string(),
});
export type EndedWorkshop = z.infer<typeof EndedWorkshopSchema>;

/** `GET /api/time`: the server's clock, for `clockOffset`. */
export const ServerTimeSchema = z.object({ now: z.number().int() });
