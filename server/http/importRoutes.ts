/**
 * `POST /api/sites/:slug/rooms/import`: a new map room from a file, for scripts and for moving a
 * whole programme's maps in (Kumu workbooks and sheets, Kumu blueprints, LOOPY, Vensim, our own
 * JSON). The same checks and messages as the map page: see server/maps/importRoom.ts.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { RoomSchema, TitleSchema } from '../../shared/api.js';
import { MAP_FORMATS } from '../../shared/map/importFile.js';
import { errors } from '../errors.js';
import { importMapRoom } from '../maps/importRoom.js';
import { type App, type AppDeps, errorResponses, jsonResponse, requirePrincipal, siteOr404 } from './context.js';
import { roomLimitError, roomView } from './rooms.js';

/** The path, for the body limit of its own (app.ts): a file may be larger than other requests. */
export const MAP_IMPORT_PATH = /^\/api\/sites\/[^/]+\/rooms\/import$/;

const FORMAT_NAMES = Object.keys(MAP_FORMATS) as [keyof typeof MAP_FORMATS, ...(keyof typeof MAP_FORMATS)[]];

const ImportFormSchema = z.object({
  file: z
    .instanceof(File, { message: 'attach the map file as the form field "file"' })
    .openapi({ type: 'string', format: 'binary', description: 'The map file: .xlsx, .csv, .json, .mdl, or a text file holding a LOOPY link' }),
  title: TitleSchema.optional().openapi({ description: "The new room's title; by default the file's name without its extension" }),
});

const ImportResultSchema = z
  .object({
    room: RoomSchema,
    format: z.enum(FORMAT_NAMES).openapi({ description: Object.entries(MAP_FORMATS).map(([k, v]) => `\`${k}\`: ${v}`).join('; ') }),
    elements: z.number().int(),
    connections: z.number().int(),
    warnings: z.array(z.string()).openapi({ description: 'What was merged, mapped or left out on the way in, each naming where in the file' }),
  })
  .openapi('MapImportResult');

export function registerImportRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/sites/{slug}/rooms/import',
      tags: ['rooms'],
      summary: 'Create a map room from a file (members and facilitators)',
      description:
        'Multipart form with `file` (and optionally `title`). Reads Kumu workbooks (.xlsx) and sheets (.csv), Kumu JSON blueprints, LOOPY links or data, ' +
        'Vensim models (.mdl) and map files exported from this workspace. Nothing is created unless the whole file imports. ' +
        'Answers 400 `unsupported_format` for a file in none of these formats, 400 `validation_failed` with `details.issues` ' +
        '(each naming sheet, row and column, or line) for one that does not import, 413 beyond MAX_IMPORT_BYTES, and 409 ' +
        '`limit_reached` as creating a room does.',
      request: {
        params: z.object({ slug: z.string() }),
        body: { required: true, content: { 'multipart/form-data': { schema: ImportFormSchema } } },
      },
      responses: {
        201: jsonResponse(ImportResultSchema, 'The new room, with what was imported'),
        ...errorResponses(400, 401, 403, 404, 409),
        413: { description: 'The file is larger than MAX_IMPORT_BYTES.' },
      },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await deps.auth.requireRole(site, user, 'member');
      const { file, title } = c.req.valid('form');
      if (file.size === 0) throw errors.badRequest(`"${file.name}" is empty.`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      let result;
      try {
        result = await importMapRoom(deps.storage, {
          site,
          by: { userId: user.id, name: user.name, organisation: user.organisation },
          fileName: file.name || 'map',
          bytes,
          title,
          limits: { maxInSite: deps.config.maxRoomsPerSite, maxByCreator: deps.config.maxRoomsPerMember },
        });
      } catch (error) {
        throw roomLimitError(deps, site, user.id, error);
      }
      deps.log.info('map imported', { room: result.room.id, site: site.slug, user: user.id, format: result.format, elements: result.elements });
      deps.onRoomChanged?.(result.room.id);
      return c.json({ ...result, room: roomView(result.room) }, 201);
    },
  );
}
