/**
 * The public side of published learning, with no sign-in: HTML pages rendered on the server
 * (`/learning…`, readable without JavaScript), the diagrams as SVG, Atom feeds, and the same data
 * as JSON and CSV at `/api/public/…` for the programme's own analysis.
 *
 * Everything is made from the live published summaries (`PublishingService.liveSnapshot`), never
 * from drafts or rooms. A response is rendered once per revision of what is published and kept
 * with its ETag: serving it again is a revision query and a map look-up, and a browser that has
 * it gets 304. Publishing or withdrawing anything changes the revision, so a withdrawn summary's
 * pages answer 410 at once.
 */
import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LEARNING_FILTER_KEYS, LEARNING_PREFIX, PUBLIC_API_PREFIX, type LearningFilter, IndexEntrySchema, LessonRefSchema, SimilarGroupSchema, ThemeMatrixSchema } from '../../shared/summaries/public.js';
import { PublishedSummarySchema, type PublishedSummary, type PublishedVersionInfo } from '../../shared/summaries/published.js';
import { VocabularyTermSchema } from '../../shared/summaries/api.js';
import { errors } from '../errors.js';
import { filterOptions, filterSummaries, indexEntries, lessonRefs, matrixCsv, themeMatrix } from '../publishing/crossSite.js';
import { parsePublished, type LiveSnapshot, type PublishingService } from '../publishing/service.js';
import { similarLessons } from '../publishing/similarity.js';
import {
  LEARNING_CSS,
  renderAtomFeed,
  renderDiagramSvg,
  renderGonePage,
  renderIndexPage,
  renderLessonsPage,
  renderNotFoundPage,
  renderSitePage,
  renderSummaryPage,
  renderThemesPage,
  type RenderContext,
} from '../publishing/render/index.js';
import type { PublicationRecord } from '../storage/types.js';
import { type App, type AppDeps, type AppEnv, errorResponses, jsonResponse } from './context.js';

/**
 * The Content-Security-Policy of public pages: stricter than the app's, as they run no script
 * at all; styles and images only from the workspace (and data: images for a preview's diagrams).
 */
export const PUBLIC_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Paths whose responses are public pages (the CSP above, readable by other origins). */
export function isPublicPath(path: string): boolean {
  return path === LEARNING_PREFIX || path.startsWith(`${LEARNING_PREFIX}/`) || path.startsWith(`${PUBLIC_API_PREFIX}/`) || /^\/api\/rooms\/[^/]+\/summary\/preview$/.test(path);
}

/** Headers every public response carries besides the security headers. */
export function publicPageHeaders(c: Context<AppEnv>): void {
  c.header('X-Robots-Tag', 'all');
}

interface Rendered {
  body: string;
  type: string;
  status: 200 | 404 | 410;
  etag: string;
}

/** Rendered responses of one revision of what is published; emptied when it changes. */
class ResponseCache {
  private revision = '';
  private readonly entries = new Map<string, Rendered>();
  constructor(private readonly max = 1000) {}

  get(revision: string, key: string): Rendered | undefined {
    if (revision !== this.revision) {
      this.revision = revision;
      this.entries.clear();
    }
    return this.entries.get(key);
  }

