/**
 * A published learning summary: what the public sees, and all of it. Made from a summary's
 * draft by `redactSummary` (`redact.ts`), which keeps only what was marked publishable; stored
 * immutably, one row per version; rendered by the server as HTML, SVG and Atom, and served
 * as JSON at `/api/public/…`. Nothing here names a room, an account or a person who did not
 * consent: the public pages, feeds and API are built from this shape and nothing else.
 */
import { z } from 'zod';
import { ELEMENT_KINDS, POLARITIES } from '../map/model.js';

const text = (max: number) => z.string().max(max);

export const PUBLISHED_LIMITS = {
  titleMax: 200,
  textMax: 5000,
  shortMax: 500,
  itemsMax: 200,
  diagramElementsMax: 500,
  diagramConnectionsMax: 1500,
  tagsMax: 30,
} as const;

const L = PUBLISHED_LIMITS;

export const PublishedAgencySchema = z.object({
  name: text(L.shortMax),
  /** An id of `AGENCY_TYPES`. */
  type: text(60),
});

export const PublishedElementSchema = z.object({
  id: text(200),
  kind: z.enum(ELEMENT_KINDS),
  label: text(L.shortMax),
  x: z.number(),
  y: z.number(),
});

export const PublishedConnectionSchema = z.object({
  id: text(200),
  from: text(200),
  to: text(200),
  polarity: z.enum(POLARITIES),
  delay: z.boolean(),
});

/** A named loop drawn on a diagram (its marker), by the published elements it runs through. */
export const PublishedLoopSchema = z.object({
  name: text(L.shortMax),
  type: z.enum(['reinforcing', 'balancing', 'unknown']),
  elementIds: z.array(text(200)).max(L.diagramElementsMax),
});

/** A key loop or part of a map: only its published elements, and connections between them. */
export const PublishedDiagramSchema = z.object({
  /** Its place in the summary (1, 2, …): the SVG is at `…/diagrams/{n}.svg`. */
  n: z.number().int().positive(),
  title: text(L.titleMax),
  caption: text(L.textMax),
  /** An id of `ARCHETYPES`, or '' for none. */
  archetype: text(60),
  elements: z.array(PublishedElementSchema).max(L.diagramElementsMax),
  connections: z.array(PublishedConnectionSchema).max(L.diagramConnectionsMax),
  loops: z.array(PublishedLoopSchema).max(50),
});

export const PublishedLessonSchema = z.object({
  /** Stable across versions of the summary (the draft item's id): anchors and links use it. */
  id: text(64),
  text: text(L.textMax),
  themes: z.array(text(60)).max(L.tagsMax),
  behaviours: z.array(text(60)).max(L.tagsMax),
  /** An id of `ARCHETYPES`, or '' for none. */
  archetype: text(60),
});

export const PublishedEvidenceSchema = z.object({
  kind: z.enum(['log', 'document', 'link']),
  title: text(L.titleMax),
  /** The words published with it (a log entry's "what we learned", a note), plain text. */
  text: text(L.textMax),
  /** Only an http(s) address; a room of the workspace is never linked. */
  url: text(2000),
  /** When it happened (YYYY-MM-DD), for a log entry; '' otherwise. */
  date: text(10),
  /** Organisations credited (people are named only in `contributors`, with consent). */
  organisations: z.array(text(L.shortMax)).max(50),
});

export const PublishedQuotationSchema = z.object({
  text: text(L.textMax),
  /** The person's name when they consented, else their organisation. */
  attribution: text(L.shortMax),
});

export const PublishedContributorSchema = z.object({
  /** '' when the person did not consent to be named: then only the organisation is shown. */
  name: text(L.shortMax),
  organisation: text(L.shortMax),
});

export const PublishedSummarySchema = z.object({
  site: z.object({ slug: text(64), name: text(L.titleMax) }),
  /** The summary's address within its site: `/learning/{site.slug}/{slug}`. */
  slug: text(64),
  version: z.number().int().positive(),
  title: text(L.titleMax),
  /** ISO 8601. */
  publishedAt: text(40),
  issue: text(L.textMax),
  agencies: z.array(PublishedAgencySchema).max(L.itemsMax),
  diagrams: z.array(PublishedDiagramSchema).max(20),
  interventions: z.array(text(L.textMax)).max(L.itemsMax),
  enablers: z.array(text(L.textMax)).max(L.itemsMax),
  barriers: z.array(text(L.textMax)).max(L.itemsMax),
  lessons: z.array(PublishedLessonSchema).max(L.itemsMax),
  evidence: z.array(PublishedEvidenceSchema).max(L.itemsMax),
  quotations: z.array(PublishedQuotationSchema).max(L.itemsMax),
  contributors: z.array(PublishedContributorSchema).max(L.itemsMax),
  /**
   * The labels of the themes and behaviours its lessons use, as they were when it was
   * published (lessons keep ids, so sites can be compared; a site's own behaviours and a
   * renamed theme still read as they did).
   */
  terms: z.object({
    themes: z.record(z.string(), text(200)),
    behaviours: z.record(z.string(), text(200)),
  }),
});

export type PublishedSummary = z.infer<typeof PublishedSummarySchema>;
export type PublishedDiagram = z.infer<typeof PublishedDiagramSchema>;
export type PublishedLesson = z.infer<typeof PublishedLessonSchema>;
export type PublishedEvidence = z.infer<typeof PublishedEvidenceSchema>;

/** One version of a summary as listed: for its page's history and the feeds. */
export interface PublishedVersionInfo {
  version: number;
  publishedAt: string;
  title: string;
}

/**
 * A summary as the public side reads it: the latest live version's data, and every version's
 * date. `withdrawnAt` is set when a facilitator withdrew it: its pages then answer 410.
 */
export interface PublicSummaryRecord {
  summary: PublishedSummary;
  versions: PublishedVersionInfo[];
  withdrawnAt: string | null;
}
