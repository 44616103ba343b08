/**
 * Request and response shapes of the REST API, as zod schemas. The server validates with them
 * and publishes them in `/api/openapi.json`; the client parses responses with them. One
 * definition, so the two ends cannot drift.
 */
import { z } from 'zod';
import { SITE_ROLES } from './roles.js';
import { ROOM_ID_PATTERN, SLUG_MAX_LENGTH, SLUG_PATTERN } from './ids.js';
import { mapDataSchema } from './map/json.js';
import type { SearchTargetKind } from './search/types.js';
import { unsafeTextMessage } from './text.js';

export const ROOM_KINDS = ['map', 'doc', 'log', 'workshop', 'summary'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
/**
 * The kinds people create. A site's one learning log (`log`) comes with the site instead, and a
 * workshop's live room (`workshop`) with its workshop. A learning summary (`summary`) is drafted
 * in a room of its own and published from it (`shared/summaries/`).
 */
export const CREATABLE_ROOM_KINDS = ['map', 'doc', 'summary'] as const satisfies readonly RoomKind[];
export type CreatableRoomKind = (typeof CREATABLE_ROOM_KINDS)[number];
/** The title every site's learning log has; it cannot be renamed. */
export const LOG_ROOM_TITLE = 'Learning log';

/** Limits on what people type, so one paste cannot bloat every list response. */
export const LIMITS = {
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 1024,
  nameMax: 100,
  organisationMax: 200,
  titleMax: 200,
  siteNameMax: 200,
  siteIssueMax: 1000,
  sponsorMax: 200,
  tokenNameMax: 100,
  inviteDaysMax: 30,
  tokenDaysMax: 366,
} as const;

export const SiteRoleSchema = z.enum(SITE_ROLES);
export const RoomKindSchema = z.enum(ROOM_KINDS);
export const SlugSchema = z.string().max(SLUG_MAX_LENGTH).regex(SLUG_PATTERN, 'not a site slug');
export const RoomIdSchema = z.string().regex(ROOM_ID_PATTERN, 'not a room id');
export const UserIdSchema = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not a user id');
export const InviteIdSchema = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not an invite id');
export const OpaqueTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'not a token');

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(LIMITS.emailMax)
  .pipe(z.email({ message: 'not an email address' }));
export const PasswordSchema = z
  .string()
  .min(LIMITS.passwordMin, `a password needs at least ${LIMITS.passwordMin} characters`)
  .max(LIMITS.passwordMax);
/**
 * One line of text that others will see (a name, a title): trimmed, not empty, not too long,
 * and without control, line-break or bidi-override characters (see `shared/text.ts`).
 *
 * @example
 * oneLineText('a title is needed', 200).parse('  Torbay map ') // 'Torbay map'
 */
export function oneLineText(emptyMessage: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = unsafeTextMessage(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

export const DisplayNameSchema = oneLineText('a name is needed', LIMITS.nameMax);
export const OrganisationSchema = oneLineText('an organisation is needed', LIMITS.organisationMax);
export const TitleSchema = oneLineText('a title is needed', LIMITS.titleMax);
/** A site's name, issue and sponsor, as `npm run cli -- site add` takes them. */
export const SiteNameSchema = oneLineText('a site name is needed', LIMITS.siteNameMax);
export const SiteIssueSchema = oneLineText('an issue is needed', LIMITS.siteIssueMax);
export const SponsorSchema = oneLineText('a sponsor is needed', LIMITS.sponsorMax);

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.string(),
  /**
   * The workshop this person is a guest of (invited to it alone, by link), or null for someone
   * with an account. A guest opens only that workshop and what its steps work on.
   */
  guestOf: z.string().nullable().default(null),
});
export type User = z.infer<typeof UserSchema>;

