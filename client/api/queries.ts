/**
 * Server state for the pages, through TanStack Query: one query key per resource so a change
 * made anywhere (create a room, change a role) refreshes every view that shows it.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  HealthSchema,
  InviteInfoSchema,
  InviteSchema,
  LoginResponseSchema,
  EndedSessionsSchema,
  MemberSchema,
  PendingInviteSchema,
  RoomPageSchema,
  RoomSchema,
  SessionListSchema,
  SiteDetailSchema,
  SiteSchema,
  UserSchema,
  RestoredVersionSchema,
  VersionListSchema,
  VersionSchema,
  VersionWithContentSchema,
  type AcceptInviteRequest,
  type ChangePasswordRequest,
  type CreateInviteRequest,
  type CreateRoomRequest,
  type LoginRequest,
  type SetupRequest,
  type UpdateRoomRequest,
  type User,
  type Version,
} from '../../shared/api.js';
import type { SiteRole } from '../../shared/roles.js';
import { WorkshopLiveSchema } from '../../shared/workshops/live.js';
import {
  BreakoutChangesSchema,
  EndedWorkshopSchema,
  MergeBreakoutResultSchema,
  ServerTimeSchema,
  WorkshopPeopleSchema,
  WorkshopListSchema,
  WorkshopSchema,
  type CreateWorkshopRequest,
  type EndWorkshopRequest,
  type HandRequest,
  type StartBreakoutRequest,
  type SummonRequest,
  type WorkshopTimerRequest,
} from '../../shared/workshops/api.js';
import type { ClockSample } from '../../shared/workshops/timer.js';
import {
  NotesToMapResponseSchema,
  RoundListSchema,
  RoundSchema,
  type CreateRoundRequest,
  type NotesToMapRequest,
} from '../../shared/workshops/rounds.js';
import { paths } from '../../shared/routes.js';
import { PublishResultSchema, SummarySourcesSchema, SummaryStatusSchema, ThemesSchema } from '../../shared/summaries/api.js';
import type { VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { ApiError, request } from './http.js';

export const keys = {
  me: ['me'] as const,
  sites: ['sites'] as const,
  site: (slug: string) => ['sites', slug] as const,
  rooms: (slug: string, archived: RoomListKind) => ['sites', slug, 'rooms', { archived }] as const,
  room: (id: string) => ['rooms', id] as const,
  invite: (token: string) => ['invite', token] as const,
  invites: (slug: string) => ['sites', slug, 'invites'] as const,
  setup: ['setup'] as const,
  health: ['health'] as const,
  sessions: ['sessions'] as const,
  versions: (roomId: string) => ['rooms', roomId, 'versions'] as const,
  version: (roomId: string, versionId: string) => ['rooms', roomId, 'versions', versionId] as const,
  workshops: (slug: string) => ['sites', slug, 'workshops'] as const,
  workshop: (id: string) => ['workshops', id] as const,
  rounds: (id: string) => ['workshops', id, 'rounds'] as const,
};

/** The signed-in person, or null when signed out (a 401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async ({ signal }): Promise<User | null> => {
      try {
        return (await request(paths.me, { schema: z.object({ user: UserSchema }), signal })).user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Someone signed in (or joined as a guest): the cache starts again, with them as `me`. */
export function signedIn(client: QueryClient, user: User) {
  // Whatever was cached belonged to the previous person (if any).
  client.clear();
  client.setQueryData(keys.me, user);
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => request(paths.login, { body, schema: LoginResponseSchema }),
    onSuccess: (res) => signedIn(client, res.user),
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request(paths.logout, { method: 'POST' }),
    onSettled: () => {
      client.clear();
      client.setQueryData(keys.me, null);
    },
  });
}

/** Where the signed-in person is signed in: browser sessions and API tokens. */
export function useSessions() {
  return useQuery({
    queryKey: keys.sessions,
    queryFn: ({ signal }) => request(paths.sessions, { schema: SessionListSchema, signal }),
  });
}

export function useEndSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(paths.session(id), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sessions }),
  });
}

export function useSignOutOthers() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request(paths.signOutOthers, { method: 'POST', schema: EndedSessionsSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sessions }),
  });
}

