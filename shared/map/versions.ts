/**
 * Named versions of a map ("after workshop 3"), kept in the room's doc so everyone sees the
 * same list and they travel with the room (export, backup). Each is a frozen copy of the map
 * as plain data; viewing one never touches the live map.
 *
 * Schema: `doc.getMap('mapVersions')`: version id → { name, saved (Attribution), map (JSON
 * string of MapData) }. Stored as a string so a version is one opaque value, not thousands of
 * live Yjs items.
 */
import type * as Y from 'yjs';
import type { Actor } from './doc.js';
import type { Attribution, MapConnection, MapData, MapElement } from './model.js';

export const VERSIONS_ROOT = 'mapVersions';
export const VERSION_NAME_MAX = 120;
/** Versions kept per map; the oldest go first. Each is a full copy, so the doc stays bounded. */
export const VERSIONS_MAX = 50;

export interface MapVersionInfo {
  id: string;
  name: string;
  saved: Attribution;
  elementCount: number;
  connectionCount: number;
}

interface StoredVersion {
  name: string;
  saved: Attribution;
  map: string;
}

const root = (doc: Y.Doc) => doc.getMap<StoredVersion>(VERSIONS_ROOT);

export function saveVersion(doc: Y.Doc, id: string, name: string, map: MapData, actor: Actor, now = new Date()): string {
  const clean = name.trim();
  if (!clean) throw new RangeError('Give the version a name, such as “after workshop 3”.');
  if (clean.length > VERSION_NAME_MAX) throw new RangeError(`A version name can be at most ${VERSION_NAME_MAX} characters.`);
  const versions = root(doc);
  doc.transact(() => {
    const existing = listVersions(doc);
    for (const old of existing.slice(0, Math.max(0, existing.length - VERSIONS_MAX + 1))) versions.delete(old.id);
    versions.set(id, {
      name: clean,
      saved: { userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() },
      map: JSON.stringify(map),
    });
  });
  return id;
}

export function deleteVersion(doc: Y.Doc, id: string): void {
  doc.transact(() => root(doc).delete(id));
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

/** The versions, oldest first. */
export function listVersions(doc: Y.Doc): MapVersionInfo[] {
  const out: MapVersionInfo[] = [];
  for (const [id, stored] of root(doc)) {
    const map = parse(stored);
    if (!map || typeof stored.name !== 'string' || typeof stored.saved?.at !== 'string') continue;
    out.push({ id, name: stored.name, saved: stored.saved, elementCount: map.elements.length, connectionCount: map.connections.length });
  }
  return out.sort((a, b) => (a.saved.at < b.saved.at ? -1 : a.saved.at > b.saved.at ? 1 : a.id < b.id ? -1 : 1));
}

export function readVersion(doc: Y.Doc, id: string): MapData | null {
  return parse(root(doc).get(id));
}

export function observeVersions(doc: Y.Doc, onChange: () => void): () => void {
  const r = root(doc);
  r.observe(onChange);
  return () => r.unobserve(onChange);
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
