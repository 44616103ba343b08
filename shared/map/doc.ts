/**
 * The system map inside a room's Y.Doc, and the named helpers that are the only way to write it.
 *
 * Schema (root types of the room's doc):
 * - `mapElements`: Y.Map of element id → Y.Map of the element's fields (see `MapElement`);
 * - `mapConnections`: Y.Map of connection id → Y.Map of its fields; its `views` field is a
 *   Y.Map of organisation → PolarityView;
 * - an element's or connection's custom fields (`fields`) are a nested Y.Map of name → text,
 *   present only once one is set; a connection's `direction` is stored only when it is not the
 *   default (directed);
 * - `mapGroups`: Y.Map of group id → Y.Map of its fields;
 * - `mapLoopNotes`: Y.Map of loop key → LoopNote (a plain object: a note is written whole),
 *   with whether the loop's marker is shown on the map.
 *
 * Each element, connection and group is its own Y.Map so that two people changing different
 * fields of one element at once (one drags it, the other renames it) both keep their change;
 * agencies' polarity views are a Y.Map keyed by organisation so two agencies recording their
 * view at once both survive, and custom fields likewise, so two people filling in different
 * fields of one element both keep theirs. Every helper runs in one transaction: one undo step, one update.
 *
 * Everything read back goes through `readMap`, which treats the doc as untrusted (it is written
 * by every client in the room) and drops what is malformed or dangling, e.g. a connection to
 * an element someone else deleted at the same moment.
 */
import * as Y from 'yjs';
import {
  CONFIDENCES,
  DIRECTIONS,
  ELEMENT_KINDS,
  MAP_LIMITS,
  POLARITIES,
  plainConnection,
  plainElement,
  plainFields,
  plainGroup,
  plainLoopNote,
  type Attribution,
  type Confidence,
  type CustomFields,
  type Direction,
  type ElementKind,
  type LoopNote,
  type MapConnection,
  type MapData,
  type MapElement,
  type MapGroup,
  type Polarity,
  type PolarityView,
} from './model.js';

export const MAP_ROOTS = {
  elements: 'mapElements',
  connections: 'mapConnections',
  groups: 'mapGroups',
  loopNotes: 'mapLoopNotes',
} as const;

/** Who is acting; the time is added by each helper. */
export interface Actor {
  userId: string;
  name: string;
  organisation: string;
}

type Fields = Y.Map<unknown>;

const roots = (doc: Y.Doc) => ({
  elements: doc.getMap<Fields>(MAP_ROOTS.elements),
  connections: doc.getMap<Fields>(MAP_ROOTS.connections),
  groups: doc.getMap<Fields>(MAP_ROOTS.groups),
  loopNotes: doc.getMap<LoopNote>(MAP_ROOTS.loopNotes),
});

/** The Y types an UndoManager should track to undo map edits. */
export function mapUndoScope(doc: Y.Doc): Y.AbstractType<unknown>[] {
  const r = roots(doc);
  return [r.elements, r.connections, r.groups, r.loopNotes] as Y.AbstractType<unknown>[];
}

