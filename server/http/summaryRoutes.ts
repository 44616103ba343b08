/**
 * Learning summaries, signed in: what a summary can draw on, its publications, the preview,
 * publishing and withdrawing (facilitators), and the programme's theme vocabulary (admins
 * change it). The public pages and API are in `publicRoutes.ts`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { RoomIdSchema } from '../../shared/api.js';
import { roleAtLeast } from '../../shared/roles.js';
import { PublishResultSchema, SummarySourcesSchema, SummaryStatusSchema, ThemesSchema } from '../../shared/summaries/api.js';
import { errors } from '../errors.js';
import type { PublishingService } from '../publishing/service.js';
import { renderSummaryPage } from '../publishing/render/index.js';
import { publicPageHeaders } from './publicRoutes.js';
import { type App, type AppDeps, errorResponses, jsonBody, jsonResponse, requirePrincipal, roomAndRole } from './context.js';

const RoomParams = z.object({ id: RoomIdSchema });

export function registerSummaryRoutes(app: App, deps: AppDeps, publishing: PublishingService): void {
  /** The caller, the summary room (404 for anyone not in its site) and their role there. */
  async function summaryRoom(c: Parameters<typeof requirePrincipal>[0], id: string) {
    const { user } = await requirePrincipal(c, deps);
    const found = await roomAndRole(deps, id, user);
    if (found.room.kind !== 'summary') throw errors.conflict('That room is not a learning summary.');
    return { user, ...found };
  }

  async function forFacilitator(c: Parameters<typeof requirePrincipal>[0], id: string, doing: string) {
    const found = await summaryRoom(c, id);
    if (!roleAtLeast(found.role, 'facilitator')) throw errors.forbidden(`Only facilitators of ${found.site.name} ${doing}.`);
    return found;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}/summary/sources',
      tags: ['learning'],
      summary: "What a summary can be drafted from: the site's maps and their named loops, log entries, documents, workshop records, and the vocabularies",
      request: { params: RoomParams },
      responses: { 200: jsonResponse(SummarySourcesSchema, 'Sources'), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { site, role } = await summaryRoom(c, c.req.valid('param').id);
      if (!roleAtLeast(role, 'member')) throw errors.forbidden(`Viewers of ${site.name} read summaries; members draft them.`);
      return c.json(await publishing.sources(site), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}/summary',
      tags: ['learning'],
      summary: "A summary's publications, its public address, and what publishing now would leave out",
      request: { params: RoomParams },
      responses: { 200: jsonResponse(SummaryStatusSchema, 'Status'), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { room, site } = await summaryRoom(c, c.req.valid('param').id);
      return c.json(await publishing.status(room, site), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}/summary/preview',
      tags: ['learning'],
      summary: 'The public page as publishing now would make it, with a preview banner (HTML)',
      request: { params: RoomParams },
      responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } }, ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { room, site } = await summaryRoom(c, c.req.valid('param').id);
      const { summary, versions } = await publishing.preview(room, site);
      const live = versions.filter((v) => v.withdrawnAt === null).map((v) => ({ version: v.version, publishedAt: v.publishedAt, title: v.title }));
      const html = renderSummaryPage({ baseUrl: deps.config.publicUrl }, { summary, versions: live, latestVersion: summary.version, preview: true });
      publicPageHeaders(c);
      // A draft: never cached, by the browser or anything between.
      c.header('Cache-Control', 'no-store');
      return c.html(html, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/rooms/{id}/summary/publish',
      tags: ['learning'],
      summary: 'Publish the summary as its next version (facilitators)',
      description:
        'Only the items marked publishable are published, and of diagrams only elements not kept private. The version is immutable. ' +
        '409 when it would publish exactly what the latest public version holds, or there is nothing to publish.',
      request: { params: RoomParams },
      responses: { 201: jsonResponse(PublishResultSchema, 'Published'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user, room, site } = await forFacilitator(c, c.req.valid('param').id, 'publish summaries');
      if (room.archived) throw errors.conflict('This summary is archived. A facilitator can restore it first.');
      return c.json(await publishing.publish(room, site, user.id), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/rooms/{id}/summary/withdraw',
      tags: ['learning'],
      summary: 'Withdraw every public version of the summary (facilitators); its pages then answer 410',
      request: { params: RoomParams },
      responses: { 200: jsonResponse(SummaryStatusSchema, 'Withdrawn'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { room, site } = await forFacilitator(c, c.req.valid('param').id, 'withdraw summaries');
      return c.json(await publishing.withdraw(room, site), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/learning/themes',
      tags: ['learning'],
      summary: "The programme's theme vocabulary, which lessons are tagged with",
      responses: { 200: jsonResponse(ThemesSchema, 'Themes'), ...errorResponses(401) },
    }),
    async (c) => {
      await requirePrincipal(c, deps);
      return c.json({ themes: await publishing.themes() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/learning/themes',
      tags: ['learning'],
      summary: "Replace the programme's theme vocabulary (administrators)",
      description: 'Ids are kept by published lessons: renaming a label keeps its id; a removed id still reads, by its old label, in summaries published with it.',
      request: { body: jsonBody(ThemesSchema) },
      responses: { 200: jsonResponse(ThemesSchema, 'Saved'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      if (!user.isAdmin) throw errors.forbidden('Only administrators of the workspace change the programme’s themes.');
      return c.json({ themes: await publishing.setThemes(c.req.valid('json').themes) }, 200);
    },
  );
}
