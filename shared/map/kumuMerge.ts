/**
 * Importing into a map that already holds what the file holds: which incoming elements and
 * connections are already there, what to change in them, and what is new — so the page can
 * offer "Update 12 existing elements, add 3 new" instead of a second copy of everything, as
 * Kumu does when a sheet is imported into the project it came from.
 *
 * Matching follows Kumu's rules, made a little more forgiving where our model allows:
 * - an element matches by its Kumu ID when both have one, else by label (trimmed, ignoring
 *   case) and kind;
 * - a connection matches when its ends match and its Kumu type agrees, if it has one that is
 *   not a polarity ("Investor" and "Employee" are two links, as in Kumu). A polarity is not part
 *   of the match: a sign changed in the spreadsheet updates the link rather than adding a
 *   second one pointing the other way.
 *
 * Updates only add or replace: a value the file gives replaces the map's, an empty one leaves it,
 * tags are added, positions and kinds stay (people arranged the map). Pure: `applyMapMerge` in
 * doc.ts writes the plan.
 */
import type { ConnectionPatch, ElementPatch, FieldsPatch, MapMerge } from './doc.js';
import { loopKey, parseLoopKey } from './loops.js';
import { connectionDirection, MAP_LIMITS, type CustomFields, type LoopNote, type MapConnection, type MapData, type MapElement } from './model.js';
import { KUMU_ID_FIELD, connectionKind } from './kumuVocabulary.js';

export interface KumuMergePlan extends MapMerge {
  counts: {
    /** Incoming elements found on the map, changed or not. */
    matchedElements: number;
    updatedElements: number;
    newElements: number;
    matchedConnections: number;
    updatedConnections: number;
    newConnections: number;
  };
}

const labelKey = (e: Pick<MapElement, 'label' | 'kind'>): string => `${e.label.trim().toLowerCase()}\u0000${e.kind}`;
const kumuId = (fields: CustomFields | undefined): string => fields?.[KUMU_ID_FIELD]?.trim() ?? '';

/**
 * What importing `incoming` over `existing` would do.
 *
 * @example
 * const plan = planKumuMerge(readMap(doc), imported.map);
 * if (plan.counts.matchedElements > 0) offer(`Update ${plan.counts.matchedElements} existing elements, add ${plan.counts.newElements} new`);
 */
export function planKumuMerge(existing: MapData, incoming: MapData): KumuMergePlan {
  const byKumuId = new Map<string, MapElement>();
  const byLabel = new Map<string, MapElement>();
  for (const e of existing.elements) {
    const id = kumuId(e.fields);
    if (id !== '' && !byKumuId.has(id)) byKumuId.set(id, e);
    if (!byLabel.has(labelKey(e))) byLabel.set(labelKey(e), e);
  }

  /** Incoming element id → the existing element it is. */
  const matched = new Map<string, MapElement>();
  const newElements: MapElement[] = [];
  const patches = new Map<string, ElementPatch>();
  for (const e of incoming.elements) {
    const id = kumuId(e.fields);
    const target = (id !== '' ? byKumuId.get(id) : undefined) ?? byLabel.get(labelKey(e));
    if (!target) {
      newElements.push(e);
      continue;
    }
    matched.set(e.id, target);
    // Two incoming elements may land on one existing element: their changes add up.
    const patch = elementPatch(withPatch(target, patches.get(target.id)), e);
    if (patch) patches.set(target.id, { ...patches.get(target.id), ...patch, fields: { ...patches.get(target.id)?.fields, ...patch.fields } });
  }
  const elementUpdates = [...patches].map(([id, patch]) => ({ id, patch: tidy(patch) }));

  const endOf = (id: string): string => matched.get(id)?.id ?? id;
  const candidates = new Map<string, MapConnection[]>();
  for (const c of existing.connections) {
    const key = connectionKey(c.from, c.to, c);
    const list = candidates.get(key);
    if (list) list.push(c);
    else candidates.set(key, [c]);
  }
  const connectionIds = new Map<string, string>();
  const connectionUpdates: { id: string; patch: ConnectionPatch }[] = [];
  const newConnections: MapConnection[] = [];
  let matchedConnections = 0;
  for (const c of incoming.connections) {
    const from = endOf(c.from);
    const to = endOf(c.to);
    // Parallel links pair up in order: the first incoming with the first existing, and so on.
    const target = matched.has(c.from) && matched.has(c.to) ? candidates.get(connectionKey(from, to, c))?.shift() : undefined;
    if (!target) {
      newConnections.push({ ...c, from, to });
      continue;
    }
    matchedConnections++;
    connectionIds.set(c.id, target.id);
    const patch = connectionPatch(target, c);
    if (patch) connectionUpdates.push({ id: target.id, patch });
  }

  const renamed = new Map([...[...matched].map(([from, to]) => [from, to.id] as const), ...connectionIds]);
  const notesByKey = new Map(existing.loopNotes.map((n) => [n.key, n]));
  const loopNotes: LoopNote[] = [];
  for (const note of incoming.loopNotes) {
    const key = rekey(note.key, renamed);
    const was = notesByKey.get(key);
    const merged: LoopNote = was
      ? { ...was, name: note.name.trim() || was.name, note: note.note.trim() || was.note, ...(note.marker || was.marker ? { marker: true as const } : {}) }
      : { ...note, key };
    if (!was || merged.name !== was.name || merged.note !== was.note || merged.marker !== was.marker) loopNotes.push(merged);
  }

  const matchedElements = new Set([...matched.values()].map((e) => e.id)).size;
  return {
    elementUpdates,
    connectionUpdates,
    additions: { elements: newElements, connections: newConnections, groups: incoming.groups, loopNotes },
    counts: {
      matchedElements,
      updatedElements: elementUpdates.length,
      newElements: newElements.length,
      matchedConnections,
      updatedConnections: connectionUpdates.length,
      newConnections: newConnections.length,
    },
  };
}

