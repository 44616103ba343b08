/**
 * Lessons that say much the same thing in different words, across sites: the programme's
 * "similar lessons" view. Each lesson becomes a TF-IDF vector of word stems; lessons whose
 * cosine similarity reaches a threshold are linked, and linked lessons form a group (single
 * linkage, by union-find). Everything runs in process on the published text: no service, no
 * model, and the same lessons always give the same groups in the same order.
 *
 * Cost: the pairs are found through an inverted index (stem → lessons), so only lessons that
 * share a stem are ever compared; at worst O(N² · terms per lesson). 1,000 sample lessons take
 * 40–110 ms on one core (the test prints the figure).
 */
import { stemmer } from 'stemmer';
import { eng, removeStopwords } from 'stopword';
import type { LessonRef, SimilarGroup } from '../../shared/summaries/public.js';

export interface SimilarOptions {
  /** The least cosine similarity (0–1) at which two lessons are linked. */
  threshold?: number;
  /** At most this many groups, the largest first. */
  maxGroups?: number;
}

/**
 * 0.3 links paraphrases that share two or three distinctive stems ("involve budget holders from
 * the start" / "begin by involving budget holders early") and leaves lessons that share one
 * common word ("people", "work") apart; the tests hold both sides of that line.
 */
export const SIMILARITY_DEFAULTS = { threshold: 0.3, maxGroups: 20 } as const;

// `stopword`'s English list has 108 words and misses some function words that lessons use all
// the time; left in, they would make unrelated lessons look alike.
const EXTRA_STOP_WORDS: readonly string[] = [
  'who', 'whom', 'whose', 'when', 'why', 'not', 'will', 'does', 'just', 'yet', 'its', 'every', 'across',
  'ourselves', 'themselves', 'one', 'ones', 'lot', 'lots', 'even', 'already', 'less', 'few', 'own',
];
const STOP_WORDS: readonly string[] = [...eng, ...EXTRA_STOP_WORDS];

const MIN_TOKEN_LENGTH = 3;
const GROUP_TERMS_MIN = 3;
const GROUP_TERMS_MAX = 5;

interface Token {
  stem: string;
  /** The word as written (lower case): what a group shows for its stem. */
  word: string;
}

// Words with inner apostrophes are kept whole, so "don't" does not leave a stray "don".
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

