/**
 * The one storage interface of the server. Everything durable goes through it: Yjs document
 * updates and the directory of people, sites, rooms and credentials. SQLite implements it
 * (the embedded default); PostgreSQL will implement it for scale-out. `contract.ts` is the one
 * test suite every implementation must pass.
 *
 * Every method is async even where SQLite could answer synchronously, so callers are already
 * written for a networked backend.
 */
import type { RoomKind } from '../../shared/api.js';
import type { SiteRole } from '../../shared/roles.js';
import type { SearchEntry, SearchTargetKind, SnippetPart } from '../../shared/search/types.js';
import type { WorkshopStep } from '../../shared/workshops/api.js';
import type { RoundKind } from '../../shared/workshops/rounds.js';

export interface StoredDoc {
  /** The compacted state, or null when the doc has never been compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended since the snapshot, oldest first. */
  updates: Uint8Array[];
}

/** Yjs document persistence: an append-only update log compacted into a snapshot. */
export interface DocStore {
  /** The stored state of a document; an empty doc (no snapshot, no updates) when unknown. */
  loadDoc(name: string): Promise<StoredDoc>;
  /**
   * Durably appends one update. When the promise resolves the update survives a crash of
   * this process: callers relay an update to other clients only after that.
   *
   * @param origin who sent it: the account is stored with the update and, in the same
   *   transaction, counted in the doc's editors (`listRoomEditors`). Without it, or with a null
   *   `userId` (the server itself, a seed, an import), the update is stored unattributed.
   *   Its `attributions` (keys of attributions the doc has held, see `server/ydoc/rules.ts`)
   *   are kept for the doc in the same transaction.
   */
  appendUpdate(name: string, update: Uint8Array, origin?: { userId: string | null; attributions?: readonly string[] }): Promise<void>;
  /**
   * Every attribution key appended with the doc's updates (once each, in no order), so a room
   * that reloads still knows the attributions its doc held and accepts them written back
   * (an undo). Compaction keeps them. Empty for an unknown doc.
   */
  loadAttributions(name: string): Promise<string[]>;
  /**
   * Replaces the snapshot and the logged updates with one new snapshot, atomically: a crash
   * leaves either the old log or the new snapshot, never neither.
   *
   * @param current the caller's copy of the whole document (a live room's doc), which already
   *   holds every update appended so far; it becomes the snapshot, sparing the store a rebuild.
   *   Without it the store merges the snapshot and the log itself.
   */
  compactDoc(name: string, current?: Uint8Array): Promise<void>;
  /**
   * A number that grows with every update appended to the document and that compaction leaves
   * as it is, so "has this doc changed since I last read it" costs no load. 0 for an unknown
   * doc. Updates still being committed are not counted yet.
   */
  docRevision(name: string): Promise<number>;
  /**
   * Everyone whose updates were stored in the room's doc (docs are named by room id), with how
   * many and how large, most recent editor first (ties by user id). Compaction keeps these
   * counts; unattributed updates are not counted. Empty for an unknown room.
   */
  listRoomEditors(roomId: string): Promise<RoomEditorRecord[]>;
}

/** One account's edits of a room, as stored: counted when each update was appended. */
export interface RoomEditorRecord {
  userId: string;
  /** Updates stored from this account. */
  updates: number;
  /** Their total size in bytes, as sent. */
  bytes: number;
  /** When the first and the latest of them were appended (ISO 8601). */
  firstAt: string;
  lastAt: string;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  organisation: string;
  isAdmin: boolean;
  createdAt: string;
  /**
   * The workshop this account is a guest of, for someone invited to one workshop by link
   * (`joinAsGuest`); null for everyone with an account of their own. A guest has no password
   * and no site role: they can open only what that workshop opens to them.
   */
  guestOf: string | null;
}

export interface NewUser {
  email: string;
  name: string;
  organisation: string;
  passwordHash: string;
  isAdmin: boolean;
}

export type TokenKind = 'session' | 'api';

