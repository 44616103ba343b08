/**
 * The HTTP side of metrics: a middleware that counts server errors (5xx responses), and the
 * `/metrics` endpoint that serves the registry in Prometheus' text format.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Counter, type Registry } from 'prom-client';
import { AppError } from '../errors.js';
import { ErrorCode } from '../../shared/errors.js';

/**
 * Counts responses with a 5xx status by status, in `workspace_http_server_errors_total`. Install
 * it before every other middleware: errors thrown further in have become responses (the app's
 * `onError`) by the time it looks.
 *
 * @example
 * app.use('*', countServerErrors(registry))
 */
export function countServerErrors(registry: Registry): MiddlewareHandler {
  const name = 'workspace_http_server_errors_total';
  const counter =
    (registry.getSingleMetric(name) as Counter<'status'> | undefined) ??
    new Counter({
      name,
      help: 'HTTP responses with a 5xx status (500: a bug or a failing store; 503: not ready), by status.',
      labelNames: ['status'] as const,
      registers: [registry],
    });
  return async (c, next) => {
    await next();
    if (c.res.status >= 500) counter.inc({ status: String(c.res.status) });
  };
}

/** Compares digests, so neither the token's length nor its bytes leak through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The `/metrics` handler: the registry as Prometheus text (version 0.0.4). With a `token`, only
 * a request with `Authorization: Bearer <token>` gets it; anyone else 401.
 *
 * @example
 * app.get('/metrics', metricsHandler(registry, config.metricsToken))
 */
export function metricsHandler(registry: Registry, token: string | null): (c: Context) => Promise<Response> {
  return async (c) => {
    if (token !== null) {
      const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
      if (given === undefined || !sameToken(given, token)) {
        throw new AppError(401, ErrorCode.Unauthorized, 'Metrics need the METRICS_TOKEN: send Authorization: Bearer <token>.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    // Every scrape must read the numbers of now, never a cached page.
    c.header('Cache-Control', 'no-store');
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  };
}
