/**
 * Guests of workshops: facilitators make links, people from other agencies join by them with a
 * name and an organisation, and `guestScope` keeps every guest to their one workshop. A guest
 * has no site role, so the site's own routes refuse them anyway; the scope says so plainly, and
 * ends their access with the workshop.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { LoginResponseSchema, OpaqueTokenSchema } from '../../shared/api.js';
import { WorkshopIdSchema } from '../../shared/workshops/api.js';
import { PUBLIC_API_PREFIX } from '../../shared/summaries/public.js';
import {
  CreateGuestInviteRequestSchema,
  GUEST_LIMITS,
  GuestInviteInfoSchema,
  GuestInviteListSchema,
  GuestInviteSchema,
  JoinAsGuestRequestSchema,
} from '../../shared/workshops/guests.js';
import { GuestService, isGuest } from '../auth/guests.js';
import { errors } from '../errors.js';
import type { WorkshopRecord } from '../storage/types.js';
import {
  type App,
  type AppDeps,
  type AppEnv,
  errorResponses,
  jsonBody,
  jsonResponse,
  principal,
  requirePrincipal,
  setSessionCookie,
  workshopForRole,
} from './context.js';

/** Endpoints that tell nothing about any site, which a guest may call like anyone. */
const OPEN_TO_ANYONE = new Set(['/api/health', '/api/ready', '/api/time', '/api/openapi.json', '/api/guest-sessions']);
const GUEST_LINK_INFO = /^\/api\/guest-invites\/[^/]+$/;
const ONE_ROOM = /^\/api\/rooms\/[^/]+$/;

/**
 * Whether a guest of `workshop` may make this request: anything about their workshop (its
 * rounds, hands, people; the routes refuse what only facilitators do), reading a room (the
 * route finds only the rooms their workshop opens), and who they are. Nothing else: no site,
 * room list, search, learning log, account or token.
 */
function guestMay(method: string, path: string, workshop: WorkshopRecord): boolean {
  const own = `/api/workshops/${workshop.id}`;
  if (path === own || path.startsWith(`${own}/`)) return true;
  if (method === 'GET' && (path === '/api/auth/me' || ONE_ROOM.test(path))) return true;
  return false;
}

/**
 * Middleware that confines guests to their workshop, and shuts them out (410) once it has
 * ended, whatever they ask for. Requests of people with accounts pass untouched. Installed on
 * the whole API before any route, so a route added later is closed to guests until it is
 * listed in `guestMay`.
 *
 * @example
 * app.use('/api/*', guestScope(deps))
 */
export function guestScope(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    // Signing out always works: a guest whose workshop has ended can still clear the cookie.
    // Published learning is public: nobody's session is looked up to read it.
    if (OPEN_TO_ANYONE.has(path) || GUEST_LINK_INFO.test(path) || path === '/api/auth/logout' || path.startsWith(`${PUBLIC_API_PREFIX}/`)) return next();
    const who = await principal(c, deps);
    if (!who || !isGuest(who.user)) return next();
    const workshop = await deps.storage.getWorkshop(who.user.guestOf);
    if (!workshop || workshop.endedAt !== null) {
      throw errors.gone(
        workshop
          ? `The workshop “${workshop.title}” has ended, and your access as its guest with it. Thank you for taking part.`
          : 'The workshop you were a guest of is no longer here, and your access as its guest ended with it.',
      );
    }
    if (!guestMay(c.req.method, path, workshop)) {
      throw errors.forbidden(`As a guest of the workshop “${workshop.title}” you can open only that workshop and the maps and documents it works on.`);
    }
    return next();
  };
}