export interface TokenRecord {
  id: string;
  userId: string;
  kind: TokenKind;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface SiteRecord {
  id: string;
  slug: string;
  name: string;
  issue: string;
  sponsor: string;
}

export interface SiteWithRole extends SiteRecord {
  role: SiteRole | null;
}

export interface MemberRecord {
  userId: string;
  email: string;
  name: string;
  organisation: string;
  role: SiteRole;
  joinedAt: string;
}

export interface RoomRecord {
  id: string;
  siteId: string;
  siteSlug: string;
  kind: RoomKind;
  title: string;
  archived: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Locked by a facilitator: only facilitators may change the room's content meanwhile. */
  locked: boolean;
  /** Who locked it and when, while it is locked; both null when it is not. */
  lockedBy: string | null;
  lockedAt: string | null;
}

/**
 * A change to a room's record; fields left out stay as they are. `locked: true` locks the room
 * (by `lockedBy`, now), unless it is locked already, which keeps the lock it has; `locked:
 * false` unlocks it and clears `lockedBy` and `lockedAt`. `lockedBy` counts only with `locked`.
 */
export interface RoomPatch {
  title?: string;
  archived?: boolean;
  locked?: boolean;
  lockedBy?: string | null;
}

/** A place in a site's room list (its order: in use first, then newest change first, then id). */
export interface RoomListPosition {
  archived: boolean;
  updatedAt: string;
  id: string;
}

/** Which of a site's maps and documents a page holds, and where it starts. */
export interface RoomPageQuery {
  /** `exclude`: rooms in use; `include`: those, then the archived ones; `only`: the archived ones. */
  archived: 'exclude' | 'include' | 'only';
  limit: number;
  /** The last room of the previous page; null for the first page. */
  after: RoomListPosition | null;
}

/** Caps `createRoom` checks in the same transaction as the insert, so no burst can overshoot them. */
export interface RoomLimits {
  /** Most rooms in use (maps and documents, not archived) the site may have. */
  maxInSite?: number;
  /** Most rooms in use of the site that `createdBy` may have created. */
  maxByCreator?: number;
}

/** Thrown by `createRoom` when a limit it was given is already reached; nothing was created. */
export class RoomLimitError extends Error {
  override readonly name = 'RoomLimitError';
  constructor(
    /** Which limit: the site's, or the creator's. */
    readonly which: 'site' | 'creator',
    readonly limit: number,
  ) {
    super(which === 'site' ? `the site already has ${limit} rooms` : `the creator already has ${limit} rooms in the site`);
  }
}

export interface InviteRecord {
  id: string;
  siteId: string;
  siteSlug: string;
  role: SiteRole;
  email: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
  /** When a facilitator withdrew the invite; a withdrawn invite can no longer be used. */
  revokedAt: string | null;
}

/** An invite still waiting for someone, with who made it (null once their account is gone). */
export interface PendingInviteRecord extends InviteRecord {
  creator: { name: string; organisation: string } | null;
}

/** What `acceptInvite` did: the account that joined (`created` when it was made now), or why not. */
export type InviteAcceptance =
  | { ok: true; user: UserRecord; created: boolean }
  | { ok: false; reason: 'invite_taken' | 'email_taken' };

export interface LoginThrottle {
  failures: number;
  lockedUntil: string | null;
}

/** People, sites, rooms and credentials. Secrets are stored only as hashes. */
export interface Directory {
  createUser(user: NewUser): Promise<UserRecord>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  getPasswordHash(userId: string): Promise<string | null>;
  setPasswordHash(userId: string, hash: string): Promise<void>;
  setAdmin(userId: string, isAdmin: boolean): Promise<void>;
  countUsers(): Promise<number>;
  listUsers(): Promise<UserRecord[]>;

