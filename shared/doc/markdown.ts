/**
 * Markdown in and out of the document schema, without an editor: import a `.md` file as
 * Tiptap JSON for the editor to insert, export a document for people who work in plain text.
 *
 * What Markdown cannot hold is dropped on export, on purpose: comment threads (the text stays,
 * the thread stays in the room) and column widths. Map references become ordinary links whose
 * title ("map element", "map loop") brings them back as `mapRef` nodes on import.
 */
import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { documentExtensions, normaliseDocJson } from './extensions.js';

let cached: MarkdownManager | null = null;

/**
 * One manager and schema for the process. Built lazily and once: each MarkdownManager
 * registers its tokenizers on the shared `marked` instance, so building one per call would
 * pile up copies of them.
 */
function manager(): MarkdownManager {
  cached ??= new MarkdownManager({ extensions: documentExtensions() });
  return cached;
}

/**
 * Markdown (CommonMark with GitHub tables and task lists) as a document in Tiptap JSON.
 *
 * @example
 * markdownToJson('# Actions\n\n- [ ] Book the venue')
 * // { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, … }, { type: 'taskList', … }] }
 */
export function markdownToJson(md: string): JSONContent {
  const json = manager().parse(md);
  // An empty file parses to a doc with no content, which the schema refuses (a doc holds at
  // least one block): give it the one empty paragraph the editor would show.
  if (!json.content || json.content.length === 0) return normaliseDocJson({ type: 'doc', content: [{ type: 'paragraph' }] });
  return normaliseDocJson(json);
}

/**
 * A document in Tiptap JSON as Markdown.
 *
 * @example
 * jsonToMarkdown({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello' }] }] }) // 'Hello'
 */
export function jsonToMarkdown(json: JSONContent): string {
  return `${manager().serialize(json).trim()}\n`;
}
