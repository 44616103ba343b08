/** Sites, their members and rooms, and invites to join them. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  AcceptInviteRequestSchema,
  CreateInviteRequestSchema,
  CreateRoomRequestSchema,
  InviteIdSchema,
  InviteInfoSchema,
  InviteSchema,
  LoginResponseSchema,
  LogRoomSchema,
  MemberSchema,
  OpaqueTokenSchema,
  PendingInviteSchema,
  RoomIdSchema,
  RoomListQuerySchema,
  RoomPageSchema,
  RoomSchema,
  SiteDetailSchema,
  SiteSchema,
  SlugSchema,
  UpdateRoomRequestSchema,
  UpsertMemberRequestSchema,
  UserIdSchema,
  type Room,
} from '../../shared/api.js';
import { effectiveRole, roleAtLeast } from '../../shared/roles.js';
import { errors } from '../errors.js';
import { type PendingInviteRecord, type RoomListPosition, type RoomRecord } from '../storage/types.js';
import {
  type App,
  type AppDeps,
  clientIp,
  errorResponses,
  jsonBody,
  jsonResponse,
  requirePrincipal,
  roomAndRole,
  setSessionCookie,
  siteOr404,
} from './context.js';
import { roomLimitError, roomView, siteFull } from './rooms.js';

const SlugParams = z.object({ slug: SlugSchema });

const CursorSchema = z.tuple([z.union([z.literal(0), z.literal(1)]), z.string().max(40), z.string().max(64)]);

/** The opaque `nextCursor` of a room page: where the next page starts. */
function encodeCursor(room: RoomRecord): string {
  return Buffer.from(JSON.stringify([room.archived ? 1 : 0, room.updatedAt, room.id])).toString('base64url');
}

function decodeCursor(cursor: string): RoomListPosition {
  let parsed;
  try {
    parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    throw errors.badRequest('That cursor is not one this server gave out; ask for the first page again (no cursor).');
  }
  const [archived, updatedAt, id] = parsed.data;
  return { archived: archived === 1, updatedAt, id };
}

function pendingInviteView(i: PendingInviteRecord) {
  return {
    id: i.id,
    siteSlug: i.siteSlug,
    role: i.role,
    email: i.email,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    createdBy: i.creator,
  };
}

