import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOURS } from '../../shared/log/behaviours.js';
import type { LessonRef } from '../../shared/summaries/public.js';
import { PublishedSummarySchema } from '../../shared/summaries/published.js';
import { AGENCY_TYPES, ARCHETYPES, DEFAULT_THEMES } from '../../shared/summaries/vocabulary.js';
import { SAMPLE_DISTINCT_LESSONS, SAMPLE_LESSON_FAMILIES, SAMPLE_SITE_NAMES, sampleSiteName, sampleSummaries } from './fixtures.js';
import { similarLessons } from './similarity.js';

const themeIds = new Set(DEFAULT_THEMES.map((t) => t.id));
const behaviourIds = new Set(DEFAULT_BEHAVIOURS.map((b) => b.id));
const archetypeIds = new Set(ARCHETYPES.map((a) => a.id));
const agencyTypes = new Set(AGENCY_TYPES.map((a) => a.id));

describe('sampleSummaries', () => {
  const sample = sampleSummaries({ sites: 25, summariesPerSite: 5 });

  it('makes sites × summaries valid published summaries', () => {
    expect(sample).toHaveLength(125);
    for (const { summary } of sample) expect(PublishedSummarySchema.parse(summary)).toEqual(summary);
  });

  it('names sites after English places, then "Site 26" and on, with unique slugs', () => {
    const sites = [...new Map(sample.map((s) => [s.summary.site.slug, s.summary.site.name]))];
    expect(sites).toHaveLength(25);
    expect(sites.slice(0, 3)).toEqual([
      ['torbay', 'Torbay'],
      ['west-cheshire', 'West Cheshire'],
      ['gloucestershire', 'Gloucestershire'],
    ]);
    expect(sites.map(([, name]) => name)).toEqual(SAMPLE_SITE_NAMES);
    expect(sampleSiteName(25)).toBe('Site 26');
    const more = sampleSummaries({ sites: 27, summariesPerSite: 1 });
    expect(more.at(-1)!.summary.site).toEqual({ slug: 'site-27', name: 'Site 27' });
  });

  it('gives each summary of a site its own slug, even with more summaries than topics', () => {
    const many = sampleSummaries({ sites: 2, summariesPerSite: 30 });
    for (const site of ['torbay', 'west-cheshire']) {
      const slugs = many.filter((s) => s.summary.site.slug === site).map((s) => s.summary.slug);
      expect(new Set(slugs).size).toBe(30);
    }
  });

  it('tags 4–8 lessons per summary with known themes and behaviours, labelled in its terms', () => {
    for (const { summary } of sample) {
      expect(summary.lessons.length).toBeGreaterThanOrEqual(4);
      expect(summary.lessons.length).toBeLessThanOrEqual(8);
      expect(new Set(summary.lessons.map((l) => l.id)).size).toBe(summary.lessons.length);
      for (const lesson of summary.lessons) {
        expect(lesson.themes.length).toBeGreaterThan(0);
        for (const id of lesson.themes) {
          expect(themeIds.has(id)).toBe(true);
          expect(summary.terms.themes[id]).toBeTruthy();
        }
        for (const id of lesson.behaviours) {
          expect(behaviourIds.has(id) || id === 'listening-walks').toBe(true);
          expect(summary.terms.behaviours[id]).toBeTruthy();
        }
        if (lesson.archetype) expect(archetypeIds.has(lesson.archetype)).toBe(true);
      }
    }
    // A site's own behaviour turns up, so labels come from the published terms.
    expect(sample.some((s) => s.summary.terms.behaviours['listening-walks'] === 'Listening walks')).toBe(true);
  });

  it('names agencies of several types, and one diagram whose connections form its loop', () => {
    for (const { summary, firstPublishedAt } of sample) {
      expect(summary.agencies.length).toBeGreaterThanOrEqual(3);
      expect(new Set(summary.agencies.map((a) => a.type)).size).toBeGreaterThanOrEqual(2);
      for (const a of summary.agencies) expect(agencyTypes.has(a.type)).toBe(true);

      expect(summary.diagrams).toHaveLength(1);
      const [diagram] = summary.diagrams;
      expect(diagram!.elements.length).toBeGreaterThanOrEqual(5);
      expect(diagram!.elements.length).toBeLessThanOrEqual(8);
      if (diagram!.archetype) expect(archetypeIds.has(diagram!.archetype)).toBe(true);
      const [loop] = diagram!.loops;
      const ids = loop!.elementIds;
      expect(new Set(ids)).toEqual(new Set(diagram!.elements.map((e) => e.id)));
      const links = ids.map((from, i) => diagram!.connections.find((c) => c.from === from && c.to === ids[(i + 1) % ids.length]));
      expect(links.every(Boolean)).toBe(true);
      const negatives = links.filter((c) => c!.polarity === '-').length;
      expect(loop!.type).toBe(negatives % 2 === 0 ? 'reinforcing' : 'balancing');

      expect(summary.evidence.length).toBeGreaterThan(0);
      expect(summary.quotations.length).toBeGreaterThan(0);
      expect(summary.contributors.length).toBeGreaterThanOrEqual(2);
      expect(Date.parse(summary.publishedAt)).toBeGreaterThanOrEqual(Date.parse(firstPublishedAt));
    }
  });

  it('is the same for the same seed and differs for another', () => {
    expect(sampleSummaries({ sites: 3, summariesPerSite: 2 })).toEqual(sampleSummaries({ sites: 3, summariesPerSite: 2, seed: 1 }));
    expect(sampleSummaries({ sites: 3, summariesPerSite: 2, seed: 2 })).not.toEqual(sampleSummaries({ sites: 3, summariesPerSite: 2 }));
    expect(sampleSummaries({ sites: 0, summariesPerSite: 5 })).toEqual([]);
  });

  it('varies lesson texts, with paraphrases of the same lesson at different sites', () => {
    const texts = sample.flatMap((s) => s.summary.lessons.map((l) => l.text));
    expect(new Set(texts).size).toBeGreaterThan(texts.length / 3);
    for (const family of SAMPLE_LESSON_FAMILIES) {
      const sites = new Set(sample.filter((s) => s.summary.lessons.some((l) => family.some((f) => l.text.endsWith(f.text.slice(1))))).map((s) => s.summary.site.slug));
      expect(sites.size).toBeGreaterThan(1);
    }
  });
});

describe('the sample lesson pools', () => {
  const asRefs = (texts: string[]): LessonRef[] =>
    texts.map((text, i) => ({
      site: { slug: `site-${i}`, name: `Site ${i}` },
      summary: { slug: 's', title: 'S', version: 1 },
      lesson: { id: `l${i}`, text, themes: [], behaviours: [], archetype: '' },
      themeLabels: [],
      behaviourLabels: [],
    }));

  it('has distinct lessons that similarLessons keeps apart, and families it groups whole', () => {
    const texts = [...SAMPLE_DISTINCT_LESSONS, ...SAMPLE_LESSON_FAMILIES.flat()].map((l) => l.text);
    const groups = similarLessons(asRefs(texts));
    expect(groups.map((g) => g.lessons.map((l) => l.lesson.text)).sort()).toEqual(SAMPLE_LESSON_FAMILIES.map((f) => f.map((l) => l.text)).sort());
  });
});