export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => request(paths.password, { body, schema: EndedSessionsSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sessions }),
  });
}

export function useSetupNeeded() {
  return useQuery({
    queryKey: keys.setup,
    queryFn: ({ signal }) => request(paths.setup, { schema: z.object({ needed: z.boolean() }), signal }),
  });
}

export function useSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupRequest) => request(paths.setup, { body, schema: LoginResponseSchema }),
    onSuccess: (res) => signedIn(client, res.user),
  });
}

export function useInviteInfo(token: string) {
  return useQuery({
    queryKey: keys.invite(token),
    queryFn: ({ signal }) => request(paths.invite(token), { schema: InviteInfoSchema, signal }),
    enabled: token.length > 0,
    retry: false,
  });
}

export function useAcceptInvite(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AcceptInviteRequest) => request(paths.acceptInvite(token), { body, schema: LoginResponseSchema }),
    onSuccess: (res) => signedIn(client, res.user),
  });
}

export function useSites() {
  return useQuery({
    queryKey: keys.sites,
    queryFn: ({ signal }) => request(paths.sites, { schema: z.array(SiteSchema), signal }),
  });
}

export function useSite(slug: string, enabled = true) {
  return useQuery({
    queryKey: keys.site(slug),
    queryFn: ({ signal }) => request(paths.site(slug), { schema: SiteDetailSchema, signal }),
    enabled,
  });
}

/** Which rooms a list shows: those in use (`false`) or the archived ones (`only`). */
export type RoomListKind = 'false' | 'only';

/**
 * A site's rooms, a page (100) at a time: `data.pages`, with `fetchNextPage` for the next one
 * while `hasNextPage`. A change to the site (a room created, renamed, archived) invalidates
 * `keys.site(slug)` and so refetches every page loaded so far.
 */
export function useRooms(slug: string, archived: RoomListKind, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.rooms(slug, archived),
    queryFn: ({ signal, pageParam }) => {
      const query = new URLSearchParams({ archived });
      if (pageParam) query.set('cursor', pageParam);
      return request(`${paths.siteRooms(slug)}?${query}`, { schema: RoomPageSchema, signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled,
  });
}

export function useRoom(id: string) {
  return useQuery({
    queryKey: keys.room(id),
    queryFn: ({ signal }) => request(paths.room(id), { schema: RoomSchema, signal }),
    retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 3,
  });
}

export function useCreateRoom(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRoomRequest) => request(paths.siteRooms(slug), { body, schema: RoomSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.site(slug) }),
  });
}

export function useUpdateRoom() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateRoomRequest & { id: string }) =>
      request(paths.room(id), { method: 'PATCH', body, schema: RoomSchema }),
    onSuccess: (room) => {
      client.setQueryData(keys.room(room.id), room);
      return client.invalidateQueries({ queryKey: keys.site(room.siteSlug) });
    },
  });
}

export function useSetMemberRole(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: SiteRole }) =>
      request(paths.siteMember(slug, userId), { method: 'PUT', body: { role }, schema: MemberSchema }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: keys.site(slug) }), client.invalidateQueries({ queryKey: keys.sites })]),
  });
}

export function useRemoveMember(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => request(paths.siteMember(slug, userId), { method: 'DELETE' }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: keys.site(slug) }), client.invalidateQueries({ queryKey: keys.sites })]),
  });
}

export function useCreateInvite(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInviteRequest) => request(paths.siteInvites(slug), { body, schema: InviteSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.invites(slug) }),
  });
}

export function usePendingInvites(slug: string) {
  return useQuery({
    queryKey: keys.invites(slug),
    queryFn: ({ signal }) => request(paths.siteInvites(slug), { schema: z.array(PendingInviteSchema), signal }),
  });
}

export function useRevokeInvite(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(paths.siteInvite(slug, id), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.invites(slug) }),
  });
}

/** `/api/health`, which also says where the workspace is served (its PUBLIC_URL). */
export function useHealth(enabled = true) {
  return useQuery({
    queryKey: keys.health,
    queryFn: ({ signal }) => request(paths.health, { schema: HealthSchema, signal }),
    enabled,
    staleTime: Infinity,
  });
}

