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
import type { Attribution, MapConnection, MapData, MapElement } from './model.js';

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
