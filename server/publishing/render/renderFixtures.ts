/**
 * For the renderer's tests: a realistic published summary, the cross-site shapes made from
 * summaries (simply; the real ones are `server/publishing/crossSite.ts`'s, tested there), and
 * parsers with checks that a page, a drawing or a feed carries nothing active.
 */
import { DOMParser as XmlParser } from '@xmldom/xmldom';
import { Window } from 'happy-dom';
import type { FilterOptions, IndexEntry, LessonRef, ThemeMatrix } from '../../../shared/summaries/public.js';
import type { PublishedSummary } from '../../../shared/summaries/published.js';
import { indexEntries } from '../crossSite.js';

export const CTX = { baseUrl: 'https://learning.example.org' };

/** A summary as a site would publish it: every section filled, one diagram with a named loop. */
export function sampleSummary(over: Partial<PublishedSummary> = {}): PublishedSummary {
  return {
    site: { slug: 'torbay', name: 'Torbay' },
    slug: 'loneliness-in-later-life',
    version: 2,
    title: 'Loneliness in later life',
    publishedAt: '2026-03-03T10:15:00.000Z',
    issue:
      'Older people living alone in Torbay call 999 and visit their GP far more than others.\nServices each see part of the picture.\n\nWe mapped the system together with residents: see https://www.torbay.gov.uk/jsna.',
    agencies: [
      { name: 'Torbay Council', type: 'local-authority' },
      { name: 'Torbay and South Devon NHS Foundation Trust', type: 'nhs' },
      { name: 'Age UK Torbay', type: 'voluntary' },
    ],
    diagrams: [
      {
        n: 1,
        title: 'The GP visits loop',
        caption: 'Social prescribing takes time to reduce loneliness.',
        archetype: 'fixes-that-fail',
        elements: [
          { id: 'e1', kind: 'variable', label: 'Loneliness', x: 0, y: 0 },
          { id: 'e2', kind: 'variable', label: 'GP visits', x: 300, y: 0 },
          { id: 'e3', kind: 'intervention', label: 'Social prescribing', x: 150, y: 220 },
          { id: 'e4', kind: 'organisation', label: 'Community groups', x: -250, y: 220 },
        ],
        connections: [
          { id: 'c1', from: 'e1', to: 'e2', polarity: '+', delay: false },
          { id: 'c2', from: 'e2', to: 'e3', polarity: '+', delay: true },
          { id: 'c3', from: 'e3', to: 'e1', polarity: '-', delay: false },
          { id: 'c4', from: 'e4', to: 'e1', polarity: '?', delay: false },
        ],
        loops: [{ name: 'Seeing the GP', type: 'balancing', elementIds: ['e1', 'e2', 'e3'] }],
      },
    ],
    interventions: ['Social prescribing link workers in every surgery.'],
    enablers: ['A shared budget across the council and the NHS trust.'],
    barriers: ['Data could not be shared between GP systems and the council.'],
    lessons: [
      {
        id: 'l1',
        text: 'Residents who told their story once, to one person, got help faster.',
        themes: ['data-sharing', 'lived-experience'],
        behaviours: ['listening'],
        archetype: 'shifting-the-burden',
      },
      { id: 'l2', text: 'Benches on the high street help people stay in town for longer.', themes: ['community-assets'], behaviours: [], archetype: '' },
    ],
    evidence: [
      { kind: 'link', title: 'Joint strategic needs assessment', text: 'The figures behind the issue.', url: 'https://www.torbay.gov.uk/jsna', date: '', organisations: [] },
      { kind: 'log', title: 'Listening walk in Paignton', text: 'People said the buses stop too early.', url: '', date: '2026-01-14', organisations: ['Torbay Council', 'Age UK Torbay'] },
    ],
    quotations: [{ text: 'I only went to the doctor to talk to someone.', attribution: 'A resident of Paignton' }],
    contributors: [
      { name: 'Asha Patel', organisation: 'Torbay Council' },
      { name: '', organisation: 'Age UK Torbay' },
    ],
    terms: {
      themes: { 'data-sharing': 'Data and information sharing', 'lived-experience': 'Lived experience', 'community-assets': 'Community assets' },
      behaviours: { listening: 'Listening' },
    },
    ...over,
  };
}

