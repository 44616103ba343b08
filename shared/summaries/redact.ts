/**
 * From a draft to what the public sees. Only items marked publishable pass; of a diagram, only
 * its map's elements not kept private, and connections between two of those; a person is named
 * only with consent, else by organisation; evidence from the log or a document carries its
 * words and organisations, never the room it came from. The preview and publishing both run
 * this one function, so the preview is exactly what would be published.
 */
import type { LogEntry } from '../log/doc.js';
import { classifyLoop, parseLoopKey, type LoopType } from '../map/loops.js';
import type { LoopNote, MapConnection, MapData } from '../map/model.js';
import type { SummaryDraft, SummaryItem } from './doc.js';
import { PUBLISHED_LIMITS, type PublishedDiagram, type PublishedEvidence, type PublishedSummary } from './published.js';

export interface RedactionSources {
  site: { slug: string; name: string };
  slug: string;
  version: number;
  publishedAt: string;
  /** The site's maps a diagram may be drawn from, by room id. */
  maps: ReadonlyMap<string, MapData>;
  /** The site's log entries, by `${roomId}/${entryId}`. */
  logEntries: ReadonlyMap<string, LogEntry>;
  /** The site's documents, by room id. */
  documents: ReadonlyMap<string, { title: string }>;
  /** Labels of theme and behaviour ids (the programme's themes, the site's behaviours). */
  themeLabels: ReadonlyMap<string, string>;
  behaviourLabels: ReadonlyMap<string, string>;
}

/** Why an item is left out although marked publishable: shown in the editor beside it. */
export interface RedactionNote {
  itemId: string;
  message: string;
}

const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);
const isWebUrl = (url: string) => /^https?:\/\/[^\s/]/i.test(url.trim());

/**
 * A named loop's elements and whether it reinforces or balances, read from its note's key and
 * the connections it runs along (a step with no connection among them counts as unknown); null
 * for a note with no name or a key that is not a loop's.
 *
 * @example
 * namedLoop(note, map.connections) // { name: 'The confidence loop', type: 'reinforcing', elementIds: ['a', 'b'] }
 */
export function namedLoop(
  note: Pick<LoopNote, 'key' | 'name'>,
  connections: readonly Pick<MapConnection, 'id' | 'from' | 'to' | 'polarity'>[],
): { name: string; type: LoopType; elementIds: string[] } | null {
  const parsed = parseLoopKey(note.key);
  const name = note.name.trim();
  if (!parsed || !name) return null;
  const byId = new Map(connections.map((c) => [c.id, c]));
  const polarities = parsed.elementIds.map((from, i) => {
    const to = parsed.elementIds[(i + 1) % parsed.elementIds.length];
    const c = parsed.connectionIds ? byId.get(parsed.connectionIds[i]!) : connections.find((x) => x.from === from && x.to === to);
    return c?.polarity ?? '?';
  });
  return { name, type: classifyLoop(polarities).type, elementIds: parsed.elementIds };
}

export function diagramOf(item: SummaryItem, map: MapData, n: number): PublishedDiagram {
  const hidden = new Set(item.hiddenElementIds);
  let elementIds: Set<string>;
  let connectionIds: Set<string> | null = null;
  const loop = item.loopKey ? parseLoopKey(item.loopKey) : null;
  if (loop) {
    elementIds = new Set(loop.elementIds);
    if (loop.connectionIds) connectionIds = new Set(loop.connectionIds);
  } else {
    elementIds = new Set(map.elements.map((e) => e.id));
  }
  const elements = map.elements
    .filter((e) => elementIds.has(e.id) && !hidden.has(e.id))
    .slice(0, PUBLISHED_LIMITS.diagramElementsMax)
    .map((e) => ({ id: e.id, kind: e.kind, label: cut(e.label, PUBLISHED_LIMITS.shortMax), x: e.x, y: e.y }));
  const shown = new Set(elements.map((e) => e.id));
  const connections = map.connections
    .filter((c) => shown.has(c.from) && shown.has(c.to) && (!connectionIds || connectionIds.has(c.id)))
    .slice(0, PUBLISHED_LIMITS.diagramConnectionsMax)
    .map((c) => ({ id: c.id, from: c.from, to: c.to, polarity: c.polarity, delay: c.delay }));
  // Named loops whose every element is published: their names were written for the map and
  // a loop is only drawn when none of it is private.
  const loops: PublishedDiagram['loops'] = [];
  for (const note of map.loopNotes) {
    const loop = namedLoop(note, connections);
    if (!loop || !loop.elementIds.every((id) => shown.has(id))) continue;
    if (connectionIds && !loop.elementIds.every((id) => elementIds.has(id))) continue;
    loops.push({ name: cut(loop.name, PUBLISHED_LIMITS.shortMax), type: loop.type, elementIds: loop.elementIds });
    if (loops.length >= 50) break;
  }
  return {
    n,
    title: cut(item.title || 'Diagram', PUBLISHED_LIMITS.titleMax),
    caption: cut(item.text, PUBLISHED_LIMITS.textMax),
    archetype: item.archetype,
    elements,
    connections,
    loops,
  };
}

