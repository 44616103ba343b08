/**
 * Request and response shapes of the workshop endpoints (`/api/sites/{slug}/workshops`,
 * `/api/workshops/{id}…`), published in `/api/openapi.json` like the rest of `shared/api.ts`.
 */
import { z } from 'zod';
import { oneLineText, RoomIdSchema, TitleSchema } from '../api.js';
import { WORKSHOP_STEPS_MAX, WorkshopLiveSchema } from './live.js';
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
