/**
 * Cleaning HTML pasted from Word and Google Docs before the editor parses it. Council and NHS
 * papers arrive this way, carrying Office markup (conditional comments, `<o:p>`, `mso-*`
 * styles, fonts, classes) that would otherwise become stray empty paragraphs, fake bullets and
 * lost bold. What is kept: headings, paragraphs, lists, tables, links (http, https, mailto),
 * bold, italic, code and quotes; the structure, not the look.
 *
 * The HTML is parsed and sanitised by the DOMPurify instance passed in (the browser's in the
 * client), so this module has no DOM of its own. After the Office clean-up, an allow-list pass of
 * our own keeps only the structure above, whatever the sanitiser let through: defence in depth,
 * and the part the unit tests can check (DOMPurify 3.4.8 and later does not work on happy-dom,
 * see cure53/DOMPurify#1457, so they pass a parse-only stand-in).
 */
import type { DOMPurify } from 'dompurify';

/** What `cleanPastedHtml` needs of DOMPurify: `sanitize` returning a DOM. */
export type HtmlSanitizer = Pick<DOMPurify, 'sanitize'>;

const KEEP_TAGS = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'a', 'strong', 'b', 'em', 'i', 'code', 'pre', 'blockquote', 'hr']);
/** Dropped with everything inside: active content, media, form controls, metadata. */
const DROP_TAGS = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'frame', 'object', 'embed', 'applet', 'img', 'picture', 'video', 'audio', 'canvas', 'svg', 'math', 'form', 'input', 'button', 'select', 'textarea', 'head', 'title', 'meta', 'link', 'base', 'xml']);
const KEEP_ATTRIBUTES = new Set(['href', 'colspan', 'rowspan', 'start']);
const SAFE_HREF = /^(?:https?:|mailto:)/i;

/**
 * The documents' HTML allow-list, for other sanitisers that must keep to the same structure
 * (the public learning pages clean with `sanitize-html` on the server, where there is no DOM).
 * Read-only copies: this module keeps using its own sets.
 *
 * @example
 * sanitizeHtml(html, { allowedTags: [...DOCUMENT_HTML_ALLOW_LIST.tags], allowedSchemes: [...DOCUMENT_HTML_ALLOW_LIST.schemes] })
 */
export const DOCUMENT_HTML_ALLOW_LIST = {
  /** Elements kept. */
  tags: [...KEEP_TAGS] as readonly string[],
  /** Attributes kept, on any kept element. */
  attributes: [...KEEP_ATTRIBUTES] as readonly string[],
  /** Elements dropped together with everything inside them. */
  dropWithContent: [...DROP_TAGS] as readonly string[],
  /** The only schemes a link may have (relative links are refused too). */
  schemes: ['http', 'https', 'mailto'] as readonly string[],
  /** Whether a link target is allowed: `SAFE_HREF` tested on the trimmed value. */
  isAllowedHref: (href: string): boolean => SAFE_HREF.test(href.trim()),
} as const;

// Office markup that is easier to drop as text than as DOM: downlevel-hidden conditional
// comments (`<!--[if gte mso 9]><xml>…</xml><![endif]-->`: `]>` right after the condition, or
// the lazy match would run on to a later endif), then any other comment, embedded XML and style
// sheets. Word's downlevel-revealed `<![if !supportLists]>` is left to the parser: its content
// (the list marker) is real markup that `rebuildWordLists` reads.
const OFFICE_TEXT = [/<!--\[if[^\]]*\]>[\s\S]*?<!\[endif\]-->/gi, /<!--[\s\S]*?-->/g, /<xml>[\s\S]*?<\/xml>/gi, /<style[\s\S]*?<\/style>/gi];

const styleOf = (el: Element) => (el.getAttribute('style') ?? '').toLowerCase().replace(/\s+/g, '');

/** Replaces an element by its children. */
function unwrap(el: Element): void {
  el.replaceWith(...Array.from(el.childNodes));
}

/**
 * Word writes each list item as a paragraph styled `mso-list:l0 level1 lfo1`, with the bullet or
 * number as text. Runs of them become real lists: numbered when the marker is a number or
 * letter, bulleted otherwise.
 */
