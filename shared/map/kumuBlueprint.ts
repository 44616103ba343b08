/**
 * Kumu's JSON "blueprints" (docs.kumu.io, "JSON / Blueprints"), in both shapes people bring:
 *
 * - written by hand or by a script, each item's data on the item itself:
 *   `{ "elements": [{ "label": "A", "type": "Letter", "tags": ["one"] }],
 *      "connections": [{ "from": "A", "to": "B", "direction": "mutual" }] }`
 * - exported from a Kumu project ("Export to JSON"), each item's data in `attributes` and
 *   connections naming their ends by the elements' `_id`:
 *   `{ "elements": [{ "_id": "elem-x8Kd2a", "attributes": { "label": "A", "element type": "Company" } }],
 *      "connections": [{ "_id": "conn-…", "from": "elem-x8Kd2a", "to": "elem-…", "direction": "directed",
 *                        "attributes": { "connection type": "++" } }] }`
 *
 * Both are turned into the rows of Kumu's sheets (an item's keys are the columns) and read by
 * the same reader as CSV and workbooks, so a blueprint gets the same checks, merging and
 * custom fields; messages name items and keys ("Connection 4, “to”: …") rather than rows.
 * A project export's loops, maps and views are not read: loops there list no elements in a
 * form this reader can rely on, and positions belong to Kumu's views.
 */
import { CONNECTION_COLUMNS, ELEMENT_COLUMNS, readKumuSheets, type KumuImportOptions, type KumuImportResult } from './kumuRead.js';
import { listed, quoted, rowList, type RowIssue, type SheetName, type SheetWords } from './kumuSheets.js';
import { LIST_SEPARATOR } from './kumuVocabulary.js';

type Item = Record<string, unknown>;

const isObject = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether parsed JSON looks like a Kumu blueprint rather than our own map file: an object with
 * an `elements` or `connections` list and no `format` of ours.
 *
 * @example
 * isKumuBlueprint({ elements: [{ label: 'A' }] }) // true
 * isKumuBlueprint({ format: 'slw-map', version: 1, map: {} }) // false
 */
export function isKumuBlueprint(value: unknown): boolean {
  return isObject(value) && !('format' in value) && (Array.isArray(value.elements) || Array.isArray(value.connections));
}

/** Keys a blueprint uses for a sheet's columns, beyond the column's own name. */
const SYNONYMS: Record<'elements' | 'connections', Record<string, string>> = {
  elements: { 'element type': 'Type', type: 'Type', _id: 'ID', id: 'ID' },
  connections: { 'connection type': 'Type', type: 'Type', _id: 'ID', id: 'ID', delayed: 'Delay' },
};

/** An item's keys and values: the item itself when hand-written, its `attributes` (and ends) when exported by Kumu. */
function itemData(item: unknown, sheet: 'elements' | 'connections'): Item {
  if (!isObject(item)) return {};
  if (!isObject(item.attributes)) return item;
  const data: Item = { ...item.attributes };
  for (const key of ['_id', 'id', ...(sheet === 'connections' ? ['from', 'to', 'direction', 'delayed'] : [])]) {
    if (item[key] !== undefined && data[key] === undefined) data[key] = item[key];
  }
  return data;
}

/** A value as a cell: lists joined with "|" as Kumu's sheets write them; structured values cannot be one. */
function cellOf(value: unknown): string | null {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String).join(LIST_SEPARATOR);
  return null;
}

