/**
 * What every route module shares: the app's dependencies, the Hono env type, and helpers for
 * the caller's identity, cookies and error responses in the OpenAPI description.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Registry } from 'prom-client';
import { ErrorBodySchema } from '../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import { SESSION_COOKIE } from '../../shared/routes.js';
import type { AuthService, IssuedSession, Principal } from '../auth/service.js';
import { readCredential } from '../auth/credentials.js';
import { guestRoomAccess, isGuest } from '../auth/guests.js';
import type { Config } from '../config.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoomRecord, SiteRecord, Storage, UserRecord, WorkshopRecord } from '../storage/types.js';
import type { VersionService } from '../versions/service.js';
import type { WorkshopService } from '../workshops/service.js';
import type { DocReader } from '../ydoc/reader.js';

export interface AppDeps {
  config: Config;
  storage: Storage;
  auth: AuthService;
  log: Logger;
  /** Live numbers for `/api/health` (rooms loaded, sockets open). */
  syncStats?: () => { rooms: number; connections: number; queuedBytes: number };
  /** Called after someone's access changed, so live sync connections are re-checked at once. */
  onAccessChanged?: (userId?: string) => void;
  /** Called after a room was created, renamed, archived or restored, so search follows it. */
  onRoomChanged?: (roomId: string) => void;
  /** Named versions of rooms; without it (an app built without sync) the version endpoints are not served. */
  versions?: VersionService;
  /** Workshops, whose live state the server writes into their rooms; without it (no sync) their endpoints are not served. */
  workshops?: WorkshopService;
  /**
   * Reads rooms' docs (the live doc when loaded): what publishing a summary reads its draft and
   * the site's maps and log with. Without it (an app built without sync) docs are read from storage.
   */
  docs?: DocReader;
  /** The Prometheus registry `/metrics` serves (and HTTP 5xx are counted in); without it, no `/metrics`. */
  metrics?: { registry: Registry };
}

export interface AppEnv {
  Variables: {
    /** Resolved once per request by `principal()`; undefined until then, null when signed out. */
    principal: Principal | null | undefined;
    credentialSecret: string | null;
  };
}

export type App = OpenAPIHono<AppEnv>;

