/**
 * Breakouts of a workshop: facilitators start them (groups, each in its own copy of a map),
 * compare each group's changes with the map as it was, merge the chosen ones and close them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { RoomIdSchema } from '../../shared/api.js';
import { BreakoutChangesSchema, MergeBreakoutRequestSchema, MergeBreakoutResultSchema, StartBreakoutRequestSchema, WorkshopIdSchema } from '../../shared/workshops/api.js';
import { WorkshopLiveSchema } from '../../shared/workshops/live.js';
import type { WorkshopService } from '../workshops/service.js';
import { type App, type AppDeps, errorResponses, jsonBody, jsonResponse, requirePrincipal } from './context.js';
import type { WorkshopAccess } from './workshopRoutes.js';

const WorkshopParams = z.object({ id: WorkshopIdSchema });
const GroupParams = z.object({ id: WorkshopIdSchema, groupRoomId: RoomIdSchema });

export function registerBreakoutRoutes(app: App, deps: AppDeps, workshops: WorkshopService, access: WorkshopAccess): void {
  const { breakouts } = workshops;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/breakouts',
      tags: ['workshops'],
      summary: 'Start breakouts: groups, each working in its own copy of a map (facilitators)',
      description:
        'The map is saved as a version ("Before breakouts in …"), the base each group is compared with; each group gets a new map of the site, ' +
        "a copy with the same ids. Everyone's page shows their group (`live.breakout`). 409 while breakouts are under way.",
      request: { params: WorkshopParams, body: jsonBody(StartBreakoutRequestSchema) },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await access.runnable(c.req.valid('param').id, user);
      const live = await breakouts.start(workshop, c.req.valid('json'), user);
      for (const group of live.breakout?.groups ?? []) deps.onRoomChanged?.(group.roomId);
      return c.json(live, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}/breakouts/{groupRoomId}/changes',
      tags: ['workshops'],
      summary: "What a breakout group changed in its copy, against the map as it was when breakouts began",
      request: { params: GroupParams },
      responses: { 200: jsonResponse(BreakoutChangesSchema, 'Changes: elements first, then connections'), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, groupRoomId } = c.req.valid('param');
      const { workshop } = await access.workshopAndRole(id, user);
      return c.json({ changes: await breakouts.changes(workshop, groupRoomId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/breakouts/{groupRoomId}/merge',
      tags: ['workshops'],
      summary: "Merge chosen changes of a breakout group into the main map (facilitators)",
      description:
        'An added element goes where the group put it; a change sets only the fields the group changed; a connection needs both ends on the map ' +
        '(or chosen with it); a removal takes it out. What cannot be merged is listed with the reason.',
      request: { params: GroupParams, body: jsonBody(MergeBreakoutRequestSchema) },
      responses: { 200: jsonResponse(MergeBreakoutResultSchema, 'Merged'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, groupRoomId } = c.req.valid('param');
      const workshop = await access.runnable(id, user);
      return c.json(await breakouts.merge(workshop, groupRoomId, c.req.valid('json').ids, user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/breakouts/close',
      tags: ['workshops'],
      summary: "Close the breakouts: the groups' copies are locked, kept to compare and merge (facilitators)",
      request: { params: WorkshopParams },
      responses: { 200: jsonResponse(WorkshopLiveSchema, 'The live state'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await access.runnable(c.req.valid('param').id, user);
      const live = await breakouts.close(workshop, user);
      deps.onAccessChanged?.();
      return c.json(live, 200);
    },
  );
}