  createToken(token: {
    userId: string;
    kind: TokenKind;
    name: string;
    hash: string;
    expiresAt: string | null;
  }): Promise<TokenRecord>;
  /** The token and its user, when the hash is known and the token has not expired. */
  findToken(hash: string, now: string): Promise<{ token: TokenRecord; user: UserRecord } | null>;
  touchToken(id: string, at: string): Promise<void>;
  listTokens(userId: string, kind: TokenKind): Promise<TokenRecord[]>;
  /** Deletes a token of that user; false when there was none. */
  deleteToken(userId: string, id: string): Promise<boolean>;
  /**
   * Deletes every session and API token of the user (signing them out everywhere), except the
   * one with id `exceptId` when given. Returns how many were deleted.
   */
  deleteUserTokens(userId: string, options?: { exceptId?: string }): Promise<number>;
  deleteTokenByHash(hash: string): Promise<void>;
  deleteExpiredTokens(now: string): Promise<number>;

  /** Inserts or updates a site by slug; returns the stored site. */
  upsertSite(site: Omit<SiteRecord, 'id'>): Promise<SiteRecord>;
  /** Every site with the user's role (null where not a member), the user's sites first. */
  listSites(userId: string): Promise<SiteWithRole[]>;
  getSite(slug: string): Promise<SiteRecord | null>;

  getRole(siteId: string, userId: string): Promise<SiteRole | null>;
  setRole(siteId: string, userId: string, role: SiteRole): Promise<void>;
  removeMember(siteId: string, userId: string): Promise<boolean>;
  listMembers(siteId: string): Promise<MemberRecord[]>;

  /**
   * Creates a room. With `limits`, counts the site's rooms in use (and the creator's) and
   * inserts in one transaction, throwing `RoomLimitError` instead when a count has reached its
   * limit, so concurrent creations (here or in another process) cannot overshoot it.
   */
  createRoom(
    room: {
      siteId: string;
      kind: RoomKind;
      title: string;
      createdBy: string | null;
    },
    limits?: RoomLimits,
  ): Promise<RoomRecord>;
  getRoom(id: string): Promise<RoomRecord | null>;
  /** Every room of the site, the learning log included: for the CLI and seeding, not for requests. */
  listRooms(siteId: string, options: { includeArchived: boolean }): Promise<RoomRecord[]>;
  /**
   * One page of the site's maps and documents (never the learning log or a workshop's room), in use first, then
   * most recently changed first, ties broken by id; `total` counts the whole list. Paging by
   * position, not offset, so rooms created meanwhile do not shift later pages.
   */
  listRoomPage(siteId: string, query: RoomPageQuery): Promise<{ rooms: RoomRecord[]; total: number; more: boolean }>;
  /** Maps and documents that are not archived (the learning log and workshops' rooms are not counted). */
  countRooms(siteId: string): Promise<number>;
  /**
   * The site's one learning log (a room of kind `log`), created on the first call. Concurrent
   * first calls, from this process or another (the CLI), all get the same room.
   */
  getOrCreateLogRoom(siteId: string): Promise<RoomRecord>;
  /** Changes a room's record and its `updatedAt` (see `RoomPatch`); null when there is no such room. */
  updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | null>;

  createInvite(invite: {
    siteId: string;
    role: SiteRole;
    email: string | null;
    hash: string;
    createdBy: string;
    expiresAt: string;
  }): Promise<InviteRecord>;
  getInviteByHash(hash: string): Promise<InviteRecord | null>;
  /** Marks an unused, unrevoked invite used by `userId`; false if it was used or withdrawn first. */
  claimInvite(id: string, userId: string, at: string): Promise<boolean>;
  /**
   * Accepts an invite as one transaction: creates the account when `account` is a new person,
   * marks the invite used by them, and gives them the invite's role on its site unless they
   * have one at least as high. All of it is written, or none: a person racing others for one
   * invite never ends up with an account but no membership.
   *
   * Fails, writing nothing, with `invite_taken` when the invite is used, withdrawn or expired
   * at `at`, and with `email_taken` when a new person's email already has an account (made a
   * moment ago, say, by a double submit of the same form).
   */
  acceptInvite(input: {
    inviteId: string;
    account: { userId: string } | { newUser: NewUser };
    at: string;
  }): Promise<InviteAcceptance>;
  /**
   * The site's invites that can still be accepted at `now` (not used, not revoked, not
   * expired), newest first.
   */
  listPendingInvites(siteId: string, now: string): Promise<PendingInviteRecord[]>;
  /**
   * Withdraws an unused invite of the site, so it can no longer be claimed. Returns the invite
   * as it stands afterwards (a used one unchanged; one revoked before keeps its first
   * `revokedAt`), or null when the site has no invite with that id.
   */
  revokeInvite(siteId: string, id: string, at: string): Promise<InviteRecord | null>;