/**
 * How often an open versions panel asks for the list again, so a version someone else saved
 * shows up without a reload (saving one is not an edit of the doc, so nothing arrives over
 * sync). TanStack Query pauses the polling while the tab is hidden.
 */
export const VERSIONS_POLL_MS = 5000;

/** A room's saved versions, newest first, polled while the component using it is mounted. */
export function useVersions(roomId: string) {
  return useQuery({
    queryKey: keys.versions(roomId),
    queryFn: ({ signal }) => request(paths.roomVersions(roomId), { schema: VersionListSchema, signal }),
    refetchInterval: VERSIONS_POLL_MS,
  });
}

const versionQuery = (roomId: string, versionId: string) => ({
  queryKey: keys.version(roomId, versionId),
  queryFn: ({ signal }: { signal: AbortSignal }) => request(paths.roomVersion(roomId, versionId), { schema: VersionWithContentSchema, signal }),
  // A version never changes once saved.
  staleTime: Infinity,
});

/** One version with its content; nothing while `versionId` is null. */
export function useVersion(roomId: string, versionId: string | null) {
  return useQuery({ ...versionQuery(roomId, versionId ?? ''), enabled: versionId !== null });
}

/** Fetches a version's content on demand (a click on View), from the cache when it was fetched before. */
export function useFetchVersion(roomId: string) {
  const client = useQueryClient();
  return (versionId: string) => client.fetchQuery(versionQuery(roomId, versionId));
}

export function useSaveVersion(roomId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => request(paths.roomVersions(roomId), { body: { name }, schema: VersionSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.versions(roomId), exact: true }),
  });
}

export function useDeleteVersion(roomId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (version: Version) => request(paths.roomVersion(roomId, version.id), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.versions(roomId), exact: true }),
  });
}

/** Restores a version for everyone (the server rewrites the room, saving it as it was first). */
export function useRestoreVersion(roomId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (version: Version) => request(paths.roomVersionRestore(roomId, version.id), { method: 'POST', schema: RestoredVersionSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.versions(roomId), exact: true }),
  });
}

/** A site's workshops, newest first (their agendas; the live state is in each one's room). */
export function useWorkshops(slug: string, enabled = true) {
  return useQuery({
    queryKey: keys.workshops(slug),
    queryFn: ({ signal }) => request(paths.siteWorkshops(slug), { schema: WorkshopListSchema, signal }),
    enabled,
  });
}

/** One workshop; its `live` is only the state when it was read (the page follows the room's doc). */
export function useWorkshop(id: string) {
  return useQuery({
    queryKey: keys.workshop(id),
    queryFn: ({ signal }) => request(paths.workshop(id), { schema: WorkshopSchema, signal }),
  });
}

export function useCreateWorkshop(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWorkshopRequest) => request(paths.siteWorkshops(slug), { body, schema: WorkshopSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.workshops(slug) }),
  });
}

/*
 * Running a workshop changes its room's doc, which every open page (this one too) receives over
 * sync: nothing to invalidate.
 */
export function useWorkshopStep(id: string) {
  return useMutation({
    mutationFn: (index: number) => request(paths.workshopStep(id), { body: { index }, schema: WorkshopLiveSchema }),
  });
}

export function useWorkshopTimer(id: string) {
  return useMutation({
    mutationFn: (body: WorkshopTimerRequest) => request(paths.workshopTimer(id), { body, schema: WorkshopLiveSchema }),
  });
}

/** Everyone who has joined the workshop; read again when who is connected changes (`stamp`). */
export function useWorkshopPeople(id: string, stamp: string) {
  return useQuery({
    queryKey: [...keys.workshop(id), 'people', stamp],
    queryFn: ({ signal }) => request(paths.workshopPeople(id), { schema: WorkshopPeopleSchema, signal }),
    placeholderData: (previous) => previous,
  });
}

/** Starts breakouts; everyone sees their group through the room. */
export function useStartBreakout(id: string) {
  return useMutation({ mutationFn: (body: StartBreakoutRequest) => request(paths.workshopBreakouts(id), { body, schema: WorkshopLiveSchema }) });
}