/** The index's entry for a summary. */
export function indexEntryOf(s: PublishedSummary, firstPublishedAt = '2026-01-10T09:00:00.000Z'): IndexEntry {
  return indexEntries([{ summary: s, firstPublishedAt }])[0]!;
}

/** A summary's lessons as views across sites list them. */
export function lessonRefsOf(s: PublishedSummary): LessonRef[] {
  return s.lessons.map((lesson) => ({
    site: s.site,
    summary: { slug: s.slug, title: s.title, version: s.version },
    lesson,
    themeLabels: lesson.themes.map((id) => s.terms.themes[id] ?? id),
    behaviourLabels: lesson.behaviours.map((id) => s.terms.behaviours[id] ?? id),
  }));
}

/** Sites × themes of some summaries. */
export function matrixOf(summaries: readonly PublishedSummary[]): ThemeMatrix {
  const cells = new Map<string, { site: string; theme: string; lessons: number }>();
  const themes = new Map<string, { id: string; label: string; total: number; sites: Set<string> }>();
  for (const s of summaries) {
    for (const lesson of s.lessons) {
      for (const id of lesson.themes) {
        const key = `${s.site.slug}\n${id}`;
        const cell = cells.get(key) ?? { site: s.site.slug, theme: id, lessons: 0 };
        cell.lessons += 1;
        cells.set(key, cell);
        const theme = themes.get(id) ?? { id, label: s.terms.themes[id] ?? id, total: 0, sites: new Set() };
        theme.total += 1;
        theme.sites.add(s.site.slug);
        themes.set(id, theme);
      }
    }
  }
  const sites = [...new Map(summaries.map((s) => [s.site.slug, s.site])).values()];
  return { themes: [...themes.values()].map((t) => ({ id: t.id, label: t.label, total: t.total, sites: t.sites.size })), sites, cells: [...cells.values()] };
}

/** Filter options of some summaries (counting summaries per value). */
export function optionsOf(summaries: readonly PublishedSummary[]): FilterOptions {
  const tally = (pairs: [string, string][]) => {
    const out = new Map<string, { id: string; label: string; count: number }>();
    for (const [id, label] of pairs) {
      const o = out.get(id) ?? { id, label, count: 0 };
      o.count += 1;
      out.set(id, o);
    }
    return [...out.values()];
  };
  const each = <T>(f: (s: PublishedSummary) => T[]) => summaries.flatMap((s) => [...new Map(f(s).map((x) => [JSON.stringify(x), x])).values()]);
  return {
    theme: tally(each((s) => s.lessons.flatMap((l) => l.themes.map((id): [string, string] => [id, s.terms.themes[id] ?? id])))),
    behaviour: tally(each((s) => s.lessons.flatMap((l) => l.behaviours.map((id): [string, string] => [id, s.terms.behaviours[id] ?? id])))),
    archetype: tally(each((s) => s.lessons.filter((l) => l.archetype).map((l): [string, string] => [l.archetype, l.archetype]))),
    agency: tally(each((s) => s.agencies.map((a): [string, string] => [a.type, a.type]))),
    site: tally(each((s) => [[s.site.slug, s.site.name] as [string, string]])),
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing and checking

const window = new Window({
  settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true, disableIframePageLoading: true },
});

/** An HTML document parsed as a browser would (happy-dom's HTML parser; no script runs). */
export function parseHtml(html: string) {
  return new window.DOMParser().parseFromString(html, 'text/html');
}

/** Parses XML, throwing on anything not well-formed (xmldom's errors, not its warnings). */
export function parseXml(xml: string) {
  return new XmlParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
}

/** What the safety checks read of an element, in happy-dom and in xmldom alike. */
interface ElementLike {
  tagName: string;
  attributes: { length: number; item(i: number): { name: string; value: string } | null };
}

const ACTIVE_ELEMENTS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'style', 'base', 'foreignobject', 'noscript', 'template', 'portal', 'animate', 'set', 'handler', 'listener']);
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'poster', 'srcset', 'data', 'cite', 'background', 'codebase', 'ping']);
const PREVIEW_IMAGE = 'data:image/svg+xml;base64,';

