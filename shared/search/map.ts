/**
 * What a map room contributes to its site's search index: its elements, connections, named
 * loops and comment threads, each an entry the client can link to.
 */
import type * as Y from 'yjs';
import { readComments } from '../map/comments.js';
import { readMap } from '../map/doc.js';
import { parseLoopKey } from '../map/loops.js';
import type { MapElement } from '../map/model.js';
import type { SearchEntry } from './types.js';

/** Joins the non-empty parts of a body, one per line. */
function lines(...parts: readonly (string | undefined)[]): string {
  return parts
    .map((p) => (p ?? '').trim())
    .filter(Boolean)
    .join('\n');
}

/**
 * One entry per element, connection, named loop and comment thread of the map in `doc`
 * (the room's own entry is added by `searchEntriesFor`).
 *
 * @example
 * const entries = mapSearchEntries(doc)
 * // [{ target: 'element', targetId: 'e1', title: 'Childhood obesity', body: 'Childhood obesity\n…' }, …]
 */
export function mapSearchEntries(doc: Y.Doc): SearchEntry[] {
  const map = readMap(doc);
  const elements = new Map<string, MapElement>(map.elements.map((e) => [e.id, e]));
  const label = (id: string) => elements.get(id)?.label ?? '';
  const connectionTitles = new Map(map.connections.map((c) => [c.id, `${label(c.from)} → ${label(c.to)}`]));
  const entries: SearchEntry[] = [];

  for (const e of map.elements) {
    entries.push({ target: 'element', targetId: e.id, title: e.label, body: lines(e.label, e.description, e.tags.join(' '), e.agency) });
  }
  for (const c of map.connections) {
    entries.push({ target: 'connection', targetId: c.id, title: connectionTitles.get(c.id)!, body: lines(c.label, c.evidence) });
  }
  for (const note of map.loopNotes) {
    const elementLabels = (parseLoopKey(note.key)?.elementIds ?? []).map(label).filter(Boolean);
    const name = note.name.trim();
    // A note without a name is still findable by what it says; it is titled by its loop.
    if (!name && !note.note.trim()) continue;
    entries.push({
      target: 'loop',
      targetId: note.key,
      title: name || elementLabels.join(' → '),
      body: lines(note.note, elementLabels.join(' ')),
    });
  }
  for (const thread of readComments(doc)) {
    const title = thread.target.kind === 'element' ? elements.get(thread.target.id)?.label : connectionTitles.get(thread.target.id);
    // A thread on something since deleted has no place left to link to.
    if (title === undefined) continue;
    entries.push({ target: 'comment', targetId: thread.id, title, body: lines(...thread.messages.map((m) => m.text)) });
  }
  return entries;
}