function stamp(actor: Actor, now: Date): Attribution {
  return { userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Input checks: a person's typing, so the messages are for people.

function text(value: string | undefined, max: number, what: string, required = false): string {
  const clean = (value ?? '').trim();
  if (required && clean.length === 0) throw new RangeError(`${what} cannot be empty.`);
  if (clean.length > max) throw new RangeError(`${what} can be at most ${max} characters.`);
  return clean;
}

function cleanTags(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const tag of tags ?? []) {
    const clean = text(tag, MAP_LIMITS.tagMax, 'A tag');
    if (clean && !out.some((t) => t.toLowerCase() === clean.toLowerCase())) out.push(clean);
  }
  if (out.length > MAP_LIMITS.tagsMax) throw new RangeError(`An element can have at most ${MAP_LIMITS.tagsMax} tags.`);
  return out;
}

function coordinate(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a number.`);
  // Round to a tenth of a pixel: finer positions only make every drag update bigger.
  return Math.round(value * 10) / 10;
}

function oneOf<T extends string>(value: T, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value)) throw new RangeError(`${what} must be one of ${allowed.join(', ')}.`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Custom fields

/**
 * Changes to custom fields: each named field is set to its text, or removed with null (or an
 * empty text); fields not named are left alone, so two people editing different fields of one
 * element at once both keep their change.
 */
export type FieldsPatch = Readonly<Record<string, string | null>>;

/**
 * The custom fields after `patch`, checked: names trimmed, not empty, unique ignoring case,
 * values trimmed and within MAP_LIMITS. A field named with another case of an existing one
 * replaces it, keeping the existing spelling (it is the same column to a spreadsheet).
 */
function patchedFields(current: CustomFields, patch: FieldsPatch): { set: CustomFields; removed: string[]; result: CustomFields } {
  const result: CustomFields = { ...current };
  const set: CustomFields = {};
  const removed: string[] = [];
  const existingName = (name: string) => Object.keys(result).find((n) => n.toLowerCase() === name.toLowerCase());
  const seen = new Set<string>();
  for (const [rawName, rawValue] of Object.entries(patch)) {
    const name = text(rawName, MAP_LIMITS.fieldNameMax, 'A field name', true);
    if (seen.has(name.toLowerCase())) throw new RangeError(`The field '${name}' is named twice.`);
    seen.add(name.toLowerCase());
    const value = rawValue === null ? '' : text(rawValue, MAP_LIMITS.fieldValueMax, `The field '${name}'`);
    const target = existingName(name) ?? name;
    if (value === '') {
      if (target in result) {
        delete result[target];
        removed.push(target);
      }
    } else if (result[target] !== value) {
      result[target] = value;
      set[target] = value;
    }
  }
  if (Object.keys(result).length > MAP_LIMITS.fieldsMax) throw new RangeError(`At most ${MAP_LIMITS.fieldsMax} custom fields fit on one element or connection.`);
  return { set, removed, result };
}

/** The custom fields a stored entry holds (a Y.Map as written here, or a plain object written by hand). */
function readFields(value: unknown): CustomFields | undefined {
  if (value instanceof Y.Map) return plainFields(Object.fromEntries((value as Y.Map<unknown>).entries()));
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Y.AbstractType)) {
    return plainFields(value as Record<string, unknown>);
  }
  return undefined;
}

/** A new Y.Map of checked fields, or null when there are none (the entry then has no `fields`). */
function newFieldsMap(fields: CustomFields | undefined): Y.Map<string> | null {
  const { result } = patchedFields({}, fields ?? {});
  const names = Object.keys(result);
  if (names.length === 0) return null;
  const map = new Y.Map<string>();
  for (const name of names) map.set(name, result[name] as string);
  return map;
}

/** Applies a fields patch to an entry in the doc (inside the caller's transaction). */
function writeFields(entry: Fields, changes: { set: CustomFields; removed: string[] }): void {
  if (Object.keys(changes.set).length === 0 && changes.removed.length === 0) return;
  let map = entry.get('fields');
  if (!(map instanceof Y.Map)) {
    map = new Y.Map<string>();
    entry.set('fields', map);
  }
  const target = map as Y.Map<string>;
  // An emptied map is kept rather than deleted: someone may be adding a field to it right now.
  for (const name of changes.removed) target.delete(name);
  for (const [name, value] of Object.entries(changes.set)) target.set(name, value);
}

// ---------------------------------------------------------------------------------------------
// Elements

export interface NewElement {
  id: string;
  kind: ElementKind;
  label: string;
  x: number;
  y: number;
  description?: string;
  tags?: readonly string[];
  agency?: string;
  groupId?: string | null;
  fields?: CustomFields;
}

export type ElementPatch = Partial<Pick<MapElement, 'kind' | 'label' | 'description' | 'tags' | 'agency' | 'groupId'>> & { fields?: FieldsPatch };

function elementFields(input: NewElement): Record<string, unknown> {
  const fields = newFieldsMap(input.fields);
  return {
    ...(fields ? { fields } : {}),
    kind: oneOf(input.kind, ELEMENT_KINDS, 'Kind'),
    label: text(input.label, MAP_LIMITS.labelMax, 'A label', true),
    description: text(input.description, MAP_LIMITS.descriptionMax, 'A description'),
    tags: cleanTags(input.tags),
    agency: text(input.agency, MAP_LIMITS.agencyMax, 'An agency'),
    x: coordinate(input.x, 'x'),
    y: coordinate(input.y, 'y'),
    groupId: input.groupId ?? null,
  };
}

function setAll(target: Fields, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) target.set(key, value);
}

export function addElement(doc: Y.Doc, input: NewElement, actor: Actor, now = new Date()): string {
  const fields = elementFields(input);
  const { elements } = roots(doc);
  if (elements.has(input.id)) throw new RangeError(`There is already an element ${input.id}.`);
  if (elements.size >= MAP_LIMITS.elementsMax) throw new RangeError(`A map can have at most ${MAP_LIMITS.elementsMax} elements.`);
  doc.transact(() => {
    const element = new Y.Map<unknown>();
    setAll(element, { ...fields, created: stamp(actor, now), updated: stamp(actor, now) });
    elements.set(input.id, element);
  });
  return input.id;
}

/** Changes an element's content; false if it is gone (someone deleted it meanwhile). */
export function updateElement(doc: Y.Doc, id: string, patch: ElementPatch, actor: Actor, now = new Date()): boolean {
  const element = roots(doc).elements.get(id);
  if (!(element instanceof Y.Map)) return false;
  const write = elementPatchWriter(element as Fields, patch);
  doc.transact(() => write(actor, now));
  return true;
}

/**
 * Checks a patch against an element (throwing a RangeError a person can act on) and returns
 * the write, so a caller applying many patches can check them all before writing any.
 */
function elementPatchWriter(element: Fields, patch: ElementPatch): (actor: Actor, now: Date) => void {
  const fields: Record<string, unknown> = {};
  if (patch.kind !== undefined) fields.kind = oneOf(patch.kind, ELEMENT_KINDS, 'Kind');
  if (patch.label !== undefined) fields.label = text(patch.label, MAP_LIMITS.labelMax, 'A label', true);
  if (patch.description !== undefined) fields.description = text(patch.description, MAP_LIMITS.descriptionMax, 'A description');
  if (patch.tags !== undefined) fields.tags = cleanTags(patch.tags);
  if (patch.agency !== undefined) fields.agency = text(patch.agency, MAP_LIMITS.agencyMax, 'An agency');
  if (patch.groupId !== undefined) fields.groupId = patch.groupId;
  const custom = patch.fields === undefined ? null : patchedFields(readFields(element.get('fields')) ?? {}, patch.fields);
  return (actor, now) => {
    // Only what changed is written, so an unchanged field never overwrites someone else's edit.
    for (const [key, value] of Object.entries(fields)) {
      if (JSON.stringify(element.get(key)) !== JSON.stringify(value)) element.set(key, value);
    }
    if (custom) writeFields(element, custom);
    element.set('updated', stamp(actor, now));
  };
}

/**
 * Moves elements (a drag, an auto-layout). Positions are layout, not content, so a move does not
 * change who "last changed" an element. Unknown ids are skipped.
 */
export function moveElements(doc: Y.Doc, moves: readonly { id: string; x: number; y: number }[]): void {
  const { elements } = roots(doc);
  doc.transact(() => {
    for (const move of moves) {
      const element = elements.get(move.id);
      if (!(element instanceof Y.Map)) continue;
      const x = coordinate(move.x, 'x');
      const y = coordinate(move.y, 'y');
      if (element.get('x') !== x) element.set('x', x);
      if (element.get('y') !== y) element.set('y', y);
    }
  });
}

/** Deletes elements and every connection touching them, in one step. */
export function removeElements(doc: Y.Doc, ids: readonly string[]): void {
  const { elements, connections } = roots(doc);
  const gone = new Set(ids);
  doc.transact(() => {
    for (const id of gone) elements.delete(id);
    for (const [id, connection] of connections) {
      if (connection instanceof Y.Map && (gone.has(connection.get('from') as string) || gone.has(connection.get('to') as string))) {
        connections.delete(id);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Connections

export interface NewConnection {
  id: string;
  from: string;
  to: string;
  polarity?: Polarity;
  delay?: boolean;
  confidence?: Confidence | null;
  label?: string;
  evidence?: string;
  /** Directed when left out. */
  direction?: Direction;
  fields?: CustomFields;
}

export type ConnectionPatch = Partial<Pick<MapConnection, 'polarity' | 'delay' | 'confidence' | 'label' | 'evidence'>> & {
  direction?: Direction;
  fields?: FieldsPatch;
};

/** The checked content fields of a patch; `direction` is absent for directed, which is never stored. */
function connectionContent(patch: Omit<ConnectionPatch, 'fields'>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (patch.direction !== undefined) fields.direction = oneOf(patch.direction, DIRECTIONS, 'Direction');
  if (patch.polarity !== undefined) fields.polarity = oneOf(patch.polarity, POLARITIES, 'Polarity');
  if (patch.delay !== undefined) fields.delay = Boolean(patch.delay);
  if (patch.confidence !== undefined) fields.confidence = patch.confidence === null ? null : oneOf(patch.confidence, CONFIDENCES, 'Confidence');
  if (patch.label !== undefined) fields.label = text(patch.label, MAP_LIMITS.labelMax, 'A label');
  if (patch.evidence !== undefined) fields.evidence = text(patch.evidence, MAP_LIMITS.evidenceMax, 'Evidence');
  return fields;
}

export function addConnection(doc: Y.Doc, input: NewConnection, actor: Actor, now = new Date()): string {
  const { elements, connections } = roots(doc);
  if (!elements.has(input.from) || !elements.has(input.to)) throw new RangeError('Both ends of a connection must be elements of the map.');
  if (connections.has(input.id)) throw new RangeError(`There is already a connection ${input.id}.`);
  if (connections.size >= MAP_LIMITS.connectionsMax) {
    throw new RangeError(`A map can have at most ${MAP_LIMITS.connectionsMax} connections.`);
  }
  const content = connectionContent({
    polarity: input.polarity ?? '?',
    delay: input.delay ?? false,
    confidence: input.confidence ?? null,
    label: input.label ?? '',
    evidence: input.evidence ?? '',
    direction: input.direction ?? 'directed',
  });
  if (content.direction === 'directed') delete content.direction;
  const fields = newFieldsMap(input.fields);
  doc.transact(() => {
    const connection = new Y.Map<unknown>();
    setAll(connection, {
      from: input.from,
      to: input.to,
      ...content,
      views: new Y.Map<PolarityView>(),
      ...(fields ? { fields } : {}),
      created: stamp(actor, now),
      updated: stamp(actor, now),
    });
    connections.set(input.id, connection);
  });
  return input.id;
}

/**
 * Adds an element and a connection to it from an existing one, in one step (one undo step).
 * Nothing is written when the connection would be refused.
 *
 * @example
 * addConnectedElement(doc, { id: newId(), kind: 'variable', label: 'New factor', x, y }, { id: newId(), from: selectedId }, actor);
 */
export function addConnectedElement(doc: Y.Doc, element: NewElement, connection: Omit<NewConnection, 'to'>, actor: Actor, now = new Date()): void {
  const { elements, connections } = roots(doc);
  if (!elements.has(connection.from)) throw new RangeError('The element to connect from is no longer on the map.');
  if (connections.size >= MAP_LIMITS.connectionsMax) throw new RangeError(`A map can have at most ${MAP_LIMITS.connectionsMax} connections.`);
  doc.transact(() => {
    addElement(doc, element, actor, now);
    addConnection(doc, { ...connection, to: element.id }, actor, now);
  });
}

export function updateConnection(doc: Y.Doc, id: string, patch: ConnectionPatch, actor: Actor, now = new Date()): boolean {
  const connection = roots(doc).connections.get(id);
  if (!(connection instanceof Y.Map)) return false;
  const write = connectionPatchWriter(connection as Fields, patch);
  doc.transact(() => write(actor, now));
  return true;
}

/** Checks a patch against a connection and returns the write (see `elementPatchWriter`). */
function connectionPatchWriter(connection: Fields, patch: ConnectionPatch): (actor: Actor, now: Date) => void {
  const { fields: fieldsPatch, ...content } = patch;
  const fields = connectionContent(content);
  const custom = fieldsPatch === undefined ? null : patchedFields(readFields(connection.get('fields')) ?? {}, fieldsPatch);
  return (actor, now) => {
    for (const [key, value] of Object.entries(fields)) {
      // Directed is the default and is never stored, so old data and new read alike.
      if (key === 'direction' && value === 'directed') {
        if (connection.has('direction')) connection.delete('direction');
      } else if (connection.get(key) !== value) connection.set(key, value);
    }
    if (custom) writeFields(connection, custom);
    connection.set('updated', stamp(actor, now));
  };
}

/** Records (or, with null, withdraws) the acting person's agency's view of a connection's polarity. */
export function setPolarityView(doc: Y.Doc, id: string, polarity: Polarity | null, actor: Actor, now = new Date()): boolean {
  return recordView(doc, id, actor.organisation, polarity, actor, now);
}

/**
 * Records `organisation`'s view of a connection's polarity, as `actor` (who need not be of
 * that organisation when importing a map that holds other agencies' views: the server accepts
 * only attributions that name the sender).
 */
function recordView(doc: Y.Doc, id: string, agency: string, polarity: Polarity | null, actor: Actor, now: Date): boolean {
  const connection = roots(doc).connections.get(id);
  if (!(connection instanceof Y.Map)) return false;
  const views = connection.get('views');
  if (!(views instanceof Y.Map)) return false;
  const organisation = text(agency, MAP_LIMITS.agencyMax, 'An organisation', true);
  doc.transact(() => {
    if (polarity === null) views.delete(organisation);
    else views.set(organisation, { organisation, polarity: oneOf(polarity, POLARITIES, 'Polarity'), by: stamp(actor, now) });
  });
  return true;
}

export function removeConnections(doc: Y.Doc, ids: readonly string[]): void {
  const { connections } = roots(doc);
  doc.transact(() => {
    for (const id of ids) connections.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Groups

export interface NewGroup {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function groupBox(input: Pick<NewGroup, 'x' | 'y' | 'width' | 'height'>): Record<string, number> {
  const width = coordinate(input.width, 'width');
  const height = coordinate(input.height, 'height');
  if (width <= 0 || height <= 0) throw new RangeError('A group must have a positive size.');
  return { x: coordinate(input.x, 'x'), y: coordinate(input.y, 'y'), width, height };
}

export function addGroup(doc: Y.Doc, input: NewGroup, actor: Actor, now = new Date()): string {
  const { groups } = roots(doc);
  if (groups.has(input.id)) throw new RangeError(`There is already a group ${input.id}.`);
  const fields = { label: text(input.label, MAP_LIMITS.labelMax, 'A label'), ...groupBox(input) };
  doc.transact(() => {
    const group = new Y.Map<unknown>();
    setAll(group, { ...fields, created: stamp(actor, now), updated: stamp(actor, now) });
    groups.set(input.id, group);
  });
  return input.id;
}

export function updateGroup(
  doc: Y.Doc,
  id: string,
  patch: Partial<Pick<MapGroup, 'label' | 'x' | 'y' | 'width' | 'height'>>,
  actor: Actor,
  now = new Date(),
): boolean {
  const group = roots(doc).groups.get(id);
  if (!(group instanceof Y.Map)) return false;
  const fields: Record<string, unknown> = {};
  if (patch.label !== undefined) fields.label = text(patch.label, MAP_LIMITS.labelMax, 'A label');
  if (patch.x !== undefined || patch.y !== undefined || patch.width !== undefined || patch.height !== undefined) {
    Object.assign(
      fields,
      groupBox({
        x: patch.x ?? (group.get('x') as number),
        y: patch.y ?? (group.get('y') as number),
        width: patch.width ?? (group.get('width') as number),
        height: patch.height ?? (group.get('height') as number),
      }),
    );
  }
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) if (group.get(key) !== value) group.set(key, value);
    group.set('updated', stamp(actor, now));
  });
  return true;
}

/** Deletes a group; its elements stay on the map, outside any group. */
export function removeGroup(doc: Y.Doc, id: string): void {
  const { groups, elements } = roots(doc);
  doc.transact(() => {
    groups.delete(id);
    for (const element of elements.values()) {
      if (element instanceof Y.Map && element.get('groupId') === id) element.set('groupId', null);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Loop notes

/**
 * Names and annotates a loop, and shows or hides its marker on the map (by its key, so the note
 * survives edits that keep the loop). A note is written whole: pass the marker along with a new
 * name, or it is hidden.
 *
 * @example
 * setLoopNote(doc, loop.key, { name: 'Respite relief', note: '', marker: true }, actor)
 */
export function setLoopNote(doc: Y.Doc, key: string, note: { name: string; note: string; marker?: boolean }, actor: Actor, now = new Date()): void {
  const value: LoopNote = {
    key,
    name: text(note.name, MAP_LIMITS.labelMax, 'A loop name'),
    note: text(note.note, MAP_LIMITS.descriptionMax, 'A note'),
    ...(note.marker === true ? { marker: true as const } : {}),
    updated: stamp(actor, now),
  };
  doc.transact(() => roots(doc).loopNotes.set(key, value));
}

/**
 * Shows or hides the markers of several loops in one step (one undo step, one update), keeping
 * each note's name and words; a note left with neither words nor marker is removed. `loops`
 * pairs the key each note is kept under (a note's own key, or the loop's for a loop without
 * one) with the note there now.
 *
 * @example
 * setLoopMarkers(doc, [{ key: loop.key, note: notes.get(loop.key) ?? null }], true, actor)
 */
export function setLoopMarkers(
  doc: Y.Doc,
  loops: readonly { key: string; note: Pick<LoopNote, 'name' | 'note' | 'marker'> | null }[],
  shown: boolean,
  actor: Actor,
  now = new Date(),
): void {
  doc.transact(() => {
    for (const { key, note } of loops) {
      if ((note?.marker === true) === shown) continue;
      const name = note?.name ?? '';
      const words = note?.note ?? '';
      if (!shown && !name.trim() && !words.trim()) removeLoopNote(doc, key);
      else setLoopNote(doc, key, { name, note: words, marker: shown }, actor, now);
    }
  });
}

export function removeLoopNote(doc: Y.Doc, key: string): void {
  doc.transact(() => roots(doc).loopNotes.delete(key));
}

// ---------------------------------------------------------------------------------------------
// Whole maps

/**
 * Adds a whole map (an import, a template) in one step. Ids must be fresh; connections whose
 * ends are not in the map or the doc are refused.
 */
export function addMapData(doc: Y.Doc, data: MapData, actor: Actor, now = new Date()): void {
  doc.transact(() => {
    for (const group of data.groups) addGroup(doc, group, actor, now);
    for (const element of data.elements) addElement(doc, element, actor, now);
    for (const connection of data.connections) {
      addConnection(doc, connection, actor, now);
      // Each agency's view comes in recorded by the person importing it.
      for (const view of connection.views) recordView(doc, connection.id, view.organisation, view.polarity, actor, now);
    }
    for (const note of data.loopNotes) setLoopNote(doc, note.key, note, actor, now);
  });
}

/**
 * An import laid over the map instead of beside it: existing entries to update in place, and
 * what to add. A pure planner makes it (`planKumuMerge` in kumuMerge.ts) so the page can say
 * what will happen ("Update 12 existing elements, add 3 new") before anything is written.
 */
export interface MapMerge {
  elementUpdates: readonly { id: string; patch: ElementPatch }[];
  connectionUpdates: readonly { id: string; patch: ConnectionPatch }[];
  /**
   * New entries with fresh ids; their connections may end at existing elements. Loop notes are
   * written whole: new ones, and existing ones with the import's words laid over them.
   */
  additions: MapData;
}

/**
 * Applies a merge in one step (one undo step, one update). Everything is checked first (the
 * entries to update are still there, every patch and new entry is valid, the map stays within
 * its limits), because a transaction that throws half-way keeps the writes before the throw.
 *
 * @example
 * const plan = planKumuMerge(readMap(doc), imported.map);
 * applyMapMerge(doc, { ...plan, additions: placeMapData(readMap(doc), plan.additions) }, actor);
 */
export function applyMapMerge(doc: Y.Doc, merge: MapMerge, actor: Actor, now = new Date()): void {
  const { elements, connections, groups } = roots(doc);
  const gone = 'was deleted meanwhile (someone else removed it). Import the file again to see what it would change now.';
  const writes: ((actor: Actor, now: Date) => void)[] = [];
  for (const { id, patch } of merge.elementUpdates) {
    const element = elements.get(id);
    if (!(element instanceof Y.Map)) throw new RangeError(`An element this import updates ${gone}`);
    writes.push(elementPatchWriter(element as Fields, patch));
  }
  for (const { id, patch } of merge.connectionUpdates) {
    const connection = connections.get(id);
    if (!(connection instanceof Y.Map)) throw new RangeError(`A connection this import updates ${gone}`);
    writes.push(connectionPatchWriter(connection as Fields, patch));
  }
  const { additions } = merge;
  const added = new Set(additions.elements.map((e) => e.id));
  for (const e of additions.elements) {
    if (elements.has(e.id)) throw new RangeError(`There is already an element ${e.id}.`);
    elementFields(e);
  }
  for (const c of additions.connections) {
    for (const end of [c.from, c.to]) if (!added.has(end) && !(elements.get(end) instanceof Y.Map)) throw new RangeError(`An element this import connects to ${gone}`);
    if (connections.has(c.id)) throw new RangeError(`There is already a connection ${c.id}.`);
    connectionContent(c);
    newFieldsMap(c.fields);
  }
  for (const g of additions.groups) if (groups.has(g.id)) throw new RangeError(`There is already a group ${g.id}.`);
  for (const n of additions.loopNotes) {
    text(n.name, MAP_LIMITS.labelMax, 'A loop name');
    text(n.note, MAP_LIMITS.descriptionMax, 'A note');
  }
  if (elements.size + additions.elements.length > MAP_LIMITS.elementsMax) throw new RangeError(`A map can have at most ${MAP_LIMITS.elementsMax} elements.`);
  if (connections.size + additions.connections.length > MAP_LIMITS.connectionsMax) {
    throw new RangeError(`A map can have at most ${MAP_LIMITS.connectionsMax} connections.`);
  }
  doc.transact(() => {
    for (const write of writes) write(actor, now);
    addMapData(doc, additions, actor, now);
  });
}

/** Makes `target` hold exactly `entries` (by key), writing only the values that differ. */
function syncEntries<T, V>(target: Y.Map<V>, entries: readonly T[], keyOf: (entry: T) => string, write: (entry: T, existing: V | undefined) => V): void {
  const keep = new Set(entries.map(keyOf));
  for (const key of [...target.keys()]) if (!keep.has(key)) target.delete(key);
  for (const entry of entries) {
    const existing = target.get(keyOf(entry));
    const value = write(entry, existing);
    if (value !== existing) target.set(keyOf(entry), value);
  }
}

/**
 * The entry's Y.Map with the fields of `entry` (but those in `leaveOut`) written where they
 * differ; a new Y.Map when there is none.
 */
function fieldsInto(existing: unknown, entry: object, leaveOut: readonly string[] = ['id'], optional: readonly string[] = []): Fields {
  const fields = Object.entries(entry).filter(([key]) => !leaveOut.includes(key));
  // A new Y.Map is not in the doc yet: it may be written, but reading it only warns.
  if (!(existing instanceof Y.Map)) {
    const created = new Y.Map<unknown>();
    for (const [key, value] of fields) created.set(key, value);
    return created;
  }
  const target = existing as Fields;
  for (const [key, value] of fields) {
    if (JSON.stringify(target.get(key)) !== JSON.stringify(value)) target.set(key, value);
  }
  // Optional properties are left out of plain data when they hold the default: clear them here.
  for (const key of optional) if (!(key in entry) && target.has(key)) target.delete(key);
  return target;
}

/**
 * Makes an entry's custom fields equal to `fields` (none when undefined), writing only what
 * differs. `fresh`: the entry is a new Y.Map, not yet in the doc, which must not be read.
 */
function syncFields(target: Fields, fields: CustomFields | undefined, fresh: boolean): void {
  // Unchecked: the data is a map as read (a saved version), which is restored as it was.
  const names = Object.keys(fields ?? {});
  const filled = () => {
    const map = new Y.Map<string>();
    for (const name of names) map.set(name, (fields as CustomFields)[name] as string);
    return map;
  };
  if (fresh) {
    if (names.length > 0) target.set('fields', filled());
    return;
  }
  const existing = target.get('fields');
  if (!(existing instanceof Y.Map)) {
    if (names.length > 0) target.set('fields', filled());
    else if (target.has('fields')) target.delete('fields');
    return;
  }
  const map = existing as Y.Map<unknown>;
  const want = fields ?? {};
  for (const name of [...map.keys()]) if (!(name in want)) map.delete(name);
  for (const [name, value] of Object.entries(want)) if (map.get(name) !== value) map.set(name, value);
}

/** A plain value, kept as it is when it already reads the same (no write, no new Yjs item). */
const sameOr = <V>(existing: V | undefined, value: V): V => (existing !== undefined && JSON.stringify(existing) === JSON.stringify(value) ? existing : value);

/**
 * Makes the map equal to `data` in one step (a saved version restored; an old version rebuilt
 * as a doc of its own), keeping every entry's attribution as `data` has it: an element someone
 * else added comes back with its original `created`. Only what differs is written, so entries
 * unchanged since keep their Yjs items and nobody's concurrent edit of them is overwritten.
 * Comments are not part of the map's content and stay as they are.
 *
 * @example
 * replaceMapData(doc, versionMap) // readMap(doc) now equals versionMap
 */
export function replaceMapData(doc: Y.Doc, data: MapData): void {
  const r = roots(doc);
  doc.transact(() => {
    // Plain copies of each entry (`plainElement`, …): stray properties of the data are not written.
    syncEntries(r.groups, data.groups, (g) => g.id, (g, existing) => fieldsInto(existing, plainGroup(g)));
    // Custom fields are nested Y.Maps, synced name by name like agencies' views.
    syncEntries(r.elements, data.elements, (e) => e.id, (e, existing) => {
      const element = plainElement(e);
      const target = fieldsInto(existing, element, ['id', 'fields']);
      syncFields(target, element.fields, !(existing instanceof Y.Map));
      return target;
    });
    syncEntries(r.connections, data.connections, (c) => c.id, (c, existing) => {
      const connection = plainConnection(c);
      const views = existing instanceof Y.Map ? existing.get('views') : undefined;
      let target: Fields;
      if (!(existing instanceof Y.Map) || !(views instanceof Y.Map)) {
        const fresh = new Y.Map<PolarityView>();
        for (const v of connection.views) fresh.set(v.organisation, v);
        target = fieldsInto(existing, { ...connection, views: fresh }, ['id', 'fields'], ['direction']);
      } else {
        syncEntries(views as Y.Map<PolarityView>, connection.views, (v) => v.organisation, (v, was) => sameOr(was, v));
        target = fieldsInto(existing, connection, ['id', 'views', 'fields'], ['direction']);
      }
      syncFields(target, connection.fields, !(existing instanceof Y.Map));
      return target;
    });
    syncEntries(r.loopNotes, data.loopNotes, (n) => n.key, (n, was) => sameOr(was, plainLoopNote(n)));
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readAttribution(value: unknown): Attribution {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    userId: isString(v.userId) ? v.userId : '',
    name: isString(v.name) ? v.name : 'Someone',
    organisation: isString(v.organisation) ? v.organisation : '',
    at: isString(v.at) ? v.at : new Date(0).toISOString(),
  };
}

function readElement(id: string, m: Fields): MapElement | null {
  const kind = m.get('kind');
  const label = m.get('label');
  const x = m.get('x');
  const y = m.get('y');
  if (!ELEMENT_KINDS.includes(kind as ElementKind) || !isString(label) || !isNumber(x) || !isNumber(y)) return null;
  const tags = m.get('tags');
  const groupId = m.get('groupId');
  const fields = readFields(m.get('fields'));
  return {
    id,
    kind: kind as ElementKind,
    label,
    description: isString(m.get('description')) ? (m.get('description') as string) : '',
    tags: Array.isArray(tags) ? tags.filter(isString) : [],
    agency: isString(m.get('agency')) ? (m.get('agency') as string) : '',
    x,
    y,
    groupId: isString(groupId) ? groupId : null,
    ...(fields ? { fields } : {}),
    created: readAttribution(m.get('created')),
    updated: readAttribution(m.get('updated')),
  };
}

function readViews(value: unknown): PolarityView[] {
  if (!(value instanceof Y.Map)) return [];
  const out: PolarityView[] = [];
  for (const [organisation, view] of value as Y.Map<unknown>) {
    const polarity = (view as { polarity?: unknown } | null)?.polarity;
    if (!POLARITIES.includes(polarity as Polarity)) continue;
    out.push({ organisation, polarity: polarity as Polarity, by: readAttribution((view as { by?: unknown }).by) });
  }
  return out.sort((a, b) => a.organisation.localeCompare(b.organisation));
}

/**
 * One connection as stored, or null when malformed. Whether its ends exist is for the caller to
 * check (`readMap` drops a connection whose end was deleted concurrently).
 */
function readConnection(id: string, m: Fields): MapConnection | null {
  const from = m.get('from');
  const to = m.get('to');
  const polarity = m.get('polarity');
  if (!isString(from) || !isString(to)) return null;
  const confidence = m.get('confidence');
  const direction = m.get('direction');
  const fields = readFields(m.get('fields'));
  return {
    id,
    from,
    to,
    // Anything but the two stored values reads as the default, directed.
    ...(direction === 'mutual' || direction === 'undirected' ? { direction } : {}),
    polarity: POLARITIES.includes(polarity as Polarity) ? (polarity as Polarity) : '?',
    delay: m.get('delay') === true,
    confidence: CONFIDENCES.includes(confidence as Confidence) ? (confidence as Confidence) : null,
    label: isString(m.get('label')) ? (m.get('label') as string) : '',
    evidence: isString(m.get('evidence')) ? (m.get('evidence') as string) : '',
    views: readViews(m.get('views')),
    ...(fields ? { fields } : {}),
    created: readAttribution(m.get('created')),
    updated: readAttribution(m.get('updated')),
  };
}

function readGroup(id: string, m: Fields): MapGroup | null {
  const [x, y, width, height] = ['x', 'y', 'width', 'height'].map((k) => m.get(k));
  if (!isNumber(x) || !isNumber(y) || !isNumber(width) || !isNumber(height)) return null;
  return {
    id,
    label: isString(m.get('label')) ? (m.get('label') as string) : '',
    x,
    y,
    width,
    height,
    created: readAttribution(m.get('created')),
    updated: readAttribution(m.get('updated')),
  };
}

function readLoopNote(key: string, note: unknown): LoopNote | null {
  const n = note as Partial<Record<keyof LoopNote, unknown>> | null | undefined;
  if (!n || !isString(n.name) || !isString(n.note)) return null;
  return { key, name: n.name, note: n.note, ...(n.marker === true ? { marker: true as const } : {}), updated: readAttribution(n.updated) };
}

/**
 * Reading one entry of a map root: the plain object, or null when it is malformed. Shared by
 * `readMap` and the incremental reader (`reader.ts`), so both apply the same rules; what
 * depends on other entries (dangling connections, deleted groups) is left to them.
 */
export const readEntry = {
  elements: (id: string, value: unknown): MapElement | null => (value instanceof Y.Map ? readElement(id, value as Fields) : null),
  connections: (id: string, value: unknown): MapConnection | null => (value instanceof Y.Map ? readConnection(id, value as Fields) : null),
  groups: (id: string, value: unknown): MapGroup | null => (value instanceof Y.Map ? readGroup(id, value as Fields) : null),
  loopNotes: readLoopNote,
} as const;

/** The order `readMap` returns entries in (by id, or a loop note's key; code units, not locale). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byId = <T extends { id: string }>(a: T, b: T) => compareIds(a.id, b.id);

/** An element whose group is not on the map (deleted concurrently) is simply ungrouped. */
export function withoutMissingGroup(element: MapElement, groupIds: { has(id: string): boolean }): MapElement {
  return element.groupId && !groupIds.has(element.groupId) ? { ...element, groupId: null } : element;
}

/** A connection is part of the map only while both its ends are (an end may be deleted concurrently). */
export function connectsElements(connection: MapConnection, elementIds: { has(id: string): boolean }): boolean {
  return elementIds.has(connection.from) && elementIds.has(connection.to);
}

/**
 * The whole map as plain data, sorted by id so equal docs read equal. For a map that is read
 * again on every change, `createMapReader` (`reader.ts`) gives the same result incrementally.
 */
export function readMap(doc: Y.Doc): MapData {
  const r = roots(doc);
  const groups: MapGroup[] = [];
  for (const [id, m] of r.groups) {
    const group = readEntry.groups(id, m);
    if (group) groups.push(group);
  }
  const groupIds = new Set(groups.map((g) => g.id));
  const elements: MapElement[] = [];
  for (const [id, m] of r.elements) {
    const element = readEntry.elements(id, m);
    if (element) elements.push(withoutMissingGroup(element, groupIds));
  }
  const elementIds = new Set(elements.map((e) => e.id));
  const connections: MapConnection[] = [];
  for (const [id, m] of r.connections) {
    const connection = readEntry.connections(id, m);
    if (connection && connectsElements(connection, elementIds)) connections.push(connection);
  }
  const loopNotes: LoopNote[] = [];
  for (const [key, note] of r.loopNotes) {
    const loopNote = readEntry.loopNotes(key, note);
    if (loopNote) loopNotes.push(loopNote);
  }
  loopNotes.sort((a, b) => compareIds(a.key, b.key));
  return { elements: elements.sort(byId), connections: connections.sort(byId), groups: groups.sort(byId), loopNotes };
}

/** Calls `onChange` after any change to the map, from anyone; returns the unsubscribe. */
export function observeMap(doc: Y.Doc, onChange: () => void): () => void {
  const types = mapUndoScope(doc);
  for (const type of types) type.observeDeep(onChange);
  return () => {
    for (const type of types) type.unobserveDeep(onChange);
  };
}