export function registerGuestRoutes(app: App, deps: AppDeps): void {
  const guests = new GuestService(deps.storage, deps.auth, { publicUrl: deps.config.publicUrl }, deps.log);

  /** The workshop, for one of its site's facilitators. */
  const forFacilitator = (id: string, user: Parameters<typeof workshopForRole>[2]) =>
    workshopForRole(deps, id, user, 'facilitator', (site) => `Only facilitators of ${site} invite guests to its workshops.`);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workshops/{id}/guest-invites',
      tags: ['workshops'],
      summary: 'Make a link that lets guests from other agencies join this workshop (facilitators)',
      description:
        'Anyone with the link joins with their name and organisation (`POST /api/guest-sessions`), as a guest of this workshop alone: ' +
        "they take part in it as a member would (its rounds, and the maps and documents its steps work on) and open nothing else of the site. " +
        `The link works until the workshop ends, or for \`expiresInDays\` (1 to ${GUEST_LIMITS.linkDaysMax}, default ${GUEST_LIMITS.linkDaysMax}) if sooner; ` +
        'its guests lose access when the workshop ends. The token is shown this once: only a hash of it is stored.',
      request: { params: z.object({ id: WorkshopIdSchema }), body: jsonBody(CreateGuestInviteRequestSchema) },
      responses: { 201: jsonResponse(GuestInviteSchema, 'The link'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await forFacilitator(c.req.valid('param').id, user);
      const { record, token, url } = await guests.createInvite(workshop, c.req.valid('json'), user.id);
      return c.json({ id: record.id, workshopId: workshop.id, label: record.label, url, token, expiresAt: record.expiresAt }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workshops/{id}/guest-invites',
      tags: ['workshops'],
      summary: "The workshop's guest links, newest first (facilitators)",
      description: 'Without their tokens, which are not kept: a link lost is replaced by a new one. `active` is false once it has expired or was stopped.',
      request: { params: z.object({ id: WorkshopIdSchema }) },
      responses: { 200: jsonResponse(GuestInviteListSchema, 'Links'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const workshop = await forFacilitator(c.req.valid('param').id, user);
      const now = new Date().toISOString();
      const invites = await deps.storage.listGuestInvites(workshop.id);
      return c.json(
        { invites: invites.map((i) => ({ id: i.id, label: i.label, createdAt: i.createdAt, expiresAt: i.expiresAt, active: i.expiresAt > now && workshop.endedAt === null })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workshops/{id}/guest-invites/{inviteId}',
      tags: ['workshops'],
      summary: 'Stop a guest link working (facilitators)',
      description: 'Nobody new joins by it; guests who joined by it keep their access until the workshop ends.',
      request: { params: z.object({ id: WorkshopIdSchema, inviteId: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not a link id') }) },
      responses: { 204: { description: 'Stopped' }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { id, inviteId } = c.req.valid('param');
      const workshop = await forFacilitator(id, user);
      if (!(await deps.storage.expireGuestInvite(workshop.id, inviteId, new Date().toISOString()))) throw errors.notFound('That link');
      deps.log.info('guest link stopped', { workshop: workshop.id, invite: inviteId, user: user.id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/guest-invites/{token}',
      tags: ['workshops'],
      summary: 'What a guest link is for (no sign-in needed)',
      description: 'The workshop and when the link stops working. 404 for a link this workspace never gave out; 410 once it has expired or its workshop has ended.',
      request: { params: z.object({ token: OpaqueTokenSchema }) },
      responses: { 200: jsonResponse(GuestInviteInfoSchema, 'The link'), ...errorResponses(400, 404, 410) },
    }),
    async (c) => {
      const { invite, workshop } = await guests.openInvite(c.req.valid('param').token);
      const site = (await deps.storage.getSite(workshop.siteSlug))!;
      return c.json({ workshop: { id: workshop.id, title: workshop.title, startsAt: workshop.startsAt, siteName: site.name }, expiresAt: invite.expiresAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/guest-sessions',
      tags: ['workshops'],
      summary: 'Join a workshop as a guest, with a guest link’s token, your name and organisation (no sign-in needed)',
      description:
        'Makes a guest of the link’s workshop and signs them in (the session cookie, and a token usable as `Authorization: Bearer`). ' +
        'A guest opens that workshop, its live room and the maps and documents its steps work on, and nothing else; ' +
        'every request of theirs is refused (410) once the workshop has ended, and their live connections close. ' +
        `Answers 404 for an unknown link, 410 for an expired one or an ended workshop, 409 when the workshop has ${GUEST_LIMITS.guestsPerWorkshopMax} guests.`,
      request: { body: jsonBody(JoinAsGuestRequestSchema) },
      responses: { 201: jsonResponse(LoginResponseSchema, 'Joined and signed in as a guest'), ...errorResponses(400, 404, 409, 410) },
    }),
    async (c) => {
      const { token, name, organisation } = c.req.valid('json');
      const session = await guests.join(token, { name, organisation });
      setSessionCookie(c, deps, session);
      return c.json(session, 201);
    },
  );
}
