/**
 * The one registry of search extractors, by room kind: the server's indexer asks it what a
 * room's Y.Doc contributes to the site's index, and never knows one kind from another.
 */
import type * as Y from 'yjs';
import type { RoomKind } from '../api.js';
import { docTextSearchEntries } from './docText.js';
import { mapSearchEntries } from './map.js';
import type { SearchEntry } from './types.js';

/** Turns one room's doc into index entries (not counting the room's own entry). */
export type SearchExtractor = (doc: Y.Doc, title: string) => SearchEntry[];

/**
 * Extractors by room kind. A kind missing here (a kind added before its extractor) contributes
 * only its room entry.
 */
const EXTRACTORS: Partial<Record<string, SearchExtractor>> = {
  map: (doc) => mapSearchEntries(doc),
  doc: docTextSearchEntries,
  // Learning logs: the log's own extractor joins here when it exists; until then a log room
  // is found by its title only.
  log: () => [],
};

/**
 * Everything a room contributes to its site's search index: one `room` entry with its title,
 * then whatever its kind's extractor finds in its doc.
 *
 * @example
 * const entries = searchEntriesFor('map', doc, 'High street map')
 * // [{ target: 'room', targetId: '', title: 'High street map', body: '' }, { target: 'element', … }, …]
 */
export function searchEntriesFor(kind: RoomKind, doc: Y.Doc, title: string): SearchEntry[] {
  const extract = EXTRACTORS[kind];
  return [{ target: 'room', targetId: '', title, body: '' }, ...(extract ? extract(doc, title) : [])];
}
