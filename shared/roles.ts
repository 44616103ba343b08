/**
 * Roles a person holds on a site. A global admin acts as a facilitator on every site.
 *
 * - `facilitator`: runs the site: invites people, manages members and archives rooms.
 * - `member`: edits the site's maps and documents and creates rooms.
 * - `viewer`: reads everything live; the server drops their edits.
 */
export const SITE_ROLES = ['facilitator', 'member', 'viewer'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

const RANK: Record<SiteRole, number> = { viewer: 0, member: 1, facilitator: 2 };

/**
 * True when `role` grants at least what `needed` grants.
 *
 * @example
 * roleAtLeast('facilitator', 'member') // true
 * roleAtLeast(null, 'viewer') // false
 */
export function roleAtLeast(role: SiteRole | null | undefined, needed: SiteRole): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

/** The role someone effectively has on a site: admins count as facilitators everywhere. */
export function effectiveRole(siteRole: SiteRole | null, isAdmin: boolean): SiteRole | null {
  return isAdmin ? 'facilitator' : siteRole;
}

/** True when the role may change a room's document. */
export function canEditRooms(role: SiteRole | null): boolean {
  return roleAtLeast(role, 'member');
}