function rebuildWordLists(root: Element): void {
  // `mso-list:l0 …`: which of the document's lists a paragraph belongs to. Two lists one after
  // the other (bullets, then numbers) have different ids and stay two lists.
  const listId = (el: Element | null) => (el?.tagName === 'P' ? (/mso-list:(l\d+)/.exec(styleOf(el))?.[1] ?? null) : null);
  for (const first of Array.from(root.querySelectorAll('p'))) {
    const id = listId(first);
    if (!first.isConnected || !id) continue;
    const items: Element[] = [];
    for (let next: Element | null = first; next && listId(next) === id; next = next.nextElementSibling) items.push(next);
    const marker = (first.textContent ?? '').trim();
    const list = first.ownerDocument.createElement(/^[(]?[0-9a-z]{1,4}[.)]/i.test(marker) ? 'ol' : 'ul');
    first.before(list);
    for (const item of items) {
      // The marker sits in a span styled `mso-list:Ignore` (when the conditional comment
      // around it was not stripped); otherwise it is the first word of the text.
      item.querySelectorAll('span').forEach((span) => /mso-list:ignore/.test(styleOf(span)) && span.remove());
      const li = first.ownerDocument.createElement('li');
      li.append(...Array.from(item.childNodes));
      const lead = li.firstChild;
      if (lead && lead.nodeType === 3) lead.textContent = (lead.textContent ?? '').replace(/^[\s\u00a0]*(?:[·•▪o§-]|[(]?[0-9a-z]{1,4}[.)])[\s\u00a0]+/i, '');
      list.append(li);
      item.remove();
    }
  }
}

/** Formatting carried only by style (Google Docs does bold this way) becomes real marks. */
function stylesToMarks(root: Element): void {
  for (const el of Array.from(root.querySelectorAll('span, font, b'))) {
    const style = styleOf(el);
    // Google Docs wraps the whole clipboard in <b style="font-weight:normal">: not bold at all.
    if (el.tagName === 'B') {
      if (/font-weight:(?:normal|400)/.test(style)) unwrap(el);
      continue;
    }
    const bold = /font-weight:(?:bold|[7-9]00)/.test(style);
    const italic = /font-style:italic/.test(style);
    if (bold && italic) wrapChildren(wrapChildren(el, 'strong'), 'em');
    else if (bold || italic) wrapChildren(el, bold ? 'strong' : 'em');
    unwrap(el);
  }
}

function wrapChildren(el: Element, tag: string): Element {
  const wrapper = el.ownerDocument.createElement(tag);
  wrapper.append(...Array.from(el.childNodes));
  el.append(wrapper);
  return wrapper;
}

const isBlank = (el: Element) => (el.textContent ?? '').replace(/[\s\u00a0\u200b]/g, '') === '' && !el.querySelector('br, hr, table');

/**
 * Keeps only the allowed elements (others are unwrapped, their text kept, or dropped whole if
 * active or media) and attributes (links only to http, https and mailto); removes comments.
 */
function keepAllowed(root: Element): void {
  const comments = root.ownerDocument.createTreeWalker(root, 128 /* NodeFilter.SHOW_COMMENT */);
  const found: Node[] = [];
  while (comments.nextNode()) found.push(comments.currentNode);
  for (const comment of found) comment.parentNode?.removeChild(comment);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase();
    if (DROP_TAGS.has(tag)) {
      el.remove();
      continue;
    }
    if (!KEEP_TAGS.has(tag)) {
      unwrap(el);
      continue;
    }
    for (const attribute of Array.from(el.attributes)) {
      const allowed = KEEP_ATTRIBUTES.has(attribute.name) && (attribute.name !== 'href' || SAFE_HREF.test(attribute.value.trim()));
      if (!allowed) el.removeAttribute(attribute.name);
    }
    // A link whose address was refused keeps its text.
    if (tag === 'a' && !el.hasAttribute('href')) unwrap(el);
  }
}

/**
 * Cleans HTML from the clipboard for the document editor (Tiptap's `transformPastedHTML`).
 *
 * @example
 * cleanPastedHtml('<p class=MsoNormal><b>Actions<o:p></o:p></b></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>', DOMPurify)
 * // '<p><b>Actions</b></p>'
 */
export function cleanPastedHtml(html: string, purify: HtmlSanitizer): string {
  let text = html;
  for (const pattern of OFFICE_TEXT) text = text.replace(pattern, '');
  // DOMPurify's safe default profile, keeping styles for a moment so that Word lists and
  // style-only bold can be read before they are dropped.
  // RETURN_DOM gives the <body> that holds the sanitised content.
  const body = purify.sanitize(text, { RETURN_DOM: true, FORBID_TAGS: ['style', 'meta', 'link', 'title', 'img', 'svg', 'math'] }) as HTMLElement;
  rebuildWordLists(body);
  stylesToMarks(body);
  // The schema has all six heading levels (shared/doc/extensions.ts): a pasted h4 stays an h4.
  keepAllowed(body);
  for (const el of Array.from(body.querySelectorAll('p, h1, h2, h3, h4, h5, h6, strong, b, em, i'))) if (isBlank(el) && !el.closest('td, th')) el.remove();
  // Line breaks between table rows, list items and blocks are layout of the source, not text.
  for (const parent of [body, ...Array.from(body.querySelectorAll('table, thead, tbody, tfoot, tr, ul, ol'))]) {
    for (const child of Array.from(parent.childNodes)) if (child.nodeType === 3 && !(child.textContent ?? '').trim()) child.remove();
  }
  // Word pads with runs of non-breaking spaces; the editor collapses plain spaces itself.
  return body.innerHTML.replace(/&nbsp;/g, ' ').trim();
}
