/**
 * Breakouts: each group works in its own copy of a map, made from the main map when the
 * breakout starts (ids kept), so what a group did is the difference between the map as it was
 * then (the base) and the group's copy. The facilitator compares each group's changes with the
 * main map and merges the chosen ones into it. Pure: the server reads the maps and writes the
 * plan; the page shows the same changes.
 */
import type { ConnectionPatch, ElementPatch } from '../map/doc.js';
import type { MapConnection, MapData, MapElement } from '../map/model.js';

export type BreakoutChangeKind = 'added' | 'changed' | 'removed';

export interface BreakoutChange {
  /** What it is about: an element or a connection, by id (the same in every copy). */
  target: 'element' | 'connection';
  id: string;
  change: BreakoutChangeKind;
  /** How people know it: an element's label, a connection's "from → to". */
  label: string;
  /** For a change: the fields the group changed. */
  fields: string[];
}

const ELEMENT_FIELDS = ['kind', 'label', 'description', 'tags', 'agency'] as const satisfies readonly (keyof MapElement)[];
const CONNECTION_FIELDS = ['polarity', 'delay', 'confidence', 'label', 'evidence'] as const satisfies readonly (keyof MapConnection)[];

function differing<T>(a: T, b: T, fields: readonly (keyof T)[]): string[] {
  return fields.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f])).map(String);
}

function connectionLabel(c: Pick<MapConnection, 'from' | 'to'>, ...maps: MapData[]): string {
  const name = (id: string) => maps.map((m) => m.elements.find((e) => e.id === id)?.label).find(Boolean) ?? '?';
  return `${name(c.from)} → ${name(c.to)}`;
}

/**
 * What a group changed, against the base: elements and connections added, changed (content,
 * not position) and removed; elements first.
 *
 * @example
 * breakoutChanges(base, groupCopy) // [{ target: 'element', id: 'e9', change: 'added', label: 'Bus pass', fields: [] }, …]
 */
export function breakoutChanges(base: MapData, group: MapData): BreakoutChange[] {
  const out: BreakoutChange[] = [];
  const baseElements = new Map(base.elements.map((e) => [e.id, e]));
  const groupElements = new Map(group.elements.map((e) => [e.id, e]));
  for (const e of group.elements) {
    const before = baseElements.get(e.id);
    if (!before) out.push({ target: 'element', id: e.id, change: 'added', label: e.label, fields: [] });
    else {
      const fields = differing(before, e, ELEMENT_FIELDS);
      if (fields.length) out.push({ target: 'element', id: e.id, change: 'changed', label: e.label, fields });
    }
  }
  for (const e of base.elements) if (!groupElements.has(e.id)) out.push({ target: 'element', id: e.id, change: 'removed', label: e.label, fields: [] });

  const baseConnections = new Map(base.connections.map((c) => [c.id, c]));
  const groupConnections = new Map(group.connections.map((c) => [c.id, c]));
  for (const c of group.connections) {
    const before = baseConnections.get(c.id);
    if (!before) out.push({ target: 'connection', id: c.id, change: 'added', label: connectionLabel(c, group), fields: [] });
    else {
      const fields = differing(before, c, CONNECTION_FIELDS);
      if (fields.length) out.push({ target: 'connection', id: c.id, change: 'changed', label: connectionLabel(c, group), fields });
    }
  }
  for (const c of base.connections) {
    if (!groupConnections.has(c.id)) out.push({ target: 'connection', id: c.id, change: 'removed', label: connectionLabel(c, base), fields: [] });
  }
  return out;
}

/** What merging the chosen changes does to the main map, and what it cannot do, with why. */
export interface MergePlan {
  addElements: MapElement[];
  addConnections: MapConnection[];
  updateElements: { id: string; patch: ElementPatch }[];
  updateConnections: { id: string; patch: ConnectionPatch }[];
  removeElements: string[];
  removeConnections: string[];
  skipped: { id: string; label: string; reason: string }[];
}

/**
 * The plan for merging the changes with ids in `chosen` from a group's copy into the main map
 * as it is now: an added element not yet there is added where the group put it; a change is
 * applied to the field the group changed if the main map still has it; a connection goes in only
 * when both its ends are in the main map or are being added; a removal takes it out (and its
 * connections with it, as deleting an element does).
 *
 * @example
 * planMerge(main, groupCopy, breakoutChanges(base, groupCopy), new Set(['e9', 'c4']))
 */
export function planMerge(main: MapData, group: MapData, changes: readonly BreakoutChange[], chosen: ReadonlySet<string>): MergePlan {
  const plan: MergePlan = { addElements: [], addConnections: [], updateElements: [], updateConnections: [], removeElements: [], removeConnections: [], skipped: [] };
  const inMain = new Set(main.elements.map((e) => e.id));
  const connectionsInMain = new Set(main.connections.map((c) => c.id));
  const picked = changes.filter((c) => chosen.has(c.id));
  const skip = (c: BreakoutChange, reason: string) => plan.skipped.push({ id: c.id, label: c.label, reason });

  for (const c of picked.filter((x) => x.target === 'element')) {
    const element = group.elements.find((e) => e.id === c.id);
    if (c.change === 'added') {
      if (inMain.has(c.id)) skip(c, 'it is on the main map already');
      else if (element) plan.addElements.push(element);
    } else if (c.change === 'changed') {
      if (!inMain.has(c.id) || !element) skip(c, 'it is no longer on the main map');
      else plan.updateElements.push({ id: c.id, patch: Object.fromEntries(c.fields.map((f) => [f, element[f as keyof MapElement]])) as ElementPatch });
    } else if (inMain.has(c.id)) plan.removeElements.push(c.id);
    else skip(c, 'it is no longer on the main map');
  }

  const ends = new Set([...inMain, ...plan.addElements.map((e) => e.id)]);
  for (const id of plan.removeElements) ends.delete(id);
  for (const c of picked.filter((x) => x.target === 'connection')) {
    const connection = group.connections.find((x) => x.id === c.id);
    if (c.change === 'added') {
      if (connectionsInMain.has(c.id)) skip(c, 'it is on the main map already');
      else if (connection && ends.has(connection.from) && ends.has(connection.to)) plan.addConnections.push({ ...connection, views: [] });
      else skip(c, 'one of its ends is not on the main map: choose that element too');
    } else if (c.change === 'changed') {
      if (!connectionsInMain.has(c.id) || !connection) skip(c, 'it is no longer on the main map');
      else plan.updateConnections.push({ id: c.id, patch: Object.fromEntries(c.fields.map((f) => [f, connection[f as keyof MapConnection]])) as ConnectionPatch });
    } else if (connectionsInMain.has(c.id)) plan.removeConnections.push(c.id);
    else skip(c, 'it is no longer on the main map');
  }
  return plan;
}
