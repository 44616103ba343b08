/**
 * The sync endpoint's access policy: signed in (4401), allowed origin for cookie sign-in and
 * member of the room's site, or a guest of a workshop that opens the room and has not ended
 * (4403), the room exists (4404). Viewers, and everyone in an
 * archived room, get a read-only connection; so does everyone but its facilitators in a locked
 * room (with the reason `locked`, so the page can say who locked it).
 */
import type { IncomingMessage } from 'node:http';
import {
  CloseCode,
  LOCKED_REASON,
  NOT_IN_WORKSHOP_REASON,
  ORIGIN_NOT_ALLOWED_REASON,
  READ_ONLY_REASON,
  WORKSHOP_ENDED_REASON,
} from '../../shared/closeCodes.js';
import { mayWriteRoom } from '../../shared/rooms/kinds.js';
import { canEditRooms, effectiveRole, type SiteRole } from '../../shared/roles.js';
import type { SyncAccess, SyncAccessPolicy } from '../sync/server.js';
import type { RoomRecord, Storage, UserRecord } from '../storage/types.js';
import { readCredential, originAllowed } from './credentials.js';
import { guestRoomAccess, isGuest } from './guests.js';
import { hashSecret } from './tokens.js';

/** The caller's role in the room: their site role, or for a guest what their workshop opens to them. */
async function roleIn(storage: Storage, user: UserRecord, room: RoomRecord): Promise<{ role: SiteRole } | { refused: string }> {
  if (isGuest(user)) {
    const access = await guestRoomAccess(storage, user.guestOf, room);
    if (!access.ok) return { refused: access.reason === 'ended' ? WORKSHOP_ENDED_REASON : NOT_IN_WORKSHOP_REASON };
    return { role: access.role };
  }
  const role = effectiveRole(await storage.getRole(room.siteId, user.id), user.isAdmin);
  return role === null ? { refused: 'not a member of this site' } : { role };
}

async function decide(storage: Storage, user: UserRecord, credential: string, roomId: string): Promise<SyncAccess> {
  const room = await storage.getRoom(roomId);
  if (!room) return { ok: false, code: CloseCode.NotFound, reason: 'no such room' };
  const found = await roleIn(storage, user, room);
  if ('refused' in found) return { ok: false, code: CloseCode.Forbidden, reason: found.refused };
  const { role } = found;
  // The registry of room kinds says who writes what; a locked room only its facilitators.
  const writes = mayWriteRoom(room.kind, role, { locked: room.locked, archived: room.archived });
  return {
    ok: true,
    identity: { userId: user.id, role, credential, presence: { name: user.name, organisation: user.organisation } },
    kind: room.kind,
    readOnly: writes ? null : room.locked && !room.archived && canEditRooms(role) ? LOCKED_REASON : READ_ONLY_REASON,
  };
}

export function createSyncAccessPolicy(storage: Storage, allowedOrigins: readonly string[]): SyncAccessPolicy {
  return {
    async authorize(request: IncomingMessage, roomId: string): Promise<SyncAccess> {
      const url = new URL(request.url ?? '/', 'http://placeholder');
      const credential = readCredential(request.headers, url.searchParams.get('token'));
      if (!credential) return { ok: false, code: CloseCode.Unauthorized, reason: 'sign in first' };
      if (credential.source === 'cookie' && !originAllowed(request.headers.origin, allowedOrigins)) {
        return { ok: false, code: CloseCode.Forbidden, reason: ORIGIN_NOT_ALLOWED_REASON };
      }
      const hash = hashSecret(credential.secret);
      const found = await storage.findToken(hash, new Date().toISOString());
      if (!found) return { ok: false, code: CloseCode.Unauthorized, reason: 'session expired or unknown' };
      return decide(storage, found.user, hash, roomId);
    },
    async recheck(identity, roomId): Promise<SyncAccess> {
      const found = await storage.findToken(identity.credential, new Date().toISOString());
      if (!found) return { ok: false, code: CloseCode.Unauthorized, reason: 'session ended' };
      return decide(storage, found.user, identity.credential, roomId);
    },
  };
}