/** The stems of a text's content words, in order. */
function tokenise(text: string): Token[] {
  const words: string[] = [];
  for (const [raw] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = raw.replace(/['’]s$/, '');
    // Other contractions (don't, we're, isn't) are function words.
    if (/['’]/.test(word)) continue;
    if (word.length >= MIN_TOKEN_LENGTH) words.push(word);
  }
  // Stems ignore accents, so "café" and "cafe" meet; the word keeps them for display.
  return removeStopwords(words, STOP_WORDS).map((word) => ({ stem: stemmer(word.normalize('NFKD').replace(/\p{M}/gu, '')), word }));
}

/** A lesson as a sparse, L2-normalised TF-IDF vector over term numbers. */
interface LessonVector {
  terms: number[];
  weights: number[];
  /** term number → word as written → how often, for naming a group's terms. */
  words: Map<number, Map<string, number>>;
}

function vectorise(lessons: readonly LessonRef[]): { vectors: LessonVector[]; stems: string[] } {
  const termOf = new Map<string, number>();
  const stems: string[] = [];
  const counted = lessons.map((ref) => {
    const counts = new Map<number, number>();
    const words = new Map<number, Map<string, number>>();
    for (const { stem, word } of tokenise(ref.lesson.text)) {
      let term = termOf.get(stem);
      if (term === undefined) {
        term = stems.length;
        termOf.set(stem, term);
        stems.push(stem);
      }
      counts.set(term, (counts.get(term) ?? 0) + 1);
      const forms = words.get(term) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      words.set(term, forms);
    }
    return { counts, words };
  });

  const df = new Array<number>(stems.length).fill(0);
  for (const { counts } of counted) for (const term of counts.keys()) df[term]! += 1;
  const n = lessons.length;
  // Smoothed idf (as scikit-learn's): a stem in every lesson still counts a little.
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);

  const vectors = counted.map(({ counts, words }) => {
    const terms = [...counts.keys()];
    // Sublinear tf: a lesson that repeats "budget" three times is not three times about budgets.
    const weights = terms.map((t) => (1 + Math.log(counts.get(t)!)) * idf[t]!);
    const norm = Math.hypot(...weights);
    return { terms, weights: norm > 0 ? weights.map((w) => w / norm) : weights, words };
  });
  return { vectors, stems };
}

class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) {
      const next = this.parent[i]!;
      this.parent[i] = root;
      i = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/**
 * Compares every pair of lessons that share a stem: links the pairs at or above `threshold`, and
 * returns each lesson's best similarity to any other.
 */
function linkPairs(vectors: readonly LessonVector[], termCount: number, threshold: number): { sets: UnionFind; best: Float64Array } {
  const n = vectors.length;
  const postingDocs: number[][] = Array.from({ length: termCount }, () => []);
  const postingWeights: number[][] = Array.from({ length: termCount }, () => []);
  vectors.forEach((v, doc) => {
    v.terms.forEach((t, k) => {
      postingDocs[t]!.push(doc);
      postingWeights[t]!.push(v.weights[k]!);
    });
  });

  const sets = new UnionFind(n);
  const best = new Float64Array(n);
  const dot = new Float64Array(n);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    v.terms.forEach((t, k) => {
      const docs = postingDocs[t]!;
      const weights = postingWeights[t]!;
      // Postings are in lesson order: walk back from the end to the lessons after i, so each
      // pair is counted once.
      for (let p = docs.length - 1; p >= 0 && docs[p]! > i; p--) {
        const j = docs[p]!;
        if (dot[j] === 0) touched.push(j);
        dot[j]! += v.weights[k]! * weights[p]!;
      }
    });
    for (const j of touched) {
      // Rounding can put identical lessons a hair above 1.
      const similarity = Math.min(1, dot[j]!);
      dot[j] = 0;
      if (similarity > best[i]!) best[i] = similarity;
      if (similarity > best[j]!) best[j] = similarity;
      if (similarity >= threshold) sets.union(i, j);
    }
    touched.length = 0;
  }
  return { sets, best };
}

// Internal orderings compare code points, not a locale, so results do not vary by machine.
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What a group's lessons share most: the stems they have in common, by summed weight, each shown
 * as the word the group writes most often for it; topped up from stems of one lesson when fewer
 * than three are shared.
 */
function groupTerms(members: readonly number[], vectors: readonly LessonVector[]): string[] {
  const weight = new Map<number, number>();
  const lessonsWith = new Map<number, number>();
  const words = new Map<number, Map<string, number>>();
  for (const m of members) {
    const v = vectors[m]!;
    v.terms.forEach((t, k) => {
      weight.set(t, (weight.get(t) ?? 0) + v.weights[k]!);
      lessonsWith.set(t, (lessonsWith.get(t) ?? 0) + 1);
      const forms = words.get(t) ?? new Map<string, number>();
      for (const [word, count] of v.words.get(t) ?? []) forms.set(word, (forms.get(word) ?? 0) + count);
      words.set(t, forms);
    });
  }
  const commonestWord = (t: number) =>
    [...words.get(t)!].sort(([wa, ca], [wb, cb]) => cb - ca || byCodePoint(wa, wb))[0]![0];
  const ranked = [...weight.keys()]
    .map((t) => ({ t, word: commonestWord(t), weight: weight.get(t)!, shared: lessonsWith.get(t)! > 1 }))
    .sort((a, b) => b.weight - a.weight || byCodePoint(a.word, b.word));
  const shared = ranked.filter((r) => r.shared).slice(0, GROUP_TERMS_MAX);
  const fill = ranked.filter((r) => !r.shared).slice(0, Math.max(0, GROUP_TERMS_MIN - shared.length));
  // Two stems rarely share a commonest word, but when they do, show it once.
  return [...new Set([...shared, ...fill].map((r) => r.word))];
}

const summaryKey = (ref: LessonRef) => `${ref.site.slug}\u0000${ref.summary.slug}`;

/**
 * Groups lessons that say much the same thing, from at least two different summaries: largest
 * groups first, then the most alike. A group's `similarity` is the least, over its lessons, of a
 * lesson's similarity to its closest other lesson (rounded to 3 places); its lessons keep the
 * order given. Lessons from one summary alone never form a group.
 *
 * @example
 * similarLessons(lessonRefs(live, {}))[0]
 * // { terms: ['budget', 'holders', 'involve'], similarity: 0.41, lessons: [torbayLesson, wiganLesson] }
 */
export function similarLessons(lessons: readonly LessonRef[], options: SimilarOptions = {}): SimilarGroup[] {
  const threshold = options.threshold ?? SIMILARITY_DEFAULTS.threshold;
  const maxGroups = options.maxGroups ?? SIMILARITY_DEFAULTS.maxGroups;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`The similarity threshold must be above 0 and at most 1 (it was ${threshold}).`);
  if (!Number.isInteger(maxGroups) || maxGroups < 0) throw new RangeError(`maxGroups must be a whole number, 0 or more (it was ${maxGroups}).`);
  if (lessons.length < 2 || maxGroups === 0) return [];

  const { vectors, stems } = vectorise(lessons);
  const { sets, best } = linkPairs(vectors, stems.length, threshold);

  const components = new Map<number, number[]>();
  for (let i = 0; i < lessons.length; i++) {
    const root = sets.find(i);
    const members = components.get(root);
    if (members) members.push(i);
    else components.set(root, [i]);
  }

  const groups = [...components.values()]
    .filter((members) => members.length > 1 && new Set(members.map((m) => summaryKey(lessons[m]!))).size > 1)
    // Every member was linked at ≥ threshold, so its best match is inside the group.
    .map((members) => ({ members, similarity: Math.min(...members.map((m) => best[m]!)) }))
    .sort((a, b) => b.members.length - a.members.length || b.similarity - a.similarity || a.members[0]! - b.members[0]!)
    .slice(0, maxGroups);

  return groups.map(({ members, similarity }) => ({
    terms: groupTerms(members, vectors),
    similarity: Math.round(similarity * 1000) / 1000,
    lessons: members.map((m) => lessons[m]!),
  }));
}
