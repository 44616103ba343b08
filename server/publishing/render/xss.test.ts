/**
 * Hostile text in every field a site writes, through every page, the diagram SVG and the Atom
 * feed: the output, parsed as a browser or feed reader would, must hold nothing that runs or
 * restyles, and the text must still be there to read, escaped rather than lost.
 */
import { describe, expect, it } from 'vitest';
import type { IndexEntry, LessonRef } from '../../../shared/summaries/public.js';
import type { PublishedSummary } from '../../../shared/summaries/published.js';
import { renderLessonsPage, renderThemesPage } from './crossSitePages.js';
import { renderDiagramSvg } from './diagram.js';
import { renderGonePage } from './errorPages.js';
import { renderAtomFeed } from './feed.js';
import { renderIndexPage, renderSitePage } from './indexPage.js';
import { page } from './layout.js';
import { activeContent, CTX, htmlElements, indexEntryOf, lessonRefsOf, matrixOf, parseHtml, parseXml, visibleText, xmlElements } from './renderFixtures.js';
import { renderSummaryPage } from './summaryPage.js';

const PAYLOADS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '"><svg onload=alert(1)>',
  "'><svg/onload=alert(1)>",
  '<a href="jAvAsCrIpT:alert(1)">click</a>',
  '<iframe src="https://evil.example/"></iframe>',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '</title><script>alert(1)</script>',
  '</textarea><script>alert(1)</script>',
  '<style>body{display:none}</style>',
  '<div style="background:url(javascript:alert(1))">styled</div>',
  '&#106;avascript:alert(1)',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  'java\tscript:alert(1)',
  ' vbscript:msgbox(1)',
  '\u202Egnp.exe\u202C and \u2067isolated\u2069',
  'Null\u0000byte and bell\u0007',
  ']]><script>alert(1)</script><![CDATA[',
  '<?xml-stylesheet href="https://evil.example/x.xsl"?>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">',
  '" onmouseover="alert(1)" x="',
  "' onfocus='alert(1)' autofocus '",
  'https://example.org/"onmouseover="alert(1)',
  'https://example.org/<script>alert(1)</script>',
  '"><details open ontoggle=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  '\uD800 lone surrogate and \uFFFE',
];

/** A summary with `p` in every field a person writes, ids and addresses included. */
function hostileSummary(p: string, version = 2): PublishedSummary {
  const id = (n: number) => `${p}-${n}`;
  return {
    site: { slug: p, name: p },
    slug: p,
    version,
    title: p,
    publishedAt: '2026-03-03T10:15:00.000Z',
    issue: p,
    agencies: [{ name: p, type: p }],
    diagrams: [
      {
        n: 1,
        title: p,
        caption: p,
        archetype: p,
        elements: [
          { id: id(1), kind: 'variable', label: p, x: 0, y: 0 },
          { id: id(2), kind: 'actor', label: p, x: 300, y: 0 },
          { id: id(3), kind: 'note', label: p, x: 150, y: 200 },
        ],
        connections: [
          { id: id(4), from: id(1), to: id(2), polarity: '+', delay: true },
          { id: id(5), from: id(2), to: id(3), polarity: '-', delay: false },
          { id: id(6), from: id(3), to: id(1), polarity: '-', delay: false },
        ],
        loops: [{ name: p, type: 'reinforcing', elementIds: [id(1), id(2), id(3)] }],
      },
    ],
    interventions: [p],
    enablers: [p],
    barriers: [p],
    lessons: [{ id: p, text: p, themes: [p], behaviours: [p], archetype: p }],
    evidence: [
      { kind: 'link', title: p, text: p, url: p, date: p, organisations: [p] },
      { kind: 'link', title: p, text: p, url: `https://example.org/?q=${p}`, date: '', organisations: [] },
    ],
    quotations: [{ text: p, attribution: p }],
    contributors: [
      { name: p, organisation: p },
      { name: '', organisation: p },
    ],
    terms: { themes: { [p]: p }, behaviours: { [p]: p } },
  };
}

type HtmlDoc = ReturnType<typeof parseHtml>;

/** Parses a page and checks it carries nothing active; returns it for the text checks. */
function safePage(html: string, options: { dataImages?: boolean } = {}): HtmlDoc {
  // Escaped text may say `style="…"`; only a real tag opens with `<`. Attributes are checked on the DOM.
  expect(html).not.toMatch(/<(?:script|iframe|object|embed|style|svg|math|base|meta http-equiv)\b/i);
  const doc = parseHtml(html);
  expect(activeContent(htmlElements(doc), options)).toEqual([]);
  // One document: nothing the text held closed the page early or opened another.
  expect(doc.querySelectorAll('html, head, body, title, main')).toHaveLength(5);
  return doc;
}