/**
 * Everything in `elements` that could run script or restyle the page: active elements, event
 * handler and style attributes, and addresses with a `javascript:`, `vbscript:` or `data:`
 * scheme (a preview's diagrams, `data:image/svg+xml` in an `<img src>`, are allowed when
 * `dataImages`). Empty when safe.
 */
export function activeContent(elements: Iterable<ElementLike>, options: { dataImages?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const el of elements) {
    const tag = el.tagName.toLowerCase().replace(/^[a-z]+:/, '');
    if (ACTIVE_ELEMENTS.has(tag)) problems.push(`<${tag}> element`);
    if (tag === 'meta') {
      for (let i = 0; i < el.attributes.length; i++) if (el.attributes.item(i)!.name.toLowerCase() === 'http-equiv') problems.push('<meta http-equiv>');
    }
    for (let i = 0; i < el.attributes.length; i++) {
      const { name: rawName, value } = el.attributes.item(i)!;
      const name = rawName.toLowerCase();
      if (name.startsWith('on')) problems.push(`${name}= on <${tag}>`);
      if (name === 'style' || name === 'srcdoc') problems.push(`${name}= on <${tag}>`);
      if (!URL_ATTRIBUTES.has(name)) continue;
      // Browsers ignore whitespace and control characters in a scheme: "java\tscript:" runs.
      // eslint-disable-next-line no-control-regex
      const url = value.replace(/[\u0000-\u0020\u007F-\u009F]/g, '').toLowerCase();
      if (options.dataImages && tag === 'img' && name === 'src' && url.startsWith(PREVIEW_IMAGE)) continue;
      if (/^(?:javascript|vbscript|data|livescript|mocha):/.test(url)) problems.push(`${name}="${value.slice(0, 40)}" on <${tag}>`);
    }
  }
  return problems;
}

/** Every element of a parsed HTML document. */
export function htmlElements(doc: ReturnType<typeof parseHtml>): ElementLike[] {
  return Array.from(doc.querySelectorAll('*')) as unknown as ElementLike[];
}

/** Every element of a parsed XML document. */
export function xmlElements(doc: ReturnType<typeof parseXml>): ElementLike[] {
  const all = doc.getElementsByTagName('*');
  const out: ElementLike[] = [];
  for (let i = 0; i < all.length; i++) out.push(all.item(i) as unknown as ElementLike);
  return out;
}

/**
 * Text as a reader sees it, for comparing what went in with what came out: invisible control
 * characters, lone surrogates and U+FFFD (what XML makes of those it cannot hold) gone,
 * spacing made single.
 */
export function visibleText(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFD\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The headings' levels in order, and the problems with them: not exactly one `<h1>`, a level
 * skipped on the way down.
 */
export function headingProblems(doc: ReturnType<typeof parseHtml>): string[] {
  const levels = Array.from(doc.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => Number(h.tagName[1]));
  const problems: string[] = [];
  if (levels.filter((l) => l === 1).length !== 1) problems.push(`${levels.filter((l) => l === 1).length} <h1> elements`);
  if (levels[0] !== 1) problems.push('the first heading is not the <h1>');
  levels.forEach((level, i) => {
    if (i > 0 && level > levels[i - 1]! + 1) problems.push(`h${levels[i - 1]} followed by h${level}`);
  });
  return problems;
}

/** Ids used more than once, and in-page links (`#id`) to no element. */
export function idProblems(doc: ReturnType<typeof parseHtml>): string[] {
  const ids = Array.from(doc.querySelectorAll('[id]')).map((el) => el.getAttribute('id')!);
  const problems = ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `id "${id}" used twice`);
  const known = new Set(ids);
  for (const a of Array.from(doc.querySelectorAll('a[href^="#"]'))) {
    const target = decodeURIComponent(a.getAttribute('href')!.slice(1));
    if (!known.has(target)) problems.push(`link to #${target}, which is not on the page`);
  }
  for (const el of Array.from(doc.querySelectorAll('[aria-labelledby]'))) {
    for (const id of el.getAttribute('aria-labelledby')!.split(/\s+/)) if (!known.has(id)) problems.push(`aria-labelledby="${id}" names no element`);
  }
  return problems;
}
