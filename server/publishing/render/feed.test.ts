import { describe, expect, it } from 'vitest';
import { renderAtomFeed } from './feed.js';
import { activeContent, CTX, htmlElements, parseHtml, parseXml, sampleSummary } from './renderFixtures.js';

const ATOM = 'http://www.w3.org/2005/Atom';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

type XmlElement = NonNullable<ReturnType<typeof parseXml>['documentElement']>;

/** The element's own Atom children called `name` (not its entries'). */
function children(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    const child = node as XmlElement;
    if (node.nodeType === 1 && child.namespaceURI === ATOM && child.localName === name) out.push(child);
  }
  return out;
}

const one = (el: XmlElement, name: string) => {
  const found = children(el, name);
  expect(found, `<${name}> in <${el.localName}>`).toHaveLength(1);
  return found[0]!;
};

const torbay = sampleSummary();
const plymouth = sampleSummary({
  site: { slug: 'plymouth', name: 'Plymouth' },
  slug: 'hospital-discharge',
  version: 1,
  title: 'Getting people home from hospital',
  publishedAt: '2026-04-20T08:00:00.000Z',
});

describe('renderAtomFeed', () => {
  const xml = renderAtomFeed(CTX, {
    title: 'Published learning from every site',
    selfPath: '/learning/feed.atom',
    pagePath: '/learning',
    summaries: [
      { summary: torbay, firstPublishedAt: '2026-01-10T09:00:00.000Z' },
      { summary: plymouth, firstPublishedAt: '2026-04-20T08:00:00.000Z' },
    ],
  });
  const feed = parseXml(xml).documentElement!;

  it('is an Atom 1.0 feed with an id, a title, its updated time and a self link', () => {
    expect(feed.namespaceURI).toBe(ATOM);
    expect(feed.localName).toBe('feed');
    expect(one(feed, 'id').textContent).toBe('https://learning.example.org/learning');
    expect(one(feed, 'title').textContent).toBe('Published learning from every site');
    const updated = one(feed, 'updated').textContent!;
    expect(updated).toMatch(RFC3339);
    expect(updated).toBe('2026-04-20T08:00:00.000Z');
    const links = children(feed, 'link').map((l) => [l.getAttribute('rel'), l.getAttribute('href')]);
    expect(links).toContainEqual(['self', 'https://learning.example.org/learning/feed.atom']);
    expect(links).toContainEqual(['alternate', 'https://learning.example.org/learning']);
    expect(one(one(feed, 'author'), 'name').textContent).toBeTruthy();
  });

  it('has an entry per summary, newest first, each complete with absolute addresses', () => {
    const entries = children(feed, 'entry');
    expect(entries.map((e) => one(e, 'id').textContent)).toEqual([
      'https://learning.example.org/learning/plymouth/hospital-discharge',
      'https://learning.example.org/learning/torbay/loneliness-in-later-life',
    ]);
    for (const entry of entries) {
      expect(one(entry, 'title').textContent).toBeTruthy();
      expect(one(entry, 'updated').textContent).toMatch(RFC3339);
      expect(one(entry, 'published').textContent).toMatch(RFC3339);
      expect(one(entry, 'link').getAttribute('href')).toMatch(/^https:\/\/learning\.example\.org\/learning\/[a-z-]+\/[a-z-]+$/);
      expect(one(one(entry, 'author'), 'name').textContent).toMatch(/^(?:Torbay|Plymouth)$/);
    }
    const older = entries[1]!;
    expect(one(older, 'updated').textContent).toBe('2026-03-03T10:15:00.000Z');
    expect(one(older, 'published').textContent).toBe('2026-01-10T09:00:00.000Z');
  });

  it('keeps an entry’s id from one version to the next', () => {
    const idOf = (version: number) => {
      const summary = { ...torbay, version, publishedAt: `2026-0${version}-01T00:00:00.000Z` };
      const doc = parseXml(renderAtomFeed(CTX, { title: 'T', selfPath: '/learning/torbay/feed.atom', pagePath: '/learning/torbay', summaries: [{ summary, firstPublishedAt: '2026-01-01T00:00:00.000Z' }] }));
      return one(one(doc.documentElement!, 'entry'), 'id').textContent;
    };
    expect(idOf(1)).toBe(idOf(3));
  });

  it('carries the issue and lessons as clean HTML, and titles as text', () => {
    const entry = children(feed, 'entry')[1]!;
    const content = one(entry, 'content');
    expect(content.getAttribute('type')).toBe('html');
    const html = parseHtml(`<!doctype html><body>${content.textContent}`);
    expect(activeContent(htmlElements(html))).toEqual([]);
    expect(html.body.textContent).toContain('Residents who told their story once');
    expect(html.querySelector('a[href="https://learning.example.org/learning/torbay/loneliness-in-later-life"]')).not.toBeNull();
    expect(html.querySelector('a[href="https://www.torbay.gov.uk/jsna"]')).not.toBeNull();
    const title = one(entry, 'title');
    expect(title.getAttribute('type')).toBe('html');
    const titleHtml = parseHtml(`<!doctype html><body>${title.textContent}`);
    expect(titleHtml.body.children).toHaveLength(0);
    expect(titleHtml.body.textContent).toBe('Loneliness in later life');
  });

  it('is still a valid feed with nothing in it', () => {
    const empty = parseXml(renderAtomFeed(CTX, { title: 'Published learning from Torbay', selfPath: '/learning/torbay/feed.atom', pagePath: '/learning/torbay', summaries: [] })).documentElement!;
    expect(empty.namespaceURI).toBe(ATOM);
    expect(one(empty, 'id').textContent).toBe('https://learning.example.org/learning/torbay');
    expect(one(empty, 'title').textContent).toBe('Published learning from Torbay');
    expect(one(empty, 'updated').textContent).toBe('1970-01-01T00:00:00.000Z');
    // With no entries to carry authors, the feed must have its own.
    expect(one(one(empty, 'author'), 'name').textContent).toBeTruthy();
    expect(children(empty, 'entry')).toHaveLength(0);
  });

  it('uses the epoch rather than failing on a date that does not parse', () => {
    const broken = { ...torbay, publishedAt: 'not a date' };
    const doc = parseXml(renderAtomFeed(CTX, { title: 'T', selfPath: '/f', pagePath: '/p', summaries: [{ summary: broken, firstPublishedAt: '' }] }));
    expect(one(one(doc.documentElement!, 'entry'), 'updated').textContent).toBe('1970-01-01T00:00:00.000Z');
  });
});
