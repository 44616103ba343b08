/**
 * A Word file (.docx) as a document in Tiptap JSON. mammoth turns the file into plain semantic
 * HTML (headings, paragraphs, lists, tables, links, bold, italic, strike), guided by a style map
 * that also reads back what our own export writes as styles (`docxStyles.ts`). That HTML is
 * then read through the schema's own parse rules (ProseMirror's DOMParser, as a paste is), so
 * nothing the schema cannot hold gets in, and links keep only safe addresses.
 *
 * Parsing HTML needs a DOM: the browser's by default; in Node, pass one (happy-dom's DOMParser,
 * as the tests do). Images are left out (the schema has none) and counted in the warnings.
 */
import type { JSONContent } from '@tiptap/core';
import { DOMParser as PmDOMParser } from '@tiptap/pm/model';
import mammoth from 'mammoth';
import { DOCX_MAX_BYTES, DOCX_STYLES, TASK_BOX_DONE, TASK_BOX_PREFIX } from './docxStyles.js';
import { documentSchema, normaliseDocJson } from './extensions.js';
import { isSafeHref } from './html.js';

/** Why a file could not be imported; each comes with a message a person can act on. */
export const DocxImportErrorCode = {
  TooLarge: 'too_large',
  NotDocx: 'not_docx',
  LegacyDoc: 'legacy_doc',
  Unreadable: 'unreadable',
  NoDom: 'no_dom',
} as const;
export type DocxImportErrorCode = (typeof DocxImportErrorCode)[keyof typeof DocxImportErrorCode];

export class DocxImportError extends Error {
  override name = 'DocxImportError';
  constructor(
    readonly code: DocxImportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DocxImportResult {
  json: JSONContent;
  /** What did not come across, one line each, repeated lines counted: for a short summary. */
  warnings: string[];
}

export interface DocxImportOptions {
  /** Parses an HTML string into a Document. Default: the global `DOMParser` (browsers). */
  parseHtml?: (html: string) => Document;
  /** The largest file accepted, in bytes; default `DOCX_MAX_BYTES` (10 MB). */
  maxBytes?: number;
}

// Word's headings are in mammoth's default map; they are repeated here so that the levels this
// import promises (1–6) do not rest on a default. Lists nest up to Word's nine levels (mammoth's
// default map stops at five).
const LIST_STYLE_MAP = Array.from({ length: 9 }, (_, i) => {
  const outer = 'ul|ol > li > '.repeat(i);
  return [`p:unordered-list(${i + 1}) => ${outer}ul > li:fresh`, `p:ordered-list(${i + 1}) => ${outer}ol > li:fresh`];
}).flat();

const STYLE_MAP = [
  ...[1, 2, 3, 4, 5, 6].flatMap((level) => [`p[style-name='Heading ${level}'] => h${level}:fresh`, `p[style-name='heading ${level}'] => h${level}:fresh`]),
  "p[style-name='Title'] => h1:fresh",
  `p[style-name='${DOCX_STYLES.quote.name}'] => blockquote > p:fresh`,
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  // Consecutive code paragraphs (one per line, as other tools write code) are one code block.
  `p[style-name='${DOCX_STYLES.codeBlock.name}'] => pre:separator('\\n')`,
  "p[style-name='HTML Preformatted'] => pre:separator('\\n')",
  `p[style-name='${DOCX_STYLES.horizontalRule.name}'] => hr`,
  `r[style-name='${DOCX_STYLES.code.name}'] => code`,
  "r[style-name='HTML Code'] => code",
  ...LIST_STYLE_MAP,
];

// A .docx is a zip archive; an old binary .doc is an OLE compound file.
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, i) => bytes[i] === byte);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function checkBytes(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.byteLength > maxBytes) throw new DocxImportError(DocxImportErrorCode.TooLarge, `The file is ${mb(bytes.byteLength)}; the most a Word import can be is ${mb(maxBytes)}.`);
  if (startsWith(bytes, OLE_SIGNATURE)) {
    throw new DocxImportError(DocxImportErrorCode.LegacyDoc, 'This is an older Word file (.doc). Open it in Word and save it as a Word Document (.docx), then import that.');
  }
  if (!startsWith(bytes, ZIP_SIGNATURE)) throw new DocxImportError(DocxImportErrorCode.NotDocx, 'This is not a Word document (.docx). Choose a file saved from Word, LibreOffice or Google Docs as .docx.');
}

function defaultParseHtml(html: string): Document {
  if (typeof DOMParser === 'undefined') {
    throw new DocxImportError(DocxImportErrorCode.NoDom, 'Reading a Word file needs an HTML parser: outside a browser, pass parseHtml (for example happy-dom’s DOMParser).');
  }
  return new DOMParser().parseFromString(html, 'text/html');
}

/** Replaces an element by its children. */
function unwrap(el: Element): void {
  el.replaceWith(...Array.from(el.childNodes));
}

/** The first text node of an element, skipping empty ones; the task box, if any, is there. */
function firstText(el: Element): Text | null {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  while (walker.nextNode()) {
    const node = walker.currentNode as Text;
    if ((node.textContent ?? '').trim()) return node;
  }
  return null;
}

/**
 * A bulleted list whose every item starts with a box (☐, ☑, ☒) or a Word checkbox is a task
 * list: marked up as the TaskList and TaskItem parse rules expect, the boxes taken out.
 */
