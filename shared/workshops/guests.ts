/**
 * Guests of a workshop: people from other agencies a facilitator invites to one workshop by a
 * link. Request and response shapes of `POST /api/workshops/{id}/guest-invites`,
 * `GET /api/guest-invites/{token}` and `POST /api/guest-sessions`, published in the OpenAPI
 * description like the rest.
 */
import { z } from 'zod';
import { DisplayNameSchema, oneLineText, OpaqueTokenSchema, OrganisationSchema } from '../api.js';

export const GUEST_LIMITS = {
  /** The longest a link works (it stops sooner if the workshop ends), in days. */
  linkDaysMax: 7,
  labelMax: 100,
  /** The most guests one workshop takes, however many links it has. */
  guestsPerWorkshopMax: 200,
} as const;

/** `POST /api/workshops/{id}/guest-invites` */
export const CreateGuestInviteRequestSchema = z.object({
  /** Who the link is for ("Police partners"), for the facilitator's own reference. */
  label: oneLineText('a label cannot be empty', GUEST_LIMITS.labelMax).optional(),
  expiresInDays: z.number().int().min(1).max(GUEST_LIMITS.linkDaysMax).default(GUEST_LIMITS.linkDaysMax),
});
export type CreateGuestInviteRequest = z.input<typeof CreateGuestInviteRequestSchema>;

/** A new guest link. Its token is shown this once: only a hash of it is kept. */
export const GuestInviteSchema = z.object({
  id: z.string(),
  workshopId: z.string(),
  label: z.string().nullable(),
  /** The link to send, at the workspace's public address. */
  url: z.string(),
  token: z.string(),
  /** When it stops working, if the workshop has not ended before. */
  expiresAt: z.string(),
});
export type GuestInvite = z.infer<typeof GuestInviteSchema>;

/** `GET /api/workshops/{id}/guest-invites`: the links made, newest first (their tokens are not kept). */
export const GuestInviteListSchema = z.object({
  invites: z.array(z.object({ id: z.string(), label: z.string().nullable(), createdAt: z.string(), expiresAt: z.string(), active: z.boolean() })),
});
export type GuestInviteList = z.infer<typeof GuestInviteListSchema>;

/** `GET /api/guest-invites/{token}`: what the link is for, so the page can say before asking a name. */
export const GuestInviteInfoSchema = z.object({
  workshop: z.object({ id: z.string(), title: z.string(), startsAt: z.string(), siteName: z.string() }),
  expiresAt: z.string(),
});
export type GuestInviteInfo = z.infer<typeof GuestInviteInfoSchema>;

/** `POST /api/guest-sessions`: join as a guest. The answer is a session, as signing in gives. */
export const JoinAsGuestRequestSchema = z.object({
  token: OpaqueTokenSchema,
  name: DisplayNameSchema,
  organisation: OrganisationSchema,
});
export type JoinAsGuestRequest = z.infer<typeof JoinAsGuestRequestSchema>;