  getLoginThrottle(key: string): Promise<LoginThrottle>;
  /** Counts one failed sign-in for `key`, locking it when the count reaches `maxFailures`. */
  recordLoginFailure(
    key: string,
    at: string,
    options: { maxFailures: number; lockMs: number; windowMs: number },
  ): Promise<LoginThrottle>;
  clearLoginFailures(key: string): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string | null): Promise<void>;
  /** Deletes the setting only if it still holds `value`; true for the one caller that did. */
  takeSetting(key: string, value: string): Promise<boolean>;
}

/** One search result: an entry of a room, with the words that matched marked in its snippet. */
export interface SearchHit {
  roomId: string;
  roomKind: RoomKind;
  roomTitle: string;
  target: SearchTargetKind;
  targetId: string;
  title: string;
  snippet: SnippetPart[];
  /** Higher is better; only comparable within one search. */
  rank: number;
}

/** A map element or named loop as the mention menu shows it, by its current label. */
export interface MentionableRecord {
  roomId: string;
  roomTitle: string;
  targetKind: 'element' | 'loop';
  targetId: string;
  label: string;
}

export interface MentionRef {
  roomId: string;
  targetId: string;
}

/**
 * The site-wide search index: what each room's extractor found in its doc (see
 * `shared/search/`), kept current by the server's indexer. Archived rooms stay indexed but are
 * left out of results, so restoring one needs no rebuild.
 */
export interface SearchIndex {
  /**
   * Replaces everything indexed for the room, atomically, and records the doc revision and
   * room title the entries were made from.
   */
  replaceSearchEntries(roomId: string, entries: readonly SearchEntry[], indexed: { revision: number; title: string }): Promise<void>;
  deleteSearchEntries(roomId: string): Promise<void>;
  /**
   * Rooms whose index is missing or older than their doc (its revision) or title, most
   * recently changed first: what to index after a start.
   */
  roomsToIndex(): Promise<string[]>;
  /**
   * The site's entries matching every word of `query` (the last as a prefix), best first,
   * from rooms that are not archived. Whatever `query` holds, it is never parsed as query
   * syntax; one without words finds nothing.
   */
  searchSite(siteId: string, query: string, options: { limit: number }): Promise<SearchHit[]>;
  /**
   * Map elements and named loops of the site for the mention menu. With `query`, those whose
   * label matches it (the last word as a prefix), best first; without, all of them by label;
   * both leave out archived rooms. With `refs`, those refs of the site (archived rooms
   * included) as labelled now, and the refs that name nothing (a deleted element) as `missing`.
   */
  mentionables(
    siteId: string,
    options: { query?: string; refs?: readonly MentionRef[]; limit: number },
  ): Promise<{ items: MentionableRecord[]; missing: MentionRef[] }>;
}

/** Who saved a version, as they were then: it outlives a change of name or the account itself. */
export interface VersionAuthor {
  /** Null for a version the server made without a person (none today; kept for imports). */
  userId: string | null;
  name: string;
  organisation: string;
}

/** A named version of a room, without its content. */
export interface VersionRecord {
  id: string;
  roomId: string;
  name: string;
  createdBy: VersionAuthor;
  createdAt: string;
  /** A few numbers about the content for the list (elements and connections, words). */
  summary: Record<string, number>;
  /** Size of `state` in bytes. */
  bytes: number;
}

