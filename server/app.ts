/**
 * `createApp(deps)` builds the whole HTTP app — REST API, OpenAPI description and the built
 * client — without listening anywhere, so tests call it in-process with `app.request(...)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { HealthSchema, NotReadySchema, ReadySchema } from '../shared/api.js';
import { ServerTimeSchema } from '../shared/workshops/api.js';
import { ErrorCode, type ErrorBody } from '../shared/errors.js';
import { API_PREFIX, SYNC_PREFIX } from '../shared/routes.js';
import { PUBLIC_API_PREFIX } from '../shared/summaries/public.js';
import { originAllowed, readCredential } from './auth/credentials.js';
import { AppError } from './errors.js';
import { registerAuthRoutes } from './http/authRoutes.js';
import { type AppDeps, type AppEnv, jsonResponse } from './http/context.js';
import { guestScope, registerGuestRoutes } from './http/guestRoutes.js';
import { registerSearchRoutes } from './http/searchRoutes.js';
import { registerSiteRoutes } from './http/siteRoutes.js';
import { registerVersionRoutes } from './http/versionRoutes.js';
import { registerWorkshopRoutes } from './http/workshopRoutes.js';
import { PUBLIC_CSP, isPublicPath, registerPublicRoutes } from './http/publicRoutes.js';
import { storageReadiness } from './http/readiness.js';
import { MAP_IMPORT_PATH, registerImportRoutes } from './http/importRoutes.js';
import { registerSummaryRoutes } from './http/summaryRoutes.js';
import { countServerErrors, metricsHandler } from './metrics/http.js';
import { PublishingService } from './publishing/service.js';
import { createDocReader } from './ydoc/reader.js';
import { VERSION } from './version.js';

export type { AppDeps } from './http/context.js';

export interface CreateAppOptions {
  /** Folder of the built client (`dist/client`); when absent, a short notice is served. */
  clientDir?: string;
}

