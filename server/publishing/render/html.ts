/**
 * Small building blocks of the public pages: escaping, dates, counts, lists of tags. Pages are
 * strings built from these; nothing here knows a page.
 */
import { escapeHtml } from '../../../shared/doc/html.js';
import { dropInvisible } from './sanitize.js';

/** Where the workspace is reached from outside, for absolute addresses (canonical links, feeds). */
export interface RenderContext {
  /** The workspace's public URL without a trailing slash needed, e.g. `http://localhost:3000`. */
  baseUrl: string;
}

/**
 * User-written text for HTML content or an attribute value: escaped, with invisible control
 * characters dropped (a bidi override in a site's name would otherwise reorder the rest of its
 * line on the page).
 *
 * @example
 * text('<b>Torbay</b> & "Paignton"') // '&lt;b&gt;Torbay&lt;/b&gt; &amp; &quot;Paignton&quot;'
 */
export function text(value: string): string {
  return escapeHtml(dropInvisible(value));
}

/**
 * The anchor of a lesson on its summary's page, from the lesson's id (stable across versions).
 * Invisible characters are dropped, as in every attribute, so the page's `id` and the links to
 * it (which percent-encode it) always agree.
 *
 * @example
 * lessonAnchor('k3f9x') // 'lesson-k3f9x'
 */
export function lessonAnchor(id: string): string {
  return `lesson-${dropInvisible(id)}`;
}

/**
 * An absolute address of a path of the workspace.
 *
 * @example
 * absoluteUrl({ baseUrl: 'https://learning.example/' }, '/learning') // 'https://learning.example/learning'
 */
export function absoluteUrl(ctx: RenderContext, path: string): string {
  return ctx.baseUrl.replace(/\/+$/, '') + path;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Dates read as people in the programme say them ("3 March 2026"), on UK time: a summary
// published at 00:30 BST belongs to that day, not the UTC day before.
const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const LONG_DATE_UTC = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function parseDate(value: string): Date | null {
  const date = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// The day in the UK, as YYYY-MM-DD (the Canadian English format is ISO's).
const ISO_DAY = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/London' });

/**
 * A date or time (ISO 8601) as a `<time>` element reading like "3 March 2026", its `datetime`
 * the day shown (pages say the day, not the minute); text as it is when it is not a date.
 *
 * @example
 * timeElement('2026-03-03T10:00:00.000Z') // '<time datetime="2026-03-03">3 March 2026</time>'
 */
export function timeElement(value: string): string {
  const date = parseDate(value);
  if (!date) return text(value);
  const dateOnly = DATE_ONLY.test(value);
  const words = (dateOnly ? LONG_DATE_UTC : LONG_DATE).format(date);
  return `<time datetime="${dateOnly ? value : ISO_DAY.format(date)}">${words}</time>`;
}

/**
 * Plain text cut to about `max` characters at a word boundary, with spacing made single.
 *
 * @example
 * excerpt('Older people living alone call 999 twice as often.', 30) // 'Older people living alone call…'
 */
export function excerpt(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // One character more, so a word ending exactly at `max` is kept whole.
  const space = flat.slice(0, max + 1).lastIndexOf(' ');
  const cut = space > max * 0.6 ? flat.slice(0, space) : flat.slice(0, max);
  return `${cut.replace(/[\s.,;:–—-]+$/, '')}…`;
}

/**
 * A count with its noun, singular or plural.
 *
 * @example
 * count(1, 'lesson') // '1 lesson'
 * count(3, 'summary', 'summaries') // '3 summaries'
 */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A link to show as a tag: its words and where it goes. */
export interface TagLink {
  label: string;
  href: string;
}

/**
 * Tags as a list of links, named for screen readers by `name`; '' for none.
 *
 * @example
 * tagList('Themes', [{ label: 'Prevention', href: '/learning/lessons?theme=prevention' }])
 * // '<ul class="tags" aria-label="Themes"><li><a href="/learning/lessons?theme=prevention">Prevention</a></li></ul>'
 */
export function tagList(name: string, tags: readonly TagLink[]): string {
  if (tags.length === 0) return '';
  return `<ul class="tags" aria-label="${text(name)}">${tags.map((t) => `<li><a href="${text(t.href)}">${text(t.label)}</a></li>`).join('')}</ul>`;
}
