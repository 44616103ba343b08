/**
 * Views across sites, computed from the latest live version of each published summary: the
 * index, lessons matching a filter, what a filter form offers, and the sites × themes matrix
 * (also as CSV). Pure functions over `PublishedSummary` data, so the public pages, the JSON API
 * and the CSV download agree, and nothing unpublished can reach them.
 */
import Papa from 'papaparse';
import type { FilterOption, FilterOptions, IndexEntry, LearningFilter, LessonRef, ThemeMatrix } from '../../shared/summaries/public.js';
import type { PublishedLesson, PublishedSummary } from '../../shared/summaries/published.js';
import { AGENCY_TYPES, ARCHETYPES, termLabel, type VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { compareText } from '../../shared/compareText.js';

/** The latest live version of a published summary, with when its first version was published. */
export interface LiveSummary {
  summary: PublishedSummary;
  firstPublishedAt: string;
}

// Dates are ISO 8601 but may come with different offsets or precision, so compare instants;
// a date that does not parse sorts as the oldest rather than throwing.
function instant(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

function newestFirst(a: LiveSummary, b: LiveSummary): number {
  const byDate = instant(b.summary.publishedAt) - instant(a.summary.publishedAt);
  if (byDate !== 0 && !Number.isNaN(byDate)) return byDate;
  return compareText(a.summary.site.slug, b.summary.site.slug) || compareText(a.summary.slug, b.summary.slug);
}

function unique(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))];
}

const themeIdsOf = (s: PublishedSummary) => unique(s.lessons.flatMap((l) => l.themes));
const behaviourIdsOf = (s: PublishedSummary) => unique(s.lessons.flatMap((l) => l.behaviours));
const agencyTypesOf = (s: PublishedSummary) => unique(s.agencies.map((a) => a.type));
const archetypesOf = (s: PublishedSummary) => unique([...s.lessons.map((l) => l.archetype), ...s.diagrams.map((d) => d.archetype)]);

/**
 * The index of published learning: one entry per summary, newest first (ties by site, then
 * summary slug, so the order never depends on how storage returned them).
 *
 * @example
 * indexEntries(live).map((e) => `${e.site.name}: ${e.title}`) // ['Torbay: Dementia-friendly high streets', …]
 */
export function indexEntries(list: readonly LiveSummary[]): IndexEntry[] {
  return [...list].sort(newestFirst).map(({ summary: s, firstPublishedAt }) => ({
    site: { slug: s.site.slug, name: s.site.name },
    slug: s.slug,
    title: s.title,
    version: s.version,
    publishedAt: s.publishedAt,
    firstPublishedAt,
    issue: s.issue,
    lessonCount: s.lessons.length,
    themes: themeIdsOf(s).map((id) => ({ id, label: s.terms.themes[id] ?? id })),
    agencyTypes: agencyTypesOf(s),
    archetypes: archetypesOf(s),
  }));
}

// A filter value of '' means "any", as the query string leaves it out.
const given = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Whether a summary matches every given part of a filter: a theme, behaviour or archetype when
 * any of its lessons has it (an archetype also when any diagram has it), an agency type when it
 * names an agency of that type, a site by slug.
 *
 * @example
 * matchesFilter(live, { theme: 'prevention', agency: 'police' }) // true
 */
export function matchesFilter(s: LiveSummary, f: LearningFilter): boolean {
  const { summary } = s;
  const { theme, behaviour, archetype, agency, site } = f;
  if (given(site) && summary.site.slug !== site) return false;
  if (given(agency) && !summary.agencies.some((a) => a.type === agency)) return false;
  if (given(theme) && !summary.lessons.some((l) => l.themes.includes(theme))) return false;
  if (given(behaviour) && !summary.lessons.some((l) => l.behaviours.includes(behaviour))) return false;
  if (given(archetype) && !summary.lessons.some((l) => l.archetype === archetype) && !summary.diagrams.some((d) => d.archetype === archetype)) {
    return false;
  }
  return true;
}

/**
 * The summaries that match a filter, in the order given.
 *
 * @example
 * filterSummaries(live, { site: 'torbay' }).length // 3
 */
