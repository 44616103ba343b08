/**
 * Named versions of a map ("after workshop 3") are kept by the server beside the room, as
 * snapshots of its doc (`server/versions/`), so opening a map never downloads them. This module
 * holds what is shared about them: comparing two maps, and reading the versions that older
 * releases kept inside the doc itself, which the server moves out (`server/versions/inDoc.ts`).
 *
 * The old schema: `doc.getMap('mapVersions')`: version id → { name, saved (Attribution), map
 * (JSON string of MapData) }.
 */
import type * as Y from 'yjs';
import { ELEMENT_KIND_LABELS, type Attribution, type MapConnection, type MapData, type MapElement } from './model.js';

/** The root where older releases kept a map's versions, inside the room's doc. */
export const VERSIONS_ROOT = 'mapVersions';

/** A version as older releases kept it inside the doc. */
export interface LegacyMapVersion {
  id: string;
  name: string;
  saved: Attribution;
  map: MapData;
}

interface StoredVersion {
  name?: unknown;
  saved?: Partial<Attribution>;
  map?: unknown;
}

function parse(stored: StoredVersion | undefined): MapData | null {
  if (!stored || typeof stored.map !== 'string') return null;
  try {
    const map = JSON.parse(stored.map) as Partial<MapData>;
    if (!Array.isArray(map.elements) || !Array.isArray(map.connections)) return null;
    return { elements: map.elements, connections: map.connections, groups: map.groups ?? [], loopNotes: map.loopNotes ?? [] };
  } catch {
    return null;
  }
}

/**
 * The versions an older release kept inside the doc, oldest first; malformed ones are left out
 * (they were written by clients, and `clearLegacyMapVersions` removes them all the same).
 *
 * @example
 * readLegacyMapVersions(doc).map((v) => v.name) // ['after workshop 3']
 */
export function readLegacyMapVersions(doc: Y.Doc): LegacyMapVersion[] {
  if (!doc.share.has(VERSIONS_ROOT)) return [];
  const out: LegacyMapVersion[] = [];
  for (const [id, stored] of doc.getMap<StoredVersion>(VERSIONS_ROOT)) {
    const map = parse(stored);
    const saved = stored.saved;
    if (!map || typeof stored.name !== 'string' || typeof saved?.at !== 'string') continue;
    out.push({
      id,
      name: stored.name,
      saved: { userId: String(saved.userId ?? ''), name: String(saved.name ?? 'Someone'), organisation: String(saved.organisation ?? ''), at: saved.at },
      map,
    });
  }
  return out.sort((a, b) => (a.saved.at < b.saved.at ? -1 : a.saved.at > b.saved.at ? 1 : a.id < b.id ? -1 : 1));
}

/** Deletes everything under the old versions root, in one transaction. */
export function clearLegacyMapVersions(doc: Y.Doc): void {
  if (!doc.share.has(VERSIONS_ROOT)) return;
  const root = doc.getMap(VERSIONS_ROOT);
  doc.transact(() => {
    for (const id of [...root.keys()]) root.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Differences between two maps

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface MapDiff {
  addedElements: MapElement[];
  removedElements: MapElement[];
  changedElements: { before: MapElement; after: MapElement; changes: FieldChange[] }[];
  addedConnections: MapConnection[];
  removedConnections: MapConnection[];
  changedConnections: { before: MapConnection; after: MapConnection; changes: FieldChange[] }[];
}

const show = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));

function fieldChanges<T>(before: T, after: T, fields: readonly (keyof T & string)[]): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const a = show(before[field]);
    const b = show(after[field]);
    if (a !== b) out.push({ field, before: a, after: b });
  }
  return out;
}

const ELEMENT_FIELDS = ['label', 'kind', 'description', 'tags', 'agency'] as const;
const CONNECTION_FIELDS = ['polarity', 'delay', 'confidence', 'label', 'evidence'] as const;

/**
 * What changed from `before` to `after`: elements and connections added, removed and changed
 * (content only: moving an element is layout, not a change of meaning). Connections are
 * matched by id, and also by their ends when the id differs (deleted and drawn again).
 */
