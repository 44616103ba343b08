/**
 * The lists of summaries: every site's (`/learning`, with its filter) and one site's
 * (`/learning/:site`). A summary shows as a card: title, site, date, the start of its issue,
 * its themes and how many lessons it has.
 */
import { learningPaths, type FilterOptions, type IndexEntry, type LearningFilter } from '../../../shared/summaries/public.js';
import { filterActive, filterForm } from './filterForm.js';
import { count, excerpt, text, timeElement, type RenderContext } from './html.js';
import { page } from './layout.js';

/**
 * How much of a summary a card shows: the start of its issue and its first few themes (the
 * summary's page has the rest). A summary has six themes or so across its lessons, and the
 * index of 125 summaries must stay well under 100 KB: with every theme a link and 300
 * characters of the issue it would be 130 KB.
 */
const ISSUE_EXCERPT = 200;
const CARD_THEMES = 3;

/** "Themes: A, B, C and 2 more", each theme a link to its lessons across sites. */
function cardThemes(themes: IndexEntry['themes']): string {
  if (themes.length === 0) return '';
  const links = themes.slice(0, CARD_THEMES).map((t) => `<a href="${text(learningPaths.lessons({ theme: t.id }))}">${text(t.label)}</a>`);
  const more = themes.length > CARD_THEMES ? ` and ${themes.length - CARD_THEMES} more` : '';
  return `<p class="tags">Themes: ${links.join(', ')}${more}</p>`;
}

function card(entry: IndexEntry, showSite: boolean): string {
  const date = `${entry.version > 1 ? 'Updated' : 'Published'} ${timeElement(entry.publishedAt)}`;
  const meta = [showSite ? `<a href="${text(learningPaths.site(entry.site.slug))}">${text(entry.site.name)}</a>` : '', date, count(entry.lessonCount, 'lesson')];
  return [
    '<li>',
    `<h3><a href="${text(learningPaths.summary(entry.site.slug, entry.slug))}">${text(entry.title)}</a></h3>`,
    `<p class="meta">${meta.filter(Boolean).join(' · ')}</p>`,
    entry.issue.trim() ? `<p>${text(excerpt(entry.issue, ISSUE_EXCERPT))}</p>` : '',
    cardThemes(entry.themes),
    '</li>',
  ].join('');
}

function cards(entries: readonly IndexEntry[], showSite: boolean, start = 1): string {
  return `<ol class="cards"${start > 1 ? ` start="${start}"` : ''}>${entries.map((e) => card(e, showSite)).join('')}</ol>`;
}

/** Summaries on one page of the index: a national programme publishes hundreds. */
export const INDEX_PAGE_SIZE = 50;

/** The address of page `n` of the index, with the filter kept. */
function pagePath(filter: LearningFilter, n: number): string {
  const path = learningPaths.index(filter);
  if (n <= 1) return path;
  return `${path}${path.includes('?') ? '&' : '?'}page=${n}`;
}

function pagination(filter: LearningFilter, current: number, pages: number): string {
  if (pages <= 1) return '';
  const prev = current > 1 ? `<li><a rel="prev" href="${text(pagePath(filter, current - 1))}">Previous page</a></li>` : '';
  const next = current < pages ? `<li><a rel="next" href="${text(pagePath(filter, current + 1))}">Next page</a></li>` : '';
  return `<nav class="pagination" aria-label="Pages of summaries"><p>Page ${current} of ${pages}</p><ul>${prev}${next}</ul></nav>`;
}

/**
 * `/learning`: every published summary, filtered by theme, behaviour, archetype, type of
 * agency and site.
 *
 * @example
 * renderIndexPage(ctx, { entries, filter: { theme: 'prevention' }, options })
 */
export function renderIndexPage(ctx: RenderContext, args: { entries: IndexEntry[]; filter: LearningFilter; options: FilterOptions; page?: number }): string {
  const { entries, filter } = args;
  const pages = Math.max(1, Math.ceil(entries.length / INDEX_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(args.page ?? 1)), pages);
  const shown = entries.slice((current - 1) * INDEX_PAGE_SIZE, current * INDEX_PAGE_SIZE);
  const filtered = filterActive(filter);
  const heading = filtered ? `${count(entries.length, 'summary', 'summaries')} match these filters` : `${count(entries.length, 'summary', 'summaries')} published`;
  const empty = filtered
    ? `<p>No summaries match these filters. Try choosing fewer, or <a href="${learningPaths.index()}">clear the filters</a>.</p>`
    : '<p>No summaries have been published yet.</p>';
  const body = [
    '<div class="readable">',
    '<h1>Published learning summaries</h1>',
    '<p class="lead">What the sites of the Systems Leadership programme have learned about working across their local systems, in their own words.</p>',
    filterForm({ action: learningPaths.index(), filter, options: args.options, name: 'Filter summaries' }),
    `<h2 id="results">${heading}</h2>`,
    entries.length ? cards(shown, true, (current - 1) * INDEX_PAGE_SIZE + 1) : empty,
    pagination(filter, current, pages),
    '</div>',
  ].join('');
  return page({
    ctx,
    title: `${filtered ? 'Published learning summaries (filtered)' : 'Published learning summaries'}${current > 1 ? `, page ${current}` : ''}`,
    description: 'Learning summaries published by the sites of the Systems Leadership programme: issues, key loops, lessons and evidence.',
    canonicalPath: pagePath(filter, current),
    feed: { title: 'All published learning summaries', path: learningPaths.feed() },
    body,
  });
}

/**
 * `/learning/:site`: the summaries one site has published, with its feed.
 *
 * @example
 * renderSitePage(ctx, { site: { slug: 'torbay', name: 'Torbay' }, entries })
 */
export function renderSitePage(ctx: RenderContext, args: { site: { slug: string; name: string }; entries: IndexEntry[] }): string {
  const { site, entries } = args;
  const feed = { title: `Learning summaries from ${site.name}`, path: learningPaths.siteFeed(site.slug) };
  const body = [
    '<div class="readable">',
    `<h1>${text(site.name)}</h1>`,
    `<p class="lead">Learning summaries published by ${text(site.name)}. <a href="${text(feed.path)}">Follow them with the site’s Atom feed</a>.</p>`,
    `<h2 id="results">${count(entries.length, 'summary', 'summaries')}</h2>`,
    entries.length ? cards(entries, false) : '<p>This site has not published any summaries yet.</p>',
    `<p><a href="${learningPaths.index()}">Summaries from every site</a></p>`,
    '</div>',
  ].join('');
  return page({ ctx, title: site.name, description: `Learning summaries published by ${site.name}.`, canonicalPath: learningPaths.site(site.slug), feed, body });
}
