/**
 * Publishing learning summaries: what a draft can draw on, the preview, publishing an immutable
 * version and withdrawing; the programme's theme vocabulary; and the live published summaries
 * the public side is made from, read once per change of what is published.
 *
 * Facilitators publish and withdraw (the routes check roles); every version is the draft run
 * through `redactSummary` at that moment, checked against `PublishedSummarySchema`, stored whole.
 */
import { slugify } from '../../shared/ids.js';
import { readSummaryDraft, type SummaryDraft } from '../../shared/summaries/doc.js';
import { learningPaths } from '../../shared/summaries/public.js';
import { PublishedSummarySchema, type PublishedSummary } from '../../shared/summaries/published.js';
import { namedLoop, redactSummary, type RedactionNote } from '../../shared/summaries/redact.js';
import { ThemesSchema, type SummarySources, type SummaryStatus } from '../../shared/summaries/api.js';
import { AGENCY_TYPES, ARCHETYPES, DEFAULT_THEMES, type VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PublicationRecord, RoomRecord, SiteRecord, Storage } from '../storage/types.js';
import type { DocReader } from '../ydoc/reader.js';
import type { LiveSummary } from './crossSite.js';
import { readSiteMaterial, type SiteMaterial } from './sources.js';

const THEMES_SETTING = 'learning.themes';
/** How long a revision read from storage is trusted; see `PublishingService.revision`. */
const REVISION_REUSE_MS = 1000;

export interface PublishingDeps {
  storage: Storage;
  docs: DocReader;
  /** The workspace's public address, for the links publishing returns. */
  publicUrl: string;
  log: Logger;
}

/** The published summaries as the public side reads them, with the revision they were read at. */
export interface LiveSnapshot {
  revision: string;
  summaries: LiveSummary[];
  themes: VocabularyTerm[];
}

export class PublishingService {
  /** One publish or withdraw at a time per room, so a double click cannot publish twice. */
  private readonly busy = new Map<string, Promise<unknown>>();
  private live: Promise<LiveSnapshot> | null = null;

  constructor(private readonly deps: PublishingDeps) {}

  // -------------------------------------------------------------------------------------------
  // The programme's themes

  async themes(): Promise<VocabularyTerm[]> {
    const stored = await this.deps.storage.getSetting(THEMES_SETTING);
    if (stored) {
      try {
        const parsed = ThemesSchema.safeParse({ themes: JSON.parse(stored) });
        if (parsed.success) return parsed.data.themes;
      } catch {
        // Only this service writes the setting; an unreadable one falls back to the defaults.
      }
      this.deps.log.warn('the stored theme vocabulary is unreadable; using the defaults');
    }
    return [...DEFAULT_THEMES];
  }

  async setThemes(themes: readonly VocabularyTerm[]): Promise<VocabularyTerm[]> {
    const ids = new Set<string>();
    for (const t of themes) {
      if (ids.has(t.id)) throw errors.badRequest(`The theme id "${t.id}" is listed twice.`);
      ids.add(t.id);
    }
    await this.deps.storage.setSetting(THEMES_SETTING, JSON.stringify(themes));
    this.changed();
    return [...themes];
  }

  // -------------------------------------------------------------------------------------------
  // Drafting

  async sources(site: SiteRecord): Promise<SummarySources> {
    const material = await readSiteMaterial(this.deps, site);
    const maps = [...material.maps].map(([roomId, { title, map }]) => {
      const loops = map.loopNotes.flatMap((note) => {
        const loop = namedLoop(note, map.connections);
        return loop ? [{ key: note.key, ...loop }] : [];
      });
      return { roomId, title, elements: map.elements.map((e) => ({ id: e.id, label: e.label, kind: e.kind })), loops };
    });
    const docs = [...material.documents];
    return {
      maps,
      logEntries: material.logEntries.map((e) => ({ roomId: material.logRoomId, entryId: e.id, title: e.title, date: e.date, learned: e.learned, behaviours: e.behaviours })),
      documents: docs.filter(([, d]) => !d.workshopRecord).map(([roomId, d]) => ({ roomId, title: d.title })),
      workshopRecords: docs.filter(([, d]) => d.workshopRecord).map(([roomId, d]) => ({ roomId, title: d.title })),
      themes: await this.themes(),
      behaviours: material.behaviours,
      archetypes: [...ARCHETYPES],
      agencyTypes: [...AGENCY_TYPES],
    };
  }

