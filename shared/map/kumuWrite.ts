/**
 * A map as Kumu's sheets, as tables of cells that the file formats write out (CSV text, a
 * workbook): Elements, Connections, and Loops for the names and notes of loops.
 *
 * Written so that importing the sheets back into the original Kumu project updates what is
 * there instead of adding duplicates: Kumu matches rows to elements by label and type (or by
 * ID) and connections by their ends and type, so each element and connection is written with
 * the Type and ID it came with (the fields "Kumu type" and "Kumu ID", see kumuVocabulary.ts),
 * and a mutual connection as one row with Direction "mutual".
 *
 * Our own fields travel in columns of their own: `Agency`, `X`, `Y` on elements; `Polarity`,
 * `Delay`, `Confidence`, `Evidence` on connections. Custom fields follow as further columns.
 * Groups, attributions and agencies' polarity views have no place in Kumu's sheets; our JSON
 * format (`json.ts`) keeps them.
 */
import { parseLoopKey } from './loops.js';
import { connectionDirection, type MapData } from './model.js';
import {
  KUMU_ID_FIELD,
  LIST_SEPARATOR,
  cleanList,
  kumuConnectionType,
  kumuElementType,
  otherFields,
} from './kumuVocabulary.js';
import { CONNECTION_COLUMNS, ELEMENT_COLUMNS, LOOP_COLUMNS } from './kumuRead.js';

/** A cell as written: text, or a number (a position), which a workbook keeps as a number. */
export type Cell = string | number;

export interface Table {
  header: string[];
  rows: Cell[][];
}

export interface KumuTables {
  elements: Table;
  connections: Table;
  loops: Table;
}

/**
 * The map as Kumu's three sheets. Elements are named by label in From, To and a loop's
 * Elements; when labels cannot name them (two the same, ignoring case; an empty label; a "|",
 * which Kumu reads as a list) they are named by ID, as Kumu documents. An ID column is written
 * then, or whenever an element came with a Kumu ID. Connections and loops whose elements are
 * missing from the map are left out, since no row could name them.
 *
 * @example
 * kumuTables(map).connections.header // ['From', 'To', 'Type', 'Direction', 'Label', 'Polarity', …]
 */
export function kumuTables(map: MapData): KumuTables {
  const labels = map.elements.map((e) => e.label.trim());
  const useIds = !labelsNameElements(labels);
  const kumuIds = uniqueValues(map.elements.map((e) => e.fields?.[KUMU_ID_FIELD]?.trim() ?? ''));
  // Our ids stand in where there is no Kumu ID, unless one would read as another element's Kumu ID.
  const taken = new Set(kumuIds.filter((id) => id !== ''));
  const idCells = map.elements.map((e, i) => kumuIds[i] || (useIds && !taken.has(e.id) ? e.id : ''));
  const hasIdColumn = useIds || idCells.some((id) => id !== '');
  const refs = new Map(map.elements.map((e, i) => [e.id, useIds ? (idCells[i] as string) : (labels[i] as string)]));

  const elementFields = customColumns(map.elements, ELEMENT_COLUMNS);
  const elements: Table = {
    header: [...(hasIdColumn ? ['ID'] : []), 'Label', 'Type', 'Description', 'Tags', 'Agency', 'X', 'Y', ...elementFields.map((f) => f.column)],
    rows: map.elements.map((e, i) => [
      ...(hasIdColumn ? [idCells[i] as string] : []),
      labels[i] as string,
      kumuElementType(e),
      e.description,
      cleanList(e.tags).join(LIST_SEPARATOR),
      e.agency.trim(),
      e.x,
      e.y,
      ...elementFields.map((f) => f.value(e.fields)),
    ]),
  };

  const written = map.connections.filter((c) => refs.has(c.from) && refs.has(c.to));
  const connectionIds = uniqueValues(written.map((c) => c.fields?.[KUMU_ID_FIELD]?.trim() ?? ''));
  const hasConnectionIds = connectionIds.some((id) => id !== '');
  const connectionFields = customColumns(written, CONNECTION_COLUMNS);
  const connections: Table = {
    header: [
      ...(hasConnectionIds ? ['ID'] : []),
      'From',
      'To',
      'Type',
      'Direction',
      'Label',
      'Polarity',
      'Delay',
      'Confidence',
      'Evidence',
      ...connectionFields.map((f) => f.column),
    ],
    rows: written.map((c, i) => [
      ...(hasConnectionIds ? [connectionIds[i] as string] : []),
      refs.get(c.from) as string,
      refs.get(c.to) as string,
      kumuConnectionType(c),
      connectionDirection(c),
      c.label.trim(),
      c.polarity,
      c.delay ? 'yes' : 'no',
      c.confidence ?? '',
      c.evidence,
      ...connectionFields.map((f) => f.value(c.fields)),
    ]),
  };

  const loops: Table = { header: [...LOOP_COLUMNS], rows: [] };
  for (const note of map.loopNotes) {
    const ids = parseLoopKey(note.key)?.elementIds;
    if (!ids || ids.length === 0 || !ids.every((id) => refs.has(id))) continue;
    loops.rows.push([note.name.trim(), note.note, ids.map((id) => refs.get(id) as string).join(LIST_SEPARATOR), note.marker ? 'yes' : 'no']);
  }
  return { elements, connections, loops };
}

function labelsNameElements(labels: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const label of labels) {
    const key = label.toLowerCase();
    if (label === '' || label.includes(LIST_SEPARATOR) || seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** The values with every repeat after the first blanked: an ID names one row. */
function uniqueValues(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.map((v) => {
    if (v === '' || seen.has(v)) return '';
    seen.add(v);
    return v;
  });
}

/**
 * One column per custom field name (ignoring case, the first spelling met naming it), in the
 * order first met. A name that is one of the sheet's own columns ("Label", a field someone
 * added by hand) is written as "Label (field)", so it neither overwrites nor is read as that column.
 */
function customColumns(
  entries: readonly { fields?: Record<string, string> }[],
  known: readonly string[],
): { column: string; value: (fields: Record<string, string> | undefined) => string }[] {
  const byKey = new Map<string, { column: string; names: Set<string> }>();
  const reserved = new Set(known.map((k) => k.toLowerCase()));
  for (const entry of entries) {
    for (const [name] of otherFields(entry.fields)) {
      const key = name.toLowerCase();
      const existing = byKey.get(key);
      if (existing) existing.names.add(name);
      else byKey.set(key, { column: reserved.has(key) ? `${name} (field)` : name, names: new Set([name]) });
    }
  }
  return [...byKey.values()].map(({ column, names }) => ({
    column,
    value: (fields) => {
      for (const name of names) if (fields?.[name] !== undefined) return fields[name] as string;
      return '';
    },
  }));
}
