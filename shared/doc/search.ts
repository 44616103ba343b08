/**
 * What a document room gives the site's search index, read straight from the Y.Doc without
 * Tiptap or the schema (the server indexes rooms whatever wrote them, and never changes them):
 * its top-level blocks as plain text, grouped into heading sections, and its comment threads.
 */
import * as Y from 'yjs';
import type { SearchEntry } from '../search/types.js';
import { commentedTexts, readComments } from './comments.js';
import { docContent, plainText, yNodeToJson } from './content.js';
import { shorten } from '../text.js';

export interface DocBlock {
  /** Position among the top-level blocks: the id of `block` search results; the client scrolls to it. */
  index: number;
  /** The node type: 'heading', 'paragraph', 'bulletList', 'table', … */
  type: string;
  /** Heading level (1–3), for headings only. */
  level?: number;
  text: string;
}

/**
 * The top-level blocks of the document as plain text, in order.
 *
 * @example
 * docBlocks(doc) // [{ index: 0, type: 'heading', level: 1, text: 'Loneliness in Torbay' }, { index: 1, type: 'paragraph', text: '…' }]
 */
export function docBlocks(doc: Y.Doc): DocBlock[] {
  const out: DocBlock[] = [];
  docContent(doc)
    .toArray()
    .forEach((child, index) => {
      // Only elements are blocks; stray text at the top level (never written by the editor) is
      // skipped but keeps its index, so indexes match the children of the fragment.
      if (!(child instanceof Y.XmlElement)) return;
      const [json] = yNodeToJson(child);
      if (!json) return;
      const level = Number(child.getAttribute('level'));
      out.push({ index, type: child.nodeName, ...(child.nodeName === 'heading' && level ? { level } : {}), text: plainText(json).trim() });
    });
  return out;
}

const TITLE_MAX = 120;
const oneLine = (text: string) => shorten(text.replace(/\s+/g, ' ').trim(), TITLE_MAX);

/**
 * Search entries for a document room: one `block` entry per heading section (the heading as
 * title, the text up to the next heading as body, the heading's block index as id; text before
 * the first heading is titled by the document), and one `comment` entry per thread (the
 * commented text as title when it still exists, the messages as body).
 *
 * @example
 * docSearchEntries(doc, 'Framing the issue')
 * // [{ target: 'block', targetId: '0', title: 'The issue', body: '…' }, { target: 'comment', targetId: 't1', title: 'three agencies', body: 'Which three?' }]
 */
export function docSearchEntries(doc: Y.Doc, title: string): SearchEntry[] {
  const entries: SearchEntry[] = [];
  let current: SearchEntry | null = null;
  for (const block of docBlocks(doc)) {
    if (block.type === 'heading' || !current) {
      current = { target: 'block', targetId: String(block.index), title: block.type === 'heading' ? block.text : title, body: block.type === 'heading' ? '' : block.text };
      entries.push(current);
    } else if (block.text) {
      current.body = current.body ? `${current.body}\n${block.text}` : block.text;
    }
  }
  const texts = commentedTexts(doc);
  const comments: SearchEntry[] = readComments(doc).map((thread) => ({
    target: 'comment',
    targetId: thread.id,
    title: oneLine(texts.get(thread.id) ?? '') || title,
    body: thread.messages.map((m) => m.text).join('\n'),
  }));
  return [...entries.filter((e) => e.title || e.body), ...comments];
}
