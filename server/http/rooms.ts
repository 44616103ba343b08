/**
 * Rooms as the API shows them, and what a person is told when a room cap stops them (which cap,
 * what to do, the setting an operator would raise). Shared by every route that makes or brings
 * back a room (create, import, unarchive), so they all answer the same.
 */
import type { Room } from '../../shared/api.js';
import { errors, type AppError } from '../errors.js';
import { RoomLimitError, type RoomRecord, type SiteRecord } from '../storage/types.js';
import type { AppDeps } from './context.js';

export function roomView(r: RoomRecord, lockedBy: Room['lockedBy'] = null) {
  return {
    id: r.id,
    siteSlug: r.siteSlug,
    kind: r.kind,
    title: r.title,
    archived: r.archived,
    locked: r.locked,
    lockedBy: r.locked ? lockedBy : null,
    lockedAt: r.locked ? r.lockedAt : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** 409 `limit_reached`: the site already has MAX_ROOMS_PER_SITE rooms in use. */
export function siteFull(site: SiteRecord, limit: number): AppError {
  return errors.limitReached(
    `${site.name} already has ${limit} rooms in use, the most one site can have. ` +
      'Archive the rooms no longer needed (facilitators can), or ask an administrator to raise MAX_ROOMS_PER_SITE.',
    { setting: 'MAX_ROOMS_PER_SITE', limit },
  );
}

/**
 * The error to throw for what `storage.createRoom` threw: a RoomLimitError becomes 409 with the
 * cap named (and is logged for the operator); anything else is thrown on as it is.
 */
export function roomLimitError(deps: AppDeps, site: SiteRecord, userId: string | null, error: unknown): unknown {
  if (!(error instanceof RoomLimitError)) return error;
  const { maxRoomsPerSite, maxRoomsPerMember } = deps.config;
  deps.log.warn('room limit reached', { site: site.slug, user: userId, limit: error.which });
  return error.which === 'site'
    ? siteFull(site, maxRoomsPerSite)
    : errors.limitReached(
        `You already have ${maxRoomsPerMember} rooms in ${site.name}, the most one person can make in a site. ` +
          'Ask a facilitator to archive the ones no longer needed, or an administrator to raise MAX_ROOMS_PER_MEMBER.',
        { setting: 'MAX_ROOMS_PER_MEMBER', limit: maxRoomsPerMember },
      );
}
