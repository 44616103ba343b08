/**
 * The public side of published learning: its addresses, and the shapes of the cross-site views
 * (the index, lessons across sites, the sites × themes matrix, lessons that say much the same)
 * that the server computes from published summaries and serves as HTML and as JSON at
 * `/api/public/…`. Everything here is built from `PublishedSummary` data only.
 */
import { z } from 'zod';
import { PublishedLessonSchema } from './published.js';

export const LEARNING_PREFIX = '/learning';
export const PUBLIC_API_PREFIX = '/api/public';

/**
 * Words under `/learning/` that are pages, not sites: a site cannot take one as its slug
 * (checked where sites are made).
 */
export const RESERVED_LEARNING_SLUGS: readonly string[] = ['themes', 'lessons', 'assets', 'feed', 'similar'];

/** A filter of summaries and lessons; every field optional, all given fields must match. */
export const LearningFilterSchema = z.object({
  theme: z.string().max(60).optional(),
  behaviour: z.string().max(60).optional(),
  archetype: z.string().max(60).optional(),
  /** An id of `AGENCY_TYPES`: summaries that name an agency of that type. */
  agency: z.string().max(60).optional(),
  site: z.string().max(64).optional(),
});
export type LearningFilter = z.infer<typeof LearningFilterSchema>;
export const LEARNING_FILTER_KEYS = ['theme', 'behaviour', 'archetype', 'agency', 'site'] as const satisfies readonly (keyof LearningFilter)[];

function query(filter: LearningFilter = {}): string {
  const params = new URLSearchParams();
  for (const key of LEARNING_FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Paths of the public pages (relative to the workspace's address). */
export const learningPaths = {
  index: (filter?: LearningFilter) => `${LEARNING_PREFIX}${query(filter)}`,
  feed: () => `${LEARNING_PREFIX}/feed.atom`,
  themes: () => `${LEARNING_PREFIX}/themes`,
  lessons: (filter?: LearningFilter) => `${LEARNING_PREFIX}/lessons${query(filter)}`,
  stylesheet: () => `${LEARNING_PREFIX}/assets/learning.css`,
  site: (site: string) => `${LEARNING_PREFIX}/${site}`,
  siteFeed: (site: string) => `${LEARNING_PREFIX}/${site}/feed.atom`,
  summary: (site: string, slug: string) => `${LEARNING_PREFIX}/${site}/${slug}`,
  version: (site: string, slug: string, version: number) => `${LEARNING_PREFIX}/${site}/${slug}/v${version}`,
  /** Under the version: a published version never changes, so its diagrams are cached for good. */
  diagram: (site: string, slug: string, version: number, n: number) => `${LEARNING_PREFIX}/${site}/${slug}/v${version}/diagrams/${n}.svg`,
  matrixCsv: () => `${PUBLIC_API_PREFIX}/matrix.csv`,
} as const;

/** A summary as the index and a site's page list it. */
export const IndexEntrySchema = z.object({
  site: z.object({ slug: z.string(), name: z.string() }),
  slug: z.string(),
  title: z.string(),
  version: z.number().int(),
  publishedAt: z.string(),
  /** First published (version 1). */
  firstPublishedAt: z.string(),
  issue: z.string(),
  lessonCount: z.number().int(),
  themes: z.array(z.object({ id: z.string(), label: z.string() })),
  agencyTypes: z.array(z.string()),
  archetypes: z.array(z.string()),
});
export type IndexEntry = z.infer<typeof IndexEntrySchema>;

/** A lesson with where it comes from, for views across sites. */
export const LessonRefSchema = z.object({
  site: z.object({ slug: z.string(), name: z.string() }),
  summary: z.object({ slug: z.string(), title: z.string(), version: z.number().int() }),
  lesson: PublishedLessonSchema,
  /** Labels of its themes and behaviours, as the summary published them. */
  themeLabels: z.array(z.string()),
  behaviourLabels: z.array(z.string()),
});
export type LessonRef = z.infer<typeof LessonRefSchema>;

/** Sites × themes: how many published lessons each site has on each theme. */
export const ThemeMatrixSchema = z.object({
  themes: z.array(z.object({ id: z.string(), label: z.string(), total: z.number().int(), sites: z.number().int() })),
  sites: z.array(z.object({ slug: z.string(), name: z.string() })),
  /** Only non-zero cells. */
  cells: z.array(z.object({ site: z.string(), theme: z.string(), lessons: z.number().int() })),
});
export type ThemeMatrix = z.infer<typeof ThemeMatrixSchema>;

/** Lessons that say much the same thing in different words (TF-IDF cosine similarity). */
export const SimilarGroupSchema = z.object({
  /** The words the group's lessons share most (stems shown as their commonest word). */
  terms: z.array(z.string()),
  /** The least similarity between a lesson and the group's closest other lesson (0–1). */
  similarity: z.number(),
  lessons: z.array(LessonRefSchema),
});
export type SimilarGroup = z.infer<typeof SimilarGroupSchema>;

/** What a filter form offers: each value with its label and how many summaries have it. */
export interface FilterOption {
  id: string;
  label: string;
  count: number;
}
export interface FilterOptions {
  theme: FilterOption[];
  behaviour: FilterOption[];
  archetype: FilterOption[];
  agency: FilterOption[];
  site: FilterOption[];
}
