/**
 * A document as a standalone HTML page: for download, print to PDF and the published view.
 *
 * Written as a string from the schema's own `toDOM` specs rather than through ProseMirror's
 * DOMSerializer, because that needs a `document` and export also runs on the server. Safe by
 * construction: every text and attribute value is escaped, only known-harmless attributes are
 * written, and links keep only http(s), mailto and same-site addresses.
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
 * Whether a link target may be written into exported HTML or kept from a paste: web, mail and
 * same-site links only (no `javascript:`, `data:`, `file:`).
 *
 * @example
 * isSafeHref('https://www.torbay.gov.uk') // true
 * isSafeHref('javascript:alert(1)') // false
 */
export function isSafeHref(href: string): boolean {
  const value = href.trim();
  if (/^(?:https?:|mailto:)/i.test(value)) return true;
  // Same-site paths and fragments, but not protocol-relative `//host` links.
  return /^(?:\/(?!\/)|#)/.test(value);
}

const VOID = new Set(['br', 'hr', 'img', 'col', 'input']);
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;
// Attributes the schema writes that mean something in a static page; anything else (event
// handlers, inline styles, editor-only state) is left out.
const KEEP_ATTRIBUTE = /^(?:data-[a-z0-9-]+|href|title|colspan|rowspan|start|type|checked|disabled|class|level|rel|lang)$/;

type Spec = readonly [string, ...unknown[]] | string | null | undefined;

function renderAttributes(attrs: Record<string, unknown>): string {
  let out = '';
  for (const [rawName, value] of Object.entries(attrs)) {
    const name = rawName.toLowerCase();
    if (value === null || value === undefined || value === false || !ATTRIBUTE_NAME.test(name) || !KEEP_ATTRIBUTE.test(name)) continue;
    const text = String(value);
    if (name === 'href' && !isSafeHref(text)) continue;
    out += ` ${name}="${escapeHtml(text)}"`;
  }
  return out;
}

/** Renders a DOMOutputSpec; `hole` is the content that goes where the spec says `0`. */
function renderSpec(spec: Spec | unknown, hole: string): string {
  if (typeof spec === 'string') return escapeHtml(spec);
  if (!Array.isArray(spec)) return hole; // a DOM node from a custom toDOM: keep the content only
  const [rawTag, ...rest] = spec as [string, ...unknown[]];
  // "ns tag" names a namespace (SVG); the tag is the last word.
  const tag = rawTag.split(' ').pop()!.toLowerCase();
  if (!ATTRIBUTE_NAME.test(tag) || tag === 'script' || tag === 'style') return hole;
  let attrs: Record<string, unknown> = {};
  if (rest.length && typeof rest[0] === 'object' && rest[0] !== null && !Array.isArray(rest[0])) attrs = rest.shift() as Record<string, unknown>;
  if (tag === 'input') attrs = { ...attrs, disabled: 'disabled' };
  if (VOID.has(tag)) return `<${tag}${renderAttributes(attrs)}>`;
  const children = rest.map((child) => (child === 0 ? hole : renderSpec(child, hole))).join('');
  return `<${tag}${renderAttributes(attrs)}>${children}</${tag}>`;
}

function renderMarks(marks: readonly Mark[], inner: string): string {
  let out = inner;
  for (const mark of [...marks].reverse()) out = renderSpec(mark.type.spec.toDOM?.(mark, true), out);
  return out;
}

function renderNode(node: PmNode): string {
  if (node.isText) return renderMarks(node.marks, escapeHtml(node.text ?? ''));
  let content = '';
  node.forEach((child) => {
    content += renderNode(child);
  });
  const spec = node.type.spec.toDOM?.(node);
  const html = spec ? renderSpec(spec, content) : content;
  return node.isInline ? renderMarks(node.marks, html) : html;
}

/**
 * The document's body as an HTML fragment (no `<html>` around it).
 *
 * @example
 * jsonToHtmlFragment({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A & B' }] }] }) // '<p>A &amp; B</p>'
 */
export function jsonToHtmlFragment(json: JSONContent): string {
  const doc = documentSchema().nodeFromJSON(json);
  let out = '';
  doc.forEach((child) => {
    out += renderNode(child);
  });
  return out;
}

// Readable on screen, tidy on paper: no comment highlights, link targets printed after the text.
const STYLESHEET = `
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1b1b1b; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { line-height: 1.25; }
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
  h1, h2, h3 { break-after: avoid; }
  table, pre, blockquote, li { break-inside: avoid; }
  .doc-comment { background: none; }
}
`.trim();

export interface HtmlExportOptions {
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
 * jsonToHtml(json, { title: 'Loneliness in Torbay: framing' }) // '<!doctype html><html lang="en-GB">…'
 */
export function jsonToHtml(json: JSONContent, options: HtmlExportOptions = {}): string {
  const firstHeading = json.content?.find((block) => block.type === 'heading');
  const fallback = firstHeading ? documentSchema().nodeFromJSON(firstHeading).textContent : '';
  const title = escapeHtml((options.title ?? fallback).trim() || 'Untitled document');
  const lang = escapeHtml(options.lang ?? 'en-GB');
  return [
    '<!doctype html>',
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
    jsonToHtmlFragment(json),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