function markTaskLists(body: HTMLElement): void {
  for (const list of Array.from(body.querySelectorAll('ul'))) {
    const items = Array.from(list.children).filter((child) => child.tagName === 'LI');
    const boxes = items.map((item) => {
      const input = item.querySelector(':scope > input[type="checkbox"], :scope > p:first-child > input[type="checkbox"]');
      if (input) return { checked: input.hasAttribute('checked'), remove: () => input.remove() };
      const text = firstText(item);
      const value = text?.textContent?.trimStart() ?? '';
      if (!text || !TASK_BOX_PREFIX.test(value)) return null;
      return { checked: TASK_BOX_DONE.test(value), remove: () => (text.textContent = value.replace(TASK_BOX_PREFIX, '')) };
    });
    if (items.length === 0 || boxes.some((box) => box === null)) continue;
    list.setAttribute('data-type', 'taskList');
    items.forEach((item, i) => {
      item.setAttribute('data-type', 'taskItem');
      item.setAttribute('data-checked', String(boxes[i]!.checked));
      boxes[i]!.remove();
    });
  }
}

/** Makes mammoth's HTML say what the schema's parse rules understand; returns the images left out. */
function tidy(body: HTMLElement): number {
  const images = Array.from(body.querySelectorAll('img'));
  for (const img of images) {
    const parent = img.parentElement;
    img.remove();
    // A paragraph that held only the picture would come in as a stray empty line.
    if (parent && parent !== body && parent.tagName === 'P' && parent.childNodes.length === 0) parent.remove();
  }
  for (const a of Array.from(body.querySelectorAll('a'))) {
    const href = a.getAttribute('href');
    // Bookmarks (`<a id>`), footnote jumps (`#…`: the editor has no anchors) and unsafe
    // addresses keep their words without the link.
    if (href === null || href.startsWith('#') || !isSafeHref(href)) unwrap(a);
  }
  // A code block's line breaks are newlines in its text, not hard breaks (code has none).
  for (const br of Array.from(body.querySelectorAll('pre br'))) br.replaceWith(body.ownerDocument.createTextNode('\n'));
  markTaskLists(body);
  return images.length;
}

// mammoth names each paragraph whose Word style has no rule here; the paragraph still comes in,
// as plain text, so one line listing the styles says enough.
const UNKNOWN_STYLE = /^Unrecognised (?:paragraph|run|table|numbering) style: '(.*)' \(Style ID: ([^)]*)\)$/;

/**
 * mammoth's messages as lines for a person: unknown styles in one line, other repeats once
 * with a count (a long document repeats the same message many times).
 */
function summarise(messages: readonly string[]): string[] {
  const styles = new Set<string>();
  const counts = new Map<string, number>();
  for (const message of messages) {
    const unknown = UNKNOWN_STYLE.exec(message);
    // A style used but never defined has no name: its id is the best there is.
    if (unknown) styles.add(unknown[1] === 'null' || unknown[1] === 'undefined' ? unknown[2]! : unknown[1]!);
    else counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  const lines = [...counts].map(([message, count]) => (count > 1 ? `${message} (${count} times)` : message));
  if (styles.size) lines.unshift(`Text in ${styles.size === 1 ? 'the Word style' : 'the Word styles'} ${[...styles].map((name) => `“${name}”`).join(', ')} came in as plain text.`);
  return lines;
}

/**
 * A .docx file as a document in Tiptap JSON, with warnings for what did not come across.
 * Throws a `DocxImportError` when the file is too large, not a .docx, or cannot be read.
 *
 * @example
 * const { json, warnings } = await docxToJson(new Uint8Array(await file.arrayBuffer()));
 * editor.commands.insertContent(json.content ?? []);
 */
export async function docxToJson(bytes: Uint8Array, options: DocxImportOptions = {}): Promise<DocxImportResult> {
  checkBytes(bytes, options.maxBytes ?? DOCX_MAX_BYTES);
  // A copy of exactly these bytes (the array may be a view on a larger buffer). mammoth's Node
  // build reads `buffer`, its browser build `arrayBuffer`; JSZip takes an ArrayBuffer in both,
  // though mammoth's types say a Node Buffer (which shared code cannot name).
  const arrayBuffer = bytes.slice().buffer;
  const input = { arrayBuffer, buffer: arrayBuffer } as { arrayBuffer: ArrayBuffer };
  let html: string;
  let messages: string[];
  try {
    const result = await mammoth.convertToHtml(input, {
      styleMap: STYLE_MAP,
      // Not read at all: the schema has no images, so only the count matters.
      convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
    });
    html = result.value;
    messages = result.messages.map((message) => message.message);
  } catch (error) {
    throw new DocxImportError(DocxImportErrorCode.Unreadable, `The file could not be read as a Word document: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const dom = (options.parseHtml ?? defaultParseHtml)(`<!DOCTYPE html><html><body>${html}</body></html>`);
  const images = tidy(dom.body);
  const doc = PmDOMParser.fromSchema(documentSchema()).parse(dom.body);
  const warnings = summarise(messages);
  if (images > 0) warnings.push(`${images} ${images === 1 ? 'image was' : 'images were'} left out: documents hold text, not pictures.`);
  return { json: normaliseDocJson(doc.toJSON() as JSONContent), warnings };
}