function evidenceOf(item: SummaryItem, sources: RedactionSources): PublishedEvidence | string {
  if (item.evidenceKind === 'log') {
    const entry = sources.logEntries.get(`${item.roomId}/${item.entryId}`);
    if (!entry) return 'The log entry it points to is no longer in the log.';
    const organisations = [...new Set(entry.authors.map((a) => a.organisation.trim()).filter(Boolean))];
    return {
      kind: 'log',
      title: cut(item.title || entry.title, PUBLISHED_LIMITS.titleMax),
      text: cut(item.text || entry.learned || entry.happened, PUBLISHED_LIMITS.textMax),
      url: '',
      date: entry.date,
      organisations,
    };
  }
  if (item.evidenceKind === 'document') {
    const doc = sources.documents.get(item.roomId);
    if (!doc) return 'The document it points to is not one of the site’s.';
    return { kind: 'document', title: cut(item.title || doc.title, PUBLISHED_LIMITS.titleMax), text: item.text, url: '', date: '', organisations: [] };
  }
  if (!isWebUrl(item.url)) return 'A link needs an address starting http:// or https://.';
  return { kind: 'link', title: cut(item.title || item.url, PUBLISHED_LIMITS.titleMax), text: item.text, url: item.url.trim(), date: '', organisations: [] };
}

/**
 * The public form of a draft, and notes on publishable items that could not be published.
 *
 * @example
 * const { summary } = redactSummary(readSummaryDraft(doc), sources)
 */
export function redactSummary(draft: SummaryDraft, sources: RedactionSources): { summary: PublishedSummary; notes: RedactionNote[] } {
  const notes: RedactionNote[] = [];
  const out: PublishedSummary = {
    site: sources.site,
    slug: sources.slug,
    version: sources.version,
    title: cut(draft.title.trim() || 'Untitled summary', PUBLISHED_LIMITS.titleMax),
    publishedAt: sources.publishedAt,
    issue: cut(draft.issue, PUBLISHED_LIMITS.textMax),
    agencies: [],
    diagrams: [],
    interventions: [],
    enablers: [],
    barriers: [],
    lessons: [],
    evidence: [],
    quotations: [],
    contributors: [],
    terms: { themes: {}, behaviours: {} },
  };
  const full = (list: unknown[], max: number = PUBLISHED_LIMITS.itemsMax) => list.length >= max;
  for (const item of draft.items) {
    if (!item.publishable) continue;
    switch (item.section) {
      case 'agency':
        if (item.text && !full(out.agencies)) out.agencies.push({ name: cut(item.text, PUBLISHED_LIMITS.shortMax), type: item.agencyType || 'other' });
        break;
      case 'intervention':
      case 'enabler':
      case 'barrier': {
        const list = item.section === 'intervention' ? out.interventions : item.section === 'enabler' ? out.enablers : out.barriers;
        if (item.text && !full(list)) list.push(item.text);
        break;
      }
      case 'lesson':
        if (!item.text || full(out.lessons)) break;
        out.lessons.push({ id: item.id, text: item.text, themes: item.themes, behaviours: item.behaviours, archetype: item.archetype });
        for (const id of item.themes) out.terms.themes[id] = sources.themeLabels.get(id) ?? id;
        for (const id of item.behaviours) out.terms.behaviours[id] = sources.behaviourLabels.get(id) ?? id;
        break;
      case 'diagram': {
        const map = sources.maps.get(item.mapRoomId);
        if (!map) notes.push({ itemId: item.id, message: 'The map it is drawn from is not one of the site’s maps.' });
        else if (item.loopKey && !parseLoopKey(item.loopKey)) notes.push({ itemId: item.id, message: 'The loop it shows is not on the map any more.' });
        else if (!full(out.diagrams, 20)) out.diagrams.push(diagramOf(item, map, out.diagrams.length + 1));
        break;
      }
      case 'evidence': {
        const evidence = evidenceOf(item, sources);
        if (typeof evidence === 'string') notes.push({ itemId: item.id, message: evidence });
        else if (!full(out.evidence)) out.evidence.push(evidence);
        break;
      }
      case 'quotation':
        if (!item.text || full(out.quotations)) break;
        out.quotations.push({ text: item.text, attribution: item.consent && item.name ? cut(item.name, PUBLISHED_LIMITS.shortMax) : cut(item.organisation || 'A participant', PUBLISHED_LIMITS.shortMax) });
        break;
      case 'contributor': {
        const name = item.consent ? cut(item.name, PUBLISHED_LIMITS.shortMax) : '';
        // Without consent only the organisation is shown: with none, there is nothing to show.
        if (!name && !item.organisation) {
          if (item.name) notes.push({ itemId: item.id, message: 'They have not agreed to be named, so their organisation is shown instead: add it.' });
          break;
        }
        if (!full(out.contributors)) out.contributors.push({ name, organisation: cut(item.organisation, PUBLISHED_LIMITS.shortMax) });
        break;
      }
    }
  }
  return { summary: out, notes };
}