export function useCloseBreakout(id: string) {
  return useMutation({ mutationFn: () => request(`${paths.workshopBreakouts(id)}/close`, { method: 'POST', schema: WorkshopLiveSchema }) });
}

/** What a group changed against the base (read when the facilitator compares, and after a merge). */
export function useBreakoutChanges(id: string, groupRoomId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.workshop(id), 'breakout', groupRoomId],
    queryFn: ({ signal }) => request(paths.workshopBreakoutGroup(id, groupRoomId, 'changes'), { schema: BreakoutChangesSchema, signal }),
    enabled,
  });
}

export function useMergeBreakout(id: string, groupRoomId: string) {
  return useMutation({
    mutationFn: (ids: string[]) => request(paths.workshopBreakoutGroup(id, groupRoomId, 'merge'), { body: { ids }, schema: MergeBreakoutResultSchema }),
  });
}

/** Starts or stops "follow me"; everyone sees it through the room. */
export function useFollow(id: string) {
  return useMutation({ mutationFn: (roomId: string | null) => request(paths.workshopFollow(id), { body: { roomId }, schema: WorkshopLiveSchema }) });
}

/** "Bring everyone here". */
export function useSummon(id: string) {
  return useMutation({ mutationFn: (body: SummonRequest) => request(paths.workshopSummon(id), { body, schema: WorkshopLiveSchema }) });
}

/** Raises or lowers a hand; everyone sees it through the room. */
export function useHand(id: string) {
  return useMutation({ mutationFn: (body: HandRequest) => request(paths.workshopHand(id), { body, schema: WorkshopLiveSchema }) });
}

/** Ends the workshop; every page sees it end through the room, the site's lists are read again. */
export function useEndWorkshop(id: string, slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EndWorkshopRequest) => request(paths.workshopEnd(id), { body, schema: EndedWorkshopSchema }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.workshops(slug) });
      void client.invalidateQueries({ queryKey: keys.workshop(id) });
    },
  });
}

/**
 * The workshop's rounds with this person's own entries (all the API gives anyone before a round
 * closes). Read again when the rounds' public state in the room changes (`version`).
 */
export function useRounds(id: string) {
  return useQuery({
    queryKey: keys.rounds(id),
    queryFn: ({ signal }) => request(paths.workshopRounds(id), { schema: RoundListSchema, signal }),
  });
}

/** Each round action answers with the round as the caller sees it: the list is read again. */
function useRoundMutation<V>(id: string, call: (variables: V) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: call, onSettled: () => client.invalidateQueries({ queryKey: keys.rounds(id) }) });
}

export function useOpenRound(id: string) {
  return useRoundMutation(id, (body: CreateRoundRequest) => request(paths.workshopRounds(id), { body, schema: RoundSchema }));
}

export function useCastVotes(id: string) {
  return useRoundMutation(id, ({ roundId, targets }: { roundId: string; targets: string[] }) =>
    request(paths.workshopRoundAction(id, roundId, 'votes'), { method: 'PUT', body: { targets }, schema: RoundSchema }),
  );
}

export function useAddNote(id: string) {
  return useRoundMutation(id, ({ roundId, text }: { roundId: string; text: string }) =>
    request(paths.workshopRoundAction(id, roundId, 'notes'), { body: { text }, schema: RoundSchema }),
  );
}

/** Closes a vote or reveals notes and answers (the action the round's kind takes). */
export function useCloseRound(id: string) {
  return useRoundMutation(id, ({ roundId, action }: { roundId: string; action: 'close' | 'reveal' }) =>
    request(paths.workshopRoundAction(id, roundId, action), { method: 'POST', schema: RoundSchema }),
  );
}

export function useNotesToMap(id: string) {
  return useMutation({
    mutationFn: ({ roundId, body }: { roundId: string; body: NotesToMapRequest }) =>
      request(paths.workshopRoundAction(id, roundId, 'to-map'), { body, schema: NotesToMapResponseSchema }),
  });
}

