/**
 * A site's learning log: what people tried, what happened, what they learned, and which
 * leadership behaviours it showed. One log per site, in a room of kind `log`.
 *
 * Schema: `doc.getMap('logEntries')` maps an entry id to a Y.Map with
 * - `date` ('YYYY-MM-DD', the day it happened) and `title` (one short line): strings;
 * - `authors`: Y.Array of { userId | null, name, organisation } (people and organisations,
 *   not all of them with an account);
 * - `tried`, `happened`, `learned`, `evidence`: each a Y.XmlFragment, so the client binds a
 *   small Tiptap editor to each (Collaboration's `fragment` option) and people co-edit live;
 * - `behaviours`: Y.Array of behaviour ids (`behaviours.ts`);
 * - `links`: Y.Array of { roomId, targetKind: 'element' | 'loop', targetId, label }: the map
 *   elements and named loops the entry is about;
 * - `created`, `updated`: who did it (Attribution). Text typed in the editors does not stamp
 *   `updated` by itself; the client calls `touchEntry` when an edit session ends.
 * Lists are Y.Arrays, edited by inserting and deleting items (never rewritten whole), so two
 * people tagging or linking the same entry at once both keep their change.
 */
import * as Y from 'yjs';
import { readAttribution } from '../map/comments.js';
import type { Actor } from '../map/doc.js';
import type { Attribution } from '../map/model.js';
import { LOG_BEHAVIOURS_ROOT, behaviourAliases } from './behaviours.js';
import { fragmentText, replaceFragmentText } from './text.js';

export const LOG_ENTRIES_ROOT = 'logEntries';

/** The rich-text fields of an entry, in the order they are shown. */
export const LOG_TEXT_FIELDS = ['tried', 'happened', 'learned', 'evidence'] as const;
export type LogTextField = (typeof LOG_TEXT_FIELDS)[number];

export const LOG_LINK_KINDS = ['element', 'loop'] as const;
export type LogLinkKind = (typeof LOG_LINK_KINDS)[number];

export const LOG_LIMITS = {
  titleMax: 200,
  authorsMax: 50,
  linksMax: 100,
  behavioursMax: 50,
  nameMax: 100,
  organisationMax: 200,
  linkLabelMax: 200,
  /** Room ids, element ids and loop keys (a loop key joins its connection ids). */
  idMax: 2000,
} as const;

/** A person or organisation credited with an entry; `userId` is null for someone without an account. */
export interface LogAuthor {
  userId: string | null;
  name: string;
  organisation: string;
}

/** What an entry is about on a map: an element, or a loop by its key (`shared/map/loops.ts`). */
export interface LogLink {
  roomId: string;
  targetKind: LogLinkKind;
  targetId: string;
  /** The element's label or loop's name when linked, so the log reads well without the map. */
  label: string;
}

/** An entry as plain data; the text fields as plain text. */
export interface LogEntry {
  id: string;
  date: string;
  title: string;
  authors: LogAuthor[];
  tried: string;
  happened: string;
  learned: string;
  evidence: string;
  /** Behaviour ids, each as listed by `listBehaviours` (duplicates of a label resolved). */
  behaviours: string[];
  links: LogLink[];
  created: Attribution;
  updated: Attribution;
}

type Fields = Y.Map<unknown>;

const entries = (doc: Y.Doc) => doc.getMap<Fields>(LOG_ENTRIES_ROOT);

/** The Y types an UndoManager should track to undo log edits (the behaviours list included). */
export function logUndoScope(doc: Y.Doc): Y.AbstractType<unknown>[] {
  return [entries(doc), doc.getArray(LOG_BEHAVIOURS_ROOT)] as Y.AbstractType<unknown>[];
}

const stamp = (actor: Actor, now: Date): Attribution => ({ userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() });

// ---------------------------------------------------------------------------------------------
// Input checks: a person's typing, so the messages are for people.