export function filterSummaries(list: readonly LiveSummary[], f: LearningFilter): LiveSummary[] {
  return list.filter((s) => matchesFilter(s, f));
}

// The lesson-level parts of a filter: a summary matching "theme X" may hold lessons on other
// themes, and a list of lessons on X should not show them.
function lessonMatches(lesson: PublishedLesson, f: LearningFilter): boolean {
  if (given(f.theme) && !lesson.themes.includes(f.theme)) return false;
  if (given(f.behaviour) && !lesson.behaviours.includes(f.behaviour)) return false;
  if (given(f.archetype) && lesson.archetype !== f.archetype) return false;
  return true;
}

function bySiteThenSummary(a: LiveSummary, b: LiveSummary): number {
  return (
    compareText(a.summary.site.name, b.summary.site.name) ||
    compareText(a.summary.site.slug, b.summary.site.slug) ||
    compareText(a.summary.title, b.summary.title) ||
    compareText(a.summary.slug, b.summary.slug)
  );
}

/**
 * Every lesson of the summaries that match a filter, where the lesson itself has the filter's
 * theme, behaviour and archetype when given; ordered by site name, then summary title, then the
 * lesson's place in its summary.
 *
 * @example
 * lessonRefs(live, { theme: 'funding' }).map((r) => `${r.site.name}: ${r.lesson.text}`)
 * // ['Torbay: Start with the budget holders…', …]
 */
export function lessonRefs(list: readonly LiveSummary[], f: LearningFilter): LessonRef[] {
  const out: LessonRef[] = [];
  for (const { summary: s } of filterSummaries(list, f).sort(bySiteThenSummary)) {
    for (const lesson of s.lessons) {
      if (!lessonMatches(lesson, f)) continue;
      out.push({
        site: { slug: s.site.slug, name: s.site.name },
        summary: { slug: s.slug, title: s.title, version: s.version },
        lesson,
        themeLabels: lesson.themes.map((id) => s.terms.themes[id] ?? id),
        behaviourLabels: lesson.behaviours.map((id) => s.terms.behaviours[id] ?? id),
      });
    }
  }
  return out;
}

/** Counts summaries per id, keeping the first label offered for each id. */
class OptionTally {
  private readonly options = new Map<string, FilterOption>();

  add(id: string, label: string): void {
    const option = this.options.get(id);
    if (option) option.count += 1;
    else this.options.set(id, { id, label, count: 1 });
  }

  sorted(): FilterOption[] {
    return [...this.options.values()].sort((a, b) => compareText(a.label, b.label) || compareText(a.id, b.id));
  }
}

/**
 * What a filter form offers: each value present in the published data, with its label and how
 * many summaries have it, sorted by label. Built from the data rather than the vocabularies, so
 * a filter never offers a value with no results. Themes take the programme's current label
 * (`themes`), else the label the summary published; behaviours the published label (sites add
 * their own); archetypes and agency types the shared vocabulary's. Where summaries disagree on a
 * label, the newest one's wins.
 *
 * @example
 * filterOptions(live, DEFAULT_THEMES).theme[0] // { id: 'community-assets', label: 'Community assets', count: 4 }
 */
export function filterOptions(list: readonly LiveSummary[], themes: readonly VocabularyTerm[]): FilterOptions {
  const programmeTheme = new Map(themes.map((t) => [t.id, t.label]));
  const tallies = { theme: new OptionTally(), behaviour: new OptionTally(), archetype: new OptionTally(), agency: new OptionTally(), site: new OptionTally() };
  for (const { summary: s } of [...list].sort(newestFirst)) {
    for (const id of themeIdsOf(s)) tallies.theme.add(id, programmeTheme.get(id) ?? s.terms.themes[id] ?? id);
    for (const id of behaviourIdsOf(s)) tallies.behaviour.add(id, s.terms.behaviours[id] ?? id);
    for (const id of archetypesOf(s)) tallies.archetype.add(id, termLabel(ARCHETYPES, id));
    for (const id of agencyTypesOf(s)) tallies.agency.add(id, termLabel(AGENCY_TYPES, id));
    tallies.site.add(s.site.slug, s.site.name);
  }
  return {
    theme: tallies.theme.sorted(),
    behaviour: tallies.behaviour.sorted(),
    archetype: tallies.archetype.sorted(),
    agency: tallies.agency.sorted(),
    site: tallies.site.sorted(),
  };
}