export function registerSiteRoutes(app: App, deps: AppDeps): void {
  const { storage, auth } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites',
      tags: ['sites'],
      summary: 'Every site, with your role (null where you are not a member; facilitator everywhere for admins); your sites first',
      responses: { 200: jsonResponse(z.array(SiteSchema), 'Sites'), ...errorResponses(401) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const sites = await storage.listSites(user.id);
      return c.json(
        sites.map((s) => ({
          slug: s.slug,
          name: s.name,
          issue: s.issue,
          sponsor: s.sponsor,
          // The effective role, as GET /api/sites/{slug} reports it: admins act as facilitators.
          role: effectiveRole(s.role, user.isAdmin),
        })),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}',
      tags: ['sites'],
      summary: 'One site: its issue, sponsor, members (for members) and number of rooms',
      request: { params: SlugParams },
      responses: { 200: jsonResponse(SiteDetailSchema, 'Site'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      const role = await auth.roleOn(site, user);
      const members = role ? await storage.listMembers(site.id) : [];
      return c.json(
        {
          slug: site.slug,
          name: site.name,
          issue: site.issue,
          sponsor: site.sponsor,
          role,
          members,
          roomCount: role ? await storage.countRooms(site.id) : 0,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/members',
      tags: ['members'],
      summary: 'Members of a site with role and organisation (members only)',
      request: { params: SlugParams },
      responses: { 200: jsonResponse(z.array(MemberSchema), 'Members'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'viewer');
      return c.json(await storage.listMembers(site.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/sites/{slug}/members/{userId}',
      tags: ['members'],
      summary: "Set a person's role on the site (facilitators)",
      request: { params: SlugParams.extend({ userId: UserIdSchema }), body: jsonBody(UpsertMemberRequestSchema) },
      responses: { 200: jsonResponse(MemberSchema, 'Member'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { slug, userId } = c.req.valid('param');
      const site = await siteOr404(deps, slug);
      await auth.requireRole(site, user, 'facilitator');
      const target = await storage.getUserById(userId);
      if (!target) throw errors.notFound('That person');
      // A guest is someone's visit to one workshop, not an account: never a member of a site.
      if (target.guestOf !== null) throw errors.conflict('That person is a guest of one workshop and has no account of their own: invite them to the site to make them a member.');
      await storage.setRole(site.id, userId, c.req.valid('json').role);
      deps.onAccessChanged?.(userId);
      const member = (await storage.listMembers(site.id)).find((m) => m.userId === userId)!;
      return c.json(member, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/sites/{slug}/members/{userId}',
      tags: ['members'],
      summary: 'Remove a person from the site (facilitators)',
      request: { params: SlugParams.extend({ userId: UserIdSchema }) },
      responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { slug, userId } = c.req.valid('param');
      const site = await siteOr404(deps, slug);
      await auth.requireRole(site, user, 'facilitator');
      if (!(await storage.removeMember(site.id, userId))) throw errors.notFound('That member');
      deps.onAccessChanged?.(userId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/rooms',
      tags: ['rooms'],
      summary: "A site's maps and documents, a page at a time (members only)",
      description:
        'Rooms in use, most recently changed first; with `archived=true` the archived ones follow, with `archived=only` only they are listed. ' +
        'At most `limit` rooms (default 100, at most 500) per page; pass `nextCursor` back as `cursor` for the next page. `total` counts every page. ' +
        "The site's learning log is not listed (it has its own endpoint), nor are workshops' rooms (see the site's workshops).",
      request: { params: SlugParams, query: RoomListQuerySchema },
      responses: { 200: jsonResponse(RoomPageSchema, 'One page of rooms'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'viewer');
      const query = c.req.valid('query');
      const page = await storage.listRoomPage(site.id, {
        archived: query.archived === 'true' ? 'include' : query.archived === 'only' ? 'only' : 'exclude',
        limit: query.limit,
        after: query.cursor === undefined ? null : decodeCursor(query.cursor),
      });
      const last = page.rooms.at(-1);
      return c.json({ rooms: page.rooms.map((r) => roomView(r)), nextCursor: page.more && last ? encodeCursor(last) : null, total: page.total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/sites/{slug}/rooms',
      tags: ['rooms'],
      summary: 'Create a map or document room (members and facilitators)',
      description:
        'Answers 409 `limit_reached` when the site already has MAX_ROOMS_PER_SITE rooms in use, or the caller has created MAX_ROOMS_PER_MEMBER of them in this site. Archived rooms count towards neither.',
      request: { params: SlugParams, body: jsonBody(CreateRoomRequestSchema) },
      responses: { 201: jsonResponse(RoomSchema, 'Created'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'member');
      const { kind, title } = c.req.valid('json');
      const { maxRoomsPerSite, maxRoomsPerMember } = deps.config;
      let room: RoomRecord;
      try {
        room = await storage.createRoom(
          { siteId: site.id, kind, title, createdBy: user.id },
          { maxInSite: maxRoomsPerSite, maxByCreator: maxRoomsPerMember },
        );
      } catch (error) {
        throw roomLimitError(deps, site, user.id, error);
      }
      deps.log.info('room created', { room: room.id, site: site.slug, kind, user: user.id });
      deps.onRoomChanged?.(room.id);
      return c.json(roomView(room), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/log',
      tags: ['rooms'],
      summary: "The site's learning log, a room of kind `log`, created the first time it is asked for (members, viewers)",
      description: 'Every site has exactly one; concurrent first calls get the same room. Connect to it at `/sync/{id}` like any room.',
      request: { params: SlugParams },
      responses: { 200: jsonResponse(LogRoomSchema, 'The learning log'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'viewer');
      const room = await storage.getOrCreateLogRoom(site.id);
      return c.json({ id: room.id, kind: 'log' as const, title: room.title }, 200);
    },
  );

  /** Who locked a room, as the page names them. */
  async function lockerOf(room: RoomRecord): Promise<Room['lockedBy']> {
    const locker = room.locked && room.lockedBy ? await storage.getUserById(room.lockedBy) : null;
    return locker ? { id: locker.id, name: locker.name, organisation: locker.organisation } : null;
  }


  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}',
      tags: ['rooms'],
      summary: 'One room (members of its site only)',
      request: { params: z.object({ id: RoomIdSchema }) },
      responses: { 200: jsonResponse(RoomSchema, 'Room'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { room } = await roomAndRole(deps, c.req.valid('param').id, user);
      return c.json(roomView(room, await lockerOf(room)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/rooms/{id}',
      tags: ['rooms'],
      summary: 'Rename (members), archive and restore, or lock and unlock (facilitators) a room',
      description:
        'A locked map or document is read live by everyone; the server drops the edits of everyone but the site’s facilitators ' +
        '(they are told with the permission-denied reason `locked`) until it is unlocked.',
      request: { params: z.object({ id: RoomIdSchema }), body: jsonBody(UpdateRoomRequestSchema) },
      responses: { 200: jsonResponse(RoomSchema, 'Updated'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { room, site, role } = await roomAndRole(deps, c.req.valid('param').id, user);
      const patch = c.req.valid('json');
      if (!roleAtLeast(role, 'member')) throw errors.forbidden(`Viewers cannot change rooms of ${site.name}.`);
      if (room.kind === 'log') throw errors.conflict(`The learning log of ${site.name} is part of the site: it cannot be renamed or archived.`);
      if (room.kind === 'workshop') throw errors.conflict("A workshop's live room is part of the workshop: it cannot be renamed, archived or locked.");
      if (patch.archived !== undefined && !roleAtLeast(role, 'facilitator')) {
        throw errors.forbidden('Only facilitators can archive or restore a room.');
      }
      if (patch.locked !== undefined && !roleAtLeast(role, 'facilitator')) {
        throw errors.forbidden('Only facilitators can lock or unlock a room.');
      }
      // Restoring puts a room back in use, so it counts against the site's limit like a new one.
      // (Not in one transaction with the update: only facilitators restore, one room at a time.)
      if (patch.archived === false && room.archived && (await storage.countRooms(site.id)) >= deps.config.maxRoomsPerSite) {
        throw siteFull(site, deps.config.maxRoomsPerSite);
      }
      const updated = (await storage.updateRoom(room.id, patch.locked === undefined ? patch : { ...patch, lockedBy: user.id }))!;
      deps.onRoomChanged?.(room.id);
      // Archiving makes the room read-only for everyone connected; locking, for all but its
      // facilitators. Connections are re-checked now, so the pages say so at once.
      if (patch.archived !== undefined || patch.locked !== undefined) deps.onAccessChanged?.();
      return c.json(roomView(updated, await lockerOf(updated)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/sites/{slug}/invites',
      tags: ['invites'],
      summary: 'Invite someone to the site with a role (facilitators)',
      description: 'Returns a one-time link. Send it to the invitee; it expires after `expiresInDays` (default 7).',
      request: { params: SlugParams, body: jsonBody(CreateInviteRequestSchema) },
      responses: { 201: jsonResponse(InviteSchema, 'Invite created'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'facilitator');
      const body = c.req.valid('json');
      const { record, token, url } = await auth.createInvite({
        site,
        role: body.role,
        email: body.email ?? null,
        expiresInDays: body.expiresInDays,
        createdBy: user.id,
      });
      return c.json(
        {
          id: record.id,
          token,
          url,
          siteSlug: site.slug,
          role: record.role,
          email: record.email,
          expiresAt: record.expiresAt,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{slug}/invites',
      tags: ['invites'],
      summary: "The site's invites that can still be accepted, newest first (facilitators)",
      description:
        'Used, withdrawn and expired invites are left out. The links are not: only a hash of each token is stored, so a link is shown once, when the invite is created.',
      request: { params: SlugParams },
      responses: { 200: jsonResponse(z.array(PendingInviteSchema), 'Pending invites'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const site = await siteOr404(deps, c.req.valid('param').slug);
      await auth.requireRole(site, user, 'facilitator');
      return c.json((await auth.listPendingInvites(site)).map(pendingInviteView), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/sites/{slug}/invites/{inviteId}',
      tags: ['invites'],
      summary: 'Withdraw an invite, so its link no longer works (facilitators)',
      description:
        'Opening or accepting the link afterwards answers 410. Withdrawing an invite twice is fine; one that was already accepted answers 409.',
      request: { params: SlugParams.extend({ inviteId: InviteIdSchema }) },
      responses: { 204: { description: 'Withdrawn' }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { slug, inviteId } = c.req.valid('param');
      const site = await siteOr404(deps, slug);
      await auth.requireRole(site, user, 'facilitator');
      await auth.revokeInvite(site, inviteId);
      deps.log.info('invite withdrawn', { invite: inviteId, site: site.slug, user: user.id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/invites/{token}',
      tags: ['invites'],
      summary: 'What an invite is for (no sign-in needed)',
      request: { params: z.object({ token: OpaqueTokenSchema }) },
      responses: { 200: jsonResponse(InviteInfoSchema, 'Invite'), ...errorResponses(400, 404, 410) },
    }),
    async (c) => {
      const invite = await auth.openInvite(c.req.valid('param').token);
      const site = (await storage.getSite(invite.siteSlug))!;
      return c.json(
        {
          site: { slug: site.slug, name: site.name, issue: site.issue },
          role: invite.role,
          email: invite.email,
          expiresAt: invite.expiresAt,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/invites/{token}/accept',
      tags: ['invites'],
      summary: 'Accept an invite: create an account (or prove an existing one) and join the site',
      request: { params: z.object({ token: OpaqueTokenSchema }), body: jsonBody(AcceptInviteRequestSchema) },
      responses: { 200: jsonResponse(LoginResponseSchema, 'Joined and signed in'), ...errorResponses(400, 401, 403, 404, 410, 429) },
    }),
    async (c) => {
      const session = await auth.acceptInvite(c.req.valid('param').token, c.req.valid('json'), clientIp(c, deps));
      setSessionCookie(c, deps, session);
      deps.onAccessChanged?.(session.user.id);
      return c.json(session, 200);
    },
  );
}