/** The payload reads as text in `el`, `times` times at least. */
function expectText(el: { textContent: string | null } | null, p: string, times = 1) {
  expect(el, 'element').not.toBeNull();
  const haystack = visibleText(el!.textContent ?? '');
  const needle = visibleText(p);
  expect(haystack.split(needle).length - 1, `"${needle}" in "${haystack.slice(0, 200)}"`).toBeGreaterThanOrEqual(times);
}

const sectionOf = (doc: HtmlDoc, id: string) => doc.getElementById(id)?.parentElement ?? null;

function checkSvg(svg: string, p: string) {
  expect(svg).not.toMatch(/<script|<foreignObject/i);
  const doc = parseXml(svg);
  expect(activeContent(xmlElements(doc))).toEqual([]);
  // The drawing's title, and each element's label (as its <title>: the drawn label wraps).
  const root = doc.documentElement!;
  const titleOf = (el: typeof root) => Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)).find((n) => n?.nodeName === 'title') ?? null;
  expectText(titleOf(root), p);
  const elements = xmlElements(doc).filter((el) => (el as unknown as typeof root).getAttribute('class') === 'element') as unknown as (typeof root)[];
  expect(elements).toHaveLength(3);
  for (const el of elements) expectText(titleOf(el), p);
  expect(xmlElements(doc).filter((el) => (el as unknown as typeof root).getAttribute('class') === 'connection')).toHaveLength(3);
}