function errorJson(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The Content-Security-Policy of every response (it matters on the HTML ones: the app shell).
 * Only the page's own scripts, styles, fonts and connections; nothing may frame the workspace.
 *
 * `style-src` has no 'unsafe-inline': React, React Flow and ProseMirror set styles through
 * the CSSOM (`element.style.x = …`), which CSP does not govern, and the Tiptap editors are
 * built with `injectCSS: false` (their base styles are in `client/styles.css`) because Tiptap
 * would otherwise add a `<style>` element at run time. Zod runs jitless (`client/csp.ts`), so
 * nothing needs eval, and map pictures are decoded without fetching their data: URL. Pasting
 * HTML into a document makes Chromium report (and block) its inline styles and handlers as it
 * parses them; the paste cleaner drops those anyway. `test/browser/hardening.test.ts` (and
 * every browser test, through `BrowserPeople`) fails on any other violation.
 *
 * `connect-src` names the WebSocket origins as well as 'self': 'self' covers ws(s) of the
 * page's own origin only in CSP Level 3 browsers.
 */
function contentSecurityPolicy(allowedOrigins: readonly string[]) {
  const sockets = allowedOrigins.map((origin) => origin.replace(/^http/, 'ws'));
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // data: and blob: for images a map export or a pasted picture makes in the page.
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", ...sockets],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  };
}

/**
 * @example
 * const app = createApp({ config, storage, auth, log })
 * const res = await app.request('/api/health')
 */
export function createApp(deps: AppDeps, options: CreateAppOptions = {}): OpenAPIHono<AppEnv> {
  const startedAt = Date.now();
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return c.json(errorJson(ErrorCode.ValidationFailed, `The request is not valid: ${summary}`, issues), 400);
    },
  });

  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [name, value] of Object.entries(err.options.headers ?? {})) c.header(name, value);
      return c.json(errorJson(err.code, err.message, err.options.details), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 413 ? ErrorCode.PayloadTooLarge : status === 401 ? ErrorCode.Unauthorized : status === 403 ? ErrorCode.Forbidden : ErrorCode.BadRequest;
      const message =
        status === 413
          ? 'The request body is too large.'
          : err.message ||
            (status === 403 ? 'This request came from a page that may not use the workspace API.' : 'Bad request.');
      return c.json(errorJson(code, message), status);
    }
    deps.log.error('unhandled error in a request', { method: c.req.method, path: c.req.path, error: err });
    return c.json(errorJson(ErrorCode.Internal, 'Something went wrong on the server. It has been logged.'), 500);
  });

  // First of all middleware, so it sees every response as sent, errors turned into responses.
  if (deps.metrics) app.use('*', countServerErrors(deps.metrics.registry));

  const appHeaders = secureHeaders({ crossOriginResourcePolicy: 'same-origin', contentSecurityPolicy: contentSecurityPolicy(deps.config.allowedOrigins) });
  // Published learning runs no script at all, and other sites may link its pages and images
  // and read its feeds and JSON: a stricter policy, readable across origins.
  const publicHeaders = secureHeaders({ crossOriginResourcePolicy: 'cross-origin', contentSecurityPolicy: PUBLIC_CSP });
  app.use('*', (c, next) => (isPublicPath(c.req.path) ? publicHeaders(c, next) : appHeaders(c, next)));
  app.use(`${PUBLIC_API_PREFIX}/*`, async (c, next) => {
    await next();
    // Public data, sent without credentials: any page may read it.
    c.header('Access-Control-Allow-Origin', '*');
  });
  const allowedOrigins = deps.config.allowedOrigins;
  const csrfCheck = csrf({ origin: (origin) => originAllowed(origin, allowedOrigins) });
  app.use(`${API_PREFIX}/*`, (c, next) => {
    // Only the session cookie is attached by a browser by itself, so only cookie-authenticated
    // requests can be forged cross-site. Bearer-token scripts send no Origin, and their
    // body-less DELETEs would otherwise be refused as if they were form posts.
    const credential = readCredential({ authorization: c.req.header('authorization'), cookie: c.req.header('cookie') }, null);
    return credential?.source === 'cookie' ? csrfCheck(c, next) : next();
  });
  const requestLimit = bodyLimit({
    maxSize: deps.config.maxRequestBytes,
    onError: (c) => c.json(errorJson(ErrorCode.PayloadTooLarge, 'The request body is too large.'), 413),
  });
  // A map file may be larger than any other request: its route has a limit of its own.
  const importLimit = bodyLimit({
    maxSize: deps.config.maxImportBytes,
    onError: (c) =>
      c.json(
        errorJson(
          ErrorCode.PayloadTooLarge,
          `The file is too large to import: the most is ${Math.floor(deps.config.maxImportBytes / (1024 * 1024))} MB (MAX_IMPORT_BYTES).`,
        ),
        413,
      ),
  });
  app.use(`${API_PREFIX}/*`, (c, next) => (MAP_IMPORT_PATH.test(c.req.path) ? importLimit(c, next) : requestLimit(c, next)));

  // Before every route: a guest of a workshop reaches that workshop and nothing else.
  app.use(`${API_PREFIX}/*`, guestScope(deps));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/health',
      tags: ['system'],
      summary: 'Liveness and a few numbers',
      responses: { 200: jsonResponse(HealthSchema, 'Healthy') },
    }),
    (c) => {
      const stats = deps.syncStats?.() ?? { rooms: 0, connections: 0, queuedBytes: 0 };
      return c.json(
        {
          status: 'ok' as const,
          version: VERSION,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          ...stats,
          publicUrl: deps.config.publicUrl,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/ready',
      tags: ['system'],
      summary: 'Readiness: whether this instance can serve now (its storage answers within 2 s)',
      responses: {
        200: jsonResponse(ReadySchema, 'Ready'),
        503: jsonResponse(NotReadySchema, 'Not ready; a load balancer should send requests elsewhere'),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      const readiness = await storageReadiness(deps.storage);
      if (readiness.ok) return c.json({ status: 'ready' as const }, 200);
      deps.log.warn('not ready', { reason: readiness.reason, error: readiness.error });
      return c.json({ status: 'unavailable' as const, reason: readiness.reason }, 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/time',
      tags: ['system'],
      summary: "The server's clock (ms since 1970), so clients can show the workshop timer in server time",
      responses: { 200: jsonResponse(ServerTimeSchema, 'The time') },
    }),
    (c) => {
      // A cached answer would be an old time: the estimate of the offset would be off by its age.
      c.header('Cache-Control', 'no-store');
      return c.json({ now: Date.now() }, 200);
    },
  );

  registerAuthRoutes(app, deps);
  registerSiteRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerSearchRoutes(app, deps);
  if (deps.versions) registerVersionRoutes(app, deps, deps.versions);
  if (deps.workshops) {
    registerWorkshopRoutes(app, deps, deps.workshops);
    registerGuestRoutes(app, deps);
  }
  const publishing = new PublishingService({
    storage: deps.storage,
    docs: deps.docs ?? createDocReader({ store: deps.storage }),
    publicUrl: deps.config.publicUrl,
    log: deps.log,
  });
  registerSummaryRoutes(app, deps, publishing);
  registerPublicRoutes(app, deps, publishing);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Systems Leadership Workspace API',
      version: VERSION,
      description:
        'REST API of the workspace. Authenticate with the session cookie or `Authorization: Bearer <token>`. Live documents sync over the y-websocket protocol at `/sync/{roomId}`. Errors are `{ error: { code, message } }`.',
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.all(`${API_PREFIX}/*`, (c) =>
    c.json(errorJson(ErrorCode.NotFound, `No API endpoint ${c.req.method} ${c.req.path}.`), 404),
  );
  app.all(`${SYNC_PREFIX}/*`, (c) =>
    c.json(errorJson(ErrorCode.BadRequest, 'The sync endpoint speaks WebSocket only.'), 426),
  );

  // Prometheus scrapes this, outside /api: no session, no guest scope, no CSRF. It tells anyone
  // who reaches it how busy the workspace is; operators should not expose it publicly (keep
  // it off the proxy's public routes) or should set METRICS_TOKEN, which it then requires.
  if (deps.metrics) app.get('/metrics', metricsHandler(deps.metrics.registry, deps.config.metricsToken));

  const clientDir = options.clientDir;
  if (clientDir && existsSync(join(clientDir, 'index.html'))) {
    const indexHtml = readFileSync(join(clientDir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: clientDir }));
    // Client-side routes (/sites/x, /setup, /invite) all get the app shell.
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('*', (c) =>
      c.text('The workspace client has not been built. Run `npm run build` (npm start does this).', 503),
    );
  }
  return app;
}
