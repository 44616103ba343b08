/**
 * A document as a standalone HTML page: for download, print to PDF and the published view.
 *
 * Written as a string from the schema's own `toDOM` specs rather than through ProseMirror's
 * DOMSerializer, because that needs a `document` and export also runs on the server. Safe by
 * construction: every text and attribute value is escaped, only known-harmless attributes are
 * written, and links keep only http(s), mailto and relative addresses (`isSafeHref`); with a
 * `baseUrl` the relative ones, map references included, are written absolute. The page passes
 * html-validate's recommended rules (see html.test.ts).
 */
import type { JSONContent } from '@tiptap/core';
import type { Mark, Node as PmNode } from '@tiptap/pm/model';
import { documentSchema } from './extensions.js';

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml('<b> & "q"') // '&lt;b&gt; &amp; &quot;q&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * An address as a browser reads it (the URL standard): tabs and line breaks dropped wherever
 * they are, control characters and spaces trimmed from both ends. Judged any other way,
 * `java\tscript:` would pass as a relative link and still run.
 */
function asBrowserReadsIt(href: string): string {
  const value = href.replace(/[\t\n\r]/g, '');
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end -= 1;
  return value.slice(start, end);
}

/**
 * Whether a link target may be written into an export or kept from a paste: web and mail
 * addresses, and relative references (a path, `?query` or `#fragment`), which stay links to the
 * same site. Never `javascript:`, `data:`, `file:` or any other scheme, nor `//host`.
 *
 * @example
 * isSafeHref('https://www.torbay.gov.uk') // true
 * isSafeHref('notes/2024-03.md') // true
 * isSafeHref('javascript:alert(1)') // false
 */
