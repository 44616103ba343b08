/**
 * Workshops: facilitators create them and run them (the current step, the shared timer);
 * everyone in the site reads them. The live state is changed by the server in the workshop's
 * room, so every connected client sees it at once. A workshop of a site the caller is not in
 * reads as missing (404), as rooms do.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { SlugSchema } from '../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import {
  CreateWorkshopRequestSchema,
  EndedWorkshopSchema,
  EndWorkshopRequestSchema,
  HandRequestSchema,
  FollowRequestSchema,
  SummonRequestSchema,
  WorkshopPeopleSchema,
  SetWorkshopStepRequestSchema,
  WORKSHOP_LIMITS,
  WorkshopIdSchema,
  WorkshopListSchema,
  WorkshopSchema,
  WorkshopTimerRequestSchema,
} from '../../shared/workshops/api.js';
import { WorkshopLiveSchema, type WorkshopLive } from '../../shared/workshops/live.js';
import {
  AddNoteRequestSchema,
  CastVotesRequestSchema,
  CreateRoundRequestSchema,
  NotesToMapRequestSchema,
  NotesToMapResponseSchema,
  ROUND_LIMITS,
  RoundIdSchema,
  RoundListSchema,
  RoundSchema,
} from '../../shared/workshops/rounds.js';
import { errors } from '../errors.js';
import type { SiteRecord, UserRecord, WorkshopRecord } from '../storage/types.js';
import type { WorkshopService } from '../workshops/service.js';
import { registerBreakoutRoutes } from './breakoutRoutes.js';
import {
  type App,
  type AppDeps,
  errorResponses,
  jsonBody,
  jsonResponse,
  requirePrincipal,
  siteOr404,
  workshopAndRole as workshopAndRoleIn,
  workshopForRole,
} from './context.js';

/** Who asks: a guest (`guestOf`) takes part in their own workshop only (see `workshopSiteAndRole`). */
type Caller = Pick<UserRecord, 'id' | 'isAdmin' | 'guestOf'>;

const SlugParams = z.object({ slug: SlugSchema });
const WorkshopParams = z.object({ id: WorkshopIdSchema });
const RoundParams = z.object({ id: WorkshopIdSchema, roundId: RoundIdSchema });

function workshopView(w: WorkshopRecord) {
  return {
    id: w.id,
    siteSlug: w.siteSlug,
    roomId: w.roomId,
    title: w.title,
    startsAt: w.startsAt,
    steps: w.steps,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
    endedAt: w.endedAt,
  };
}

