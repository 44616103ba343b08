/**
 * Views across sites: lessons side by side, one column per site, with the lessons that say
 * much the same thing in different words (`/learning/lessons`); and the sites × themes table
 * (`/learning/themes`), which shows where a theme recurs.
 */
import { learningPaths, type FilterOptions, type LearningFilter, type LessonRef, type SimilarGroup, type ThemeMatrix } from '../../../shared/summaries/public.js';
import { filterActive, filterForm } from './filterForm.js';
import { count, excerpt, lessonAnchor, tagList, text, type RenderContext } from './html.js';
import { page } from './layout.js';
import { textToHtml } from './sanitize.js';

/** A lesson longer than this shows its start, with a link to the whole of it. */
const LESSON_EXCERPT = 600;

function lessonHref(ref: LessonRef): string {
  return `${learningPaths.summary(ref.site.slug, ref.summary.slug)}#${encodeURIComponent(lessonAnchor(ref.lesson.id))}`;
}

function lessonCard(ref: LessonRef, showSite: boolean): string {
  const long = ref.lesson.text.length > LESSON_EXCERPT;
  const words = long ? `<p>${text(excerpt(ref.lesson.text, LESSON_EXCERPT))} <a href="${text(lessonHref(ref))}">Read the whole lesson</a></p>` : textToHtml(ref.lesson.text);
  const themes = ref.lesson.themes.map((id, i) => ({ label: ref.themeLabels[i] ?? id, href: learningPaths.lessons({ theme: id }) }));
  const site = showSite ? `<a href="${text(learningPaths.site(ref.site.slug))}">${text(ref.site.name)}</a>: ` : '';
  return [
    '<li class="lesson-card">',
    words,
    `<p class="meta">${site}from <a href="${text(lessonHref(ref))}">${text(ref.summary.title)}</a></p>`,
    tagList('Themes', themes),
    '</li>',
  ].join('');
}

/** Lessons by site, in the order each site first appears. */
function bySite(lessons: readonly LessonRef[]): { site: LessonRef['site']; lessons: LessonRef[] }[] {
  const groups = new Map<string, { site: LessonRef['site']; lessons: LessonRef[] }>();
  for (const ref of lessons) {
    const group = groups.get(ref.site.slug) ?? { site: ref.site, lessons: [] };
    group.lessons.push(ref);
    groups.set(ref.site.slug, group);
  }
  return [...groups.values()];
}

function siteColumns(lessons: readonly LessonRef[]): string {
  const columns = bySite(lessons).map((g, i) => {
    const id = `site-column-${i + 1}`;
    return [
      `<section class="column" aria-labelledby="${id}">`,
      `<h3 id="${id}"><a href="${text(learningPaths.site(g.site.slug))}">${text(g.site.name)}</a> <span class="muted">(${count(g.lessons.length, 'lesson')})</span></h3>`,
      `<ul class="lesson-list">${g.lessons.map((ref) => lessonCard(ref, false)).join('')}</ul>`,
      '</section>',
    ].join('');
  });
  return `<div class="columns">${columns.join('')}</div>`;
}

/**
 * How many lessons the page lists, and shows of one group of similar lessons: with every site
 * publishing, the unfiltered list runs to hundreds and the page must stay well under 100 KB.
 * The JSON API (`/api/public/lessons`, `/api/public/similar`) has them all.
 */
export const LESSONS_SHOWN_MAX = 60;
export const GROUP_LESSONS_SHOWN_MAX = 6;
export const GROUPS_SHOWN_MAX = 10;

function similarGroup(group: SimilarGroup, n: number): string {
  const sites = new Set(group.lessons.map((ref) => ref.site.slug)).size;
  const id = `similar-${n}`;
  const shown = group.lessons.slice(0, GROUP_LESSONS_SHOWN_MAX);
  const more = group.lessons.length - shown.length;
  return [
    `<section class="similar-group" aria-labelledby="${id}">`,
    `<h3 id="${id}">${group.terms.length ? `Shared words: ${text(group.terms.join(', '))}` : `Group ${n}`}</h3>`,
    `<p class="meta">${count(group.lessons.length, 'lesson')} from ${count(sites, 'site')}${more > 0 ? `; the first ${shown.length} shown` : ''}</p>`,
    `<ul class="columns lesson-list">${shown.map((ref) => lessonCard(ref, true)).join('')}</ul>`,
    '</section>',
  ].join('');
}

/**
 * `/learning/lessons`: lessons from every site, filtered, side by side in a column per site;
 * then groups of lessons from different sites that say much the same thing.
 *
 * @example
 * renderLessonsPage(ctx, { lessons, filter: { theme: 'prevention' }, options, groups })
 */
