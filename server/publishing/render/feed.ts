/**
 * Atom 1.0 feeds of published summaries (all sites', and each site's), so people can follow a
 * site's learning in a feed reader or by e-mail. An entry's id is the summary's address, the
 * same for every version: a new version updates the entry rather than adding another.
 */
import { Feed } from 'feed';
import { learningPaths } from '../../../shared/summaries/public.js';
import type { PublishedSummary } from '../../../shared/summaries/published.js';
import { absoluteUrl, excerpt, text, type RenderContext } from './html.js';
import { dropInvisible, sanitizeHtml, textToHtml } from './sanitize.js';

export interface FeedSummary {
  summary: PublishedSummary;
  /** When version 1 was published (ISO 8601). */
  firstPublishedAt: string;
}

// A feed with nothing in it yet still needs an `updated`: a fixed time, so the feed does not
// look new on every fetch.
const EPOCH = new Date(0);

function toDate(value: string): Date {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? EPOCH : date;
}

/** The entry's HTML: the issue and the lessons, checked against the documents' allow-list. */
function entryContent(ctx: RenderContext, summary: PublishedSummary): string {
  const url = absoluteUrl(ctx, learningPaths.summary(summary.site.slug, summary.slug));
  const html = [
    summary.issue.trim() ? `<h2>The issue</h2>${textToHtml(summary.issue)}` : '',
    summary.lessons.length ? `<h2>Lessons</h2><ul>${summary.lessons.map((l) => `<li>${textToHtml(l.text)}</li>`).join('')}</ul>` : '',
    `<p><a href="${text(url)}">Read the whole summary on the site</a></p>`,
  ].join('');
  return dropInvisible(sanitizeHtml(html));
}

/**
 * An Atom 1.0 feed of summaries, newest first. Addresses are absolute, from `ctx.baseUrl`;
 * `updated` is the newest summary's publication (1970 for an empty feed, which is still valid).
 *
 * @example
 * renderAtomFeed(ctx, { title: 'Learning summaries from Torbay', selfPath: learningPaths.siteFeed('torbay'), pagePath: learningPaths.site('torbay'), summaries })
 */
export function renderAtomFeed(ctx: RenderContext, args: { title: string; selfPath: string; pagePath: string; summaries: FeedSummary[] }): string {
  const sorted = [...args.summaries].sort((a, b) => toDate(b.summary.publishedAt).getTime() - toDate(a.summary.publishedAt).getTime());
  const pageUrl = absoluteUrl(ctx, args.pagePath);
  const feed = new Feed({
    id: pageUrl,
    title: dropInvisible(args.title),
    link: pageUrl,
    feedLinks: { atom: absoluteUrl(ctx, args.selfPath) },
    updated: sorted[0] ? toDate(sorted[0].summary.publishedAt) : EPOCH,
    // Atom wants an author for the feed unless every entry has one; an empty feed has none.
    author: { name: 'The sites of the Systems Leadership programme' },
    generator: false,
  });
  for (const { summary, firstPublishedAt } of sorted) {
    const url = absoluteUrl(ctx, learningPaths.summary(summary.site.slug, summary.slug));
    feed.addItem({
      // The library writes titles and summaries as `type="html"`: escaped, they read as text.
      title: text(summary.title),
      id: url,
      link: url,
      date: toDate(summary.publishedAt),
      published: toDate(firstPublishedAt),
      author: [{ name: dropInvisible(summary.site.name) }],
      description: text(excerpt(summary.issue, 300)),
      content: entryContent(ctx, summary),
    });
  }
  return feed.atom1();
}