function text(value: string, max: number, what: string, required = false): string {
  const clean = value.replace(/\s+/g, ' ').trim();
  if (required && !clean) throw new RangeError(`${what} cannot be empty.`);
  if (clean.length > max) throw new RangeError(`${what} can be at most ${max} characters.`);
  return clean;
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isLogDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function cleanDate(value: string): string {
  if (!isLogDate(value)) throw new RangeError('A date is needed as YYYY-MM-DD, for a day that exists.');
  return value;
}

function cleanAuthor(author: LogAuthor): LogAuthor {
  return {
    userId: author.userId || null,
    name: text(author.name, LOG_LIMITS.nameMax, 'An author’s name', true),
    organisation: text(author.organisation, LOG_LIMITS.organisationMax, 'An author’s organisation'),
  };
}

function cleanLink(link: LogLink): LogLink {
  if (!LOG_LINK_KINDS.includes(link.targetKind)) throw new RangeError('A link points at a map element or a loop.');
  const roomId = text(link.roomId, LOG_LIMITS.idMax, 'A link’s room', true);
  const targetId = text(link.targetId, LOG_LIMITS.idMax, 'A link’s target', true);
  return { roomId, targetKind: link.targetKind, targetId, label: text(link.label, LOG_LIMITS.linkLabelMax, 'A link’s label') };
}

/** The same person: by account when both have one, else by name and organisation. */
function sameAuthor(a: LogAuthor, b: LogAuthor): boolean {
  if (a.userId && b.userId) return a.userId === b.userId;
  return a.name.toLowerCase() === b.name.toLowerCase() && a.organisation.toLowerCase() === b.organisation.toLowerCase();
}

const sameTarget = (a: Pick<LogLink, 'roomId' | 'targetKind' | 'targetId'>, b: Pick<LogLink, 'roomId' | 'targetKind' | 'targetId'>) =>
  a.roomId === b.roomId && a.targetKind === b.targetKind && a.targetId === b.targetId;

function knownBehaviours(doc: Y.Doc, ids: readonly string[]): string[] {
  const aliases = behaviourAliases(doc);
  const out: string[] = [];
  for (const id of ids) {
    const known = aliases.get(id);
    if (!known) throw new RangeError('That behaviour is not in the site’s vocabulary; add it first.');
    if (!out.includes(known)) out.push(known);
  }
  if (out.length > LOG_LIMITS.behavioursMax) throw new RangeError(`An entry can show at most ${LOG_LIMITS.behavioursMax} behaviours.`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface NewLogEntry {
  id: string;
  date: string;
  title: string;
  authors?: readonly LogAuthor[];
  behaviours?: readonly string[];
  links?: readonly LogLink[];
  /** Starting text of the rich-text fields, as plain text (one paragraph per line). */
  text?: Partial<Record<LogTextField, string>>;
}

export type LogEntryPatch = Partial<Pick<LogEntry, 'date' | 'title'>>;

/**
 * Adds an entry, with its four text fields ready for editors to bind to; returns its id.
 * The authors default to the actor.
 *
 * @example
 * addEntry(doc, { id: newId(), date: '2026-03-04', title: 'Walked the high street with carers' }, actor)
 */
export function addEntry(doc: Y.Doc, input: NewLogEntry, actor: Actor, now = new Date()): string {
  const date = cleanDate(input.date);
  const title = text(input.title, LOG_LIMITS.titleMax, 'A title', true);
  const authors = (input.authors ?? [{ userId: actor.userId, name: actor.name, organisation: actor.organisation }]).map(cleanAuthor);
  if (authors.length > LOG_LIMITS.authorsMax) throw new RangeError(`An entry can have at most ${LOG_LIMITS.authorsMax} authors.`);
  const links = (input.links ?? []).map(cleanLink);
  if (links.length > LOG_LIMITS.linksMax) throw new RangeError(`An entry can have at most ${LOG_LIMITS.linksMax} links.`);
  const behaviours = knownBehaviours(doc, input.behaviours ?? []);
  if (entries(doc).has(input.id)) throw new RangeError('An entry with that id exists.');
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    entry.set('date', date);
    entry.set('title', title);
    entry.set('authors', Y.Array.from(authors.filter((a, i) => authors.findIndex((b) => sameAuthor(a, b)) === i)));
    entry.set('behaviours', Y.Array.from(behaviours));
    entry.set('links', Y.Array.from(links.filter((l, i) => links.findIndex((m) => sameTarget(l, m)) === i)));
    for (const field of LOG_TEXT_FIELDS) entry.set(field, new Y.XmlFragment());
    entry.set('created', stamp(actor, now));
    entry.set('updated', stamp(actor, now));
    entries(doc).set(input.id, entry);
    // A fragment can be written only once it is part of the doc.
    for (const field of LOG_TEXT_FIELDS) {
      const value = input.text?.[field];
      if (value) replaceFragmentText(entry.get(field) as Y.XmlFragment, value);
    }
  });
  return input.id;
}

function entryMap(doc: Y.Doc, id: string): Fields | null {
  const entry = entries(doc).get(id);
  return entry instanceof Y.Map ? entry : null;
}

function listOf<T>(entry: Fields, key: string): Y.Array<T> | null {
  const list = entry.get(key);
  return list instanceof Y.Array ? (list as Y.Array<T>) : null;
}

/** Changes an entry's date or title; false if the entry is gone (removed meanwhile). */
export function updateEntry(doc: Y.Doc, id: string, patch: LogEntryPatch, actor: Actor, now = new Date()): boolean {
  const entry = entryMap(doc, id);
  if (!entry) return false;
  const date = patch.date === undefined ? undefined : cleanDate(patch.date);
  const title = patch.title === undefined ? undefined : text(patch.title, LOG_LIMITS.titleMax, 'A title', true);
  doc.transact(() => {
    if (date !== undefined) entry.set('date', date);
    if (title !== undefined) entry.set('title', title);
    entry.set('updated', stamp(actor, now));
  });
  return true;
}

/** Marks the entry as last changed by the actor now (after a spell of typing in its text fields). */
export function touchEntry(doc: Y.Doc, id: string, actor: Actor, now = new Date()): boolean {
  return updateEntry(doc, id, {}, actor, now);
}

/** Appends `item` to one of the entry's lists unless an equal one is there; false if the entry is gone. */
function addOnce<T>(doc: Y.Doc, id: string, key: 'authors' | 'links', item: T, same: (a: T, b: T) => boolean, max: number, what: string, actor: Actor, now: Date): boolean {
  const entry = entryMap(doc, id);
  const list = entry && listOf<T>(entry, key);
  if (!entry || !list) return false;
  const current = list.toArray();
  if (current.some((c) => same(c, item))) return true;
  if (current.length >= max) throw new RangeError(`An entry can have at most ${max} ${what}.`);
  doc.transact(() => {
    list.push([item]);
    entry.set('updated', stamp(actor, now));
  });
  return true;
}

/** Deletes every item of one of the entry's lists that matches; false if the entry is gone. */
function removeMatching<T>(doc: Y.Doc, id: string, key: 'authors' | 'links', matches: (item: T) => boolean, actor: Actor, now: Date): boolean {
  const entry = entryMap(doc, id);
  const list = entry && listOf<T>(entry, key);
  if (!entry || !list) return false;
  doc.transact(() => {
    // From the end, so the indexes still to delete do not shift.
    const current = list.toArray();
    for (let i = current.length - 1; i >= 0; i--) if (matches(current[i]!)) list.delete(i, 1);
    entry.set('updated', stamp(actor, now));
  });
  return true;
}

/** Credits an author (once: the same account, or the same name and organisation); false if the entry is gone. */
export function addAuthor(doc: Y.Doc, id: string, author: LogAuthor, actor: Actor, now = new Date()): boolean {
  return addOnce(doc, id, 'authors', cleanAuthor(author), sameAuthor, LOG_LIMITS.authorsMax, 'authors', actor, now);
}

/** Removes an author (every copy of them); false if the entry is gone. */
export function removeAuthor(doc: Y.Doc, id: string, author: LogAuthor, actor: Actor, now = new Date()): boolean {
  return removeMatching<LogAuthor>(doc, id, 'authors', (a) => sameAuthor(a, author), actor, now);
}

/**
 * Sets the behaviours an entry shows. Only the difference is written (ids added, ids
 * removed), so someone else tagging the entry at the same time keeps their tag.
 */
export function setBehaviours(doc: Y.Doc, id: string, behaviourIds: readonly string[], actor: Actor, now = new Date()): boolean {
  const entry = entryMap(doc, id);
  const list = entry && listOf<string>(entry, 'behaviours');
  if (!entry || !list) return false;
  const wanted = knownBehaviours(doc, behaviourIds);
  const aliases = behaviourAliases(doc);
  doc.transact(() => {
    const current = list.toArray();
    for (let i = current.length - 1; i >= 0; i--) {
      const canonical = aliases.get(current[i]!) ?? current[i]!;
      // Drop ids no longer wanted, and second copies of one behaviour.
      if (!wanted.includes(canonical) || current.slice(0, i).some((c) => (aliases.get(c) ?? c) === canonical)) list.delete(i, 1);
    }
    const kept = new Set(list.toArray().map((c) => aliases.get(c) ?? c));
    const added = wanted.filter((b) => !kept.has(b));
    if (added.length) list.push(added);
    entry.set('updated', stamp(actor, now));
  });
  return true;
}

/** Links the entry to a map element or loop (once per target); false if the entry is gone. */
export function addLink(doc: Y.Doc, id: string, link: LogLink, actor: Actor, now = new Date()): boolean {
  return addOnce(doc, id, 'links', cleanLink(link), sameTarget, LOG_LIMITS.linksMax, 'links', actor, now);
}

/** Removes the link to that target; false if the entry is gone. */
export function removeLink(doc: Y.Doc, id: string, target: Pick<LogLink, 'roomId' | 'targetKind' | 'targetId'>, actor: Actor, now = new Date()): boolean {
  return removeMatching<LogLink>(doc, id, 'links', (l) => sameTarget(l, target), actor, now);
}

/** Deletes an entry outright. */
export function removeEntry(doc: Y.Doc, id: string): void {
  doc.transact(() => entries(doc).delete(id));
}

/**
 * The fragment of one text field, for an editor to bind to (Tiptap's Collaboration extension,
 * `fragment` option); null if the entry is gone or malformed.
 */
export function entryField(doc: Y.Doc, id: string, field: LogTextField): Y.XmlFragment | null {
  const value = entryMap(doc, id)?.get(field);
  return value instanceof Y.XmlFragment ? value : null;
}

/**
 * Replaces a text field's content with plain text, one paragraph per line (for seeds, imports
 * and tests; people type in the editors). False if the entry is gone.
 *
 * @example
 * setFieldText(doc, entryId, 'learned', 'Benches matter.\nSo do toilets.')
 */
export function setFieldText(doc: Y.Doc, id: string, field: LogTextField, value: string): boolean {
  const fragment = entryField(doc, id, field);
  if (!fragment) return false;
  doc.transact(() => replaceFragmentText(fragment, value));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading: entries written by other clients are untrusted; malformed parts are skipped.

const isString = (v: unknown): v is string => typeof v === 'string';

function readAuthors(list: Y.Array<unknown> | null): LogAuthor[] {
  const out: LogAuthor[] = [];
  for (const item of list?.toArray() ?? []) {
    const a = item as Partial<Record<keyof LogAuthor, unknown>> | null;
    if (!a || !isString(a.name) || !a.name) continue;
    const author = { userId: isString(a.userId) && a.userId ? a.userId : null, name: a.name, organisation: isString(a.organisation) ? a.organisation : '' };
    if (!out.some((b) => sameAuthor(b, author))) out.push(author);
  }
  return out;
}

function readLinks(list: Y.Array<unknown> | null): LogLink[] {
  const out: LogLink[] = [];
  for (const item of list?.toArray() ?? []) {
    const l = item as Partial<Record<keyof LogLink, unknown>> | null;
    if (!l || !isString(l.roomId) || !isString(l.targetId) || !LOG_LINK_KINDS.includes(l.targetKind as LogLinkKind)) continue;
    const link = { roomId: l.roomId, targetKind: l.targetKind as LogLinkKind, targetId: l.targetId, label: isString(l.label) ? l.label : '' };
    if (!out.some((m) => sameTarget(m, link))) out.push(link);
  }
  return out;
}

function readEntry(id: string, entry: Fields, aliases: ReadonlyMap<string, string>): LogEntry | null {
  const date = entry.get('date');
  const title = entry.get('title');
  const created = readAttribution(entry.get('created'));
  if (!isString(date) || !isLogDate(date) || !isString(title) || !created) return null;
  const texts = {} as Record<LogTextField, string>;
  for (const field of LOG_TEXT_FIELDS) {
    const fragment = entry.get(field);
    texts[field] = fragment instanceof Y.XmlFragment ? fragmentText(fragment) : '';
  }
  const behaviours: string[] = [];
  for (const b of listOf<unknown>(entry, 'behaviours')?.toArray() ?? []) {
    const known = isString(b) ? aliases.get(b) : undefined;
    if (known && !behaviours.includes(known)) behaviours.push(known);
  }
  return {
    id,
    date,
    title,
    authors: readAuthors(listOf(entry, 'authors')),
    ...texts,
    behaviours,
    links: readLinks(listOf(entry, 'links')),
    created,
    updated: readAttribution(entry.get('updated')) ?? created,
  };
}

/** Newest first: by date, then by when the entry was made, then by id (so equal docs read equal). */
export function compareNewestFirst(a: LogEntry, b: LogEntry): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (a.created.at !== b.created.at) return a.created.at < b.created.at ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Every well-formed entry as plain data, newest first. Behaviour ids are resolved through the
 * site's vocabulary; ids it does not know (a behaviour from a client newer than this one) are
 * left out.
 */
export function readEntries(doc: Y.Doc): LogEntry[] {
  const aliases = behaviourAliases(doc);
  const out: LogEntry[] = [];
  for (const [id, entry] of entries(doc)) {
    const read = entry instanceof Y.Map ? readEntry(id, entry, aliases) : null;
    if (read) out.push(read);
  }
  return out.sort(compareNewestFirst);
}

/** Calls `onChange` whenever the log changes (entries, their text, or the vocabulary); returns the unsubscribe. */
export function observeLog(doc: Y.Doc, onChange: () => void): () => void {
  const types = logUndoScope(doc);
  for (const t of types) t.observeDeep(onChange);
  return () => {
    for (const t of types) t.unobserveDeep(onChange);
  };
}
