/**
 * Request and response shapes of the signed-in API for learning summaries: what a summary can
 * be drafted from, its publications, publishing and withdrawing, and the programme's themes.
 */
import { z } from 'zod';
import { ELEMENT_KINDS } from '../map/model.js';
import { VOCABULARY_LIMITS } from './vocabulary.js';

export const VocabularyTermSchema = z.object({
  id: z.string().min(1).max(VOCABULARY_LIMITS.idMax).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an id is lower-case words joined by hyphens'),
  label: z.string().trim().min(1).max(VOCABULARY_LIMITS.labelMax),
  description: z.string().max(VOCABULARY_LIMITS.descriptionMax),
});

/** `GET|PUT /api/learning/themes`: the programme's theme vocabulary (admins change it). */
export const ThemesSchema = z.object({ themes: z.array(VocabularyTermSchema).min(1).max(VOCABULARY_LIMITS.themesMax) });

/** `GET /api/rooms/{id}/summary/sources`: what the site's summary can draw on. */
export const SummarySourcesSchema = z.object({
  maps: z.array(
    z.object({
      roomId: z.string(),
      title: z.string(),
      elements: z.array(z.object({ id: z.string(), label: z.string(), kind: z.enum(ELEMENT_KINDS) })),
      /** Named loops (loop notes with a name). */
      loops: z.array(z.object({ key: z.string(), name: z.string(), type: z.enum(['reinforcing', 'balancing', 'unknown']), elementIds: z.array(z.string()) })),
    }),
  ),
  logEntries: z.array(z.object({ roomId: z.string(), entryId: z.string(), title: z.string(), date: z.string(), learned: z.string(), behaviours: z.array(z.string()) })),
  documents: z.array(z.object({ roomId: z.string(), title: z.string() })),
  /** Workshop records (documents made when a workshop ended). */
  workshopRecords: z.array(z.object({ roomId: z.string(), title: z.string() })),
  themes: z.array(VocabularyTermSchema),
  behaviours: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })),
  archetypes: z.array(VocabularyTermSchema),
  agencyTypes: z.array(VocabularyTermSchema),
});
export type SummarySources = z.infer<typeof SummarySourcesSchema>;

export const PublicationInfoSchema = z.object({
  version: z.number().int(),
  title: z.string(),
  publishedAt: z.string(),
  publishedBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
});

/** `GET /api/rooms/{id}/summary`: its publications and what publishing now would leave out. */
export const SummaryStatusSchema = z.object({
  /** The public address once published (`/learning/site/slug`), else null. */
  url: z.string().nullable(),
  publications: z.array(PublicationInfoSchema),
  /** Withdrawn: no version is public. */
  withdrawn: z.boolean(),
  /** Items marked publishable that cannot be published as they are, and why. */
  notes: z.array(z.object({ itemId: z.string(), message: z.string() })),
});
export type SummaryStatus = z.infer<typeof SummaryStatusSchema>;

/** `POST /api/rooms/{id}/summary/publish` → 201. */
export const PublishResultSchema = z.object({ version: z.number().int(), url: z.string() });
