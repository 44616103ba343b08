/**
 * The frame every public learning page shares: head, skip link, header with the product name,
 * navigation, main and footer. No inline script or style of any kind (no `<script>`, no
 * `<style>`, no `style=""`): the public pages' Content-Security-Policy forbids them, and they
 * read fully without JavaScript.
 */
import { learningPaths } from '../../../shared/summaries/public.js';
import { absoluteUrl, text, type RenderContext } from './html.js';

export type { RenderContext } from './html.js';

export const PRODUCT_NAME = 'Published learning';

export interface PageOptions {
  /** Plain text: the page's `<title>` (with the product name after it). */
  title: string;
  /** Plain text for `<meta name="description">`. */
  description?: string;
  /** The page's own address (path and query), written as an absolute canonical link. */
  canonicalPath?: string;
  /** The Atom feed of what the page lists, announced in the head and linked in the footer. */
  feed?: { title: string; path: string };
  /** The page's content: HTML built by the page renderers, trusted as it is. */
  body: string;
  ctx: RenderContext;
  /** Plain text shown in a notice above everything else (the preview's warning). */
  banner?: string;
  /** Asks search engines not to index the page (previews, pages that are not found). */
  noindex?: boolean;
}

const NAV = [
  { label: 'All summaries', href: learningPaths.index() },
  { label: 'Themes across sites', href: learningPaths.themes() },
  { label: 'Lessons across sites', href: learningPaths.lessons() },
];

function nav(canonicalPath: string | undefined): string {
  const current = canonicalPath?.split(/[?#]/)[0];
  const items = NAV.map((item) => `<li><a href="${item.href}"${item.href === current ? ' aria-current="page"' : ''}>${item.label}</a></li>`);
  return `<nav class="site-nav" aria-label="Learning"><ul>${items.join('')}</ul></nav>`;
}

/**
 * A complete HTML5 document around a page's content.
 *
 * @example
 * page({ ctx: { baseUrl: 'http://localhost:3000' }, title: 'Themes across sites', canonicalPath: '/learning/themes', body: '<h1>Themes across sites</h1>' })
 * // '<!doctype html>\n<html lang="en-GB">…'
 */
export function page(options: PageOptions): string {
  const { ctx } = options;
  const title = options.title.trim() === PRODUCT_NAME ? PRODUCT_NAME : `${options.title} – ${PRODUCT_NAME}`;
  const feed = options.feed ?? { title: 'All published learning summaries', path: learningPaths.feed() };
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(title)}</title>`,
    options.description ? `<meta name="description" content="${text(options.description)}">` : '',
    options.noindex ? '<meta name="robots" content="noindex">' : '',
    `<link rel="stylesheet" href="${learningPaths.stylesheet()}">`,
    options.canonicalPath ? `<link rel="canonical" href="${text(absoluteUrl(ctx, options.canonicalPath))}">` : '',
    options.feed ? `<link rel="alternate" type="application/atom+xml" title="${text(options.feed.title)}" href="${text(absoluteUrl(ctx, options.feed.path))}">` : '',
  ];
  return [
    '<!doctype html>',
    '<html lang="en-GB">',
    `<head>${head.filter(Boolean).join('\n')}</head>`,
    '<body>',
    '<a class="skip-link" href="#main">Skip to main content</a>',
    options.banner ? `<aside class="banner" aria-label="Notice"><div class="page-width"><p>${text(options.banner)}</p></div></aside>` : '',
    `<header class="site-header"><div class="page-width"><a class="product-name" href="${learningPaths.index()}">${PRODUCT_NAME}</a>${nav(options.canonicalPath)}</div></header>`,
    `<main id="main" class="page-width">${options.body}</main>`,
    '<footer class="site-footer"><div class="page-width">',
    `<p class="feed-link"><a href="${text(feed.path)}">${text(feed.title)} (Atom feed)</a></p>`,
    '<p>Published by the sites of the Systems Leadership programme</p>',
    '</div></footer>',
    '</body>',
    '</html>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}
