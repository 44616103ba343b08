/**
 * Cleaning the HTML that goes into published pages and feeds, and turning people's plain text
 * into HTML. Every user-written string in a public page is either escaped (`text()` in
 * `html.ts`) or passed through `textToHtml`; `sanitizeHtml` then checks what `textToHtml`
 * built against the documents' allow-list (`shared/doc/paste.ts`), so a bug in the paragraph
 * and link building cannot become a script on a public page: defence in depth.
 */
import sanitize from 'sanitize-html';
import { escapeHtml } from '../../../shared/doc/html.js';
import { DOCUMENT_HTML_ALLOW_LIST as ALLOW } from '../../../shared/doc/paste.js';

// sanitize-html's own list of elements whose content is dropped with them, and the documents'
// list: dropping `<svg>` or `<iframe>` keeps none of their insides, as a paste would not.
const DROP_WITH_CONTENT = [...new Set(['script', 'style', 'textarea', 'option', 'xmp', 'noscript', ...ALLOW.dropWithContent])];

const OPTIONS: sanitize.IOptions = {
  allowedTags: [...ALLOW.tags],
  allowedAttributes: { '*': [...ALLOW.attributes] },
  allowedSchemes: [...ALLOW.schemes],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROP_WITH_CONTENT,
  // sanitize-html lets relative links through; the documents' list does not, so a link whose
  // address is not http, https or mailto loses it, and an `<a>` left without one is unwrapped:
  // its words stay, as in a paste. (Renaming the tag in `transformTags` instead mismatches
  // closing tags in sanitize-html 2.18 when the renamed tag is discarded.)
  transformTags: {
    '*': (tagName, attribs) => {
      const next = { ...attribs };
      if (next.href !== undefined && !ALLOW.isAllowedHref(next.href)) delete next.href;
      return { tagName, attribs: next };
    },
  },
  exclusiveFilter: (frame) => (frame.tag === 'a' && !ALLOW.isAllowedHref(frame.attribs.href ?? '') ? 'excludeTag' : false),
};

/**
 * HTML cut down to what documents may hold: headings, paragraphs, lists, tables, quotes,
 * bold, italic, code, and links to http, https and mailto addresses only. Everything else is
 * unwrapped (its text kept) or, if active or media, dropped with its content.
 *
 * @example
 * sanitizeHtml('<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><script>alert(1)</script></p>') // '<p>Hi there</p>'
 */
export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

// Invisible characters that change how text around them is drawn (bidi embeddings, overrides
// and isolates: a title can be made to read backwards, "Trojan Source") or that nothing
// written by a person needs (C0 and C1 controls other than tab and newline, lone surrogates).
// `shared/text.ts` refuses these in one-line names; summaries' longer text may still hold them.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` without invisible control characters that could reorder or corrupt what is shown;
 * line breaks and tabs stay.
 *
 * @example
 * dropInvisible('Budget\u202Etxt.exe') // 'Budgettxt.exe'
 */
export function dropInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` with each broken character (a lone surrogate) replaced by U+FFFD, so that
 * `encodeURIComponent` cannot throw on it; nothing else changes.
 *
 * @example
 * wellFormed('a\uD800b') // 'a\uFFFDb'
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

// A bare web address in running text. It stops at spaces, angle brackets and quotes (which are
// never part of an address someone typed) and then loses trailing punctuation that ends the
// sentence rather than the address.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}*_]+$/;

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    let url = match[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trail.length);
    // "(see https://example.org/a_(b))": keep a closing bracket the address opened itself.
    if (trail.startsWith(')') && url.includes('(')) url += ')';
    if (!isWebAddress(url)) continue;
    out += escapeHtml(line.slice(last, match.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

function isWebAddress(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Plain text as HTML: a `<p>` per block of lines separated by a blank line, `<br>` for a single
 * line break, bare http(s) addresses as links; every character escaped, invisible control
 * characters dropped, and the result passed through `sanitizeHtml` all the same. Links carry no
 * `target`, so no `rel="noopener"` is needed (and `rel` is not on the documents' allow-list).
 *
 * @example
 * textToHtml('Calls fell <50%.\nSee https://www.torbay.gov.uk/jsna.\n\nNext')
 * // '<p>Calls fell &lt;50%.<br />See <a href="https://www.torbay.gov.uk/jsna">https://www.torbay.gov.uk/jsna</a>.</p><p>Next</p>'
 */
export function textToHtml(text: string): string {
  const blocks = dropInvisible(text)
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((block) => block.trim())
    .filter(Boolean);
  const html = blocks.map((block) => `<p>${block.split('\n').map(linkify).join('<br>')}</p>`).join('');
  return sanitizeHtml(html);
}
