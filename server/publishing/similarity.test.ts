import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { LessonRef } from '../../shared/summaries/public.js';
import { lessonRefs } from './crossSite.js';
import { SAMPLE_DISTINCT_LESSONS, SAMPLE_LESSON_FAMILIES, sampleSummaries } from './fixtures.js';
import { SIMILARITY_DEFAULTS, similarLessons } from './similarity.js';

let next = 0;
function ref(site: string, summary: string, text: string): LessonRef {
  next += 1;
  return {
    site: { slug: site.toLowerCase(), name: site },
    summary: { slug: summary, title: summary, version: 1 },
    lesson: { id: `l${next}`, text, themes: [], behaviours: [], archetype: '' },
    themeLabels: [],
    behaviourLabels: [],
  };
}

const texts = (groups: ReturnType<typeof similarLessons>) => groups.map((g) => g.lessons.map((l) => l.lesson.text));

// Lessons as sites write them: two that say "involve budget holders early" in different words,
// and others on other things, some sharing a common word ("people", "early", "start").
const budgetTorbay = ref('Torbay', 'commissioning', 'Start with the people who hold the budget: bring budget holders in at the beginning.');
const budgetWigan = ref('Wigan', 'pooled-funds', 'Begin by involving budget holders early, before options are fixed.');
const benches = ref('Plymouth', 'dementia', 'Benches on the high street help people with dementia stay in town for longer.');
const corpus: LessonRef[] = [
  budgetTorbay,
  ref('Torbay', 'commissioning', 'Short contracts made providers compete when they needed to collaborate.'),
  budgetWigan,
  ref('Wigan', 'pooled-funds', 'Rotating the chair of the partnership board changed who spoke in meetings.'),
  benches,
  ref('Plymouth', 'dementia', 'Shopkeepers trained as dementia friends noticed customers who were lost.'),
  ref('Barnsley', 'crisis', 'Police officers and mental health nurses in the same car meant fewer detentions.'),
  ref('Barnsley', 'crisis', 'Paying for more crisis beds relieved pressure for a year while early help was cut.'),
  ref('Stockport', 'families', 'Families told their story again and again until we started a single plan.'),
];