/**
 * A version to store. Its id may be one the room already has, which leaves that version as it
 * is (see `createVersion`); its size is the state's.
 */
export interface NewVersion extends Omit<VersionRecord, 'bytes'> {
  /** The room's whole doc at that moment, `Y.encodeStateAsUpdate`. */
  state: Uint8Array;
}

/**
 * Named versions of rooms, kept beside the rooms' docs (not in them, so opening a room never
 * downloads them): each a snapshot of the room's doc with who saved it, when, and a summary.
 */
export interface VersionStore {
  /**
   * Stores a version. With `keep`, the room's oldest versions beyond that many (this one
   * counted) are deleted in the same transaction, so concurrent saves cannot overshoot it.
   * Idempotent by id: when the room already has a version with this id, nothing is written and
   * that version is returned (`created: false`), so a migration interrupted half-way can run again.
   */
  createVersion(version: NewVersion, options?: { keep?: number }): Promise<{ version: VersionRecord; created: boolean }>;
  /** The room's versions, newest first (by `createdAt`, then the order they were stored). */
  listVersions(roomId: string): Promise<VersionRecord[]>;
  /** One version of the room with its stored state; null when the room has none with that id. */
  getVersion(roomId: string, id: string): Promise<{ version: VersionRecord; state: Uint8Array } | null>;
  /** Deletes one version of the room; false when it had none with that id. */
  deleteVersion(roomId: string, id: string): Promise<boolean>;
}

/** A workshop as stored: its agenda and who made it. Its live state is in its room's doc. */
export interface WorkshopRecord {
  id: string;
  siteId: string;
  siteSlug: string;
  /** Its room, of kind `workshop`. */
  roomId: string;
  title: string;
  startsAt: string;
  steps: WorkshopStep[];
  createdBy: string | null;
  createdAt: string;
  /** When it was ended; null while it is planned or running. */
  endedAt: string | null;
}

/** A workshop to store: its room is created first (`createRoom`, kind `workshop`). */
export type NewWorkshop = Pick<WorkshopRecord, 'siteId' | 'roomId' | 'title' | 'startsAt' | 'steps' | 'createdBy'>;

/** Workshops of sites: their agendas, beside the rooms that hold their live state. */
export interface WorkshopStore {
  /** Stores a new workshop with a new id, created now. */
  createWorkshop(workshop: NewWorkshop): Promise<WorkshopRecord>;
  getWorkshop(id: string): Promise<WorkshopRecord | null>;
  /** The site's workshops, newest first (by `createdAt`, then the order they were stored). */
  listWorkshops(siteId: string): Promise<WorkshopRecord[]>;

  /**
   * Stores a new round of the workshop, open, with a new id; null when the workshop has `max`
   * rounds already (nothing stored).
   */
  createRound(round: NewRound, options: { max: number }): Promise<RoundRecord | null>;
  /** One round of the workshop; null when the workshop has none with that id. */
  getRound(workshopId: string, roundId: string): Promise<RoundRecord | null>;
  /** The workshop's rounds, oldest first. */
  listRounds(workshopId: string): Promise<RoundRecord[]>;
  /**
   * Replaces the person's entries in the round with `values`, in one transaction, if the round
   * is open; false (nothing changed) once it is closed. A vote stores a dot per value.
   */
  replaceRoundEntries(roundId: string, userId: string, values: readonly string[]): Promise<boolean>;
  /**
   * Adds one entry of the person to the round if it is open and they have fewer than `max`:
   * the entry, or why not.
   */
  addRoundEntry(roundId: string, userId: string, value: string, options: { max: number }): Promise<RoundEntryRecord | 'closed' | 'full'>;
  /** The round's entries, in the order they were stored. */
  listRoundEntries(roundId: string): Promise<RoundEntryRecord[]>;
  /**
   * Closes the round now if it is open, and returns it closed; null when it was closed already
   * (of two closes at once, one wins) or does not exist.
   */
  closeRound(roundId: string): Promise<RoundRecord | null>;

