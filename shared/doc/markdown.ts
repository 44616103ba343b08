/**
 * Markdown in and out of the document schema, without an editor: import a `.md` file as
 * Tiptap JSON for the editor to insert, export a document for people who work in plain text.
 * The dialect is GitHub's (GFM): tables (a `|` inside a cell written `\|`) and task lists
 * (`- [ ] `, `- [x] `).
 *
 * What Markdown cannot hold is dropped on export, on purpose: comment threads (the text stays,
 * the thread stays in the room) and column widths. Map references become ordinary links whose
 * title ("map element", "map loop") brings them back as `mapRef` nodes on import. Links keep
 * the link policy of every export (`exportHref`): unsafe addresses lose the link, and with a
 * `baseUrl` relative ones become absolute.
 */
import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { documentExtensions, MAP_REF_EXPORT_HREF, MAP_REF_NODE, mapRefHref, normaliseDocJson } from './extensions.js';
import { exportHref } from './html.js';

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
 * A copy of the JSON with every link address passed through `href` (the mark is dropped where
 * it says `null`) and, when `mapRefHref` is given, each map reference told the address to write.
 */
function mapLinks(node: JSONContent, href: (value: string) => string | null, mapRef?: (attrs: Record<string, unknown>) => string): JSONContent {
  const next: JSONContent = { ...node };
  if (node.marks) {
    next.marks = node.marks.flatMap((mark) => {
      if (mark.type !== 'link') return [mark];
      const value = href(String(mark.attrs?.href ?? ''));
      return value === null ? [] : [{ ...mark, attrs: { ...mark.attrs, href: value } }];
    });
  }
  if (node.type === MAP_REF_NODE && mapRef) next.attrs = { ...node.attrs, [MAP_REF_EXPORT_HREF]: mapRef(node.attrs ?? {}) };
  if (node.content) next.content = node.content.map((child) => mapLinks(child, href, mapRef));
  return next;
}

// GFM writes an empty task item as `- [ ] `, but editors strip the trailing space and Tiptap's
// task-list tokenizer needs it: without it `- [ ]` reads as a bullet with the text "[ ]".
const BARE_TASK_MARKER = /^(\s*[-+*]\s+\[[ xX]\])$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Gives bare task markers their space back, leaving fenced code as it is. */
function restoreTaskMarkerSpaces(md: string): string {
  let fence: string | null = null;
  return md
    .split('\n')
    .map((line) => {
      const opening = FENCE.exec(line)?.[1];
      if (opening && (fence === null || (opening[0] === fence[0] && opening.length >= fence.length))) {
        fence = fence === null ? opening : null;
        return line;
      }
      return fence === null ? line.replace(BARE_TASK_MARKER, '$1 ') : line;
    })
    .join('\n');
}

/**
 * Markdown (CommonMark with GitHub tables and task lists) as a document in Tiptap JSON. Links
 * to unsafe addresses (`javascript:`, `data:`…) keep their words and lose the link.
 *
 * @example
 * markdownToJson('# Actions\n\n- [ ] Book the venue')
 * // { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, … }, { type: 'taskList', … }] }
 */
export function markdownToJson(md: string): JSONContent {
  const json = manager().parse(restoreTaskMarkerSpaces(md.replace(/\r\n?/g, '\n')));
  // An empty file parses to a doc with no content, which the schema refuses (a doc holds at
  // least one block): give it the one empty paragraph the editor would show.
  if (!json.content || json.content.length === 0) return normaliseDocJson({ type: 'doc', content: [{ type: 'paragraph' }] });
  return normaliseDocJson(mapLinks(json, (href) => exportHref(href)));
}

export interface MarkdownExportOptions {
  /**
   * The workspace's public address (`https://workspace.example`). When given, relative links
   * and map references are written absolute, so they work outside the app; map references
   * still come back as map references on import.
   */
  baseUrl?: string;
}

/**
 * A document in Tiptap JSON as Markdown.
 *
 * @example
 * jsonToMarkdown({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello' }] }] }) // 'Hello\n'
 * jsonToMarkdown(json, { baseUrl: 'https://workspace.example' }) // '… [Footfall](https://workspace.example/rooms/r1?select=f "map element") …'
 */
export function jsonToMarkdown(json: JSONContent, options: MarkdownExportOptions = {}): string {
  const { baseUrl } = options;
  const mapRef =
    baseUrl === undefined ? undefined : (attrs: Record<string, unknown>) => exportHref(mapRefHref({ roomId: String(attrs.roomId ?? ''), targetId: String(attrs.targetId ?? '') }), baseUrl) ?? '';
  const md = manager().serialize(mapLinks(json, (href) => exportHref(href, baseUrl), mapRef));
  // Trim blank lines, not spaces: the last line may be an empty task item, `- [ ] `.
  return `${md.replace(/^\s*\n/, '').replace(/(?:\n[ \t]*)+$/, '')}\n`;
}