export function isSafeHref(href: string): boolean {
  const value = asBrowserReadsIt(href);
  if (value === '') return false;
  if (/^(?:https?|mailto):/i.test(value)) return true;
  // Anything else must be relative. Refused: a colon before the first `/`, `?` or `#` (a scheme),
  // an `&` there (HTML and Markdown readers decode `javascript&colon;` into one), and a leading
  // `//` (another host; browsers read `\` as `/`, so `/\host` and `\\host` too).
  const head = value.split(/[/?#]/, 1)[0]!;
  return !/[:&\\]/.test(head) && !/^[\\/]{2}/.test(value);
}

/**
 * The address a link gets in an export: `null` when it is refused (`isSafeHref`; the text is
 * exported without the link). Without `baseUrl` the address is kept as it is. With `baseUrl`,
 * the workspace's public address, a relative one is made absolute so it still works outside
 * the app; a `#fragment` is kept, as it points into the exported page itself.
 *
 * @example
 * exportHref('/rooms/torbay-map-0001', 'https://workspace.example') // 'https://workspace.example/rooms/torbay-map-0001'
 * exportHref('notes.md') // 'notes.md'
 * exportHref('javascript:alert(1)') // null
 */
export function exportHref(href: string, baseUrl?: string): string | null {
  const value = asBrowserReadsIt(href);
  if (!isSafeHref(value)) return null;
  if (baseUrl === undefined || /^(?:https?|mailto):/i.test(value) || value.startsWith('#')) return value;
  const root = new URL(`${baseUrl.replace(/\/+$/, '')}/`);
  if (root.protocol !== 'http:' && root.protocol !== 'https:') throw new RangeError(`The base address must start with http:// or https://, not ${baseUrl}.`);
  // The app's paths (`/rooms/…`) are under the workspace's address, which may itself have a path
  // (`https://host/workspace`): resolving `/rooms/x` against it would drop that path.
  return value.startsWith('/') ? `${root.href}${value.slice(1)}` : new URL(value, root).href;
}

const VOID = new Set(['br', 'hr', 'img', 'col', 'input']);
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;
// Attributes the schema writes that mean something in a static page; anything else (event
// handlers, inline styles, editor-only state) is left out.
const KEEP_ATTRIBUTE = /^(?:data-[a-z0-9-]+|href|title|colspan|rowspan|start|type|checked|disabled|class|level|rel|lang)$/;

// Written bare (`checked`, not `checked="checked"`), as validators prefer.
const BOOLEAN_ATTRIBUTE = new Set(['checked', 'disabled']);

type Spec = readonly [string, ...unknown[]] | string | null | undefined;

/** What rendering needs besides the node: where relative links point (see `exportHref`). */
interface RenderContext {
  baseUrl?: string;
}

function renderAttributes(attrs: Record<string, unknown>): string {
  let out = '';
  for (const [rawName, value] of Object.entries(attrs)) {
    const name = rawName.toLowerCase();
    if (value === null || value === undefined || value === false || !ATTRIBUTE_NAME.test(name) || !KEEP_ATTRIBUTE.test(name)) continue;
    out += BOOLEAN_ATTRIBUTE.has(name) ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** Renders a DOMOutputSpec; `hole` is the content that goes where the spec says `0`. */
function renderSpec(spec: Spec | unknown, hole: string, context: RenderContext): string {
  if (typeof spec === 'string') return escapeHtml(spec);
  if (!Array.isArray(spec)) return hole; // a DOM node from a custom toDOM: keep the content only
  const [rawTag, ...rest] = spec as [string, ...unknown[]];
  // "ns tag" names a namespace (SVG); the tag is the last word.
  const tag = rawTag.split(' ').pop()!.toLowerCase();
  if (!ATTRIBUTE_NAME.test(tag) || tag === 'script' || tag === 'style') return hole;
  let attrs: Record<string, unknown> = {};
  if (rest.length && typeof rest[0] === 'object' && rest[0] !== null && !Array.isArray(rest[0])) attrs = { ...(rest.shift() as Record<string, unknown>) };
  if (tag === 'input') attrs.disabled = true;
  const children = () => rest.map((child) => (child === 0 ? hole : renderSpec(child, hole, context))).join('');
  if ('href' in attrs) {
    const href = typeof attrs.href === 'string' ? exportHref(attrs.href, context.baseUrl) : null;
    // A refused address leaves the words, not an `<a>` without `href` (where `rel` is invalid).
    if (href === null && tag === 'a') return children();
    attrs.href = href;
  }
  if (VOID.has(tag)) return `<${tag}${renderAttributes(attrs)}>`;
  return `<${tag}${renderAttributes(attrs)}>${children()}</${tag}>`;
}

function renderMarks(marks: readonly Mark[], inner: string, context: RenderContext): string {
  let out = inner;
  for (const mark of [...marks].reverse()) out = renderSpec(mark.type.spec.toDOM?.(mark, true), out, context);
  return out;
}

function renderNode(node: PmNode, context: RenderContext): string {
  if (node.isText) return renderMarks(node.marks, escapeHtml(node.text ?? ''), context);
  let content = '';
  node.forEach((child) => {
    content += renderNode(child, context);
  });
  const spec = node.type.spec.toDOM?.(node);
  const html = spec ? renderSpec(spec, content, context) : content;
  return node.isInline ? renderMarks(node.marks, html, context) : html;
}

export interface HtmlFragmentOptions {
  /**
   * The workspace's public address (`https://workspace.example`). When given, relative links
   * and map references are written absolute, so they work in a downloaded or mailed page.
   */
  baseUrl?: string;
}

/**
 * The document's body as an HTML fragment (no `<html>` around it).
 *
 * @example
 * jsonToHtmlFragment({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A & B' }] }] }) // '<p>A &amp; B</p>'
 */
export function jsonToHtmlFragment(json: JSONContent, options: HtmlFragmentOptions = {}): string {
  const doc = documentSchema().nodeFromJSON(json);
  const context: RenderContext = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  let out = '';
  doc.forEach((child) => {
    out += renderNode(child, context);
  });
  return out;
}

// Readable on screen, tidy on paper: no comment highlights, link targets printed after the text.
const STYLESHEET = `
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1b1b1b; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
blockquote { border-left: 4px solid #bbb; margin-left: 0; padding-left: 1rem; color: #444; }
pre { background: #f5f5f5; padding: 0.75rem; overflow-x: auto; }
ul[data-type="taskList"] { list-style: none; padding-left: 0.5rem; }
ul[data-type="taskList"] li { display: flex; gap: 0.5rem; }
ul[data-type="taskList"] li > div > p { margin: 0; }
a[data-map-ref] { background: #eef4ff; border-radius: 3px; padding: 0 2px; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; }
  table, pre, blockquote, li { break-inside: avoid; }
  .doc-comment { background: none; }
}
`.trim();

export interface HtmlExportOptions extends HtmlFragmentOptions {
  /** The page title (the room's name); by default the document's first heading. */
  title?: string;
  /** The `lang` of the page; British English unless told otherwise. */
  lang?: string;
}

/**
 * A standalone HTML page of the document, with its title as `<title>` and heading and an
 * inline print stylesheet, ready to download or print. Without a title, the first heading
 * names the page.
 *
 * @example
 * jsonToHtml(json, { title: 'Loneliness in Torbay: framing' }) // '<!DOCTYPE html>\n<html lang="en-GB">…'
 */
export function jsonToHtml(json: JSONContent, options: HtmlExportOptions = {}): string {
  const firstHeading = json.content?.find((block) => block.type === 'heading');
  const fallback = firstHeading ? documentSchema().nodeFromJSON(firstHeading).textContent : '';
  const title = escapeHtml((options.title ?? fallback).trim() || 'Untitled document');
  const lang = escapeHtml(options.lang ?? 'en-GB');
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>\n${STYLESHEET}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    // A title taken from the first heading is already on the page.
    ...(options.title === undefined ? [] : [`<h1 class="doc-title">${title}</h1>`]),
    jsonToHtmlFragment(json, options),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
