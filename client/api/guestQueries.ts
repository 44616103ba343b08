/**
 * Joining a workshop as a guest: what a guest link is for, and joining by it. Kept beside
 * `queries.ts`, whose keys and sign-in handling it shares.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LoginResponseSchema } from '../../shared/api.js';
import { paths } from '../../shared/routes.js';
import { GuestInviteInfoSchema, type JoinAsGuestRequest } from '../../shared/workshops/guests.js';
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