export const LoginRequestSchema = z.object({
  email: EmailSchema,
  // Any length is checked against the hash, so a too-short password reads as "wrong password",
  // not as a validation error that would reveal the policy to a guesser.
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const LoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: UserSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const SetupRequestSchema = z.object({
  token: OpaqueTokenSchema,
  email: EmailSchema,
  password: PasswordSchema,
  name: DisplayNameSchema,
  organisation: OrganisationSchema,
});
export type SetupRequest = z.infer<typeof SetupRequestSchema>;

export const SiteSchema = z.object({
  slug: z.string(),
  name: z.string(),
  issue: z.string(),
  sponsor: z.string(),
  role: SiteRoleSchema.nullable(),
});
export type Site = z.infer<typeof SiteSchema>;

export const MemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: z.string(),
  role: SiteRoleSchema,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const SiteDetailSchema = SiteSchema.extend({
  members: z.array(MemberSchema),
  roomCount: z.number().int(),
});
export type SiteDetail = z.infer<typeof SiteDetailSchema>;

export const UpsertMemberRequestSchema = z.object({ role: SiteRoleSchema });

export const RoomSchema = z.object({
  id: z.string(),
  siteSlug: z.string(),
  kind: RoomKindSchema,
  title: z.string(),
  archived: z.boolean(),
  /**
   * Locked by a facilitator: everyone else reads it live and the server drops their edits.
   * `lockedBy` names who locked it (on a single room's reads; null in lists).
   */
  locked: z.boolean(),
  lockedBy: z.object({ id: z.string(), name: z.string(), organisation: z.string() }).nullable(),
  lockedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Room = z.infer<typeof RoomSchema>;

/** Most rooms one page of `GET /api/sites/{slug}/rooms` holds, and how many unless asked. */
export const ROOM_PAGE_LIMITS = { default: 100, max: 500 } as const;

/**
 * `GET /api/sites/{slug}/rooms?archived=&limit=&cursor=`. `archived`: `false` (the default) the
 * rooms in use, `true` those and the archived ones after them, `only` the archived ones.
 */
export const RoomListQuerySchema = z.object({
  archived: z.enum(['true', 'false', 'only']).optional(),
  limit: z.coerce.number().int().min(1).max(ROOM_PAGE_LIMITS.max).default(ROOM_PAGE_LIMITS.default),
  /** `nextCursor` of the previous page; absent for the first. */
  cursor: z.string().min(1).max(200).optional(),
});
export type RoomListQuery = z.input<typeof RoomListQuerySchema>;

/** One page of a site's rooms: in use first, then most recently changed first. */
export const RoomPageSchema = z.object({
  rooms: z.array(RoomSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** How many rooms the whole list (every page) holds. */
  total: z.number().int(),
});
export type RoomPage = z.infer<typeof RoomPageSchema>;

export const CreateRoomRequestSchema = z.object({ kind: z.enum(CREATABLE_ROOM_KINDS), title: TitleSchema });
export type CreateRoomRequest = z.infer<typeof CreateRoomRequestSchema>;

export const UpdateRoomRequestSchema = z
  .object({ title: TitleSchema.optional(), archived: z.boolean().optional(), locked: z.boolean().optional() })
  .refine((v) => v.title !== undefined || v.archived !== undefined || v.locked !== undefined, {
    message: 'give a title, archived or locked',
  });
export type UpdateRoomRequest = z.infer<typeof UpdateRoomRequestSchema>;

/** `GET /api/sites/{slug}/log`: the site's learning log, a room of kind `log`. */
export const LogRoomSchema = z.object({ id: z.string(), kind: z.literal('log'), title: z.string() });
export type LogRoom = z.infer<typeof LogRoomSchema>;

export const CreateInviteRequestSchema = z.object({
  role: SiteRoleSchema,
  /** When given, only this address can accept the invite. */
  email: EmailSchema.optional(),
  expiresInDays: z.number().int().min(1).max(LIMITS.inviteDaysMax).default(7),
});
export type CreateInviteRequest = z.input<typeof CreateInviteRequestSchema>;

export const InviteSchema = z.object({
  /** Names the invite in the list of pending invites and for withdrawing it. */
  id: z.string(),
  token: z.string(),
  url: z.string(),
  siteSlug: z.string(),
  role: SiteRoleSchema,
  email: z.string().nullable(),
  expiresAt: z.string(),
});
export type Invite = z.infer<typeof InviteSchema>;

/**
 * An invite that can still be accepted, as facilitators see it. It has no token or link: only
 * the token's hash is stored, so the link is shown once, when the invite is created.
 */
export const PendingInviteSchema = z.object({
  id: z.string(),
  siteSlug: z.string(),
  role: SiteRoleSchema,
  email: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Who made it; null once their account no longer exists. */
  createdBy: z.object({ name: z.string(), organisation: z.string() }).nullable(),
});
export type PendingInvite = z.infer<typeof PendingInviteSchema>;

export const InviteInfoSchema = z.object({
  site: z.object({ slug: z.string(), name: z.string(), issue: z.string() }),
  role: SiteRoleSchema,
  email: z.string().nullable(),
  expiresAt: z.string(),
});
export type InviteInfo = z.infer<typeof InviteInfoSchema>;

/**
 * Accepting an invite. Someone new gives name and organisation too; someone who already has an
 * account gives only its email and password (name and organisation are then ignored).
 */
export const AcceptInviteRequestSchema = z.object({
  email: EmailSchema,
  name: DisplayNameSchema.optional(),
  organisation: OrganisationSchema.optional(),
  password: PasswordSchema,
});
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequestSchema>;

export const CreateTokenRequestSchema = z.object({
  name: oneLineText('a token name is needed', LIMITS.tokenNameMax),
  expiresInDays: z.number().int().min(1).max(LIMITS.tokenDaysMax).optional(),
});

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });

/**
 * One way someone is signed in, as they see it in their account: a browser session (`session`,
 * from signing in) or an API token (`api`). Never carries the secret or its hash.
 */
export const SessionSchema = z.object({
  id: z.string(),
  kind: z.enum(['session', 'api']),
  /** `session` for browser sessions; the name given to an API token. */
  name: z.string(),
  createdAt: z.string(),
  /** Updated at most once a minute; null until first used after signing in. */
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** The credential this request was made with ("this session"). */
  current: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionSchema) });

/** How many sessions and API tokens a sign-out or password change ended. */
export const EndedSessionsSchema = z.object({ ended: z.number().int() });

export const ChangePasswordRequestSchema = z.object({
  // Checked against the hash whatever its length, as at sign-in.
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSeconds: z.number(),
  rooms: z.number().int(),
  connections: z.number().int(),
  /** Bytes waiting to be written to clients' sockets (bounded by MAX_QUEUED_BYTES). */
  queuedBytes: z.number().int(),
  /**
   * The address the workspace is served at (PUBLIC_URL). A page opened at another address
   * cannot open rooms; the client tells the person where to go instead.
   */
  publicUrl: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;

/**
 * `GET /api/ready`: 200 when this instance can serve (its store answered within 2 s), else 503
 * with the reason. For load balancers; `/api/health` answers whether the process is alive.
 */
export const ReadySchema = z.object({ status: z.literal('ready') });
export const NotReadySchema = z.object({
  status: z.literal('unavailable'),
  /** e.g. "storage did not answer within 2000 ms"; the details are in the server's log. */
  reason: z.string(),
});
export type Readiness = z.infer<typeof ReadySchema> | z.infer<typeof NotReadySchema>;

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Longest search or mention query, and the most results one request returns. */
export const SEARCH_LIMITS = { queryMax: 200, resultsMax: 50, refsMax: 100 } as const;

const SearchLimitSchema = z.coerce.number().int().min(1).max(SEARCH_LIMITS.resultsMax);

/** `GET /api/sites/{slug}/search?q=&limit=` */
export const SearchQuerySchema = z.object({
  q: z.string().max(SEARCH_LIMITS.queryMax),
  limit: SearchLimitSchema.default(20),
});

export const SnippetPartSchema = z.object({ text: z.string(), match: z.boolean() });

/** One place in a site that matched: a room, or an element, connection, loop, comment, block or entry in it. */
export const SearchResultSchema = z.object({
  roomId: z.string(),
  roomKind: RoomKindSchema,
  roomTitle: z.string(),
  target: z.enum(['room', 'element', 'connection', 'loop', 'comment', 'block', 'entry'] as const satisfies readonly SearchTargetKind[]),
  /** The place in the room (element id, loop key, thread id, block id…); '' for the room itself. */
  targetId: z.string(),
  title: z.string(),
  /** The text around the match, in runs; `match` runs are the words that matched. */
  snippet: z.array(SnippetPartSchema),
  /** Higher is better; only comparable within one response. */
  rank: z.number(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({ results: z.array(SearchResultSchema) });
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

/**
 * `GET /api/sites/{slug}/mentionables?q=&limit=` (the mention menu) or `?refs=roomId:targetId,…`
 * (current labels of mentions already made). A loop key never holds `,` or `:` (its ids are
 * %-escaped), so refs split unambiguously.
 */
export const MentionablesQuerySchema = z.object({
  q: z.string().max(SEARCH_LIMITS.queryMax).optional(),
  refs: z
    .string()
    .max(SEARCH_LIMITS.refsMax * 200)
    .optional(),
  limit: SearchLimitSchema.default(10),
});

export const MentionRefSchema = z.object({ roomId: z.string(), targetId: z.string() });
export type MentionRef = z.infer<typeof MentionRefSchema>;

export const MentionableSchema = z.object({
  roomId: z.string(),
  roomTitle: z.string(),
  targetKind: z.enum(['element', 'loop']),
  /** An element id, or a loop key (see shared/map/loops.ts). */
  targetId: z.string(),
  /** The element's label or the loop's name, as it is now. */
  label: z.string(),
});
export type Mentionable = z.infer<typeof MentionableSchema>;

export const MentionablesResponseSchema = z.object({
  items: z.array(MentionableSchema),
  /** With `refs`: the refs that name nothing any more (a deleted element or loop note). */
  missing: z.array(MentionRefSchema),
});
export type MentionablesResponse = z.infer<typeof MentionablesResponseSchema>;

/** Named versions of a map or document, kept by the server beside the room (not in its doc). */
export const VERSION_LIMITS = {
  /** Longest version name. */
  nameMax: 120,
  /** Versions kept per room: saving one more drops the oldest. */
  perRoom: 50,
} as const;

export const VersionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a version id');

/** A few numbers about what a version holds, for the list: a map's elements and connections, a document's words. */
export const VersionSummarySchema = z.object({
  elements: z.number().int().optional(),
  connections: z.number().int().optional(),
  words: z.number().int().optional(),
});
export type VersionSummary = z.infer<typeof VersionSummarySchema>;

/** One saved version, without its content (`GET /api/rooms/{id}/versions`). */
export const VersionSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  name: z.string(),
  /** Who saved it, as they were then; `userId` null for the server's own (a version moved out of an old doc keeps its saver). */
  createdBy: z.object({ userId: z.string().nullable(), name: z.string(), organisation: z.string() }),
  createdAt: z.string(),
  summary: VersionSummarySchema,
  /** Size of the stored snapshot of the room. */
  bytes: z.number().int(),
});
export type Version = z.infer<typeof VersionSchema>;

/** A room's versions, newest first. */
export const VersionListSchema = z.object({ versions: z.array(VersionSchema) });
export type VersionList = z.infer<typeof VersionListSchema>;

export const CreateVersionRequestSchema = z.object({ name: oneLineText('a version name is needed', VERSION_LIMITS.nameMax) });
export type CreateVersionRequest = z.infer<typeof CreateVersionRequestSchema>;

/** A document body as Tiptap (ProseMirror) JSON of the document schema. */
const DocJsonSchema = z.looseObject({ type: z.literal('doc'), content: z.array(z.looseObject({ type: z.string() })).optional() });

/** What a version holds, to view and compare: the map as plain data, or the document as ProseMirror JSON. */
export const VersionContentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('map'), map: mapDataSchema }),
  z.object({ kind: z.literal('doc'), doc: DocJsonSchema }),
]);
export type VersionContent = z.infer<typeof VersionContentSchema>;

/** `GET /api/rooms/{id}/versions/{versionId}` */
export const VersionWithContentSchema = VersionSchema.extend({ content: VersionContentSchema });
export type VersionWithContent = z.infer<typeof VersionWithContentSchema>;

/** `POST /api/rooms/{id}/versions/{versionId}/restore`: the version restored, and the one saved just before, to go back to. */
export const RestoredVersionSchema = z.object({ restored: VersionSchema, before: VersionSchema });
export type RestoredVersion = z.infer<typeof RestoredVersionSchema>;
