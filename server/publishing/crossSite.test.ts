import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { LEARNING_FILTER_KEYS, type LearningFilter } from '../../shared/summaries/public.js';
import type { PublishedSummary } from '../../shared/summaries/published.js';
import { DEFAULT_THEMES, type VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { filterOptions, filterSummaries, indexEntries, lessonRefs, matchesFilter, matrixCsv, themeMatrix, type LiveSummary } from './crossSite.js';
import { sampleSummaries } from './fixtures.js';

interface LessonInput {
  text: string;
  themes?: string[];
  behaviours?: string[];
  archetype?: string;
}

const THEME_LABELS: Record<string, string> = Object.fromEntries(DEFAULT_THEMES.map((t) => [t.id, t.label]));
const BEHAVIOUR_LABELS: Record<string, string> = { 'across-boundaries': 'Working across boundaries', 'whole-system': 'Seeing the whole system', 'listening-walks': 'Listening walks' };

function live(
  site: string,
  slug: string,
  input: { title?: string; publishedAt: string; lessons: LessonInput[]; agencies?: string[]; diagramArchetype?: string; themeLabels?: Record<string, string> },
): LiveSummary {
  const lessons = input.lessons.map((l, i) => ({ id: `${slug}-${i + 1}`, text: l.text, themes: l.themes ?? [], behaviours: l.behaviours ?? [], archetype: l.archetype ?? '' }));
  const themes = new Set(lessons.flatMap((l) => l.themes));
  const behaviours = new Set(lessons.flatMap((l) => l.behaviours));
  const summary: PublishedSummary = {
    site: { slug: site.toLowerCase().replace(/\W+/g, '-'), name: site },
    slug,
    version: 1,
    title: input.title ?? slug,
    publishedAt: input.publishedAt,
    issue: `The issue of ${slug}`,
    agencies: (input.agencies ?? []).map((type, i) => ({ name: `Agency ${i + 1}`, type })),
    diagrams:
      input.diagramArchetype === undefined
        ? []
        : [{ n: 1, title: 'Loop', caption: '', archetype: input.diagramArchetype, elements: [], connections: [], loops: [] }],
    interventions: [],
    enablers: [],
    barriers: [],
    lessons,
    evidence: [],
    quotations: [],
    contributors: [],
    terms: {
      themes: Object.fromEntries([...themes].map((id) => [id, input.themeLabels?.[id] ?? THEME_LABELS[id] ?? id])),
      behaviours: Object.fromEntries([...behaviours].map((id) => [id, BEHAVIOUR_LABELS[id] ?? id])),
    },
  };
  return { summary, firstPublishedAt: input.publishedAt };
}

// Three sites, four summaries: Torbay twice, and a theme ("prevention") shared by two sites.
const torbayDementia = live('Torbay', 'dementia', {
  title: 'A dementia-friendly town centre',
  publishedAt: '2026-03-01T10:00:00.000Z',
  lessons: [
    { text: 'Benches help people with dementia stay in town.', themes: ['place', 'community-assets'], behaviours: ['whole-system'] },
    { text: 'Quick fixes came back.', themes: ['prevention'], archetype: 'fixes-that-fail' },
  ],
  agencies: ['local-authority', 'voluntary', 'voluntary'],
});
const torbayDischarge = live('Torbay', 'discharge', {
  title: 'Leaving hospital',
  publishedAt: '2026-02-01T10:00:00.000Z',
  lessons: [{ text: 'A housing officer on the ward.', themes: ['prevention', 'workforce'], behaviours: ['across-boundaries'] }],
  agencies: ['nhs', 'housing'],
  diagramArchetype: 'shifting-the-burden',
});
const wigan = live('Wigan', 'families', {
  title: 'Families with many needs',
  publishedAt: '2026-03-01T10:00:00.000Z',
  lessons: [
    { text: 'Eligibility rules pushed families around.', themes: ['governance', 'prevention', 'prevention'], behaviours: ['whole-system', 'listening-walks'] },
    { text: 'One front door.', themes: ['data-sharing'], behaviours: ['across-boundaries'] },
  ],
  agencies: ['local-authority', 'police'],
  diagramArchetype: '',
});
const barnsley = live('Barnsley', 'work', {
  title: 'Good work',
  publishedAt: '2026-01-15T10:00:00.000Z',
  // A theme the programme has since dropped: its label comes from the summary.
  lessons: [{ text: 'Employers first.', themes: ['employment'], behaviours: [] }],
  agencies: ['business'],
  themeLabels: { employment: 'Employment' },
});
const all = [barnsley, torbayDischarge, wigan, torbayDementia];

describe('indexEntries', () => {
  it('lists summaries newest first, ties by site then slug, with their themes, agency types and archetypes', () => {
    const entries = indexEntries(all);
    expect(entries.map((e) => `${e.site.slug}/${e.slug}`)).toEqual(['torbay/dementia', 'wigan/families', 'torbay/discharge', 'barnsley/work']);
    expect(entries[0]).toMatchObject({
      site: { slug: 'torbay', name: 'Torbay' },
      title: 'A dementia-friendly town centre',
      version: 1,
      firstPublishedAt: '2026-03-01T10:00:00.000Z',
      lessonCount: 2,
      themes: [
        { id: 'place', label: 'Place-based working' },
        { id: 'community-assets', label: 'Community assets' },
        { id: 'prevention', label: 'Prevention and early help' },
      ],
      agencyTypes: ['local-authority', 'voluntary'],
      archetypes: ['fixes-that-fail'],
    });
    // Archetypes from diagrams count; an empty one does not.
    expect(entries[2]!.archetypes).toEqual(['shifting-the-burden']);
    expect(entries[1]!.archetypes).toEqual([]);
    expect(entries[1]!.themes.map((t) => t.id)).toEqual(['governance', 'prevention', 'data-sharing']);
    expect(entries[3]!.themes).toEqual([{ id: 'employment', label: 'Employment' }]);
  });

  it('does not depend on the order given', () => {
    expect(indexEntries([...all].reverse())).toEqual(indexEntries(all));
    expect(indexEntries([])).toEqual([]);
  });
});

describe('matchesFilter and filterSummaries', () => {
  const slugs = (f: LearningFilter) => filterSummaries(all, f).map((s) => `${s.summary.site.slug}/${s.summary.slug}`);

  it('matches a theme, behaviour or archetype on any lesson', () => {
    expect(slugs({ theme: 'prevention' })).toEqual(['torbay/discharge', 'wigan/families', 'torbay/dementia']);
    expect(slugs({ theme: 'data-sharing' })).toEqual(['wigan/families']);
    expect(slugs({ behaviour: 'across-boundaries' })).toEqual(['torbay/discharge', 'wigan/families']);
    expect(slugs({ behaviour: 'listening-walks' })).toEqual(['wigan/families']);
    expect(slugs({ archetype: 'fixes-that-fail' })).toEqual(['torbay/dementia']);
  });

  it('matches an archetype on a diagram, an agency type and a site', () => {
    expect(slugs({ archetype: 'shifting-the-burden' })).toEqual(['torbay/discharge']);
    expect(slugs({ agency: 'local-authority' })).toEqual(['wigan/families', 'torbay/dementia']);
    expect(slugs({ agency: 'police' })).toEqual(['wigan/families']);
    expect(slugs({ site: 'torbay' })).toEqual(['torbay/discharge', 'torbay/dementia']);
  });

  it('needs every given part to match, ignores empty ones, and matches nothing unknown', () => {
    expect(slugs({ theme: 'prevention', site: 'torbay', agency: 'nhs' })).toEqual(['torbay/discharge']);
    expect(slugs({ theme: 'prevention', agency: 'business' })).toEqual([]);
    expect(slugs({})).toHaveLength(4);
    expect(slugs({ theme: '', site: '' })).toHaveLength(4);
    expect(slugs({ theme: 'no-such-theme' })).toEqual([]);
    // An archetype of '' on a diagram means none, not a match for everything.
    expect(matchesFilter(wigan, { archetype: 'fixes-that-fail' })).toBe(false);
  });
});

describe('lessonRefs', () => {
  it('lists every lesson by site name, then summary title, then lesson order, with labels', () => {
    const refs = lessonRefs(all, {});
    expect(refs.map((r) => r.lesson.id)).toEqual(['work-1', 'dementia-1', 'dementia-2', 'discharge-1', 'families-1', 'families-2']);
    expect(refs[4]).toEqual({
      site: { slug: 'wigan', name: 'Wigan' },
      summary: { slug: 'families', title: 'Families with many needs', version: 1 },
      lesson: wigan.summary.lessons[0],
      themeLabels: ['Governance and accountability', 'Prevention and early help', 'Prevention and early help'],
      behaviourLabels: ['Seeing the whole system', 'Listening walks'],
    });
  });

  it('keeps only the lessons that have the filter’s theme, behaviour and archetype', () => {
    expect(lessonRefs(all, { theme: 'prevention' }).map((r) => r.lesson.id)).toEqual(['dementia-2', 'discharge-1', 'families-1']);
    expect(lessonRefs(all, { behaviour: 'whole-system' }).map((r) => r.lesson.id)).toEqual(['dementia-1', 'families-1']);
    expect(lessonRefs(all, { theme: 'prevention', behaviour: 'across-boundaries' }).map((r) => r.lesson.id)).toEqual(['discharge-1']);
    expect(lessonRefs(all, { archetype: 'fixes-that-fail' }).map((r) => r.lesson.id)).toEqual(['dementia-2']);
    // The summary matches by its diagram, but none of its lessons is an instance.
    expect(lessonRefs(all, { archetype: 'shifting-the-burden' })).toEqual([]);
  });

  it('filters by summary for agency and site, keeping all their lessons', () => {
    expect(lessonRefs(all, { agency: 'voluntary' }).map((r) => r.lesson.id)).toEqual(['dementia-1', 'dementia-2']);
    expect(lessonRefs(all, { site: 'wigan', theme: 'data-sharing' }).map((r) => r.lesson.id)).toEqual(['families-2']);
  });
});

describe('filterOptions', () => {
  it('offers each value in the data with its label and number of summaries, by label', () => {
    const themes: VocabularyTerm[] = DEFAULT_THEMES.map((t) => (t.id === 'prevention' ? { ...t, label: 'Early help' } : t));
    const options = filterOptions(all, themes);
    expect(options.theme).toEqual([
      { id: 'community-assets', label: 'Community assets', count: 1 },
      { id: 'data-sharing', label: 'Data and information sharing', count: 1 },
      // The programme renamed it: its label now, whatever the summaries published.
      { id: 'prevention', label: 'Early help', count: 3 },
      { id: 'employment', label: 'Employment', count: 1 },
      { id: 'governance', label: 'Governance and accountability', count: 1 },
      { id: 'place', label: 'Place-based working', count: 1 },
      { id: 'workforce', label: 'Workforce and roles', count: 1 },
    ]);
    expect(options.behaviour).toEqual([
      { id: 'listening-walks', label: 'Listening walks', count: 1 },
      { id: 'whole-system', label: 'Seeing the whole system', count: 2 },
      { id: 'across-boundaries', label: 'Working across boundaries', count: 2 },
    ]);
    expect(options.archetype).toEqual([
      { id: 'fixes-that-fail', label: 'Fixes that fail', count: 1 },
      { id: 'shifting-the-burden', label: 'Shifting the burden', count: 1 },
    ]);
    expect(options.agency).toEqual([
      { id: 'business', label: 'Business', count: 1 },
      { id: 'housing', label: 'Housing', count: 1 },
      { id: 'local-authority', label: 'Local authority', count: 2 },
      { id: 'nhs', label: 'NHS', count: 1 },
      { id: 'police', label: 'Police', count: 1 },
      { id: 'voluntary', label: 'Voluntary sector', count: 1 },
    ]);
    expect(options.site).toEqual([
      { id: 'barnsley', label: 'Barnsley', count: 1 },
      { id: 'torbay', label: 'Torbay', count: 2 },
      { id: 'wigan', label: 'Wigan', count: 1 },
    ]);
    expect(filterOptions([], DEFAULT_THEMES)).toEqual({ theme: [], behaviour: [], archetype: [], agency: [], site: [] });
  });

  it('counts exactly the summaries that the filter then shows (sample data)', () => {
    const sample = sampleSummaries({ sites: 8, summariesPerSite: 3, seed: 7 });
    const options = filterOptions(sample, DEFAULT_THEMES);
    for (const key of LEARNING_FILTER_KEYS) {
      expect(options[key].length).toBeGreaterThan(0);
      for (const option of options[key]) {
        expect(option.count, `${key}=${option.id}`).toBe(filterSummaries(sample, { [key]: option.id }).length);
        expect(option.count).toBeGreaterThan(0);
      }
    }
  });
});

describe('themeMatrix', () => {
  it('counts lessons per site and theme, with totals and how many sites share each theme', () => {
    const matrix = themeMatrix(all, DEFAULT_THEMES);
    expect(matrix.sites).toEqual([
      { slug: 'barnsley', name: 'Barnsley' },
      { slug: 'torbay', name: 'Torbay' },
      { slug: 'wigan', name: 'Wigan' },
    ]);
    expect(matrix.themes).toEqual([
      // Two sites: first; a lesson tagged twice with a theme counts once.
      { id: 'prevention', label: 'Prevention and early help', total: 3, sites: 2 },
      { id: 'community-assets', label: 'Community assets', total: 1, sites: 1 },
      { id: 'data-sharing', label: 'Data and information sharing', total: 1, sites: 1 },
      { id: 'employment', label: 'Employment', total: 1, sites: 1 },
      { id: 'governance', label: 'Governance and accountability', total: 1, sites: 1 },
      { id: 'place', label: 'Place-based working', total: 1, sites: 1 },
      { id: 'workforce', label: 'Workforce and roles', total: 1, sites: 1 },
    ]);
    expect(matrix.cells).toEqual([
      { site: 'barnsley', theme: 'employment', lessons: 1 },
      { site: 'torbay', theme: 'prevention', lessons: 2 },
      { site: 'torbay', theme: 'community-assets', lessons: 1 },
      { site: 'torbay', theme: 'place', lessons: 1 },
      { site: 'torbay', theme: 'workforce', lessons: 1 },
      { site: 'wigan', theme: 'prevention', lessons: 1 },
      { site: 'wigan', theme: 'data-sharing', lessons: 1 },
      { site: 'wigan', theme: 'governance', lessons: 1 },
    ]);
  });

  it('keeps a site with no lessons as a row, and is empty for no summaries', () => {
    const quiet = live('Calderdale', 'empty', { publishedAt: '2026-01-01T00:00:00.000Z', lessons: [] });
    const matrix = themeMatrix([quiet, wigan], DEFAULT_THEMES);
    expect(matrix.sites.map((s) => s.slug)).toEqual(['calderdale', 'wigan']);
    expect(matrix.cells.every((c) => c.site === 'wigan' && c.lessons > 0)).toBe(true);
    expect(themeMatrix([], DEFAULT_THEMES)).toEqual({ themes: [], sites: [], cells: [] });
  });

  it('adds up to the lessons’ themes on sample data', () => {
    const sample = sampleSummaries({ sites: 25, summariesPerSite: 5 });
    const matrix = themeMatrix(sample, DEFAULT_THEMES);
    expect(matrix.sites).toHaveLength(25);
    const tagged = sample.flatMap((s) => s.summary.lessons.flatMap((l) => [...new Set(l.themes)])).length;
    expect(matrix.cells.reduce((n, c) => n + c.lessons, 0)).toBe(tagged);
    expect(matrix.themes.reduce((n, t) => n + t.total, 0)).toBe(tagged);
  });
});

describe('matrixCsv', () => {
  it('starts with a byte-order mark, ends lines with CRLF and parses back to the same numbers', () => {
    const matrix = themeMatrix(all, DEFAULT_THEMES);
    const csv = matrixCsv(matrix);
    expect(csv.startsWith('\uFEFFSite,')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(1 + matrix.sites.length);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);

    const { data, errors } = Papa.parse<string[]>(csv.slice(1), { newline: '\r\n', skipEmptyLines: true });
    expect(errors).toEqual([]);
    expect(data[0]).toEqual(['Site', ...matrix.themes.map((t) => t.label)]);
    expect(data.slice(1)).toEqual([
      ['Barnsley', '0', '0', '0', '1', '0', '0', '0'],
      ['Torbay', '2', '1', '0', '0', '0', '1', '1'],
      ['Wigan', '1', '0', '1', '0', '1', '0', '0'],
    ]);
    // Every count is the matrix's.
    for (const [r, site] of matrix.sites.entries()) {
      for (const [c, theme] of matrix.themes.entries()) {
        const cell = matrix.cells.find((x) => x.site === site.slug && x.theme === theme.id);
        expect(Number(data[r + 1]![c + 1])).toBe(cell?.lessons ?? 0);
      }
    }
  });

  it('neutralises cells a spreadsheet would run as formulas, and quotes commas and quotes', () => {
    const csv = matrixCsv({
      themes: [
        { id: 'a', label: '=HYPERLINK("http://evil.example","x")', total: 1, sites: 1 },
        { id: 'b', label: '+1', total: 1, sites: 1 },
        { id: 'c', label: 'Money, "funding"', total: 0, sites: 0 },
      ],
      sites: [
        { slug: 'minus', name: '-2+3' },
        { slug: 'at', name: '@SUM(A1)' },
        { slug: 'tab', name: '\tTorbay' },
        { slug: 'cr', name: '\rTorbay' },
        { slug: 'ok', name: 'Torbay – Devon' },
      ],
      cells: [
        { site: 'minus', theme: 'a', lessons: 1 },
        { site: 'ok', theme: 'b', lessons: 1 },
      ],
    });
    const { data } = Papa.parse<string[]>(csv.slice(1), { newline: '\r\n', skipEmptyLines: true });
    expect(data).toEqual([
      ['Site', '\'=HYPERLINK("http://evil.example","x")', "'+1", 'Money, "funding"'],
      ["'-2+3", '1', '0', '0'],
      ["'@SUM(A1)", '0', '0', '0'],
      ["'\tTorbay", '0', '0', '0'],
      ["'\rTorbay", '0', '0', '0'],
      ['Torbay – Devon', '0', '1', '0'],
    ]);
    for (const row of data) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('gives just the header for an empty matrix', () => {
    expect(matrixCsv({ themes: [], sites: [], cells: [] })).toBe('\uFEFFSite');
  });
});