/** One list of the blueprint as sheet rows: a header row (0) naming the columns, then one row per item. */
function toRows(
  items: readonly unknown[],
  sheet: 'elements' | 'connections',
  known: readonly string[],
  required: readonly string[],
  keyOf: Map<string, string>,
  skipped: Map<string, number>,
): { row: number; cells: string[] }[] {
  const columnOf = new Map<string, string>();
  // The required columns are always there, so a missing label is "Element 3, “label”: empty", not a missing column.
  const columns: string[] = [...required];
  for (const c of required) keyOf.set(c, c.toLowerCase());
  const assigned = new Set<string>();
  const datas = items.map((item) => itemData(item, sheet));
  for (const data of datas) {
    for (const key of Object.keys(data)) {
      if (columnOf.has(key)) continue;
      const lower = key.toLowerCase();
      let column = SYNONYMS[sheet][lower] ?? known.find((k) => k.toLowerCase() === lower) ?? key;
      // A second key for a column already taken ("type" beside "element type") is kept as a field of its own.
      if (assigned.has(column.toLowerCase())) column = `${key} (attribute)`;
      assigned.add(column.toLowerCase());
      columnOf.set(key, column);
      if (!columns.includes(column)) columns.push(column);
      keyOf.set(column, key);
    }
  }
  const rows = [{ row: 0, cells: columns }];
  datas.forEach((data, i) => {
    const cells = columns.map(() => '');
    for (const [key, value] of Object.entries(data)) {
      const cell = cellOf(key === 'delayed' && typeof value === 'boolean' ? (value ? 'yes' : 'no') : value);
      if (cell === null) skipped.set(key, (skipped.get(key) ?? 0) + 1);
      else cells[columns.indexOf(columnOf.get(key) as string)] = cell;
    }
    rows.push({ row: i + 1, cells });
  });
  return rows;
}

/**
 * Reads a Kumu blueprint into a new map, as `importKumuCsv` reads Kumu's sheets.
 *
 * @example
 * const result = importKumuBlueprint(text, { newId, by });
 * if (!result.ok) show(result.errors); // "Connection 4, “to”: 'elem-9' is not an element in the file’s elements."
 */
export function importKumuBlueprint(text: string, options: KumuImportOptions): KumuImportResult {
  const fail = (message: string): KumuImportResult => ({ ok: false, errors: [{ sheet: 'elements', row: 1, message }] });
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(`This file is not valid JSON (${(error as Error).message}).`);
  }
  if (!isKumuBlueprint(value)) {
    return fail('This JSON is not a Kumu blueprint: it should be an object with an "elements" list, a "connections" list, or both.');
  }
  const file = value as Item;
  const elements = Array.isArray(file.elements) ? file.elements : [];
  const connections = Array.isArray(file.connections) ? file.connections : [];

  const keys: Record<'elements' | 'connections', Map<string, string>> = { elements: new Map(), connections: new Map() };
  const skipped: Record<'elements' | 'connections', Map<string, number>> = { elements: new Map(), connections: new Map() };
  const nouns: Record<SheetName, string> = { elements: 'Element', connections: 'Connection', loops: 'Loop' };
  const words: SheetWords = {
    place: (sheet, row, column) => {
      const key = column === undefined ? undefined : sheet === 'loops' ? column : (keys[sheet].get(column) ?? column);
      return `${nouns[sheet]} ${row}${key === undefined ? '' : `, “${key}”`}`;
    },
    sheet: (sheet) => `the file’s ${sheet}`,
    rows: (rows) => rowList(rows, 'item'),
  };
  const result = readKumuSheets(
    {
      elements: elements.length > 0 ? toRows(elements, 'elements', ELEMENT_COLUMNS, ['Label'], keys.elements, skipped.elements) : undefined,
      connections: connections.length > 0 ? toRows(connections, 'connections', CONNECTION_COLUMNS, ['From', 'To'], keys.connections, skipped.connections) : undefined,
    },
    options,
    words,
  );
  if (!result.ok) return result;

  const notes: RowIssue[] = [];
  for (const sheet of ['elements', 'connections'] as const) {
    if (skipped[sheet].size === 0) continue;
    notes.push({
      sheet,
      row: 1,
      message: `Some of the file’s ${sheet} hold structured data (lists of lists, or objects) in ${quoted([...skipped[sheet].keys()])}, which has no place in a field, so it was not imported.`,
    });
  }
  const reversed = connections.filter((c) => isObject(c) && c.reversed === true).length;
  if (reversed > 0) {
    notes.push({ sheet: 'connections', row: 1, message: `${reversed} of the file’s connections are marked “reversed”; they were read from “from” to “to” as written. Check their arrows.` });
  }
  const others = ['loops', 'maps', 'perspectives'].filter((k) => Array.isArray(file[k]) && (file[k] as unknown[]).length > 0);
  if (others.length > 0) {
    notes.push({
      sheet: 'loops',
      row: 1,
      message: `The file’s ${listed(others)} were not imported: only elements and connections are read from a Kumu blueprint. Name the loops again in the loops panel.`,
    });
  }
  return { ...result, warnings: [...result.warnings, ...notes] };
}