export function diffMaps(before: MapData, after: MapData): MapDiff {
  const beforeElements = new Map(before.elements.map((e) => [e.id, e]));
  const afterElements = new Map(after.elements.map((e) => [e.id, e]));
  const diff: MapDiff = {
    addedElements: after.elements.filter((e) => !beforeElements.has(e.id)),
    removedElements: before.elements.filter((e) => !afterElements.has(e.id)),
    changedElements: [],
    addedConnections: [],
    removedConnections: [],
    changedConnections: [],
  };
  for (const a of after.elements) {
    const b = beforeElements.get(a.id);
    if (!b) continue;
    const changes = fieldChanges(b, a, ELEMENT_FIELDS);
    if (changes.length) diff.changedElements.push({ before: b, after: a, changes });
  }
  const ends = (c: MapConnection) => `${c.from}>${c.to}`;
  const beforeConnections = new Map(before.connections.map((c) => [c.id, c]));
  const unmatchedBefore = new Map<string, MapConnection[]>();
  const afterIds = new Set(after.connections.map((c) => c.id));
  for (const c of before.connections) {
    if (afterIds.has(c.id)) continue;
    const list = unmatchedBefore.get(ends(c)) ?? [];
    list.push(c);
    unmatchedBefore.set(ends(c), list);
  }
  for (const a of after.connections) {
    let b = beforeConnections.get(a.id);
    if (!b) {
      b = unmatchedBefore.get(ends(a))?.shift();
      if (!b) {
        diff.addedConnections.push(a);
        continue;
      }
    }
    const changes = fieldChanges(b, a, CONNECTION_FIELDS);
    if (changes.length) diff.changedConnections.push({ before: b, after: a, changes });
  }
  for (const list of unmatchedBefore.values()) diff.removedConnections.push(...list);
  return diff;
}

export function diffIsEmpty(diff: MapDiff): boolean {
  return Object.values(diff).every((list) => list.length === 0);
}

/** One group of a diff as people read it: a heading and one line per change. */
export interface DiffSection {
  heading: string;
  lines: string[];
}

const FIELD_NAMES: Record<string, string> = {
  label: 'label',
  kind: 'kind',
  description: 'description',
  tags: 'tags',
  agency: 'agency',
  polarity: 'polarity',
  delay: 'delay',
  confidence: 'confidence',
  evidence: 'evidence',
};

/** A field's value as shown: kinds by their names, yes/no for a delay, "none" for nothing. */
function shown(field: string, value: string): string {
  if (field === 'kind' && value in ELEMENT_KIND_LABELS) return ELEMENT_KIND_LABELS[value as keyof typeof ELEMENT_KIND_LABELS];
  if (field === 'delay') return value === 'true' ? 'yes' : 'no';
  if (field === 'polarity') return value === '-' ? '−' : value;
  return value === '' ? 'none' : value;
}

function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map((f) => `${FIELD_NAMES[f.field] ?? f.field} “${shown(f.field, f.before)}” → “${shown(f.field, f.after)}”`).join('; ');
}

/**
 * A diff in words, naming elements and connections by their labels ("Carer stress → Hospital
 * admissions"), not ids: removed ones by the labels they had in `before`, the rest by `after`'s.
 * Only the groups that hold a change are listed.
 *
 * @example
 * describeDiff(diffMaps(version, live), version, live)
 * // [{ heading: 'Connections removed', lines: ['Carer stress → Hospital admissions (+)'] }]
 */
export function describeDiff(diff: MapDiff, before: MapData, after: MapData): DiffSection[] {
  const labels = (map: MapData) => new Map(map.elements.map((e) => [e.id, e.label || 'Untitled element']));
  const was = labels(before);
  const now = labels(after);
  const ends = (c: MapConnection, names: Map<string, string>, fallback: Map<string, string>) =>
    `${names.get(c.from) ?? fallback.get(c.from) ?? 'a removed element'} → ${names.get(c.to) ?? fallback.get(c.to) ?? 'a removed element'}`;
  const connection = (c: MapConnection, names: Map<string, string>, fallback: Map<string, string>) =>
    `${ends(c, names, fallback)} (${shown('polarity', c.polarity)})${c.label ? ` “${c.label}”` : ''}`;
  const sections: DiffSection[] = [
    { heading: 'Elements added', lines: diff.addedElements.map((e) => e.label) },
    { heading: 'Elements removed', lines: diff.removedElements.map((e) => e.label) },
    { heading: 'Elements changed', lines: diff.changedElements.map((c) => `${c.before.label}: ${describeChanges(c.changes)}`) },
    { heading: 'Connections added', lines: diff.addedConnections.map((c) => connection(c, now, was)) },
    { heading: 'Connections removed', lines: diff.removedConnections.map((c) => connection(c, was, now)) },
    { heading: 'Connections changed', lines: diff.changedConnections.map((c) => `${ends(c.after, now, was)}: ${describeChanges(c.changes)}`) },
  ];
  return sections.filter((s) => s.lines.length > 0);
}

