/**
 * The pages for a summary that is no longer there (410: withdrawn by its site) and for an
 * address that never was (404), in the public pages' own frame.
 */
import { learningPaths } from '../../../shared/summaries/public.js';
import { text, type RenderContext } from './html.js';
import { page } from './layout.js';

/**
 * The 410 page of a withdrawn summary.
 *
 * @example
 * c.html(renderGonePage(ctx, { title: record.summary.title }), 410)
 */
export function renderGonePage(ctx: RenderContext, args: { title: string }): string {
  const body = [
    '<div class="readable">',
    '<h1>This summary has been withdrawn by its site</h1>',
    args.title.trim() ? `<p>“${text(args.title)}” is no longer published.</p>` : '<p>It is no longer published.</p>',
    `<p><a href="${learningPaths.index()}">See all published learning summaries</a></p>`,
    '</div>',
  ].join('');
  return page({ ctx, title: 'Summary withdrawn', body, noindex: true });
}

/**
 * The 404 page of the public learning pages.
 *
 * @example
 * c.html(renderNotFoundPage(ctx), 404)
 */
export function renderNotFoundPage(ctx: RenderContext): string {
  const body = [
    '<div class="readable">',
    '<h1>Page not found</h1>',
    '<p>If you typed the web address, check it is correct.</p>',
    '<p>If you pasted the web address, check you copied the entire address.</p>',
    `<p><a href="${learningPaths.index()}">See all published learning summaries</a></p>`,
    '</div>',
  ].join('');
  return page({ ctx, title: 'Page not found', body, noindex: true });
}