describe('similarLessons', () => {
  it('groups lessons that say the same in different words, and leaves an unrelated one out', () => {
    const groups = similarLessons(corpus);
    expect(texts(groups)).toEqual([[budgetTorbay.lesson.text, budgetWigan.lesson.text]]);
    const [group] = groups;
    expect(group!.lessons).toEqual([budgetTorbay, budgetWigan]);
    expect(group!.similarity).toBeGreaterThanOrEqual(SIMILARITY_DEFAULTS.threshold);
    expect(group!.similarity).toBeLessThan(1);
    // Shown as written ("holders"), not as stems ("holder").
    expect(group!.terms[0]).toBe('budget');
    expect(group!.terms).toContain('holders');
    expect(group!.terms.length).toBeGreaterThanOrEqual(3);
    expect(group!.terms.length).toBeLessThanOrEqual(5);
  });

  it('does not link lessons that share only stop words, short words or one common word', () => {
    const lessons = [
      ref('Torbay', 'a', 'We did it all, and so did they: it is what it is.'),
      ref('Wigan', 'b', 'It is what we do, and so do they.'),
      ref('Barnsley', 'c', 'People want more places to sit in the park.'),
      ref('Calderdale', 'd', 'People leaving hospital need a home to go to.'),
    ];
    expect(similarLessons([...corpus.filter((r) => r !== budgetWigan), ...lessons])).toEqual([]);
  });

  it('reads words regardless of case, punctuation and inflection', () => {
    const groups = similarLessons([
      ref('Torbay', 'a', 'BUDGET-HOLDERS were involved from day one.'),
      ref('Wigan', 'b', 'Involve budget holders on the first day.'),
      ref('Barnsley', 'c', 'Café owners’ goodwill opened the town centre to us.'),
      ref('Calderdale', 'd', 'The goodwill of a cafe owner opened doors.'),
      ...corpus.filter((r) => r !== budgetTorbay && r !== budgetWigan),
    ]);
    expect(groups.map((g) => g.lessons.map((l) => l.site.slug))).toEqual(expect.arrayContaining([['torbay', 'wigan'], ['barnsley', 'calderdale']]));
    expect(groups).toHaveLength(2);
  });

  it('needs lessons from at least two different summaries', () => {
    const sameSummary = [
      ref('Torbay', 'commissioning', 'Involve the budget holders from the start, not once the plan is written.'),
      ref('Torbay', 'commissioning', 'Begin by involving budget holders early, before options are fixed.'),
      ...corpus.filter((r) => r !== budgetTorbay && r !== budgetWigan),
    ];
    expect(similarLessons(sameSummary)).toEqual([]);
    // Two summaries of the same site are different summaries.
    const otherSummary = ref('Torbay', 'pooled-funds', 'Budget holders involved from the start made the pooled fund possible.');
    expect(similarLessons([...sameSummary, otherSummary]).map((g) => g.lessons.length)).toEqual([3]);
  });

  it('gives nothing for no lessons, one lesson, or lessons without words', () => {
    expect(similarLessons([])).toEqual([]);
    expect(similarLessons([budgetTorbay])).toEqual([]);
    expect(similarLessons([ref('Torbay', 'a', ''), ref('Wigan', 'b', '— … 12')])).toEqual([]);
  });

  it('takes a threshold and a maximum number of groups', () => {
    const lessons = [
      ...corpus,
      ref('Stockport', 'families', 'Small tests of change won more support than a big launch.'),
      ref('Wigan', 'tests', 'A series of small tests built support for change that a big launch never would have.'),
    ];
    expect(similarLessons(lessons)).toHaveLength(2);
    expect(similarLessons(lessons, { maxGroups: 1 })).toHaveLength(1);
    expect(similarLessons(lessons, { maxGroups: 0 })).toEqual([]);
    expect(similarLessons(lessons, { threshold: 0.95 })).toEqual([]);
    expect(() => similarLessons(lessons, { threshold: 0 })).toThrow(RangeError);
    expect(() => similarLessons(lessons, { threshold: 1.5 })).toThrow(RangeError);
    expect(() => similarLessons(lessons, { maxGroups: -1 })).toThrow(RangeError);
  });

  it('orders groups by size, then similarity, and gives the same result every time', () => {
    const lessons = [
      ref('Torbay', 'a', 'Pay people with lived experience for their time, as you would any expert adviser.'),
      ref('Wigan', 'b', 'Small tests of change won more support than a big launch.'),
      ref('Wigan', 'b', 'Experts by experience should be paid for their time like every other adviser.'),
      ref('Barnsley', 'c', 'Small tests of change won more support than a big launch, every time.'),
      ref('Calderdale', 'd', 'Paying residents with lived experience for their time showed we valued their expertise.'),
      ...corpus,
    ];
    const groups = similarLessons(lessons);
    expect(groups.map((g) => g.lessons.length)).toEqual([3, 2, 2]);
    expect(groups[0]!.lessons.map((l) => l.site.slug)).toEqual(['torbay', 'wigan', 'calderdale']);
    // Near-identical wording is more alike than a paraphrase.
    expect(groups[1]!.lessons.map((l) => l.site.slug)).toEqual(['wigan', 'barnsley']);
    expect(groups[1]!.similarity).toBeGreaterThan(groups[2]!.similarity);
    expect(similarLessons(lessons)).toEqual(groups);
    expect(similarLessons([...lessons]).map((g) => g.terms)).toEqual(groups.map((g) => g.terms));
  });

  it('finds the sample data’s paraphrases across sites and never mixes different lessons', () => {
    const refs = lessonRefs(sampleSummaries({ sites: 25, summariesPerSite: 5 }), {});
    // Which lesson of the pools a text is (sites may put an opener before it).
    const pool = [...SAMPLE_DISTINCT_LESSONS.map((l, i) => ({ text: l.text, id: `distinct ${i}` })), ...SAMPLE_LESSON_FAMILIES.flatMap((f, i) => f.map((l) => ({ text: l.text, id: `family ${i}` })))];
    const origin = (text: string) => pool.find((p) => text.endsWith(p.text.slice(1)))!.id;
    const groups = similarLessons(refs, { maxGroups: 1000 });
    for (const group of groups) expect(new Set(group.lessons.map((l) => origin(l.lesson.text))).size).toBe(1);
    // The paraphrase families are the largest groups, each with more than one wording.
    const families = groups.slice(0, SAMPLE_LESSON_FAMILIES.length);
    expect(families.map((g) => origin(g.lessons[0]!.lesson.text)).sort()).toEqual(SAMPLE_LESSON_FAMILIES.map((_, i) => `family ${i}`));
    for (const g of families) expect(new Set(g.lessons.map((l) => l.lesson.text)).size).toBeGreaterThan(1);
  });

  it('compares 1,000 lessons quickly (printed, not asserted)', () => {
    const refs = lessonRefs(sampleSummaries({ sites: 30, summariesPerSite: 6, seed: 3 }), {}).slice(0, 1000);
    expect(refs).toHaveLength(1000);
    similarLessons(refs.slice(0, 100));
    const started = performance.now();
    const groups = similarLessons(refs);
    const ms = performance.now() - started;
    process.stdout.write(`similarLessons: ${refs.length} lessons → ${groups.length} groups in ${ms.toFixed(1)} ms\n`);
    expect(groups.length).toBeGreaterThan(0);
  });
});
