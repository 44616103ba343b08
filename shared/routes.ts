/**
 * Paths the server answers and the client calls, in one place so neither end hard-codes them.
 */
export const API_PREFIX = '/api';
export const SYNC_PREFIX = '/sync';
/** Name of the HttpOnly session cookie set by sign-in and invite acceptance. */
export const SESSION_COOKIE = 'slw_session';

export const paths = {
  health: '/api/health',
  openapi: '/api/openapi.json',
  setup: '/api/setup',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  /** Your browser sessions and API tokens; DELETE `session(id)` ends one. */
  sessions: '/api/auth/sessions',
  session: (id: string) => `/api/auth/sessions/${encodeURIComponent(id)}`,
  signOutOthers: '/api/auth/sessions/sign-out-others',
  password: '/api/auth/password',
  tokens: '/api/tokens',
  token: (id: string) => `/api/tokens/${encodeURIComponent(id)}`,
  sites: '/api/sites',
  site: (slug: string) => `/api/sites/${encodeURIComponent(slug)}`,
  siteMembers: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/members`,
  siteMember: (slug: string, userId: string) =>
    `/api/sites/${encodeURIComponent(slug)}/members/${encodeURIComponent(userId)}`,
  siteRooms: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/rooms`,
  siteLog: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/log`,
  siteSearch: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/search`,
  siteMentionables: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/mentionables`,
  siteInvites: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/invites`,
  siteInvite: (slug: string, id: string) =>
    `/api/sites/${encodeURIComponent(slug)}/invites/${encodeURIComponent(id)}`,
  room: (id: string) => `/api/rooms/${encodeURIComponent(id)}`,
  /** A room's saved versions: GET lists, POST saves one. */
  roomVersions: (id: string) => `/api/rooms/${encodeURIComponent(id)}/versions`,
  /** One version: GET its content, DELETE it. */
  roomVersion: (id: string, versionId: string) => `/api/rooms/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}`,
  roomVersionRestore: (id: string, versionId: string) =>
    `/api/rooms/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}/restore`,
  siteWorkshops: (slug: string) => `/api/sites/${encodeURIComponent(slug)}/workshops`,
  workshop: (id: string) => `/api/workshops/${encodeURIComponent(id)}`,
  workshopStep: (id: string) => `/api/workshops/${encodeURIComponent(id)}/step`,
  workshopTimer: (id: string) => `/api/workshops/${encodeURIComponent(id)}/timer`,
  workshopBreakouts: (id: string) => `/api/workshops/${encodeURIComponent(id)}/breakouts`,
  /** `changes` or `merge` of one breakout group, by its map's room id. */
  workshopBreakoutGroup: (id: string, groupRoomId: string, action: 'changes' | 'merge') =>
    `/api/workshops/${encodeURIComponent(id)}/breakouts/${encodeURIComponent(groupRoomId)}/${action}`,
  workshopFollow: (id: string) => `/api/workshops/${encodeURIComponent(id)}/follow`,
  workshopSummon: (id: string) => `/api/workshops/${encodeURIComponent(id)}/summon`,
  workshopHand: (id: string) => `/api/workshops/${encodeURIComponent(id)}/hand`,
  workshopPeople: (id: string) => `/api/workshops/${encodeURIComponent(id)}/people`,
  workshopEnd: (id: string) => `/api/workshops/${encodeURIComponent(id)}/end`,
  workshopRounds: (id: string) => `/api/workshops/${encodeURIComponent(id)}/rounds`,
  workshopRound: (id: string, roundId: string) => `/api/workshops/${encodeURIComponent(id)}/rounds/${encodeURIComponent(roundId)}`,
  /** `votes`, `notes`, `close`, `reveal` or `to-map` of a round. */
  workshopRoundAction: (id: string, roundId: string, action: 'votes' | 'notes' | 'close' | 'reveal' | 'to-map') =>
    `/api/workshops/${encodeURIComponent(id)}/rounds/${encodeURIComponent(roundId)}/${action}`,
  /** POST: a link that lets guests from other agencies join the workshop (facilitators). */
  workshopGuestInvites: (id: string) => `/api/workshops/${encodeURIComponent(id)}/guest-invites`,
  /** GET: what a guest link is for (no sign-in). */
  guestInvite: (token: string) => `/api/guest-invites/${encodeURIComponent(token)}`,
  /** POST: join a workshop as a guest with a link's token, a name and an organisation. */
  guestSessions: '/api/guest-sessions',
  /** The server's clock, for the workshop timer's clock offset. */
  time: '/api/time',
  invite: (token: string) => `/api/invites/${encodeURIComponent(token)}`,
  acceptInvite: (token: string) => `/api/invites/${encodeURIComponent(token)}/accept`,
  /** The y-websocket server URL; the provider appends `/:roomId`. */
  sync: SYNC_PREFIX,
  syncRoom: (roomId: string) => `${SYNC_PREFIX}/${encodeURIComponent(roomId)}`,
} as const;

/**
 * The page a guest link opens; the token travels in the fragment, as invite links' do, so it
 * is never sent to a server or written to a log.
 *
 * @example
 * guestLinkPath('k3J…') // '/workshops/guest#token=k3J…'
 */
export function guestLinkPath(token: string): string {
  return `/workshops/guest#token=${encodeURIComponent(token)}`;
}

/**
 * The page that shows one element, connection or loop of a map: the map room, with it selected
 * (what a mention, a log link or a search result opens).
 *
 * @example
 * mapRefHref({ roomId: 'torbay-map-0001', targetId: 'footfall' }) // '/rooms/torbay-map-0001?select=footfall'
 */
export function mapRefHref(target: { roomId: string; targetId: string }): string {
  return `/rooms/${encodeURIComponent(target.roomId)}?select=${encodeURIComponent(target.targetId)}`;
}
