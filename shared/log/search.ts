/**
 * What a learning log contributes to its site's search index (see `shared/search/extract.ts`).
 */
import type * as Y from 'yjs';
import type { SearchEntry } from '../search/types.js';
import { listBehaviours } from './behaviours.js';
import { LOG_TEXT_FIELDS, readEntries } from './doc.js';

/**
 * One `entry` per log entry, newest first: its date and title as the heading; its text fields,
 * the labels of its behaviours, its authors' names and organisations and its links' labels as
 * the body.
 *
 * @example
 * logSearchEntries(doc) // [{ target: 'entry', targetId: 'e1', title: '2026-03-04 Walked the high street', body: '…' }]
 */
export function logSearchEntries(doc: Y.Doc): SearchEntry[] {
  const labels = new Map(listBehaviours(doc).map((b) => [b.id, b.label]));
  return readEntries(doc).map((entry) => ({
    target: 'entry',
    targetId: entry.id,
    title: `${entry.date} ${entry.title}`,
    body: [
      ...LOG_TEXT_FIELDS.map((field) => entry[field]),
      ...entry.behaviours.map((id) => labels.get(id) ?? ''),
      ...entry.authors.map((a) => (a.organisation ? `${a.name}, ${a.organisation}` : a.name)),
      ...entry.links.map((l) => l.label),
    ]
      .filter(Boolean)
      .join('\n'),
  }));
}
