/**
 * The registry of room kinds: for each kind, the roots its Y.Doc holds and who may write each.
 * The server checks every client's update against it before the update is stored or relayed
 * (`server/ydoc/rules.ts`); the client asks it what the person may change, so a page never
 * offers an edit the server will drop.
 *
 * A root not listed for a kind does not exist in it: an update that writes one is refused.
 * Adding a root means adding it here, with its writers.
 */
import type { RoomKind } from '../api.js';
import { DOC_COMMENTS_ROOT } from '../doc/comments.js';
import { DOC_CONTENT_FIELD } from '../doc/extensions.js';
import { PARKING_LOT_KEY } from '../doc/parkingLot.js';
import { DOC_VERSIONS_ROOT } from '../doc/versions.js';
import { LOG_BEHAVIOURS_ROOT } from '../log/behaviours.js';
import { LOG_ENTRIES_ROOT } from '../log/doc.js';
import { COMMENTS_ROOT } from '../map/comments.js';
import { MAP_ROOTS } from '../map/doc.js';
import { VERSIONS_ROOT } from '../map/versions.js';
import { MAP_VOTES_ROOT } from '../map/votes.js';
import { roleAtLeast, type SiteRole } from '../roles.js';
import { SUMMARY_FIELDS_ROOT, SUMMARY_ITEMS_ROOT } from '../summaries/doc.js';
import { WORKSHOP_LIVE_ROOT } from '../workshops/live.js';
import { WORKSHOP_ROUNDS_ROOT } from '../workshops/rounds.js';

/** The Yjs type of a root, as `doc.getMap` / `getArray` / `getXmlFragment` / `getText` make it. */
export type RootType = 'map' | 'array' | 'xml' | 'text';

/**
 * Who may write a root: everyone who may edit the room (`members`), only its site's
 * facilitators, or nobody but the server itself (data the server derives or moves).
 */
export type RootWriters = 'members' | 'facilitators' | 'server';

export interface RootRule {
  type: RootType;
  write: RootWriters;
}

export interface RoomKindRules {
  kind: RoomKind;
  roots: Readonly<Record<string, RootRule>>;
}

const members = (type: RootType): RootRule => ({ type, write: 'members' });

/**
 * Versions used to be kept in the doc; they are now stored by the server, which moves any
 * left in a doc out of it. No client writes these roots any more.
 */
const retired = (type: RootType): RootRule => ({ type, write: 'server' });

export const ROOM_KINDS_RULES: Readonly<Record<RoomKind, RoomKindRules>> = {
  map: {
    kind: 'map',
    roots: {
      [MAP_ROOTS.elements]: members('map'),
      [MAP_ROOTS.connections]: members('map'),
      [MAP_ROOTS.groups]: members('map'),
      [MAP_ROOTS.loopNotes]: members('map'),
      [COMMENTS_ROOT]: members('map'),
      [PARKING_LOT_KEY]: members('array'),
      [VERSIONS_ROOT]: retired('map'),
      // Scores from workshops' dot votes, written when a vote closes from the votes the server held.
      [MAP_VOTES_ROOT]: { type: 'map', write: 'server' },
    },
  },
  doc: {
    kind: 'doc',
    roots: {
      [DOC_CONTENT_FIELD]: members('xml'),
      [DOC_COMMENTS_ROOT]: members('map'),
      [PARKING_LOT_KEY]: members('array'),
      [DOC_VERSIONS_ROOT]: retired('array'),
    },
  },
  log: {
    kind: 'log',
    roots: {
      [LOG_ENTRIES_ROOT]: members('map'),
      [LOG_BEHAVIOURS_ROOT]: members('array'),
      [PARKING_LOT_KEY]: members('array'),
    },
  },
  workshop: {
    kind: 'workshop',
    roots: {
      // The current step and the timer: set through the API, written by the server with its
      // clock, so no participant's page can move the workshop on or stop the time.
      [WORKSHOP_LIVE_ROOT]: { type: 'map', write: 'server' },
      // Rounds' public state (open, how many took part, results once closed): the entries
      // themselves are held by the server until then, never in the doc.
      [WORKSHOP_ROUNDS_ROOT]: { type: 'map', write: 'server' },
      [PARKING_LOT_KEY]: members('array'),
    },
  },
  summary: {
    kind: 'summary',
    roots: {
      // Drafted by every member; publishing (facilitators only) is an API call that copies the
      // publishable part out, so nothing here is public by being written.
      [SUMMARY_FIELDS_ROOT]: members('map'),
      [SUMMARY_ITEMS_ROOT]: members('map'),
    },
  },
};

/**
 * Keys whose value records who did something, with the field that names the account. A
 * value under one of these keys, in any map of the doc or nested in a plain value (a comment
 * message's `by`, a loop note's `updated`), is an attribution: the server accepts a new one
 * only when it names the sender. (A log entry's `authors` are people credited with the entry,
 * chosen by the writer: not attributions.)
 */
export const ATTRIBUTION_FIELDS: Readonly<Record<string, 'userId' | 'id'>> = {
  created: 'userId',
  updated: 'userId',
  by: 'userId',
  resolved: 'userId',
  added: 'userId',
  saved: 'userId',
  author: 'id',
};

/** Whether a person with `role` may write `rule`'s root, in a room locked or not. */
export function mayWriteRoot(rule: RootRule, role: SiteRole | null, locked: boolean): boolean {
  if (rule.write === 'server') return false;
  if (rule.write === 'facilitators' || locked) return roleAtLeast(role, 'facilitator');
  return roleAtLeast(role, 'member');
}

/**
 * Whether a person may write a room at all (some root of it): what the page asks before
 * offering edits. Facilitators write a locked room; viewers write nothing.
 *
 * @example
 * mayWriteRoom('map', 'member', { locked: true }) // false
 */
export function mayWriteRoom(kind: RoomKind, role: SiteRole | null, state: { locked: boolean; archived?: boolean }): boolean {
  if (state.archived) return false;
  return Object.values(ROOM_KINDS_RULES[kind].roots).some((rule) => mayWriteRoot(rule, role, state.locked));
}