export function renderLessonsPage(ctx: RenderContext, args: { lessons: LessonRef[]; filter: LearningFilter; options: FilterOptions; groups: SimilarGroup[] }): string {
  const { lessons, filter, groups } = args;
  const filtered = filterActive(filter);
  const sites = new Set(lessons.map((ref) => ref.site.slug)).size;
  const heading = lessons.length ? `${count(lessons.length, 'lesson')} from ${count(sites, 'site')}` : 'No lessons';
  const shown = lessons.slice(0, LESSONS_SHOWN_MAX);
  const cut = lessons.length > shown.length
    ? `<p class="readable">The first ${shown.length} are shown. Choose a theme, a site or another filter to narrow them down, or get them all as JSON from <a href="${text(`/api/public/lessons${learningPaths.lessons(filter).replace(learningPaths.lessons(), '')}`)}">the public API</a>.</p>`
    : '';
  const empty = filtered
    ? `<p>No lessons match these filters. Try choosing fewer, or <a href="${learningPaths.lessons()}">clear the filters</a>.</p>`
    : '<p>No lessons have been published yet.</p>';
  const body = [
    '<div class="readable">',
    '<h1>Lessons across sites</h1>',
    '<p class="lead">Lessons the sites have published, side by side by site, so you can see where places have learned the same thing, or something different, about the same theme.</p>',
    filterForm({ action: learningPaths.lessons(), filter, options: args.options, name: 'Filter lessons' }),
    '</div>',
    `<h2 id="results">${heading}</h2>`,
    cut,
    lessons.length ? siteColumns(shown) : empty,
    '<section class="similar" aria-labelledby="similar">',
    '<h2 id="similar">Lessons that say much the same thing</h2>',
    groups.length
      ? `<p class="readable">Lessons from different sites whose words overlap most. They may be the same lesson learned in two places, or the start of a conversation between sites.</p>${groups.slice(0, GROUPS_SHOWN_MAX).map((g, i) => similarGroup(g, i + 1)).join('')}`
      : '<p class="readable">No lessons from different sites say much the same thing yet.</p>',
    '</section>',
  ].join('');
  return page({
    ctx,
    title: filtered ? 'Lessons across sites (filtered)' : 'Lessons across sites',
    description: 'Lessons published by the sites of the Systems Leadership programme, side by side.',
    canonicalPath: learningPaths.lessons(filter),
    body,
  });
}

function matrixCell(site: ThemeMatrix['sites'][number], theme: ThemeMatrix['themes'][number], lessons: number, recurring: boolean): string {
  const cls = recurring ? ' class="recurring"' : '';
  if (!lessons) return `<td${cls}><span aria-hidden="true">–</span><span class="visually-hidden">none</span></td>`;
  const href = learningPaths.lessons({ site: site.slug, theme: theme.id });
  return `<td${cls}><a href="${text(href)}">${lessons}<span class="visually-hidden"> ${lessons === 1 ? 'lesson' : 'lessons'}</span></a></td>`;
}

/**
 * `/learning/themes`: a table of sites (rows) by themes (columns), each cell how many lessons
 * a site has published on a theme, linking to them; themes that recur in two or more sites
 * are marked; the table can be downloaded as CSV.
 *
 * @example
 * renderThemesPage(ctx, { matrix })
 */
export function renderThemesPage(ctx: RenderContext, args: { matrix: ThemeMatrix }): string {
  const { matrix } = args;
  const cells = new Map(matrix.cells.map((c) => [`${c.site}\n${c.theme}`, c.lessons]));
  const recurring = new Set(matrix.themes.filter((t) => t.sites >= 2).map((t) => t.id));
  const head = matrix.themes.map((t) => {
    const mark = recurring.has(t.id) ? ' <span class="recurs">recurs</span>' : '';
    return `<th scope="col"${recurring.has(t.id) ? ' class="recurring"' : ''}><a href="${text(learningPaths.lessons({ theme: t.id }))}">${text(t.label)}</a>${mark}</th>`;
  });
  const rows = matrix.sites.map((site) => {
    const values = matrix.themes.map((t) => cells.get(`${site.slug}\n${t.id}`) ?? 0);
    const covered = values.filter((v) => v > 0).length;
    const tds = matrix.themes.map((t, i) => matrixCell(site, t, values[i]!, recurring.has(t.id)));
    return `<tr><th scope="row"><a href="${text(learningPaths.site(site.slug))}">${text(site.name)}</a></th>${tds.join('')}<td>${covered}</td></tr>`;
  });
  const footSites = matrix.themes.map((t) => `<td${recurring.has(t.id) ? ' class="recurring"' : ''}>${t.sites}</td>`);
  const footLessons = matrix.themes.map((t) => `<td${recurring.has(t.id) ? ' class="recurring"' : ''}>${t.total}</td>`);
  const table = [
    '<div class="table-scroll" role="region" aria-labelledby="matrix-caption" tabindex="0">',
    '<table class="matrix">',
    '<caption id="matrix-caption">Published lessons by site and theme</caption>',
    `<thead><tr><th scope="col">Site</th>${head.join('')}<th scope="col">Themes with lessons</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '<tfoot>',
    `<tr><th scope="row">Sites with lessons on this theme</th>${footSites.join('')}<td></td></tr>`,
    `<tr><th scope="row">Lessons on this theme</th>${footLessons.join('')}<td></td></tr>`,
    '</tfoot>',
    '</table>',
    '</div>',
  ].join('');
  const empty = matrix.sites.length === 0 || matrix.themes.length === 0;
  const body = [
    '<div class="readable">',
    '<h1>Themes across sites</h1>',
    '<p class="lead">How many lessons each site has published on each theme. Choose a number to read those lessons.</p>',
    empty ? '' : '<p>Themes that recur in two or more sites are shaded and marked “recurs”. A lesson can have more than one theme.</p>',
    '</div>',
    empty ? '<p>No lessons with themes have been published yet.</p>' : table,
    `<p><a href="${learningPaths.matrixCsv()}" download>Download this table as CSV</a></p>`,
  ].join('');
  return page({
    ctx,
    title: 'Themes across sites',
    description: 'How many lessons each site of the Systems Leadership programme has published on each theme.',
    canonicalPath: learningPaths.themes(),
    body,
  });
}
