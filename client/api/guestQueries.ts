/**
 * Joining a workshop as a guest: what a guest link is for, and joining by it; and the
 * facilitator's side, making and stopping links. Kept beside
 * `queries.ts`, whose keys and sign-in handling it shares.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LoginResponseSchema } from '../../shared/api.js';
import { paths } from '../../shared/routes.js';
import {
  GuestInviteInfoSchema,
  GuestInviteListSchema,
  GuestInviteSchema,
  type CreateGuestInviteRequest,
  type JoinAsGuestRequest,
} from '../../shared/workshops/guests.js';
import { request } from './http.js';
import { signedIn } from './queries.js';

/** What the guest link with `token` is for; an error (404, 410) says why it cannot be used. */
export function useGuestInviteInfo(token: string) {
  return useQuery({
    queryKey: ['guest-invite', token],
    queryFn: ({ signal }) => request(paths.guestInvite(token), { schema: GuestInviteInfoSchema, signal }),
    enabled: token.length > 0,
    retry: false,
  });
}

/** Joins as a guest; on success the guest is `me`, signed in by the session cookie. */
export function useJoinAsGuest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: JoinAsGuestRequest) => request(paths.guestSessions, { body, schema: LoginResponseSchema }),
    onSuccess: (res) => signedIn(client, res.user),
  });
}

const guestInvitesKey = (workshopId: string) => ['workshops', workshopId, 'guest-invites'] as const;

/** The workshop's guest links, for its facilitators. */
export function useGuestInvites(workshopId: string) {
  return useQuery({
    queryKey: guestInvitesKey(workshopId),
    queryFn: ({ signal }) => request(paths.workshopGuestInvites(workshopId), { schema: GuestInviteListSchema, signal }),
  });
}

/** Makes a link; its URL (with the token) is in the answer, this once. */
export function useCreateGuestInvite(workshopId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateGuestInviteRequest) => request(paths.workshopGuestInvites(workshopId), { body, schema: GuestInviteSchema }),
    onSettled: () => client.invalidateQueries({ queryKey: guestInvitesKey(workshopId) }),
  });
}

/** Stops a link working. */
export function useStopGuestInvite(workshopId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) => request(`${paths.workshopGuestInvites(workshopId)}/${encodeURIComponent(inviteId)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: guestInvitesKey(workshopId) }),
  });
}