  /** Marks the workshop ended now; null when it had ended already (of two ends at once, one wins). */
  endWorkshop(id: string): Promise<WorkshopRecord | null>;
  /** Notes that the person joined the workshop whose room this is (once; the first time is kept). */
  recordAttendance(roomId: string, userId: string): Promise<void>;
  /** Everyone who joined the workshop's room, in the order they first came. */
  listAttendance(roomId: string): Promise<{ userId: string; firstSeen: string }[]>;
  /** Notes a room the workshop made for itself (a breakout group's map). */
  addWorkshopRoom(workshopId: string, roomId: string): Promise<void>;
  /** The rooms the workshop made for itself, in no particular order. */
  listWorkshopRooms(workshopId: string): Promise<string[]>;
}

/**
 * A round of a workshop: a dot vote, private notes or a check-in round. What people put in it
 * (`RoundEntryRecord`) is held here, never in a doc, until the round is closed.
 */
export interface RoundRecord {
  id: string;
  workshopId: string;
  kind: RoundKind;
  /** The map voted on, or that notes may become elements of. */
  roomId: string | null;
  prompt: string;
  votesPerPerson: number | null;
  anonymous: boolean;
  status: 'open' | 'closed';
  createdBy: string | null;
  createdAt: string;
  closedAt: string | null;
}

export type NewRound = Pick<RoundRecord, 'workshopId' | 'kind' | 'roomId' | 'prompt' | 'votesPerPerson' | 'anonymous' | 'createdBy'>;

/** One dot of a vote (`value` is the target's id), one note, or one answer (`value` is the text). */
export interface RoundEntryRecord {
  id: string;
  roundId: string;
  userId: string;
  value: string;
  createdAt: string;
}

/**
 * A link that lets people from other agencies join one workshop as guests. Only a hash of its
 * token is stored; the link works for anyone who has it until it expires or the workshop ends.
 */
export interface GuestInviteRecord {
  id: string;
  workshopId: string;
  /** What the facilitator called it (who it was sent to), or null. */
  label: string | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
}

/** Why `joinAsGuest` made no guest; nothing was written. */
export type GuestJoinRefusal = 'expired' | 'ended' | 'full';

/** Guests of workshops: the links that invite them, and their accounts (users with `guestOf`). */
export interface GuestStore {
  /** Stores a new link to the workshop, with a new id, created now. */
  createGuestInvite(invite: { workshopId: string; label: string | null; hash: string; createdBy: string | null; expiresAt: string }): Promise<GuestInviteRecord>;
  /** The link whose token has this hash, expired or not; null when there is none. */
  getGuestInviteByHash(hash: string): Promise<GuestInviteRecord | null>;
  /**
   * Makes a guest account of the link's workshop (`guestOf` set, no password, no site role),
   * in one transaction with the checks that allow it: the link has not expired at `at`, its
   * workshop has not ended, and the workshop has fewer than `max` guests. Otherwise it writes
   * nothing and says why. Its email is made up and unique (no one signs in with it).
   */
  joinAsGuest(input: { inviteId: string; name: string; organisation: string; at: string }, options: { max: number }): Promise<{ ok: true; user: UserRecord } | { ok: false; reason: GuestJoinRefusal }>;
  /** The workshop's guests, in the order they joined. */
  listGuests(workshopId: string): Promise<UserRecord[]>;
  /** The workshop's links, newest first. */
  listGuestInvites(workshopId: string): Promise<GuestInviteRecord[]>;
  /**
   * Stops a link of the workshop working from `at` (nobody new joins by it; its guests keep
   * their access). False when the workshop has no such link.
   */
  expireGuestInvite(workshopId: string, inviteId: string, at: string): Promise<boolean>;
}