  private async draftOf(room: RoomRecord): Promise<SummaryDraft> {
    if (room.kind !== 'summary') throw errors.conflict('Only a learning summary can be published.');
    return this.deps.docs.read(room.id, readSummaryDraft);
  }

  /** The draft redacted as it would be published now, as version `version` at `slug`. */
  private async redact(room: RoomRecord, site: SiteRecord, place: { version: number; slug: string; publishedAt: string }) {
    const draft = await this.draftOf(room);
    const material: SiteMaterial = await readSiteMaterial(this.deps, site, draft);
    const themes = await this.themes();
    const { summary, notes } = redactSummary(draft, {
      site: { slug: site.slug, name: site.name },
      ...place,
      maps: new Map([...material.maps].map(([id, m]) => [id, m.map])),
      logEntries: new Map(material.logEntries.map((e) => [`${material.logRoomId}/${e.id}`, e])),
      documents: material.documents,
      themeLabels: new Map(themes.map((t) => [t.id, t.label])),
      behaviourLabels: new Map(material.behaviours.map((b) => [b.id, b.label])),
    });
    return { draft, summary, notes };
  }

  /** Where the next version would go: the room's slug once published, else one from its title. */
  private async nextPlace(room: RoomRecord, title: string): Promise<{ version: number; slug: string; versions: PublicationRecord[] }> {
    const versions = await this.deps.storage.listPublications(room.id);
    const last = versions.at(-1);
    return { version: (last?.version ?? 0) + 1, slug: last?.slug ?? (slugify(title) || 'summary'), versions };
  }

  private url(site: SiteRecord, slug: string): string {
    return `${this.deps.publicUrl}${learningPaths.summary(site.slug, slug)}`;
  }

  async status(room: RoomRecord, site: SiteRecord): Promise<SummaryStatus> {
    const { versions } = await this.nextPlace(room, '');
    let notes: RedactionNote[] = [];
    if (room.kind === 'summary') notes = (await this.redact(room, site, { version: 1, slug: 'preview', publishedAt: new Date().toISOString() })).notes;
    const last = versions.at(-1);
    return {
      url: last ? this.url(site, last.slug) : null,
      publications: versions.map((v) => ({ version: v.version, title: v.title, publishedAt: v.publishedAt, publishedBy: v.publishedBy, withdrawnAt: v.withdrawnAt })),
      withdrawn: versions.length > 0 && versions.every((v) => v.withdrawnAt !== null),
      notes,
    };
  }

  /** The summary as it would be published now (for the preview page), and its earlier versions. */
  async preview(room: RoomRecord, site: SiteRecord): Promise<{ summary: PublishedSummary; versions: PublicationRecord[] }> {
    const draft = await this.draftOf(room);
    const place = await this.nextPlace(room, draft.title);
    const { summary } = await this.redact(room, site, { version: place.version, slug: place.slug, publishedAt: new Date().toISOString() });
    return { summary, versions: place.versions };
  }

  private exclusive<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    const before = this.busy.get(roomId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(work);
    const settled = run.catch(() => undefined);
    this.busy.set(roomId, settled);
    void settled.then(() => {
      if (this.busy.get(roomId) === settled) this.busy.delete(roomId);
    });
    return run;
  }

