/**
 * What a room contributes to its site's search index. Each kind of room (map, doc, log) has a
 * pure extractor in `shared/` that turns its Y.Doc into entries; the server keeps the index
 * current from them, and the client links a result straight to the place it names.
 */

/** The place inside a room that a search result (or a mention) points at. */
export type SearchTargetKind =
  | 'room' // the room as a whole (its title)
  | 'element' // a map element (id = element id)
  | 'connection' // a map connection (id = connection id)
  | 'loop' // a named map loop (id = loop key, see shared/map/loops.ts)
  | 'comment' // a comment thread (id = thread id), on a map or a document
  | 'block' // a part of a document: a heading and the text under it (id = block id)
  | 'entry'; // a learning-log entry (id = entry id)

export interface SearchEntry {
  target: SearchTargetKind;
  /** Stable within the room; '' for the room itself. */
  targetId: string;
  /** Short line shown as the result's heading: an element's label, a heading, an entry's date and title. */
  title: string;
  /** Everything searchable under it, as plain text. */
  body: string;
}

/** A run of a snippet, marked where it matched the query (no HTML: the client renders <mark>). */
export interface SnippetPart {
  text: string;
  match: boolean;
}