/** One published version of a learning summary. Its data is written once and never changed. */
export interface PublicationRecord {
  id: string;
  siteId: string;
  siteSlug: string;
  /** The summary's room (never shown to the public). */
  roomId: string;
  /** Its address within the site, the same for every version of the room's summary. */
  slug: string;
  version: number;
  title: string;
  publishedBy: string | null;
  publishedAt: string;
  /** When a facilitator withdrew it; null while it is public. */
  withdrawnAt: string | null;
}

/** A publication with its data (a `PublishedSummary` as JSON, as it was published). */
export interface PublicationWithData {
  record: PublicationRecord;
  data: string;
  /** When the summary's first version was published (its feed entry's `published`). */
  firstPublishedAt: string;
}

export interface PublicationStore {
  /**
   * Publishes the next version of a room's summary, in one transaction: the version is one
   * more than the room's last, and the slug is the one its earlier versions have, or else
   * `slug` made unique among the site's other summaries (`-2`, `-3`…). `data` is called with
   * both, so the stored data names its own address.
   */
  createPublication(input: {
    siteId: string;
    roomId: string;
    slug: string;
    title: string;
    publishedBy: string | null;
    publishedAt: string;
    data: (place: { version: number; slug: string }) => string;
  }): Promise<PublicationRecord>;
  /** Every version of a room's summary, oldest first (withdrawn ones too). */
  listPublications(roomId: string): Promise<PublicationRecord[]>;
  /**
   * Every version of a summary found by its site and slug, oldest first, and the data of the
   * one asked for (`version`, else the latest); null when no such summary or version.
   */
  getPublication(siteSlug: string, slug: string, version?: number): Promise<{ versions: PublicationRecord[]; current: PublicationWithData } | null>;
  /**
   * The latest version still public of every summary (of one site, when given), newest first:
   * what the index, the feeds and the cross-site views are made from.
   */
  listLivePublications(options?: { siteSlug?: string }): Promise<PublicationWithData[]>;
  /** Withdraws every public version of a room's summary at `at`; how many were withdrawn. */
  withdrawPublications(roomId: string, at: string): Promise<number>;
  /**
   * A string that changes whenever anything is published or withdrawn, so a rendered public
   * page can be reused (and its ETag kept) until then.
   */
  publicationsRevision(): Promise<string>;
}

/** A value of a backup row: JSON's own types, binary columns as base64 (see `backup.ts`). */
export type BackupValue = string | number | boolean | null;

/** One row of a backup, in the backend-neutral form of `backup.ts`: its table, its columns by name. */
export interface BackupRow {
  table: string;
  row: Record<string, BackupValue>;
}

/**
 * Backup and restore, table by table, in a form every backend reads and writes alike (the
 * tables and columns of `backup.ts`), so a SQLite deployment restores into PostgreSQL and back.
 */
export interface BackupStore {
  /**
   * Every row of the deployment (or, with `siteId`, of that site: its rooms and all they hold,
   * its members and the people its rows name, without their credentials), table by table in
   * `BACKUP_TABLES` order, each table's rows in the order they were stored, from one consistent
   * snapshot. Columns a backend keeps only for its own ordering (PostgreSQL's `seq`) are left
   * out. Read it to the end, or `return()` the iterator, which ends the snapshot.
   */
  exportRows(options: { siteId?: string }): AsyncIterable<BackupRow>;
  /**
   * Writes `rows` (as `exportRows` yields them) in one transaction, all or nothing, and says how
   * many rows of each table. Refuses, writing nothing, a store that holds any users, sites or
   * rooms (`BackupError`), an unknown table or column, and rows that break the schema's
   * constraints. Ordering columns are the store's own, drawn in the order the rows come.
   */
  importRows(rows: AsyncIterable<BackupRow>): Promise<{ tables: Record<string, number> }>;
}

export interface Storage extends DocStore, Directory, SearchIndex, VersionStore, WorkshopStore, GuestStore, PublicationStore, BackupStore {
  /** Short name for logs and health output, e.g. `sqlite`. */
  readonly kind: string;
  close(): Promise<void>;
}
