import { describe, expect, it } from 'vitest';
import { DEFAULT_THEMES } from '../../../shared/summaries/vocabulary.js';
import type { IndexEntry, SimilarGroup } from '../../../shared/summaries/public.js';
import type { PublishedSummary, PublishedVersionInfo } from '../../../shared/summaries/published.js';
import { renderLessonsPage, renderThemesPage } from './crossSitePages.js';
import { renderGonePage, renderNotFoundPage } from './errorPages.js';
import { renderIndexPage, renderSitePage } from './indexPage.js';
import { page } from './layout.js';
import {
  activeContent,
  CTX,
  headingProblems,
  htmlElements,
  idProblems,
  indexEntryOf,
  lessonRefsOf,
  matrixOf,
  optionsOf,
  parseHtml,
  sampleSummary,
} from './renderFixtures.js';
import { LEARNING_CSS } from './styles.js';
import { PREVIEW_BANNER, renderSummaryPage } from './summaryPage.js';

const torbay = sampleSummary();
const plymouth = sampleSummary({
  site: { slug: 'plymouth', name: 'Plymouth' },
  slug: 'hospital-discharge',
  version: 1,
  title: 'Getting people home from hospital',
  lessons: [
    { id: 'p1', text: 'Ward staff and housing officers met every morning, and delays fell.', themes: ['data-sharing'], behaviours: [], archetype: '' },
    { id: 'p2', text: 'A named person for each resident stopped them falling between services.', themes: ['workforce', 'data-sharing'], behaviours: ['listening'], archetype: '' },
  ],
  terms: { themes: { 'data-sharing': 'Data and information sharing', workforce: 'Workforce and roles' }, behaviours: { listening: 'Listening' } },
});
const versions: PublishedVersionInfo[] = [
  { version: 1, publishedAt: '2026-01-10T09:00:00.000Z', title: 'Loneliness' },
  { version: 2, publishedAt: '2026-03-03T10:15:00.000Z', title: 'Loneliness in later life' },
];