  /**
   * Publishes the draft as its next version. Refused (409) when it would publish exactly what
   * the latest public version holds, so a repeated click or request makes no empty version.
   */
  async publish(room: RoomRecord, site: SiteRecord, userId: string): Promise<{ version: number; url: string }> {
    return this.exclusive(room.id, async () => {
      const draft = await this.draftOf(room);
      const place = await this.nextPlace(room, draft.title);
      const publishedAt = new Date().toISOString();
      const { summary } = await this.redact(room, site, { version: place.version, slug: place.slug, publishedAt });
      if (summary.lessons.length === 0 && summary.issue.trim() === '') {
        throw errors.conflict('There is nothing to publish yet: write the issue or at least one public lesson first.');
      }
      const last = place.versions.at(-1);
      if (last && last.withdrawnAt === null) {
        const previous = await this.deps.storage.getPublication(site.slug, last.slug, last.version);
        if (previous && sameContent(JSON.parse(previous.current.data) as PublishedSummary, summary)) {
          throw errors.conflict(`Version ${last.version} already holds exactly this summary; change something before publishing again.`);
        }
      }
      const record = await this.deps.storage.createPublication({
        siteId: site.id,
        roomId: room.id,
        slug: place.slug,
        title: summary.title,
        publishedBy: userId,
        publishedAt,
        data: ({ version, slug }) => JSON.stringify(PublishedSummarySchema.parse({ ...summary, version, slug })),
      });
      this.changed();
      this.deps.log.info('summary published', { room: room.id, site: site.slug, version: record.version });
      return { version: record.version, url: this.url(site, record.slug) };
    });
  }

  async withdraw(room: RoomRecord, site: SiteRecord): Promise<SummaryStatus> {
    await this.exclusive(room.id, async () => {
      const withdrawn = await this.deps.storage.withdrawPublications(room.id, new Date().toISOString());
      if (withdrawn === 0) throw errors.conflict('This summary has no public version to withdraw.');
      this.changed();
      this.deps.log.info('summary withdrawn', { room: room.id, site: site.slug });
    });
    return this.status(room, site);
  }

  // -------------------------------------------------------------------------------------------
  // The public side

  /** The revision read last, and when: reused for `REVISION_REUSE_MS` (see `revision`). */
  private lastRevision: { value: string; at: number } | null = null;

  /**
   * The revision of what is published. Read from storage at most every `REVISION_REUSE_MS`:
   * this process forgets it the moment it publishes or withdraws, so only a change made by
   * another process (a second instance, the CLI) can take that long to show.
   */
  private async revision(): Promise<string> {
    const now = Date.now();
    if (this.lastRevision && now - this.lastRevision.at < REVISION_REUSE_MS) return this.lastRevision.value;
    const value = await this.deps.storage.publicationsRevision();
    this.lastRevision = { value, at: now };
    return value;
  }

  /** Forgets what was read: called by whatever this process publishes, withdraws or renames. */
  private changed(): void {
    this.live = null;
    this.lastRevision = null;
  }

  /**
   * Every live summary, parsed once per revision of what is published: a page served again
   * costs one small query (the revision) and no parsing. Another process publishing changes the
   * revision too, so every instance sees it.
   */
  async liveSnapshot(): Promise<LiveSnapshot> {
    const revision = await this.revision();
    const cached = this.live;
    if (cached) {
      const snapshot = await cached.catch(() => null);
      if (snapshot && snapshot.revision === revision) return snapshot;
    }
    const loading = (async () => {
      const rows = await this.deps.storage.listLivePublications();
      const summaries: LiveSummary[] = [];
      for (const row of rows) {
        const summary = parsePublished(row.data);
        if (summary) summaries.push({ summary, firstPublishedAt: row.firstPublishedAt });
        else this.deps.log.warn('a published summary is unreadable; it is left out', { publication: row.record.id });
      }
      return { revision, summaries, themes: await this.themes() };
    })();
    this.live = loading;
    return loading;
  }
}

/** The stored data of a publication, or null when it does not read as one. */
export function parsePublished(data: string): PublishedSummary | null {
  try {
    const parsed = PublishedSummarySchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The same summary but for its version number and date. */
function sameContent(a: PublishedSummary, b: PublishedSummary): boolean {
  const strip = ({ version: _v, publishedAt: _p, ...rest }: PublishedSummary) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