export function registerWorkshopRoutes(app: App, deps: AppDeps, workshops: WorkshopService): void {
  const { auth } = deps;

  /** The workshop, its site and the caller's role there; missing for anyone not in the site. */
  const workshopAndRole = (id: string, user: Caller) => workshopAndRoleIn(deps, id, user);
  /** The workshop for a facilitator of its site to run. */
  const runnable = (id: string, user: Caller) => workshopForRole(deps, id, user, 'facilitator', (site) => `Only facilitators of ${site} run its workshops.`);
  /** The workshop for someone who takes part in it: members of its site and up (viewers watch). */
  const joinable = (id: string, user: Caller) =>
    workshopForRole(deps, id, user, 'member', (site) => `Viewers of ${site} follow its workshops; members take part in rounds.`);

  const withLive = (w: WorkshopRecord, live: WorkshopLive) => ({ ...workshopView(w), live });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/sites/{slug}/workshops',
      tags: ['workshops'],
      summary: 'Create a workshop with its agenda (facilitators)',
      description:
        `1 to ${WORKSHOP_LIMITS.stepsMax} steps, each with a timebox of 1 to ${WORKSHOP_LIMITS.stepMinutesMax} minutes and, optionally, ` +
        "the map or document of the site it works on. The workshop's live state (current step, timer) is in a room of kind `workshop`, " +
        'made with it: connect at `/sync/{roomId}` to follow it.',
      request: { params: SlugParams, body: jsonBody(CreateWorkshopRequestSchema) },
      responses: { 201: jsonResponse(WorkshopSchema, 'Created'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'facilitator');
      const workshop = await workshops.create(site, c.req.valid('json'), user.id);
      return c.json(withLive(workshop, await workshops.live(workshop)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/workshops',
      tags: ['workshops'],
      summary: "A site's workshops, newest first (members and viewers)",
      description: 'Each with its agenda; not its live state (ask for one workshop for that).',
      request: { params: SlugParams },
      responses: { 200: jsonResponse(WorkshopListSchema, 'Workshops'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'viewer');
      return c.json({ workshops: (await workshops.list(site.id)).map(workshopView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}',
      tags: ['workshops'],
      summary: 'One workshop with its live state (members and viewers of its site)',
      request: { params: WorkshopParams },
      responses: { 200: jsonResponse(WorkshopSchema, 'The workshop'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { workshop } = await workshopAndRole(c.req.valid('param').id, user);
      return c.json(withLive(workshop, await workshops.live(workshop)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/step',
      tags: ['workshops'],
      summary: 'Move everyone to a step, starting its timebox (facilitators)',
      description: "The server sets the step and starts the timer with the step's minutes, by its own clock; every connected client receives it live.",
      request: { params: WorkshopParams, body: jsonBody(SetWorkshopStepRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await runnable(c.req.valid('param').id, user);
      return c.json(await workshops.goToStep(workshop, c.req.valid('json').index, user.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/timer',
      tags: ['workshops'],
      summary: 'Start, pause or add time to the shared timer (facilitators)',
      description:
        "`start` resumes a paused timer (or starts the current step's timebox); `pause` keeps what is left; " +
        `\`add\` adds \`minutes\` (-${WORKSHOP_LIMITS.addMinutesMax} to ${WORKSHOP_LIMITS.addMinutesMax}; negative takes time away). ` +
        "Times are the server's (`endsAt` in server ms: see `GET /api/time`).",
      request: { params: WorkshopParams, body: jsonBody(WorkshopTimerRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await runnable(c.req.valid('param').id, user);
      return c.json(await workshops.timer(workshop, c.req.valid('json'), user.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/end',
      tags: ['workshops'],
      summary: 'End the workshop, save its maps and documents as versions and write its record (facilitators)',
      description:
        'Once only (409 after). Every connected client sees it end; the maps and documents its steps worked on are saved as named versions ' +
        '("End of …"); a record (attendance by organisation, the agenda with actual timings, votes, revealed notes and answers, and the ' +
        '`decisions` and `actions` given, one line each) is written as a new document of the site, and an entry in the learning log points to it.',
      request: { params: WorkshopParams, body: jsonBody(EndWorkshopRequestSchema) },
      responses: { 200: jsonResponse(EndedWorkshopSchema, 'Ended'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await runnable(c.req.valid('param').id, user);
      const ended = await workshops.end(workshop, c.req.valid('json'), user);
      deps.onRoomChanged?.(ended.recordRoomId);
      // Its guests lose access with it: their live connections are checked again, and close.
      deps.onAccessChanged?.();
      return c.json({ ...ended, workshop: workshopView(ended.workshop) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}/people',
      tags: ['workshops'],
      summary: 'Everyone who has joined the workshop, with their organisations, in the order they came',
      description: 'Who is connected now is in the workshop room’s presence; this is everyone who has been.',
      request: { params: WorkshopParams },
      responses: { 200: jsonResponse(WorkshopPeopleSchema, 'People'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { workshop } = await workshopAndRole(c.req.valid('param').id, user);
      return c.json({ people: await workshops.people(workshop) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/hand',
      tags: ['workshops'],
      summary: 'Raise or lower your hand (members); facilitators may lower anyone’s',
      description: 'Hands are kept by the server in the workshop room, in the order they went up, for everyone to see; ending the workshop lowers them all.',
      request: { params: WorkshopParams, body: jsonBody(HandRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { workshop, role } = await workshopAndRole(c.req.valid('param').id, user);
      if (!roleAtLeast(role, 'member')) throw errors.forbidden('Viewers follow the workshop; members raise their hands.');
      return c.json(await workshops.hand(workshop, c.req.valid('json'), user, roleAtLeast(role, 'facilitator')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/follow',
      tags: ['workshops'],
      summary: 'Follow me: participants in a map follow your view (facilitators); `roomId: null` stops it',
      description: "The leader's page publishes the part of the map in view in the map room's presence; participants' pages in that map follow it until they choose not to.",
      request: { params: WorkshopParams, body: jsonBody(FollowRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await runnable(c.req.valid('param').id, user);
      return c.json(await workshops.follow(workshop, c.req.valid('json').roomId, user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/summon',
      tags: ['workshops'],
      summary: 'Bring everyone here: every participant’s page opens the map at the part given (facilitators)',
      request: { params: WorkshopParams, body: jsonBody(SummonRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await runnable(c.req.valid('param').id, user);
      return c.json(await workshops.summon(workshop, c.req.valid('json'), user), 200);
    },
  );

  registerRoundRoutes(app, deps, workshops, { workshopAndRole, runnable, joinable });
  registerBreakoutRoutes(app, deps, workshops, { workshopAndRole, runnable, joinable });
}

/** Who may do what in a workshop, for the routes of its parts (rounds, breakouts). */
export interface WorkshopAccess {
  workshopAndRole(id: string, user: Caller): Promise<{ workshop: WorkshopRecord; site: SiteRecord; role: SiteRole }>;
  runnable(id: string, user: Caller): Promise<WorkshopRecord>;
  joinable(id: string, user: Caller): Promise<WorkshopRecord>;
}

/**
 * Rounds: votes, private notes and check-ins. Before a round is closed, every answer here holds
 * only the caller's own entries; the round's public state (open, how many took part) is in the
 * workshop's room for everyone.
 */
function registerRoundRoutes(app: App, deps: AppDeps, workshops: WorkshopService, access: WorkshopAccess): void {
  const { rounds } = workshops;
  const roundResponses = { 200: jsonResponse(RoundSchema, 'The round, with your own entries (and its results once closed)'), ...errorResponses(400, 401, 403, 404, 409) };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/rounds',
      tags: ['workshops'],
      summary: 'Open a round: a dot vote, private notes or a check-in round (facilitators)',
      description:
        `A \`vote\` is on a map of the site (\`roomId\`), with \`votesPerPerson\` dots each (1 to ${ROUND_LIMITS.votesPerPersonMax}, default ${ROUND_LIMITS.votesPerPersonDefault}; ` +
        'several may go on one item) and `anonymous` (default true). `private-notes`: each person adds notes nobody else receives until revealed. ' +
        '`check-in`: one line each, shown together when revealed. What people put in a round is held by the server until it is closed or revealed.',
      request: { params: WorkshopParams, body: jsonBody(CreateRoundRequestSchema) },
      responses: { 201: jsonResponse(RoundSchema, 'Opened'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await access.runnable(c.req.valid('param').id, user);
      return c.json(await rounds.open(workshop, c.req.valid('json'), user.id), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}/rounds',
      tags: ['workshops'],
      summary: "The workshop's rounds, oldest first, each with your own entries",
      request: { params: WorkshopParams },
      responses: { 200: jsonResponse(RoundListSchema, 'Rounds'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { workshop } = await access.workshopAndRole(c.req.valid('param').id, user);
      return c.json({ rounds: await rounds.list(workshop, user.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}/rounds/{roundId}',
      tags: ['workshops'],
      summary: 'One round: your own votes or notes, and its results once closed',
      request: { params: RoundParams },
      responses: roundResponses,
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, roundId } = c.req.valid('param');
      const { workshop } = await access.workshopAndRole(id, user);
      return c.json(await rounds.get(workshop, roundId, user.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/workshops/{id}/rounds/{roundId}/votes',
      tags: ['workshops'],
      summary: 'Place your dots in an open vote, replacing any you placed (members)',
      description: "Each target is an element or connection of the round's map; repeat an id to stack dots on it. An empty list takes your votes back.",
      request: { params: RoundParams, body: jsonBody(CastVotesRequestSchema) },
      responses: roundResponses,
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, roundId } = c.req.valid('param');
      const workshop = await access.joinable(id, user);
      return c.json(await rounds.vote(workshop, roundId, user.id, c.req.valid('json').targets), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/rounds/{roundId}/notes',
      tags: ['workshops'],
      summary: 'Add a private note, or give your check-in answer (members)',
      description: `Private notes: up to ${ROUND_LIMITS.notesPerPersonMax} each, ${ROUND_LIMITS.noteMax} characters. Check-in: one answer each (${ROUND_LIMITS.answerMax} characters); a second replaces the first.`,
      request: { params: RoundParams, body: jsonBody(AddNoteRequestSchema) },
      responses: roundResponses,
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, roundId } = c.req.valid('param');
      const workshop = await access.joinable(id, user);
      return c.json(await rounds.note(workshop, roundId, user.id, c.req.valid('json').text), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/rounds/{roundId}/to-map',
      tags: ['workshops'],
      summary: 'Make chosen revealed notes elements of a map (facilitators)',
      description:
        "Each note becomes an element (kind `variable` unless `kind` says otherwise) with its author's organisation as agency, " +
        "placed in free space on the round's map (or `roomId`, another map of the site), inside a frame titled `group` when given.",
      request: { params: RoundParams, body: jsonBody(NotesToMapRequestSchema) },
      responses: { 200: jsonResponse(NotesToMapResponseSchema, 'The map and the new elements'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, roundId } = c.req.valid('param');
      const workshop = await access.runnable(id, user);
      return c.json(await rounds.notesToMap(workshop, roundId, user, c.req.valid('json')), 200);
    },
  );

  for (const [action, kinds, summary] of [
    ['close', ['vote'], 'Close a vote: the tallies go to everyone and onto the map as scores (facilitators)'],
    ['reveal', ['private-notes', 'check-in'], "Reveal a round's notes or answers to everyone at once (facilitators)"],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/workshops/{id}/rounds/{roundId}/${action}`,
        tags: ['workshops'],
        summary,
        description: 'Once only: a second call answers 409.',
        request: { params: RoundParams },
        responses: roundResponses,
      }),
      async (c) => {
        const { user } = await requirePrincipal(c, deps);
        const { id, roundId } = c.req.valid('param');
        const workshop = await access.runnable(id, user);
        const round = await rounds.get(workshop, roundId, user.id);
        if (!(kinds as readonly string[]).includes(round.kind)) {
          throw errors.badRequest(round.kind === 'vote' ? 'A vote is closed, not revealed: use …/close.' : 'Notes and answers are revealed, not closed: use …/reveal.');
        }
        return c.json(await rounds.close(workshop, roundId, user.id), 200);
      },
    );
  }
}
