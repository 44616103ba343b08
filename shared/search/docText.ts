/**
 * A plain reading of a document room for the search index, used until the document editor's
 * own extractor (with its comment threads) takes over: the rich text in the doc's `content`
 * fragment (the Tiptap/ProseMirror tree as y-prosemirror stores it), one entry per heading
 * section.
 */
import * as Y from 'yjs';
import type { SearchEntry } from './types.js';

/** Root name of a document room's rich text. */
export const DOC_CONTENT_ROOT = 'content';

/** The plain text of a node: text runs as they are, inline mentions by their label. */
function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    let out = '';
    for (const op of node.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
    return out;
  }
  if (!(node instanceof Y.XmlElement)) return '';
  const label = node.getAttribute('label');
  if (node.length === 0 && typeof label === 'string') return label;
  const parts = node.toArray().map(textOf);
  // Blocks inside blocks (list items, table cells) read as separate lines; runs inside a
  // paragraph run on.
  const inline = node.toArray().every((child) => child instanceof Y.XmlText || (child instanceof Y.XmlElement && child.length === 0));
  return parts.join(inline ? '' : '\n');
}

/**
 * One `block` entry per heading section of the document: the heading as title, its text and
 * everything up to the next heading as body, and the index of the top-level block that starts
 * the section as id. Text before the first heading is titled by the room.
 *
 * @example
 * docTextSearchEntries(doc, 'Framing') // [{ target: 'block', targetId: '0', title: 'Framing', body: '…' }, …]
 */
export function docTextSearchEntries(doc: Y.Doc, title: string): SearchEntry[] {
  const entries: SearchEntry[] = [];
  let current: SearchEntry | null = null;
  doc
    .getXmlFragment(DOC_CONTENT_ROOT)
    .toArray()
    .forEach((block, index) => {
      const text = textOf(block).trim();
      const isHeading = block instanceof Y.XmlElement && block.nodeName === 'heading';
      if (isHeading || !current) {
        current = { target: 'block', targetId: String(index), title: isHeading ? text : title, body: isHeading ? '' : text };
        entries.push(current);
      } else if (text) {
        current.body = current.body ? `${current.body}\n${text}` : text;
      }
    });
  return entries.filter((e) => e.title || e.body);
}
