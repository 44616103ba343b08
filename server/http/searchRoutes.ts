/** Site-wide search, and the map elements and loops a document can mention. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  MentionablesQuerySchema,
  MentionablesResponseSchema,
  SEARCH_LIMITS,
  SearchQuerySchema,
  SearchResponseSchema,
  SlugSchema,
} from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { AppError } from '../errors.js';
import type { MentionRef } from '../storage/types.js';
import { type App, type AppDeps, errorResponses, jsonResponse, requirePrincipal, siteOr404 } from './context.js';

const SlugParams = z.object({ slug: SlugSchema });

const invalid = (message: string) => new AppError(400, ErrorCode.ValidationFailed, `The request is not valid: ${message}`);

/** `roomId:targetId,roomId:targetId` → refs; a loop key is %-escaped, so it holds neither separator. */
function parseRefs(text: string): MentionRef[] {
  const refs: MentionRef[] = [];
  for (const part of text.split(',')) {
    if (!part) continue;
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) {
      throw invalid(`"${part.slice(0, 80)}" is not a ref: write refs as roomId:targetId, separated by commas.`);
    }
    refs.push({ roomId: part.slice(0, colon), targetId: part.slice(colon + 1) });
  }
  if (refs.length > SEARCH_LIMITS.refsMax) throw invalid(`Ask for at most ${SEARCH_LIMITS.refsMax} refs at a time.`);
  return refs;
}

export function registerSearchRoutes(app: App, deps: AppDeps): void {
  const { storage, auth } = deps;

  async function readableSite(c: Parameters<typeof requirePrincipal>[0], slug: string) {
    const { user } = await requirePrincipal(c, deps);
    const site = await siteOr404(deps, slug);
    await auth.requireRole(site, user, 'viewer');
    return site;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/search',
      tags: ['search'],
      summary: "Search the site's maps, documents and log (members and viewers)",
      description:
        'Finds rooms by title; map elements (label, description, tags, agency), connections, named loops and comment threads; document sections; and log entries. Every word must match, the last as a prefix ("obes" finds "obesity"); accents and case do not matter. Best first; archived rooms are left out. `snippet` is the text around the match in runs, `match: true` on the matching words. The index follows edits within a few seconds.',
      request: { params: SlugParams, query: SearchQuerySchema },
      responses: { 200: jsonResponse(SearchResponseSchema, 'Results'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const site = await readableSite(c, c.req.valid('param').slug);
      const { q, limit } = c.req.valid('query');
      return c.json({ results: await storage.searchSite(site.id, q, { limit }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/mentionables',
      tags: ['search'],
      summary: 'Map elements and named loops to mention, or the current labels of mentions (members and viewers)',
      description:
        'With `q`: elements and named loops whose label matches (the last word as a prefix), best first; without it, all of them by label; archived rooms are left out. With `refs` (`roomId:targetId,…`, at most 100): those refs as labelled now, and in `missing` the ones that name nothing any more, such as a deleted element.',
      request: { params: SlugParams, query: MentionablesQuerySchema },
      responses: { 200: jsonResponse(MentionablesResponseSchema, 'Mentionable elements and loops'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const site = await readableSite(c, c.req.valid('param').slug);
      const { q, refs, limit } = c.req.valid('query');
      const found = await storage.mentionables(site.id, { query: q, refs: refs === undefined ? undefined : parseRefs(refs), limit });
      return c.json(found, 200);
    },
  );
}