/** One exchange with the server's clock, timed with this one, for `clockOffset`. */
export async function sampleServerClock(signal?: AbortSignal): Promise<ClockSample> {
  const sentAt = Date.now();
  const { now } = await request(paths.time, { schema: ServerTimeSchema, signal });
  return { sentAt, serverNow: now, receivedAt: Date.now() };
}

// ---------------------------------------------------------------------------------------------
// Learning summaries: what a summary room can draw on, its publications, publishing.

/**
 * The summary endpoints of a room of kind `summary`. `preview` is a page, not JSON: it is opened
 * in a new tab with a plain link, and the session cookie authenticates it.
 */
export const summaryPaths = {
  status: (roomId: string) => `${paths.room(roomId)}/summary`,
  sources: (roomId: string) => `${paths.room(roomId)}/summary/sources`,
  preview: (roomId: string) => `${paths.room(roomId)}/summary/preview`,
  publish: (roomId: string) => `${paths.room(roomId)}/summary/publish`,
  withdraw: (roomId: string) => `${paths.room(roomId)}/summary/withdraw`,
} as const;

/**
 * Under the room's key, so a change of access (which invalidates the room) reads them again; not
 * under one another, so invalidating the status after publishing leaves the sources alone.
 */
export const summaryKeys = {
  status: (roomId: string) => [...keys.room(roomId), 'summary-status'] as const,
  sources: (roomId: string) => [...keys.room(roomId), 'summary-sources'] as const,
};

/** The site's maps, log entries, documents and vocabularies a summary draws on (members and up). */
export function useSummarySources(roomId: string, enabled = true) {
  return useQuery({
    queryKey: summaryKeys.sources(roomId),
    queryFn: ({ signal }) => request(summaryPaths.sources(roomId), { schema: SummarySourcesSchema, signal }),
    enabled,
    // Maps and the log change while a summary is drafted, but not from one minute to the next.
    staleTime: 60_000,
  });
}

/** The summary's public address, its published versions, and notes on items that cannot be published as they are. */
export function useSummaryStatus(roomId: string) {
  return useQuery({
    queryKey: summaryKeys.status(roomId),
    queryFn: ({ signal }) => request(summaryPaths.status(roomId), { schema: SummaryStatusSchema, signal }),
  });
}

/** Publishes the draft as a new version (facilitators). */
export function usePublishSummary(roomId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request(summaryPaths.publish(roomId), { method: 'POST', schema: PublishResultSchema }),
    onSuccess: () => client.invalidateQueries({ queryKey: summaryKeys.status(roomId) }),
  });
}

/** Withdraws every published version (facilitators); answers with the status as it now is. */
export function useWithdrawSummary(roomId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request(summaryPaths.withdraw(roomId), { method: 'POST', schema: SummaryStatusSchema }),
    onSuccess: (status) => {
      client.setQueryData(summaryKeys.status(roomId), status);
      return client.invalidateQueries({ queryKey: summaryKeys.status(roomId) });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The programme's theme vocabulary, which lessons in every site's summary are tagged with.

export const themesPath = '/api/learning/themes';
/** Not under a room: one list for the whole workspace. */
export const themesKey = ['learning', 'themes'] as const;

/** The programme's themes, in the order summaries offer them (anyone signed in). */
export function useLearningThemes() {
  return useQuery({
    queryKey: themesKey,
    queryFn: ({ signal }) => request(themesPath, { schema: ThemesSchema, signal }),
  });
}

/**
 * Replaces the whole list (administrators; a 400 names an invalid or repeated id). The answer is
 * the list as stored, so it is cached at once; summary sources carry the themes too, so any that
 * are cached are read again rather than offering the old labels for up to a minute.
 */
export function useSaveLearningThemes() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (themes: VocabularyTerm[]) => request(themesPath, { method: 'PUT', body: { themes }, schema: ThemesSchema }),
    onSuccess: (saved) => {
      client.setQueryData(themesKey, saved);
      return Promise.all([
        client.invalidateQueries({ queryKey: themesKey }),
        client.invalidateQueries({ predicate: (query) => query.queryKey[0] === 'rooms' && query.queryKey[2] === 'summary-sources' }),
      ]);
    },
  });
}