describe.each(PAYLOADS.map((p) => [JSON.stringify(p), p] as const))('hostile text %s', (_name, p) => {
  const summary = hostileSummary(p);
  const entry: IndexEntry = indexEntryOf(summary);
  const refs: LessonRef[] = lessonRefsOf(summary);
  const options = { theme: [{ id: p, label: p, count: 1 }], behaviour: [{ id: p, label: p, count: 1 }], archetype: [{ id: p, label: p, count: 1 }], agency: [{ id: p, label: p, count: 1 }], site: [{ id: p, label: p, count: 1 }] };
  const filter = { theme: p, behaviour: p, archetype: p, agency: p, site: p };

  it('the summary page holds nothing active and shows every field as text', () => {
    const doc = safePage(renderSummaryPage(CTX, { summary, versions: [{ version: 1, publishedAt: '2026-01-01T00:00:00.000Z', title: `Earlier: ${p}` }, { version: 2, publishedAt: summary.publishedAt, title: p }], latestVersion: 2 }));
    expectText(doc.querySelector('title'), p);
    expectText(doc.querySelector('h1'), p);
    expectText(doc.querySelector('main .meta a'), p); // site name
    expectText(sectionOf(doc, 'issue'), p);
    expectText(sectionOf(doc, 'agencies'), p, 2); // name and type
    expectText(doc.querySelector('figcaption h3'), p);
    expectText(doc.querySelector('figcaption'), p, 3); // title, archetype, caption
    // Every element, both ends of each connection, and the loop's name and route.
    expectText(doc.querySelector('details.diagram-words'), p, 3 + 6 + 1 + 4);
    expectText(sectionOf(doc, 'interventions'), p);
    expectText(sectionOf(doc, 'enablers'), p);
    expectText(sectionOf(doc, 'barriers'), p);
    const lesson = doc.querySelector('article.lesson');
    expect(visibleText(lesson!.getAttribute('id')!)).toBe(visibleText(`lesson-${p}`));
    expectText(lesson, p, 4); // text, theme, behaviour, archetype
    expectText(sectionOf(doc, 'evidence'), p, 6); // titles, texts, a date, organisations
    expectText(doc.querySelector('blockquote'), p);
    expectText(doc.querySelector('.quotation figcaption'), p);
    expectText(sectionOf(doc, 'contributors'), p, 3);
    expectText(sectionOf(doc, 'versions'), p); // an earlier title
    // An address is linked only when it is a web address, and then stays one attribute.
    const evidenceLinks = Array.from(doc.querySelectorAll('.evidence a')).map((a) => a.getAttribute('href')!);
    for (const href of evidenceLinks) expect(href).toMatch(/^https?:\/\//);
    expect(evidenceLinks.map(visibleText)).toContain(visibleText(`https://example.org/?q=${p}`));
  });

  it('the preview carries its diagram inline as an image, safely', () => {
    const doc = safePage(renderSummaryPage(CTX, { summary, versions: [], latestVersion: 1, preview: true }), { dataImages: true });
    const src = doc.querySelector('img')!.getAttribute('src')!;
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
    checkSvg(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8'), p);
  });

  it('an earlier version holds nothing active', () => {
    safePage(renderSummaryPage(CTX, { summary: hostileSummary(p, 1), versions: [], latestVersion: 2 }));
  });

  it('the index and the site page hold nothing active and show the text', () => {
    const index = safePage(renderIndexPage(CTX, { entries: [entry], filter, options }));
    const card = index.querySelector('.cards > li');
    expectText(card?.querySelector('h3') ?? null, p);
    expectText(card?.querySelector('.meta a') ?? null, p);
    expectText(card?.querySelector('.tags') ?? null, p);
    expectText(index.querySelector('form'), p, 5); // each filter's option
    for (const select of Array.from(index.querySelectorAll('select'))) expect(visibleText(select.querySelector('option[selected]')!.getAttribute('value')!)).toBe(visibleText(p));
    const site = safePage(renderSitePage(CTX, { site: summary.site, entries: [entry] }));
    expectText(site.querySelector('h1'), p);
    expectText(site.querySelector('.cards'), p, 2); // title and issue
  });

  it('lessons across sites hold nothing active and show the text', () => {
    const doc = safePage(renderLessonsPage(CTX, { lessons: refs, filter, options, groups: [{ terms: [p], similarity: 0.5, lessons: [...refs, ...refs] }] }));
    expectText(doc.querySelector('.column h3'), p);
    expectText(doc.querySelector('.column .lesson-card'), p, 3); // text, summary title, theme
    expectText(doc.querySelector('.similar-group h3'), p);
    const href = doc.querySelector('.column .lesson-card .meta a')!.getAttribute('href')!;
    // The link finds the lesson on its summary's page. (The payload is the slug too, and may
    // hold a `#`: the lesson's anchor is after the last.)
    const anchor = decodeURIComponent(href.slice(href.lastIndexOf('#') + 1));
    const summaryPage = parseHtml(renderSummaryPage(CTX, { summary, versions: [], latestVersion: 2 }));
    expect(summaryPage.getElementById(anchor)?.tagName).toBe('ARTICLE');
  });

  it('the themes table holds nothing active and shows the text', () => {
    const doc = safePage(renderThemesPage(CTX, { matrix: matrixOf([summary]) }));
    expectText(doc.querySelector('thead th a'), p);
    expectText(doc.querySelector('tbody th a'), p);
    const cell = new URL(doc.querySelector('tbody td a')!.getAttribute('href')!, CTX.baseUrl);
    expect(Object.fromEntries(cell.searchParams)).toEqual({ site: p.replace(/\uD800/g, '\uFFFD'), theme: p.replace(/\uD800/g, '\uFFFD') });
  });

  it('the frame and the withdrawn page hold nothing active and show the text', () => {
    const framed = safePage(page({ ctx: CTX, title: p, description: p, canonicalPath: `/learning/${p}`, feed: { title: p, path: `/learning/${p}/feed.atom` }, banner: p, body: '<h1>Page</h1>' }));
    expectText(framed.querySelector('title'), p);
    expectText(framed.querySelector('.banner'), p);
    expect(visibleText(framed.querySelector('meta[name="description"]')!.getAttribute('content')!)).toBe(visibleText(p));
    const gone = safePage(renderGonePage(CTX, { title: p }));
    expectText(gone.querySelector('main'), p);
  });

  it('the diagram SVG is well-formed, holds nothing active and shows the labels', () => {
    checkSvg(renderDiagramSvg(summary.diagrams[0]!).svg, p);
  });

  it('the Atom feed is well-formed, holds nothing active, and its HTML is clean', () => {
    const xml = renderAtomFeed(CTX, { title: p, selfPath: '/learning/feed.atom', pagePath: '/learning', summaries: [{ summary, firstPublishedAt: '2026-01-01T00:00:00.000Z' }] });
    const doc = parseXml(xml);
    expect(activeContent(xmlElements(doc))).toEqual([]);
    const byName = (name: string) => xmlElements(doc).filter((el) => (el as unknown as { localName: string }).localName === name) as unknown as { textContent: string | null; getAttribute(n: string): string | null }[];
    expectText(byName('title')[0]!, p);
    expectText(byName('name')[1]!, p); // the entry's author: the site
    // Entry title, summary and content are HTML in text: parse that HTML as a reader would.
    const entryTitle = parseHtml(`<!doctype html><body>${byName('title')[1]!.textContent}`);
    expect(entryTitle.body.children).toHaveLength(0);
    expectText(entryTitle.body, p);
    for (const name of ['summary', 'content']) {
      const html = parseHtml(`<!doctype html><body>${byName(name)[0]!.textContent}`);
      expect(activeContent(htmlElements(html))).toEqual([]);
      expectText(html.body, p, name === 'content' ? 2 : 1); // the issue and the lesson
    }
    for (const link of byName('link')) expect(link.getAttribute('href')).toMatch(/^https:\/\/learning\.example\.org\//);
  });
});

it('the corpus is large enough to mean something', () => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(25);
});