  set(key: string, value: Rendered): void {
    // Keys include query strings, which anyone can vary: bounded, oldest first out.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }
}

const HTML = 'text/html; charset=UTF-8';
const JSON_TYPE = 'application/json; charset=UTF-8';

/** The filter in a query string; unknown keys and over-long values are ignored, not refused. */
function filterOf(c: Context<AppEnv>): LearningFilter {
  const filter: LearningFilter = {};
  for (const key of LEARNING_FILTER_KEYS) {
    const value = c.req.query(key)?.trim();
    if (value && value.length <= 64) filter[key] = value;
  }
  return filter;
}

const filterKey = (f: LearningFilter) => LEARNING_FILTER_KEYS.map((k) => f[k] ?? '').join('|');
const versionInfo = (v: PublicationRecord): PublishedVersionInfo => ({ version: v.version, publishedAt: v.publishedAt, title: v.title });

export function registerPublicRoutes(app: App, deps: AppDeps, publishing: PublishingService): void {
  const ctx: RenderContext = { baseUrl: deps.config.publicUrl };
  const cache = new ResponseCache();

  /**
   * Answers from the cache, or renders (`make` returns null for "not found") and keeps it.
   * 304 when the browser holds this very response.
   */
  async function serve(c: Context<AppEnv>, key: string, type: string, make: (live: LiveSnapshot) => Promise<Omit<Rendered, 'etag' | 'type'>>) {
    const live = await publishing.liveSnapshot();
    let found = cache.get(live.revision, key);
    if (!found) {
      const made = await make(live);
      const etag = `"${createHash('sha1').update(made.body).digest('base64url').slice(0, 27)}"`;
      found = { ...made, type, etag };
      cache.set(key, found);
    }
    publicPageHeaders(c);
    c.header('ETag', found.etag);
    c.header('Cache-Control', 'public, no-cache');
    c.header('Vary', 'Accept-Encoding');
    if (found.status === 200 && c.req.header('if-none-match')?.split(/\s*,\s*/).includes(found.etag)) return c.body(null, 304);
    c.header('Content-Type', found.type);
    return c.body(found.body, found.status);
  }

  const html = (body: string, status: 200 | 404 | 410 = 200) => ({ body, status });
  const liveOf = (live: LiveSnapshot, site: string, slug: string) => live.summaries.find((s) => s.summary.site.slug === site && s.summary.slug === slug);

  /** The versions of a summary the public sees (withdrawn ones are not public). */
  const liveVersions = (versions: readonly PublicationRecord[]) => versions.filter((v) => v.withdrawnAt === null).map(versionInfo);

  /** A summary's public versions and, when public, the data of the one asked for (else the latest). */
  async function publicVersions(site: string, slug: string, version?: number) {
    const found = await deps.storage.getPublication(site, slug, version);
    if (!found) return null;
    const live = liveVersions(found.versions);
    const summary = found.current.record.withdrawnAt === null ? parsePublished(found.current.data) : null;
    return { versions: live, summary, withdrawn: found.current.record.withdrawnAt !== null };
  }

  // ---------------------------------------------------------------------------------------------
  // Pages

  app.get(`${LEARNING_PREFIX}/assets/learning.css`, (c) => {
    c.header('Content-Type', 'text/css; charset=UTF-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(LEARNING_CSS);
  });

  app.get(LEARNING_PREFIX, (c) => {
    const filter = filterOf(c);
    const n = Number(c.req.query('page') ?? '1');
    const pageNumber = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    return serve(c, `index:${filterKey(filter)}:${pageNumber}`, HTML, async (live) =>
      html(renderIndexPage(ctx, { entries: indexEntries(filterSummaries(live.summaries, filter)), filter, options: filterOptions(live.summaries, live.themes), page: pageNumber })),
    );
  });

  app.get(`${LEARNING_PREFIX}/feed.atom`, (c) =>
    serve(c, 'feed', 'application/atom+xml; charset=UTF-8', async (live) =>
      html(renderAtomFeed(ctx, { title: 'Published learning from every site', selfPath: `${LEARNING_PREFIX}/feed.atom`, pagePath: LEARNING_PREFIX, summaries: live.summaries })),
    ),
  );

  app.get(`${LEARNING_PREFIX}/themes`, (c) => serve(c, 'themes', HTML, async (live) => html(renderThemesPage(ctx, { matrix: themeMatrix(live.summaries, live.themes) }))));

  app.get(`${LEARNING_PREFIX}/lessons`, (c) => {
    const filter = filterOf(c);
    return serve(c, `lessons:${filterKey(filter)}`, HTML, async (live) => {
      const lessons = lessonRefs(live.summaries, filter);
      // Lessons that say much the same thing: across every site (within the filter's lessons).
      return html(renderLessonsPage(ctx, { lessons, filter, options: filterOptions(live.summaries, live.themes), groups: similarLessons(lessons) }));
    });
  });

  app.get(`${LEARNING_PREFIX}/:site/feed.atom`, (c) => {
    const site = c.req.param('site');
    return serve(c, `feed:${site}`, 'application/atom+xml; charset=UTF-8', async (live) => {
      const own = live.summaries.filter((s) => s.summary.site.slug === site);
      if (own.length === 0) return html(renderNotFoundPage(ctx), 404);
      const name = own[0]!.summary.site.name;
      return html(renderAtomFeed(ctx, { title: `Published learning from ${name}`, selfPath: `${LEARNING_PREFIX}/${site}/feed.atom`, pagePath: `${LEARNING_PREFIX}/${site}`, summaries: own }));
    });
  });

  app.get(`${LEARNING_PREFIX}/:site`, (c) => {
    const site = c.req.param('site');
    return serve(c, `site:${site}`, HTML, async (live) => {
      const own = live.summaries.filter((s) => s.summary.site.slug === site);
      if (own.length === 0) return html(renderNotFoundPage(ctx), 404);
      return html(renderSitePage(ctx, { site: own[0]!.summary.site, entries: indexEntries(own) }));
    });
  });

  app.get(`${LEARNING_PREFIX}/:site/:summary`, (c) => {
    const { site, summary: slug } = c.req.param();
    return serve(c, `summary:${site}/${slug}`, HTML, async (live) => {
      // One read for both answers: the versions to list, or what the withdrawn summary was called.
      // The live summary's data is already parsed in the snapshot; the stored copy is not parsed again.
      const stored = await deps.storage.getPublication(site, slug);
      if (!stored) return html(renderNotFoundPage(ctx), 404);
      const found = liveOf(live, site, slug);
      if (!found) return html(renderGonePage(ctx, { title: stored.current.record.title }), 410);
      return html(renderSummaryPage(ctx, { summary: found.summary, versions: liveVersions(stored.versions), latestVersion: found.summary.version }));
    });
  });

  const VERSION = ':version{v[0-9]{1,6}}';
  app.get(`${LEARNING_PREFIX}/:site/:summary/${VERSION}`, (c) => {
    const { site, summary: slug } = c.req.param();
    const version = Number(c.req.param('version').slice(1));
    return serve(c, `version:${site}/${slug}/${version}`, HTML, async (live) => {
      const found = await publicVersions(site, slug, version);
      if (!found) return html(renderNotFoundPage(ctx), 404);
      if (!found.summary) return html(renderGonePage(ctx, { title: slug }), found.withdrawn ? 410 : 404);
      const latest = liveOf(live, site, slug)?.summary.version ?? version;
      return html(renderSummaryPage(ctx, { summary: found.summary, versions: found.versions, latestVersion: latest }));
    });
  });

  app.get(`${LEARNING_PREFIX}/:site/:summary/${VERSION}/diagrams/:file{[0-9]{1,3}\\.svg}`, (c) => {
    const { site, summary: slug, file } = c.req.param();
    const version = Number(c.req.param('version').slice(1));
    const n = Number(file.replace('.svg', ''));
    return serve(c, `diagram:${site}/${slug}/${version}/${n}`, 'image/svg+xml; charset=UTF-8', async () => {
      const found = await publicVersions(site, slug, version);
      const diagram = found?.summary?.diagrams.find((d) => d.n === n);
      if (!diagram) return { body: '', status: found?.withdrawn ? 410 : 404 };
      return { body: renderDiagramSvg(diagram).svg, status: 200 };
    });
  });

  // ---------------------------------------------------------------------------------------------
  // JSON and CSV

  const FilterQuery = z.object({
    theme: z.string().max(60).optional().openapi({ description: 'A theme id' }),
    behaviour: z.string().max(60).optional().openapi({ description: 'A behaviour id' }),
    archetype: z.string().max(60).optional().openapi({ description: 'An archetype id' }),
    agency: z.string().max(60).optional().openapi({ description: 'A type of agency id' }),
    site: z.string().max(64).optional().openapi({ description: 'A site slug' }),
  });
  const json = (value: unknown) => ({ body: JSON.stringify(value), status: 200 as const });

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/summaries`,
      tags: ['public'],
      summary: 'Published summaries of every site (latest public version of each), newest first; no sign-in',
      request: { query: FilterQuery },
      responses: { 200: jsonResponse(z.object({ summaries: z.array(IndexEntrySchema) }), 'Summaries'), ...errorResponses(400) },
    }),
    (c) => {
      const filter = filterOf(c);
      return serve(c, `api:summaries:${filterKey(filter)}`, JSON_TYPE, async (live) => json({ summaries: indexEntries(filterSummaries(live.summaries, filter)) })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/sites/{site}/summaries/{slug}`,
      tags: ['public'],
      summary: 'One published summary, whole (the latest public version, or `version`), with its public versions; 410 once withdrawn',
      request: {
        params: z.object({ site: z.string().max(64), slug: z.string().max(64) }),
        query: z.object({ version: z.coerce.number().int().positive().optional() }),
      },
      responses: {
        200: jsonResponse(z.object({ summary: PublishedSummarySchema, versions: z.array(z.object({ version: z.number(), publishedAt: z.string(), title: z.string() })) }), 'The summary'),
        ...errorResponses(400, 404, 410),
      },
    }),
    async (c) => {
      const { site, slug } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const live = await publishing.liveSnapshot();
      const current = version === undefined ? liveOf(live, site, slug)?.summary.version : version;
      const found = current === undefined ? await publicVersions(site, slug) : await publicVersions(site, slug, current);
      if (!found) throw errors.notFound('That summary');
      if (!found.summary || current === undefined) throw errors.gone('This summary has been withdrawn by its site.');
      return serve(c, `api:summary:${site}/${slug}/${current}`, JSON_TYPE, async () => json({ summary: found.summary as PublishedSummary, versions: found.versions })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/lessons`,
      tags: ['public'],
      summary: 'Published lessons of every site, with where each comes from; no sign-in',
      request: { query: FilterQuery },
      responses: { 200: jsonResponse(z.object({ lessons: z.array(LessonRefSchema) }), 'Lessons'), ...errorResponses(400) },
    }),
    (c) => {
      const filter = filterOf(c);
      return serve(c, `api:lessons:${filterKey(filter)}`, JSON_TYPE, async (live) => json({ lessons: lessonRefs(live.summaries, filter) })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/similar`,
      tags: ['public'],
      summary: 'Groups of published lessons that say much the same thing in different words (TF-IDF cosine similarity, computed on the server)',
      request: { query: FilterQuery },
      responses: { 200: jsonResponse(z.object({ groups: z.array(SimilarGroupSchema) }), 'Groups'), ...errorResponses(400) },
    }),
    (c) => {
      const filter = filterOf(c);
      return serve(c, `api:similar:${filterKey(filter)}`, JSON_TYPE, async (live) => json({ groups: similarLessons(lessonRefs(live.summaries, filter)) })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/matrix`,
      tags: ['public'],
      summary: 'Sites × themes: how many published lessons each site has on each theme',
      responses: { 200: jsonResponse(ThemeMatrixSchema, 'The matrix') },
    }),
    (c) => serve(c, 'api:matrix', JSON_TYPE, async (live) => json(themeMatrix(live.summaries, live.themes))) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/matrix.csv`,
      tags: ['public'],
      summary: 'The sites × themes matrix as CSV (UTF-8 with a byte-order mark, for spreadsheets)',
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
    }),
    (c) => {
      c.header('Content-Disposition', 'attachment; filename="lessons-by-site-and-theme.csv"');
      return serve(c, 'api:matrix.csv', 'text/csv; charset=UTF-8', async (live) => ({ body: matrixCsv(themeMatrix(live.summaries, live.themes)), status: 200 as const })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${PUBLIC_API_PREFIX}/themes`,
      tags: ['public'],
      summary: "The programme's theme vocabulary",
      responses: { 200: jsonResponse(z.object({ themes: z.array(VocabularyTermSchema) }), 'Themes') },
    }),
    (c) => serve(c, 'api:themes', JSON_TYPE, async (live) => json({ themes: live.themes })) as never,
  );
}

