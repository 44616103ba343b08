/**
 * The one registry of search extractors, by room kind: the server's indexer asks it what a
 * room's Y.Doc contributes to the site's index, and never knows one kind from another.
 */
import type * as Y from 'yjs';
import type { RoomKind } from '../api.js';
import { docSearchEntries } from '../doc/search.js';
import { logSearchEntries } from '../log/search.js';
import { mapSearchEntries } from './map.js';
import type { SearchEntry } from './types.js';

/** Turns one room's doc into index entries (not counting the room's own entry). */
export type SearchExtractor = (doc: Y.Doc, title: string) => SearchEntry[];

/**
 * Extractors by room kind: a new kind of room does not compile until it has one, or null for a
 * kind that is not searched (a workshop's room holds its live state, nothing to find; its
 * workshop is found through the site's list of workshops).
 */
const EXTRACTORS: Record<RoomKind, SearchExtractor | null> = {
  map: (doc) => mapSearchEntries(doc),
  doc: docSearchEntries,
  log: (doc) => logSearchEntries(doc),
  workshop: null,
  // A summary is drafted from the site's maps and log, which are searched themselves; its
  // published form is found on the public pages.
  summary: null,
};

/**
 * Everything a room contributes to its site's search index: one `room` entry with its title,
 * then whatever its kind's extractor finds in its doc; nothing for a kind that is not searched.
 *
 * @example
 * const entries = searchEntriesFor('map', doc, 'High street map')
 * // [{ target: 'room', targetId: '', title: 'High street map', body: '' }, { target: 'element', … }, …]
 */
export function searchEntriesFor(kind: RoomKind, doc: Y.Doc, title: string): SearchEntry[] {
  const extract = EXTRACTORS[kind];
  return extract ? [{ target: 'room', targetId: '', title, body: '' }, ...extract(doc, title)] : [];
}
