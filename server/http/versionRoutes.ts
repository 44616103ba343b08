/**
 * Named versions of maps and documents: list, save (the server snapshots the room as it is),
 * read one to view or compare, delete (facilitators) and restore (the server rewrites the
 * room, after saving it as it was). Everyone in the room's site reads versions; saving and
 * restoring need the right to change the room; the learning log has none.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  CreateVersionRequestSchema,
  RestoredVersionSchema,
  RoomIdSchema,
  VERSION_LIMITS,
  VersionIdSchema,
  VersionListSchema,
  VersionSchema,
  VersionWithContentSchema,
} from '../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import { mayWriteRoom } from '../../shared/rooms/kinds.js';
import { errors } from '../errors.js';
import type { RoomRecord, SiteRecord, UserRecord, VersionRecord } from '../storage/types.js';
import { isVersioned } from '../versions/content.js';
import type { VersionedRoom, VersionService } from '../versions/service.js';
import { type App, type AppDeps, errorResponses, jsonBody, jsonResponse, requirePrincipal, roomAndRole } from './context.js';

const RoomParams = z.object({ id: RoomIdSchema });
const VersionParams = RoomParams.extend({ versionId: VersionIdSchema });

function versionView(v: VersionRecord) {
  return { id: v.id, roomId: v.roomId, name: v.name, createdBy: v.createdBy, createdAt: v.createdAt, summary: v.summary, bytes: v.bytes };
}

/**
 * Refuses a change of the room's content to whoever may not make one now (the registry of room
 * kinds decides, as it does for live edits), saying why.
 */
function requireWriter(room: RoomRecord, site: SiteRecord, role: SiteRole): void {
  if (mayWriteRoom(room.kind, role, { locked: room.locked, archived: room.archived })) return;
  if (!roleAtLeast(role, 'member')) throw errors.forbidden(`Viewers of ${site.name} can look at versions, not save or restore them.`);
  if (room.archived) throw errors.conflict('This room is archived, so it is read-only. A facilitator can restore it first.');
  throw errors.forbidden('This room is locked by a facilitator: only facilitators can change it.');
}

export function registerVersionRoutes(app: App, deps: AppDeps, versions: VersionService): void {
  /** The caller, the room (a map or document of a site they are in) and their role there. */
  async function versionedRoom(c: Parameters<typeof requirePrincipal>[0], id: string) {
    const { user } = await requirePrincipal(c, deps);
    const { room, site, role } = await roomAndRole(deps, id, user);
    if (!isVersioned(room.kind)) {
      throw errors.conflict(room.kind === 'log' ? `The learning log of ${site.name} has no versions.` : "A workshop's live room has no versions.");
    }
    const versioned: VersionedRoom = { id: room.id, kind: room.kind };
    return { user, room, site, role, versioned };
  }

  const author = (user: UserRecord) => ({ userId: user.id, name: user.name, organisation: user.organisation });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}/versions',
      tags: ['versions'],
      summary: "A map's or document's saved versions, newest first (members and viewers)",
      description: 'Who saved each and when, with a summary of its content; not the content itself (ask for one version for that).',
      request: { params: RoomParams },
      responses: { 200: jsonResponse(VersionListSchema, 'Versions'), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { room } = await versionedRoom(c, c.req.valid('param').id);
      return c.json({ versions: (await versions.list(room.id)).map(versionView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/rooms/{id}/versions',
      tags: ['versions'],
      summary: 'Save the room as it is now under a name (whoever may change the room)',
      description:
        `The server takes the snapshot, at the moment the request arrives. At most ${VERSION_LIMITS.perRoom} versions are kept per room: ` +
        'saving one more drops the oldest. A room larger than MAX_VERSION_BYTES answers 409 `limit_reached`; an archived room 409; ' +
        'viewers, and members while a facilitator has locked the room, 403.',
      request: { params: RoomParams, body: jsonBody(CreateVersionRequestSchema) },
      responses: { 201: jsonResponse(VersionSchema, 'Saved'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { user, room, site, role, versioned } = await versionedRoom(c, c.req.valid('param').id);
      requireWriter(room, site, role);
      const version = await versions.save(versioned, c.req.valid('json').name, author(user));
      deps.log.info('version saved', { room: room.id, version: version.id, bytes: version.bytes, user: user.id });
      return c.json(versionView(version), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rooms/{id}/versions/{versionId}',
      tags: ['versions'],
      summary: 'One version with its content, to view or compare (members and viewers)',
      description: 'A map as plain data (elements, connections, frames, loop notes, as `readMap` gives them); a document as ProseMirror JSON.',
      request: { params: VersionParams },
      responses: { 200: jsonResponse(VersionWithContentSchema, 'The version'), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { versionId } = c.req.valid('param');
      const { versioned } = await versionedRoom(c, c.req.valid('param').id);
      const found = await versions.read(versioned, versionId);
      if (!found) throw errors.notFound('That version');
      return c.json({ ...versionView(found.version), content: found.content }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/rooms/{id}/versions/{versionId}',
      tags: ['versions'],
      summary: 'Delete a version (facilitators)',
      request: { params: VersionParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { versionId } = c.req.valid('param');
      const { user, room, site, role } = await versionedRoom(c, c.req.valid('param').id);
      if (!roleAtLeast(role, 'facilitator')) throw errors.forbidden(`Only facilitators of ${site.name} can delete versions.`);
      if (!(await versions.delete(room.id, versionId))) throw errors.notFound('That version');
      deps.log.info('version deleted', { room: room.id, version: versionId, user: user.id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/rooms/{id}/versions/{versionId}/restore',
      tags: ['versions'],
      summary: "Make the room's content what it was in a version, for everyone (whoever may change the room)",
      description:
        'The server saves the room as it is first, as the version "Before restoring …" (returned as `before`: restore it to go back), ' +
        'then rewrites the content in the same step, as a change of the caller that every connected client receives live. ' +
        'Elements, connections, frames and loop notes (or the document text) come back as they were, with who added and changed them; comments stay.',
      request: { params: VersionParams },
      responses: { 200: jsonResponse(RestoredVersionSchema, 'Restored'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { versionId } = c.req.valid('param');
      const { user, room, site, role, versioned } = await versionedRoom(c, c.req.valid('param').id);
      requireWriter(room, site, role);
      const done = await versions.restore(versioned, versionId, author(user));
      if (!done) throw errors.notFound('That version');
      return c.json({ restored: versionView(done.restored), before: versionView(done.before) }, 200);
    },
  );
}
