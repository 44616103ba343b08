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
  SetWorkshopStepRequestSchema,
  WORKSHOP_LIMITS,
  WorkshopIdSchema,
  WorkshopListSchema,
  WorkshopSchema,
  WorkshopTimerRequestSchema,
} from '../../shared/workshops/api.js';
import { WorkshopLiveSchema, type WorkshopLive } from '../../shared/workshops/live.js';
import { errors } from '../errors.js';
import type { SiteRecord, UserRecord, WorkshopRecord } from '../storage/types.js';
import type { WorkshopService } from '../workshops/service.js';
import { type App, type AppDeps, errorResponses, jsonBody, jsonResponse, requirePrincipal, siteAndRoleOf, siteOr404 } from './context.js';

const SlugParams = z.object({ slug: SlugSchema });
const WorkshopParams = z.object({ id: WorkshopIdSchema });

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
  async function workshopAndRole(id: string, user: Pick<UserRecord, 'id' | 'isAdmin'>): Promise<{ workshop: WorkshopRecord; site: SiteRecord; role: SiteRole }> {
    const workshop = await workshops.get(id);
    if (!workshop) throw errors.notFound('That workshop');
    return { workshop, ...(await siteAndRoleOf(deps, workshop.siteSlug, user, 'That workshop')) };
  }

  /** The workshop for a facilitator of its site to run. */
  async function runnable(id: string, user: Pick<UserRecord, 'id' | 'isAdmin'>): Promise<WorkshopRecord> {
    const { workshop, site, role } = await workshopAndRole(id, user);
    if (!roleAtLeast(role, 'facilitator')) throw errors.forbidden(`Only facilitators of ${site.name} run its workshops.`);
    return workshop;
  }

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
}