/** The signed-in caller, or null. Reads `Authorization: Bearer` or the session cookie. */
export async function principal(c: Context<AppEnv>, deps: AppDeps): Promise<Principal | null> {
  const cached = c.get('principal');
  if (cached !== undefined) return cached;
  const credential = readCredential(
    { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') },
    null,
  );
  const found = await deps.auth.authenticate(credential?.secret);
  c.set('principal', found);
  c.set('credentialSecret', found ? credential!.secret : null);
  return found;
}

/** The site with this slug; 404 when there is none. */
export async function siteOr404(deps: AppDeps, slug: string): Promise<SiteRecord> {
  const site = await deps.storage.getSite(slug);
  if (!site) throw errors.notFound(`The site "${slug}"`);
  return site;
}

/**
 * The site that something found by id belongs to (a room, a workshop), and the caller's role
 * there. For anyone not in the site the thing reads as missing (404, as `what`), so ids cannot
 * be probed.
 */
export async function siteAndRoleOf(deps: AppDeps, siteSlug: string, user: Pick<UserRecord, 'id' | 'isAdmin'>, what: string): Promise<{ site: SiteRecord; role: SiteRole }> {
  const site = (await deps.storage.getSite(siteSlug))!;
  const role = await deps.auth.roleOn(site, user);
  if (!role) throw errors.notFound(what);
  return { site, role };
}

/**
 * A room with its site and the caller's role there (404 for anyone not in the site). A guest
 * finds only the rooms their workshop opens, and only as a viewer: through the API they read
 * them (the page needs their title and lock); they edit the ones they may over sync.
 */
export async function roomAndRole(deps: AppDeps, id: string, user: Pick<UserRecord, 'id' | 'isAdmin' | 'guestOf'>): Promise<{ room: RoomRecord; site: SiteRecord; role: SiteRole }> {
  const room = await deps.storage.getRoom(id);
  if (!room) throw errors.notFound('That room');
  if (isGuest(user)) {
    if (!(await guestRoomAccess(deps.storage, user.guestOf, room)).ok) throw errors.notFound('That room');
    return { room, site: (await deps.storage.getSite(room.siteSlug))!, role: 'viewer' };
  }
  return { room, ...(await siteAndRoleOf(deps, room.siteSlug, user, 'That room')) };
}

/**
 * The site of a workshop and the caller's role there (404 for anyone not in the site). A guest
 * of this very workshop takes part in it as a member would, until it ends; any other workshop
 * is missing to them.
 */
export async function workshopSiteAndRole(deps: AppDeps, workshop: WorkshopRecord, user: Pick<UserRecord, 'id' | 'isAdmin' | 'guestOf'>): Promise<{ site: SiteRecord; role: SiteRole }> {
  if (isGuest(user)) {
    if (user.guestOf !== workshop.id || workshop.endedAt !== null) throw errors.notFound('That workshop');
    return { site: (await deps.storage.getSite(workshop.siteSlug))!, role: 'member' };
  }
  return siteAndRoleOf(deps, workshop.siteSlug, user, 'That workshop');
}

/** A workshop found by id, its site and the caller's role there (404 as for `workshopSiteAndRole`). */
export async function workshopAndRole(
  deps: AppDeps,
  id: string,
  user: Pick<UserRecord, 'id' | 'isAdmin' | 'guestOf'>,
): Promise<{ workshop: WorkshopRecord; site: SiteRecord; role: SiteRole }> {
  const workshop = await deps.storage.getWorkshop(id);
  if (!workshop) throw errors.notFound('That workshop');
  return { workshop, ...(await workshopSiteAndRole(deps, workshop, user)) };
}

/**
 * A workshop for a caller with at least `least` there; 403 with `refusal(site name)` otherwise.
 *
 * @example
 * await workshopForRole(deps, id, user, 'facilitator', (site) => `Only facilitators of ${site} run its workshops.`)
 */
export async function workshopForRole(
  deps: AppDeps,
  id: string,
  user: Pick<UserRecord, 'id' | 'isAdmin' | 'guestOf'>,
  least: SiteRole,
  refusal: (siteName: string) => string,
): Promise<WorkshopRecord> {
  const { workshop, site, role } = await workshopAndRole(deps, id, user);
  if (!roleAtLeast(role, least)) throw errors.forbidden(refusal(site.name));
  return workshop;
}

/** The signed-in caller; throws 401 when there is none. */
export async function requirePrincipal(c: Context<AppEnv>, deps: AppDeps): Promise<Principal> {
  const found = await principal(c, deps);
  if (!found) throw errors.unauthorized('Sign in first: your session has expired or no token was sent.');
  return found;
}

export function setSessionCookie(c: Context<AppEnv>, deps: AppDeps, session: IssuedSession): void {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.config.publicUrl.startsWith('https:'),
    path: '/',
    expires: new Date(session.expiresAt),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** The client's address for sign-in throttling; X-Forwarded-For only behind a trusted proxy. */
export function clientIp(c: Context<AppEnv>, deps: AppDeps): string | null {
  if (deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    // Requests made in-process (tests) have no socket.
    return null;
  }
}

const errorContent = { 'application/json': { schema: ErrorBodySchema } };

/** OpenAPI response entries for the error statuses a route can return. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, { description: string; content: typeof errorContent }> {
  const text: Record<number, string> = {
    400: 'The request is malformed or fails validation.',
    401: 'Not signed in, or the credentials are wrong.',
    403: 'Signed in, but not allowed.',
    404: 'Not found.',
    409: 'Conflicts with what exists.',
    410: 'No longer available.',
    429: 'Too many attempts; see Retry-After.',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: text[s] ?? 'Error.', content: errorContent }]),
  ) as Record<S, { description: string; content: typeof errorContent }>;
}

export function jsonBody<T>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}
