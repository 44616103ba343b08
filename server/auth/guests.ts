/**
 * Guests of workshops: people from other agencies a facilitator invites to one workshop by a
 * link. A guest is an account with `guestOf` set, no password and no role on any site, so every
 * check that asks for a site role already refuses them; the few places a guest may go (their
 * workshop, the rooms it opens) ask `guestRoomAccess` instead, and lose them when it ends.
 */
import { guestLinkPath } from '../../shared/routes.js';
import { ErrorCode } from '../../shared/errors.js';
import type { SiteRole } from '../../shared/roles.js';
import { GUEST_LIMITS } from '../../shared/workshops/guests.js';
import { AppError, errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GuestInviteRecord, RoomRecord, Storage, UserRecord, WorkshopRecord } from '../storage/types.js';
import type { IssuedSession } from './service.js';
import { hashSecret, newSecret } from './tokens.js';

const DAY_MS = 86_400_000;

/** What a guest may do in a room: take part as `role`, or nothing, and why. */
export type GuestRoomAccess = { ok: true; role: SiteRole; workshop: WorkshopRecord } | { ok: false; reason: 'ended' | 'elsewhere' };

/** True for an account that is a guest of a workshop rather than a person with an account. */
export function isGuest(user: Pick<UserRecord, 'guestOf'>): user is { guestOf: string } {
  return user.guestOf !== null;
}

/**
 * A guest's access to a room. In their workshop's own room, the maps and documents its steps
 * work on and the copies its breakouts made, they take part as a member would (the room's rules and locks apply as to a
 * member); the maps its rounds vote on they read (as a viewer), to see what they vote for.
 * Every other room is refused, and every room once the workshop has ended.
 *
 * @example
 * const access = await guestRoomAccess(storage, guest.guestOf, room)
 * if (!access.ok) refuse(access.reason === 'ended' ? 'workshop ended' : 'not a room of your workshop')
 */
export async function guestRoomAccess(
  store: Pick<Storage, 'getWorkshop' | 'listRounds' | 'listWorkshopRooms'>,
  workshopId: string,
  room: Pick<RoomRecord, 'id' | 'siteId'>,
): Promise<GuestRoomAccess> {
  const workshop = await store.getWorkshop(workshopId);
  if (!workshop || workshop.endedAt !== null) return { ok: false, reason: 'ended' };
  // Step rooms were checked to be the site's when the workshop was made; checked again here so
  // no other site's room can ever be reached through a workshop.
  if (room.siteId !== workshop.siteId) return { ok: false, reason: 'elsewhere' };
  if (room.id === workshop.roomId || workshop.steps.some((s) => s.roomId === room.id)) return { ok: true, role: 'member', workshop };
  // A breakout group's copy of a map is where its members, guests too, work.
  if ((await store.listWorkshopRooms(workshop.id)).includes(room.id)) return { ok: true, role: 'member', workshop };
  if ((await store.listRounds(workshop.id)).some((r) => r.roomId === room.id)) return { ok: true, role: 'viewer', workshop };
  return { ok: false, reason: 'elsewhere' };
}

export interface GuestServiceOptions {
  publicUrl: string;
}

/** Makes guest links and lets people join by them. */
export class GuestService {
  constructor(
    private readonly storage: Storage,
    private readonly sessions: { openSession(user: UserRecord): Promise<IssuedSession> },
    private readonly options: GuestServiceOptions,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A new link to the workshop (409 once it has ended). The token is returned this once; only
   * its hash is stored.
   *
   * @example
   * const { url } = await guests.createInvite(workshop, { label: 'Police partners', expiresInDays: 7 }, fran.id)
   */
  async createInvite(
    workshop: WorkshopRecord,
    input: { label?: string; expiresInDays: number },
    createdBy: string,
  ): Promise<{ record: GuestInviteRecord; token: string; url: string }> {
    if (workshop.endedAt !== null) throw errors.conflict('This workshop has ended: guests can no longer join it.');
    const token = newSecret();
    const days = Math.min(input.expiresInDays, GUEST_LIMITS.linkDaysMax);
    const record = await this.storage.createGuestInvite({
      workshopId: workshop.id,
      label: input.label ?? null,
      hash: hashSecret(token),
      createdBy,
      expiresAt: new Date(this.now().getTime() + days * DAY_MS).toISOString(),
    });
    this.logger.info('guest link created', { workshop: workshop.id, invite: record.id, user: createdBy });
    return { record, token, url: `${this.options.publicUrl}${guestLinkPath(token)}` };
  }

  /** The link for `token` and its workshop, while guests can join by it; 404 unknown, 410 expired or ended. */
  async openInvite(token: string): Promise<{ invite: GuestInviteRecord; workshop: WorkshopRecord }> {
    const invite = await this.storage.getGuestInviteByHash(hashSecret(token));
    const workshop = invite ? await this.storage.getWorkshop(invite.workshopId) : null;
    if (!invite || !workshop) {
      throw new AppError(404, ErrorCode.NotFound, 'This guest link is not one this workspace gave out. Check that the whole link was copied, or ask the facilitator for a new one.');
    }
    this.assertOpen(invite, workshop);
    return { invite, workshop };
  }

  /**
   * Joins the link's workshop as a new guest with this name and organisation, and opens their
   * session. The same refusals as `openInvite`, checked again where the guest is made (the
   * workshop may end meanwhile), and 409 when the workshop has its most guests.
   */
  async join(token: string, person: { name: string; organisation: string }): Promise<IssuedSession> {
    const { invite, workshop } = await this.openInvite(token);
    const result = await this.storage.joinAsGuest(
      { inviteId: invite.id, name: person.name, organisation: person.organisation, at: this.now().toISOString() },
      { max: GUEST_LIMITS.guestsPerWorkshopMax },
    );
    if (!result.ok) {
      if (result.reason === 'full') {
        throw errors.conflict(`“${workshop.title}” already has ${GUEST_LIMITS.guestsPerWorkshopMax} guests, the most a workshop can have. Ask the facilitator.`);
      }
      // Expired or ended in the moment since it was opened: say which, as opening it would.
      const current = await this.storage.getWorkshop(workshop.id);
      this.assertOpen(invite, current ?? { ...workshop, endedAt: this.now().toISOString() });
      throw errors.gone('This guest link no longer works. Ask the facilitator for a new one.');
    }
    this.logger.info('guest joined', { workshop: workshop.id, invite: invite.id, user: result.user.id });
    return this.sessions.openSession(result.user);
  }

  /** Throws 410 with what the guest needs to know when the link no longer lets anyone in. */
  private assertOpen(invite: GuestInviteRecord, workshop: WorkshopRecord): void {
    if (workshop.endedAt !== null) throw errors.gone(`The workshop “${workshop.title}” has ended, so its guest link no longer works.`);
    if (Date.parse(invite.expiresAt) <= this.now().getTime()) throw errors.gone('This guest link has expired. Ask the facilitator for a new one.');
  }
}