/** Everything every public page must be: complete, in the frame, with nothing inline. */
function expectSoundPage(html: string, options: { dataImages?: boolean } = {}) {
  expect(html.startsWith('<!doctype html>\n<html lang="en-GB">')).toBe(true);
  expect(html.trimEnd().endsWith('</html>')).toBe(true);
  // The Content-Security-Policy allows no inline script or style.
  expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  const doc = parseHtml(html);
  expect(doc.documentElement.getAttribute('lang')).toBe('en-GB');
  expect(doc.querySelector('meta[charset="utf-8"]')).not.toBeNull();
  expect(doc.querySelector('meta[name="viewport"]')).not.toBeNull();
  expect(doc.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toBe('/learning/assets/learning.css');
  expect(doc.querySelector('a.skip-link')?.getAttribute('href')).toBe('#main');
  expect(doc.querySelector('header a[href="/learning"]')?.textContent).toBe('Published learning');
  const nav = doc.querySelector('nav[aria-label="Learning"]')!;
  expect(Array.from(nav.querySelectorAll('a')).map((a) => a.getAttribute('href'))).toEqual(['/learning', '/learning/themes', '/learning/lessons']);
  expect(doc.querySelectorAll('main#main')).toHaveLength(1);
  expect(doc.querySelector('footer')!.textContent).toContain('Published by the sites of the Systems Leadership programme');
  expect(headingProblems(doc)).toEqual([]);
  expect(idProblems(doc)).toEqual([]);
  expect(activeContent(htmlElements(doc), options)).toEqual([]);
  // Every control a person can use is named.
  for (const select of Array.from(doc.querySelectorAll('select'))) expect(doc.querySelector(`label[for="${select.id}"]`), select.id).not.toBeNull();
  for (const img of Array.from(doc.querySelectorAll('img'))) expect(img.getAttribute('alt')).toBeTruthy();
  return doc;
}

const hrefs = (doc: ReturnType<typeof parseHtml>, selector = 'main a') => Array.from(doc.querySelectorAll(selector)).map((a) => a.getAttribute('href'));

describe('page', () => {
  it('writes the head: title, description, canonical and feed as absolute addresses', () => {
    const html = page({ ctx: { baseUrl: 'https://learning.example.org/' }, title: 'Themes <across> sites', description: 'A "table"', canonicalPath: '/learning/themes', feed: { title: 'Feed', path: '/learning/feed.atom' }, body: '<h1>Themes</h1>' });
    const doc = expectSoundPage(html);
    expect(doc.title).toBe('Themes <across> sites – Published learning');
    expect(doc.querySelector('meta[name="description"]')?.getAttribute('content')).toBe('A "table"');
    expect(doc.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe('https://learning.example.org/learning/themes');
    const feed = doc.querySelector('link[rel="alternate"]')!;
    expect(feed.getAttribute('type')).toBe('application/atom+xml');
    expect(feed.getAttribute('href')).toBe('https://learning.example.org/learning/feed.atom');
    expect(doc.querySelector('nav a[aria-current="page"]')?.getAttribute('href')).toBe('/learning/themes');
    expect(doc.querySelector('.banner')).toBeNull();
  });

  it('shows a banner as text', () => {
    const doc = expectSoundPage(page({ ctx: CTX, title: 'x', banner: 'Careful <b>now</b>', body: '<h1>x</h1>' }));
    expect(doc.querySelector('.banner')!.textContent).toBe('Careful <b>now</b>');
  });
});

describe('renderIndexPage', () => {
  const entries = [indexEntryOf(plymouth), indexEntryOf(torbay)];
  const options = optionsOf([torbay, plymouth]);

  it('lists every summary as a card with its links, date, issue, themes and lessons', () => {
    const doc = expectSoundPage(renderIndexPage(CTX, { entries, filter: {}, options }));
    expect(doc.querySelector('h1')!.textContent).toBe('Published learning summaries');
    expect(doc.querySelector('#results')!.textContent).toBe('2 summaries published');
    const cards = Array.from(doc.querySelectorAll('.cards > li'));
    expect(cards).toHaveLength(2);
    const card = cards[1]!;
    expect(card.querySelector('h3 a')!.getAttribute('href')).toBe('/learning/torbay/loneliness-in-later-life');
    expect(card.querySelector('h3 a')!.textContent).toBe('Loneliness in later life');
    expect(card.querySelector('.meta a')!.getAttribute('href')).toBe('/learning/torbay');
    expect(card.querySelector('.meta')!.textContent).toBe('Torbay · Updated 3 March 2026 · 2 lessons');
    expect(card.querySelector('time')!.getAttribute('datetime')).toBe('2026-03-03');
    expect(card.textContent).toContain('Older people living alone in Torbay call 999');
    expect(card.querySelector('.tags')!.textContent).toBe('Themes: Data and information sharing, Lived experience, Community assets');
    expect(hrefs(doc, '.cards > li:last-child .tags a')).toEqual(['/learning/lessons?theme=data-sharing', '/learning/lessons?theme=lived-experience', '/learning/lessons?theme=community-assets']);
    expect(cards[0]!.querySelector('.meta')!.textContent).toBe('Plymouth · Published 3 March 2026 · 2 lessons');
    expect(doc.querySelector('link[rel="alternate"]')!.getAttribute('href')).toBe('https://learning.example.org/learning/feed.atom');
  });

  it('shows the start of a long issue and the first few themes only', () => {
    const themes = DEFAULT_THEMES.map((t) => ({ id: t.id, label: t.label }));
    const long = { ...indexEntryOf(torbay), issue: 'word '.repeat(200), themes };
    const doc = parseHtml(renderIndexPage(CTX, { entries: [long], filter: {}, options }));
    const issue = doc.querySelector('.cards p:not(.meta):not(.tags)')!.textContent!;
    expect(issue.length).toBeLessThanOrEqual(201);
    expect(issue.endsWith('word…')).toBe(true);
    expect(doc.querySelectorAll('.cards .tags a')).toHaveLength(3);
    expect(doc.querySelector('.cards .tags')!.textContent).toMatch(/ and 7 more$/);
  });

  it('has a GET filter form with the current filter chosen and counts in the options', () => {
    const doc = expectSoundPage(renderIndexPage(CTX, { entries: entries.slice(1), filter: { theme: 'lived-experience', site: 'torbay' }, options }));
    const form = doc.querySelector('form')!;
    expect(form.getAttribute('method')).toBe('get');
    expect(form.getAttribute('action')).toBe('/learning');
    expect(Array.from(form.querySelectorAll('select')).map((s) => s.getAttribute('name'))).toEqual(['theme', 'behaviour', 'archetype', 'agency', 'site']);
    const theme = form.querySelector('select[name="theme"]')!;
    expect(theme.querySelector('option[selected]')!.getAttribute('value')).toBe('lived-experience');
    expect(theme.querySelector('option[value="data-sharing"]')!.textContent).toBe('Data and information sharing (2)');
    expect(theme.querySelector('option[value=""]')!.textContent).toBe('Any theme');
    expect(form.querySelector('select[name="site"] option[selected]')!.getAttribute('value')).toBe('torbay');
    expect(form.querySelector('button[type="submit"]')!.textContent).toBe('Apply filters');
    expect(Array.from(form.querySelectorAll('a')).find((a) => a.textContent === 'Clear filters')?.getAttribute('href')).toBe('/learning');
    expect(doc.querySelector('#results')!.textContent).toBe('1 summary match these filters');
    expect(doc.querySelector('link[rel="canonical"]')!.getAttribute('href')).toBe('https://learning.example.org/learning?theme=lived-experience&site=torbay');
  });

  it('keeps a filter value that no summary has any more', () => {
    const doc = parseHtml(renderIndexPage(CTX, { entries: [], filter: { behaviour: 'gone' }, options }));
    expect(doc.querySelector('select[name="behaviour"] option[selected]')!.textContent).toBe('gone (0)');
  });

  it('says when nothing matches, and when nothing is published', () => {
    const none = { theme: [], behaviour: [], archetype: [], agency: [], site: [] };
    const filtered = expectSoundPage(renderIndexPage(CTX, { entries: [], filter: { theme: 'funding' }, options }));
    expect(filtered.querySelector('main')!.textContent).toContain('No summaries match these filters.');
    const empty = expectSoundPage(renderIndexPage(CTX, { entries: [], filter: {}, options: none }));
    expect(empty.querySelector('main')!.textContent).toContain('No summaries have been published yet.');
    expect(empty.querySelectorAll('.cards > li')).toHaveLength(0);
    expect(Array.from(empty.querySelectorAll('a')).some((a) => a.textContent === 'Clear filters')).toBe(false);
  });

  it('stays well under 100 KB a page with 125 summaries, every one on some page', () => {
    // As the sample sites publish: six or so themes a summary, a paragraph of issue.
    const many: IndexEntry[] = Array.from({ length: 125 }, (_, i) => ({
      site: { slug: `site-${i % 25}`, name: `West Cheshire ${i % 25}` },
      slug: `dementia-friendly-town-centre-${i}`,
      title: `A dementia-friendly town centre, with the people who use it (${i})`,
      version: 1 + (i % 3),
      publishedAt: '2026-03-03T10:15:00.000Z',
      firstPublishedAt: '2026-01-10T09:00:00.000Z',
      issue: 'People living with dementia and their carers stop coming into town, and lose touch with shops, friends and services. '.repeat(3),
      lessonCount: 6,
      themes: DEFAULT_THEMES.slice(i % 4, (i % 4) + 6).map((t) => ({ id: t.id, label: t.label })),
      agencyTypes: ['nhs', 'local-authority'],
      archetypes: ['fixes-that-fail'],
    }));
    const options = {
      theme: DEFAULT_THEMES.map((t) => ({ id: t.id, label: t.label, count: 40 })),
      behaviour: Array.from({ length: 15 }, (_, i) => ({ id: `behaviour-${i}`, label: `Behaviour ${i}`, count: 10 })),
      archetype: [{ id: 'fixes-that-fail', label: 'Fixes that fail', count: 125 }],
      agency: [{ id: 'nhs', label: 'NHS', count: 125 }],
      site: Array.from({ length: 25 }, (_, i) => ({ id: `site-${i}`, label: `West Cheshire ${i}`, count: 5 })),
    };
    let cards = 0;
    for (const n of [1, 2, 3]) {
      const html = renderIndexPage(CTX, { entries: many, filter: {}, options, page: n });
      cards += parseHtml(html).querySelectorAll('.cards > li').length;
      expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    }
    expect(cards).toBe(125);
  });
});

describe('renderSitePage', () => {
  it('lists the site’s summaries and offers its feed', () => {
    const doc = expectSoundPage(renderSitePage(CTX, { site: torbay.site, entries: [indexEntryOf(torbay)] }));
    expect(doc.querySelector('h1')!.textContent).toBe('Torbay');
    expect(doc.querySelector('link[rel="alternate"]')!.getAttribute('href')).toBe('https://learning.example.org/learning/torbay/feed.atom');
    expect(hrefs(doc)).toContain('/learning/torbay/feed.atom');
    expect(hrefs(doc)).toContain('/learning/torbay/loneliness-in-later-life');
    // The site's own page does not link each card back to itself.
    expect(doc.querySelector('.cards .meta a')).toBeNull();
  });

  it('says when the site has published nothing', () => {
    const doc = expectSoundPage(renderSitePage(CTX, { site: torbay.site, entries: [] }));
    expect(doc.querySelector('main')!.textContent).toContain('This site has not published any summaries yet.');
  });
});

describe('renderSummaryPage', () => {
  const html = renderSummaryPage(CTX, { summary: torbay, versions, latestVersion: 2 });
  const doc = expectSoundPage(html);
  const sectionText = (id: string) => doc.getElementById(id)!.parentElement!.textContent!;

  it('names the summary, its site, version and date', () => {
    expect(doc.querySelector('h1')!.textContent).toBe('Loneliness in later life');
    expect(doc.title).toBe('Loneliness in later life – Published learning');
    expect(doc.querySelector('main .meta')!.textContent).toBe('Torbay · Version 2, published 3 March 2026');
    expect(doc.querySelector('main .meta a')!.getAttribute('href')).toBe('/learning/torbay');
    expect(doc.querySelector('.notice')).toBeNull();
    expect(doc.querySelector('link[rel="canonical"]')!.getAttribute('href')).toBe('https://learning.example.org/learning/torbay/loneliness-in-later-life');
    expect(doc.querySelector('.banner')).toBeNull();
  });

  it('has its sections in order, with contents', () => {
    expect(Array.from(doc.querySelectorAll('h2')).map((h) => h.textContent)).toEqual([
      'Contents',
      'The issue',
      'Agencies involved',
      'Key loops and diagrams',
      'Interventions',
      'Enablers',
      'Barriers',
      'Lessons',
      'Evidence and links',
      'Quotations',
      'Contributors',
      'Versions',
    ]);
    expect(hrefs(doc, '.contents a')).toContain('#lessons');
  });

  it('writes the issue as paragraphs with its links', () => {
    const issue = doc.getElementById('issue')!.parentElement!;
    expect(issue.querySelectorAll('p')).toHaveLength(2);
    expect(issue.querySelector('br')).not.toBeNull();
    expect(issue.querySelector('a')!.getAttribute('href')).toBe('https://www.torbay.gov.uk/jsna');
  });

  it('names agencies with their type', () => {
    expect(sectionText('agencies')).toContain('Torbay Council (Local authority)');
    expect(sectionText('agencies')).toContain('Age UK Torbay (Voluntary sector)');
  });

  it('shows each diagram as an image with its size, caption and the diagram in words', () => {
    const figure = doc.querySelector('figure.diagram')!;
    const img = figure.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('/learning/torbay/loneliness-in-later-life/v2/diagrams/1.svg');
    expect(Number(img.getAttribute('width'))).toBeGreaterThan(0);
    expect(Number(img.getAttribute('height'))).toBeGreaterThan(0);
    expect(img.getAttribute('alt')).toContain('The GP visits loop');
    const caption = figure.querySelector('figcaption')!.textContent!;
    expect(caption).toContain('The GP visits loop');
    expect(caption).toContain('Systems archetype: Fixes that fail');
    expect(caption).toContain('Social prescribing takes time to reduce loneliness.');
    const words = doc.querySelector('details.diagram-words')!;
    expect(words.querySelector('summary')!.textContent).toBe('Diagram in words: The GP visits loop');
    expect(words.textContent).toContain('GP visits → increases → Social prescribing (with a delay)');
    expect(words.textContent).toContain('Balancing loop “Seeing the GP”');
  });

  it('gives each lesson an anchor and links its themes and behaviours', () => {
    const lesson = doc.getElementById('lesson-l1')!;
    expect(lesson.tagName).toBe('ARTICLE');
    expect(lesson.textContent).toContain('Residents who told their story once');
    expect(hrefs(doc, '#lesson-l1 a')).toEqual(['/learning/lessons?theme=data-sharing', '/learning/lessons?theme=lived-experience', '/learning/lessons?behaviour=listening']);
    expect(lesson.textContent).toContain('Data and information sharing');
    expect(lesson.textContent).toContain('Systems archetype: Shifting the burden');
    expect(doc.getElementById('lesson-l2')!.textContent).not.toContain('Behaviours');
  });

  it('links evidence only to web addresses', () => {
    const unsafe = sampleSummary({
      evidence: [
        { kind: 'link', title: 'Looks like a link', text: '', url: 'javascript:alert(1)', date: '', organisations: [] },
        { kind: 'link', title: 'Web page', text: '', url: 'https://example.org/report', date: '', organisations: [] },
      ],
    });
    const page = expectSoundPage(renderSummaryPage(CTX, { summary: unsafe, versions, latestVersion: 2 }));
    const evidence = page.querySelector('.evidence')!;
    expect(hrefs(page, '.evidence a')).toEqual(['https://example.org/report']);
    expect(evidence.textContent).toContain('Looks like a link');
    expect(sectionText('evidence')).toContain('Joint strategic needs assessment');
    expect(sectionText('evidence')).toContain('From the learning log · 14 January 2026 · Torbay Council, Age UK Torbay');
  });

  it('quotes with attribution, and names contributors who consented', () => {
    expect(doc.querySelector('blockquote')!.textContent).toBe('I only went to the doctor to talk to someone.');
    expect(doc.querySelector('.quotation figcaption')!.textContent).toBe('A resident of Paignton');
    const contributors = Array.from(doc.getElementById('contributors')!.parentElement!.querySelectorAll('li')).map((li) => li.textContent);
    expect(contributors).toEqual(['Asha Patel, Torbay Council', 'Age UK Torbay']);
  });

  it('lists every version, newest first, with links', () => {
    const items = Array.from(doc.querySelectorAll('.versions li'));
    expect(items.map((li) => li.textContent)).toEqual(['Version 2, published 3 March 2026 (latest, this version)', 'Version 1, published 10 January 2026, as “Loneliness”']);
    expect(hrefs(doc, '.versions a')).toEqual(['/learning/torbay/loneliness-in-later-life/v2', '/learning/torbay/loneliness-in-later-life/v1']);
  });

  it('points an earlier version to the latest', () => {
    const old = expectSoundPage(renderSummaryPage(CTX, { summary: { ...torbay, version: 1, publishedAt: '2026-01-10T09:00:00.000Z' }, versions, latestVersion: 2 }));
    const notice = old.querySelector('.notice')!;
    expect(notice.textContent).toContain('Read the latest version (version 2)');
    expect(notice.querySelector('a')!.getAttribute('href')).toBe('/learning/torbay/loneliness-in-later-life');
    expect(old.querySelector('main .meta')!.textContent).toBe('Torbay · Version 1, published 10 January 2026');
    expect(old.querySelector('img')!.getAttribute('src')).toBe('/learning/torbay/loneliness-in-later-life/v1/diagrams/1.svg');
    expect(old.querySelector('link[rel="canonical"]')!.getAttribute('href')).toBe('https://learning.example.org/learning/torbay/loneliness-in-later-life/v1');
  });

  it('previews with a banner and the diagrams inline', () => {
    const preview = expectSoundPage(renderSummaryPage(CTX, { summary: { ...torbay, version: 3 }, versions, latestVersion: 2, preview: true }), { dataImages: true });
    expect(preview.querySelector('.banner')!.textContent).toBe(PREVIEW_BANNER);
    expect(PREVIEW_BANNER).toBe('Preview: this is exactly what the public will see once published. It is not published yet.');
    const src = preview.querySelector('img')!.getAttribute('src')!;
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(src.split(',')[1]!, 'base64').toString('utf8')).toContain('Social prescribing');
    expect(preview.querySelector('.notice')).toBeNull();
    expect(preview.querySelector('meta[name="robots"]')!.getAttribute('content')).toBe('noindex');
  });

  it('leaves out empty sections', () => {
    const bare: PublishedSummary = { ...torbay, issue: '', agencies: [], diagrams: [], interventions: [], enablers: [], barriers: [], evidence: [], quotations: [], contributors: [] };
    const page = expectSoundPage(renderSummaryPage(CTX, { summary: bare, versions: [], latestVersion: 2 }));
    expect(Array.from(page.querySelectorAll('h2')).map((h) => h.textContent)).toEqual(['Lessons']);
  });
});

describe('renderLessonsPage', () => {
  const lessons = [...lessonRefsOf(plymouth), ...lessonRefsOf(torbay)];
  const groups: SimilarGroup[] = [{ terms: ['story', 'person'], similarity: 0.4, lessons: [lessonRefsOf(plymouth)[1]!, lessonRefsOf(torbay)[0]!] }];
  const doc = expectSoundPage(renderLessonsPage(CTX, { lessons, filter: {}, options: optionsOf([torbay, plymouth]), groups }));

  it('puts lessons side by side, a column per site, each linking to its place in its summary', () => {
    expect(doc.querySelector('h1')!.textContent).toBe('Lessons across sites');
    expect(doc.querySelector('form')!.getAttribute('action')).toBe('/learning/lessons');
    expect(doc.querySelector('#results')!.textContent).toBe('4 lessons from 2 sites');
    const columns = Array.from(doc.querySelectorAll('.columns > .column'));
    expect(columns.map((c) => c.querySelector('h3')!.textContent)).toEqual(['Plymouth (2 lessons)', 'Torbay (2 lessons)']);
    expect(columns[0]!.querySelectorAll('.lesson-card')).toHaveLength(2);
    expect(hrefs(doc, '.column .lesson-card .meta a')).toContain('/learning/torbay/loneliness-in-later-life#lesson-l1');
    expect(hrefs(doc, '.column .lesson-card .tags a')).toContain('/learning/lessons?theme=workforce');
  });

  it('shows lessons that say much the same thing, side by side with their sites', () => {
    const group = doc.querySelector('.similar-group')!;
    expect(group.querySelector('h3')!.textContent).toBe('Shared words: story, person');
    expect(group.querySelectorAll('.lesson-card')).toHaveLength(2);
    expect(Array.from(group.querySelectorAll('.lesson-card .meta')).map((m) => m.textContent)).toEqual([
      'Plymouth: from Getting people home from hospital',
      'Torbay: from Loneliness in later life',
    ]);
  });

  it('shortens a very long lesson, linking to the whole of it', () => {
    const long = lessonRefsOf(sampleSummary({ lessons: [{ id: 'long', text: 'We learned a lot. '.repeat(60), themes: [], behaviours: [], archetype: '' }] }));
    const page = expectSoundPage(renderLessonsPage(CTX, { lessons: long, filter: {}, options: optionsOf([]), groups: [] }));
    const card = page.querySelector('.lesson-card')!;
    expect(card.textContent!.length).toBeLessThan(800);
    expect(Array.from(card.querySelectorAll('a')).find((a) => a.textContent === 'Read the whole lesson')?.getAttribute('href')).toBe('/learning/torbay/loneliness-in-later-life#lesson-long');
    expect(page.querySelector('.similar')!.textContent).toContain('No lessons from different sites say much the same thing yet.');
  });

  it('says when no lessons match', () => {
    const page = expectSoundPage(renderLessonsPage(CTX, { lessons: [], filter: { theme: 'funding' }, options: optionsOf([]), groups: [] }));
    expect(page.querySelector('main')!.textContent).toContain('No lessons match these filters.');
  });
});

describe('renderThemesPage', () => {
  const three = sampleSummary({ site: { slug: 'barnsley', name: 'Barnsley' }, lessons: [], terms: { themes: {}, behaviours: {} } });
  const matrix = matrixOf([torbay, plymouth, three]);
  const doc = expectSoundPage(renderThemesPage(CTX, { matrix }));

  it('is a captioned table of sites by themes in a focusable scroll region', () => {
    const region = doc.querySelector('.table-scroll')!;
    expect(region.getAttribute('role')).toBe('region');
    expect(region.getAttribute('tabindex')).toBe('0');
    expect(doc.getElementById(region.getAttribute('aria-labelledby')!)!.tagName).toBe('CAPTION');
    expect(hrefs(doc, 'tbody th[scope="row"] a')).toEqual(['/learning/torbay', '/learning/plymouth', '/learning/barnsley']);
    expect(hrefs(doc, 'thead th[scope="col"] a')).toEqual([
      '/learning/lessons?theme=data-sharing',
      '/learning/lessons?theme=lived-experience',
      '/learning/lessons?theme=community-assets',
      '/learning/lessons?theme=workforce',
    ]);
  });

  it('links each count to those lessons and marks empty cells', () => {
    const plymouthRow = doc.querySelectorAll('tbody tr')[1]!;
    const dataSharing = plymouthRow.querySelectorAll('td')[0]!;
    const link = new URL(dataSharing.querySelector('a')!.getAttribute('href')!, CTX.baseUrl);
    expect(link.pathname).toBe('/learning/lessons');
    expect(Object.fromEntries(link.searchParams)).toEqual({ site: 'plymouth', theme: 'data-sharing' });
    expect(dataSharing.textContent).toBe('2 lessons');
    expect(dataSharing.querySelector('a')!.firstChild!.textContent).toBe('2');
    const oneLesson = doc.querySelectorAll('tbody tr')[0]!.querySelectorAll('td')[0]!;
    expect(oneLesson.textContent).toBe('1 lesson');
    const none = plymouthRow.querySelectorAll('td')[1]!;
    expect(none.querySelector('a')).toBeNull();
    expect(none.querySelector('[aria-hidden="true"]')!.textContent).toBe('–');
    expect(none.querySelector('.visually-hidden')!.textContent).toBe('none');
    // Themes covered, per site.
    expect(plymouthRow.querySelectorAll('td')[4]!.textContent).toBe('2');
    expect(doc.querySelectorAll('tbody tr')[2]!.querySelectorAll('td a')).toHaveLength(0);
  });

  it('totals each theme and marks the themes that recur in two or more sites', () => {
    const foot = Array.from(doc.querySelectorAll('tfoot tr'));
    expect(foot[0]!.querySelector('th')!.textContent).toBe('Sites with lessons on this theme');
    expect(Array.from(foot[0]!.querySelectorAll('td')).map((td) => td.textContent)).toEqual(['2', '1', '1', '1', '']);
    expect(Array.from(foot[1]!.querySelectorAll('td')).map((td) => td.textContent)).toEqual(['3', '1', '1', '1', '']);
    const recurring = Array.from(doc.querySelectorAll('thead th.recurring a')).map((a) => a.textContent);
    expect(recurring).toEqual(['Data and information sharing']);
    expect(doc.querySelector('thead th.recurring .recurs')!.textContent).toBe('recurs');
  });

  it('offers the table as CSV', () => {
    expect(doc.querySelector('a[href="/api/public/matrix.csv"]')!.textContent).toBe('Download this table as CSV');
  });

  it('says when there is nothing to tabulate', () => {
    const empty = expectSoundPage(renderThemesPage(CTX, { matrix: { themes: [], sites: [], cells: [] } }));
    expect(empty.querySelector('table')).toBeNull();
    expect(empty.querySelector('main')!.textContent).toContain('No lessons with themes have been published yet.');
  });
});

describe('renderGonePage and renderNotFoundPage', () => {
  it('say what happened and lead back to the summaries', () => {
    const gone = expectSoundPage(renderGonePage(CTX, { title: 'Loneliness <in> later life' }));
    expect(gone.querySelector('h1')!.textContent).toBe('This summary has been withdrawn by its site');
    expect(gone.querySelector('main')!.textContent).toContain('“Loneliness <in> later life” is no longer published.');
    expect(hrefs(gone)).toContain('/learning');
    const missing = expectSoundPage(renderNotFoundPage(CTX));
    expect(missing.querySelector('h1')!.textContent).toBe('Page not found');
    expect(hrefs(missing)).toContain('/learning');
    expect(missing.querySelector('meta[name="robots"]')!.getAttribute('content')).toBe('noindex');
  });
});

describe('LEARNING_CSS', () => {
  it('is self-contained, with focus styles, print styles and nothing to fetch', () => {
    expect(LEARNING_CSS).not.toMatch(/@import|url\(|@font-face/);
    expect(LEARNING_CSS).toContain(':focus-visible');
    expect(LEARNING_CSS).toMatch(/@media print \{[\s\S]*\.filters[\s\S]*attr\(href\)/);
    expect(LEARNING_CSS).toMatch(/\.table-scroll \{[^}]*overflow-x: auto/);
    // Braces balance: a stray one would silently drop the rules after it.
    expect(LEARNING_CSS.split('{').length).toBe(LEARNING_CSS.split('}').length);
  });
});

describe('paging the index', () => {
  it('shows 50 summaries a page, with links between pages that keep the filter', async () => {
    const { renderIndexPage, INDEX_PAGE_SIZE } = await import('./indexPage.js');
    const { indexEntries } = await import('../crossSite.js');
    const { sampleSummaries } = await import('../fixtures.js');
    const entries = indexEntries(sampleSummaries({ sites: 25, summariesPerSite: 5 }));
    const options = { theme: [], behaviour: [], archetype: [], agency: [], site: [] };
    const first = renderIndexPage({ baseUrl: 'https://example.org' }, { entries, filter: {}, options });
    const last = renderIndexPage({ baseUrl: 'https://example.org' }, { entries, filter: { theme: 'prevention' }, options, page: 99 });
    const count = (html: string) => (html.match(/<li><h3>/g) ?? []).length;
    expect(count(first)).toBe(INDEX_PAGE_SIZE);
    expect(first).toContain('Page 1 of 3');
    expect(first).toContain('href="/learning?page=2"');
    expect(last).toContain('Page 3 of 3');
    expect(count(last)).toBe(entries.length - 2 * INDEX_PAGE_SIZE);
    expect(last).toContain('href="/learning?theme=prevention&amp;page=2"');
    expect(last).toContain('<ol class="cards" start="101">');
    expect(first.length).toBeLessThan(60_000);
  });
});

describe('the lessons page with every site publishing', () => {
  it('lists at most 60 lessons, 10 groups and 6 of a group, stays under 100 KB, and says where the rest are', async () => {
    const { renderLessonsPage, LESSONS_SHOWN_MAX } = await import('./crossSitePages.js');
    const { lessonRefs } = await import('../crossSite.js');
    const { similarLessons } = await import('../similarity.js');
    const { sampleSummaries } = await import('../fixtures.js');
    const lessons = lessonRefs(sampleSummaries({ sites: 25, summariesPerSite: 5 }), {});
    expect(lessons.length).toBeGreaterThan(LESSONS_SHOWN_MAX);
    const groups = similarLessons(lessons);
    expect(Math.max(...groups.map((g) => g.lessons.length))).toBeGreaterThan(6);
    const options = { theme: [], behaviour: [], archetype: [], agency: [], site: [] };
    const html = renderLessonsPage({ baseUrl: 'https://example.org' }, { lessons, filter: {}, options, groups });
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    expect(html).toContain(`The first ${LESSONS_SHOWN_MAX} are shown`);
    expect(html).toContain('href="/api/public/lessons"');
    expect(html).toContain('the first 6 shown');
  });
});