/**
 * Sites × themes: how many published lessons each site has on each theme. Rows are the sites
 * with a published summary, by name; columns every theme a lesson uses, the most widely shared
 * first (then by label), each with its lesson total and number of sites. Only non-zero cells are
 * listed.
 *
 * @example
 * themeMatrix(live, DEFAULT_THEMES).themes[0] // { id: 'prevention', label: 'Prevention and early help', total: 9, sites: 4 }
 */
export function themeMatrix(list: readonly LiveSummary[], themes: readonly VocabularyTerm[]): ThemeMatrix {
  const programmeTheme = new Map(themes.map((t) => [t.id, t.label]));
  const sites = new Map<string, { slug: string; name: string }>();
  const labels = new Map<string, string>();
  // site slug → theme id → lessons
  const counts = new Map<string, Map<string, number>>();
  for (const { summary: s } of [...list].sort(newestFirst)) {
    if (!sites.has(s.site.slug)) sites.set(s.site.slug, { slug: s.site.slug, name: s.site.name });
    const row = counts.get(s.site.slug) ?? new Map<string, number>();
    counts.set(s.site.slug, row);
    for (const lesson of s.lessons) {
      // A lesson tagged twice with the same theme is still one lesson on it.
      for (const id of unique(lesson.themes)) {
        row.set(id, (row.get(id) ?? 0) + 1);
        if (!labels.has(id)) labels.set(id, programmeTheme.get(id) ?? s.terms.themes[id] ?? id);
      }
    }
  }

  const siteRows = [...sites.values()].sort((a, b) => compareText(a.name, b.name) || compareText(a.slug, b.slug));
  const columns = [...labels].map(([id, label]) => {
    let total = 0;
    let siteCount = 0;
    for (const row of counts.values()) {
      const n = row.get(id) ?? 0;
      total += n;
      if (n > 0) siteCount += 1;
    }
    return { id, label, total, sites: siteCount };
  });
  columns.sort((a, b) => b.sites - a.sites || compareText(a.label, b.label) || compareText(a.id, b.id));

  const cells: ThemeMatrix['cells'] = [];
  for (const site of siteRows) {
    const row = counts.get(site.slug)!;
    for (const theme of columns) {
      const lessons = row.get(theme.id) ?? 0;
      if (lessons > 0) cells.push({ site: site.slug, theme: theme.id, lessons });
    }
  }
  return { themes: columns, sites: siteRows, cells };
}

// Papa's own default pattern, spelt out so the guard does not depend on the library's version.
// It applies to strings only: the counts are numbers, so they stay numbers.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The matrix as CSV for a spreadsheet: a header row (`Site`, then the themes' labels), one row
 * per site with its lesson counts (0 where none). Starts with a byte-order mark so that Excel on
 * Windows reads it as UTF-8 (site names have accents and curly quotes), and ends lines with CRLF
 * (RFC 4180). Site names and theme labels are written by people, so a cell that a spreadsheet
 * would run as a formula (starting = + - @, tab or CR) gets a leading apostrophe.
 *
 * @example
 * matrixCsv(themeMatrix(live, DEFAULT_THEMES)) // '\uFEFFSite,Prevention and early help,…\r\nTorbay,3,…'
 */
export function matrixCsv(matrix: ThemeMatrix): string {
  const count = new Map(matrix.cells.map((c) => [`${c.site}\u0000${c.theme}`, c.lessons]));
  const rows: (string | number)[][] = [
    ['Site', ...matrix.themes.map((t) => t.label)],
    ...matrix.sites.map((site) => [site.name, ...matrix.themes.map((t) => count.get(`${site.slug}\u0000${t.id}`) ?? 0)]),
  ];
  return `\uFEFF${Papa.unparse(rows, { newline: '\r\n', escapeFormulae: FORMULA_START })}`;
}