function connectionKey(from: string, to: string, c: Pick<MapConnection, 'fields'>): string {
  return `${from}\u0000${to}\u0000${connectionKind(c).toLowerCase()}`;
}

/** An element as it will be once `patch` is applied, for laying a second incoming element over it. */
function withPatch(e: MapElement, patch: ElementPatch | undefined): MapElement {
  if (!patch) return e;
  const fields = { ...e.fields };
  for (const [name, value] of Object.entries(patch.fields ?? {})) if (value !== null) fields[name] = value;
  return { ...e, ...(patch.description !== undefined ? { description: patch.description } : {}), ...(patch.agency !== undefined ? { agency: patch.agency } : {}), tags: patch.tags ? [...patch.tags] : e.tags, fields };
}

function tidy<P extends { fields?: FieldsPatch }>(patch: P): P {
  if (patch.fields && Object.keys(patch.fields).length === 0) {
    const { fields: _fields, ...rest } = patch;
    return rest as P;
  }
  return patch;
}

/** The custom fields the incoming entry sets anew or differently, within the map's limit on their number. */
function fieldsPatch(current: CustomFields | undefined, incoming: CustomFields | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(current ?? {});
  let total = names.length;
  for (const [name, value] of Object.entries(incoming ?? {})) {
    if (value.trim() === '') continue;
    // The same column whatever its case: the existing spelling is kept (as doc.ts does).
    const same = names.find((n) => n.toLowerCase() === name.toLowerCase());
    if (same !== undefined) {
      if (current?.[same] !== value) out[same] = value;
    } else if (total < MAP_LIMITS.fieldsMax) {
      out[name] = value;
      total++;
    }
  }
  return out;
}

function elementPatch(current: MapElement, incoming: MapElement): ElementPatch | null {
  const patch: ElementPatch = {};
  if (incoming.description.trim() !== '' && incoming.description !== current.description) patch.description = incoming.description;
  if (incoming.agency.trim() !== '' && incoming.agency !== current.agency) patch.agency = incoming.agency;
  const have = new Set(current.tags.map((t) => t.toLowerCase()));
  const added = incoming.tags.filter((t) => t.trim() !== '' && !have.has(t.toLowerCase()));
  if (added.length > 0) patch.tags = [...current.tags, ...added].slice(0, Math.max(current.tags.length, MAP_LIMITS.tagsMax));
  const fields = fieldsPatch(current.fields, incoming.fields);
  if (Object.keys(fields).length > 0) patch.fields = fields;
  return Object.keys(patch).length > 0 ? patch : null;
}

function connectionPatch(current: MapConnection, incoming: MapConnection): ConnectionPatch | null {
  const patch: ConnectionPatch = {};
  if (incoming.polarity !== '?' && incoming.polarity !== current.polarity) patch.polarity = incoming.polarity;
  if (incoming.delay && !current.delay) patch.delay = true;
  if (incoming.confidence !== null && incoming.confidence !== current.confidence) patch.confidence = incoming.confidence;
  if (incoming.label.trim() !== '' && incoming.label !== current.label) patch.label = incoming.label;
  if (incoming.evidence.trim() !== '' && incoming.evidence !== current.evidence) patch.evidence = incoming.evidence;
  const direction = connectionDirection(incoming);
  if (direction !== 'directed' && direction !== connectionDirection(current)) patch.direction = direction;
  const fields = fieldsPatch(current.fields, incoming.fields);
  if (Object.keys(fields).length > 0) patch.fields = fields;
  return Object.keys(patch).length > 0 ? patch : null;
}

/**
 * A loop note's key with incoming ids swapped for the existing ones they matched, turned to
 * start at the smallest id again as loop keys do. A key that does not read as one stays.
 */
function rekey(key: string, renamed: ReadonlyMap<string, string>): string {
  const parsed = parseLoopKey(key);
  if (!parsed) return key;
  const swap = (id: string) => renamed.get(id) ?? id;
  const elements = parsed.elementIds.map(swap);
  const steps = parsed.connectionIds?.map(swap);
  let start = 0;
  elements.forEach((id, i) => {
    if (id < (elements[start] as string)) start = i;
  });
  const turn = (ids: string[]) => [...ids.slice(start), ...ids.slice(0, start)];
  return loopKey(turn(elements), steps && turn(steps));
}
