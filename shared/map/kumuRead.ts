/**
 * Kumu's sheets (as rows of text, see `kumuSheets.ts`) read into a new map, the same for CSV,
 * workbooks and JSON blueprints.
 *
 * What Kumu does, we do: rows with the same label and type (or the same ID) are one element,
 * the later rows filling what the first left empty and adding their tags; a "|" in To makes a
 * connection to each element named; a Connections sheet on its own makes its elements from
 * the labels in From and To. What our model has no place for is kept rather than dropped:
 * other columns become custom fields, a Type that is not one of our kinds or a polarity is
 * kept in the field "Kumu type" (see `kumuVocabulary.ts`), a direction in `direction`.
 * Connections have no tags in our model, so a Connections sheet's Tags column is kept as the
 * custom field "Tags" (still "|"-separated) and written back as that column: nothing is lost,
 * and filtering connections by tag can come later without changing files.
 *
 * Every problem is reported with its sheet, row and column, all of them in one pass, and a map
 * is returned only when there are none, so nothing half-imports.
 */
import type { ImportResult } from './json.js';
import { loopKey, loopOnMap } from './loops.js';
import {
  CONFIDENCES,
  ELEMENT_KIND_LABELS,
  MAP_LIMITS,
  type Attribution,
  type CustomFields,
  type ElementKind,
  type LoopNote,
  type MapConnection,
  type MapData,
  type MapElement,
  type Polarity,
} from './model.js';
import {
  Issues,
  RowGroups,
  SPREADSHEET_WORDS,
  byPlace,
  count,
  listed,
  readColumns,
  tooLong,
  type Row,
  type RowIssue,
  type Sheet,
  type SheetName,
  type SheetRows,
  type SheetWords,
} from './kumuSheets.js';
import {
  KUMU_ID_FIELD,
  KUMU_TYPE_FIELD,
  LIST_SEPARATOR,
  booleanOf,
  cleanList,
  directionOf,
  isDefaultConnectionType,
  kindForType,
  polarityOf,
} from './kumuVocabulary.js';

export const ELEMENT_COLUMNS = ['ID', 'Label', 'Type', 'Description', 'Tags', 'Agency', 'X', 'Y'] as const;
export const CONNECTION_COLUMNS = ['ID', 'From', 'To', 'Type', 'Direction', 'Label', 'Description', 'Polarity', 'Delay', 'Confidence', 'Evidence'] as const;
export const LOOP_COLUMNS = ['Label', 'Description', 'Elements', 'Marker'] as const;
export type ElementColumn = (typeof ELEMENT_COLUMNS)[number];
export type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];
export type LoopColumn = (typeof LOOP_COLUMNS)[number];

/** Room for the two fields of Kumu's own (`Kumu type`, `Kumu ID`) besides a sheet's other columns. */
const CUSTOM_COLUMNS_MAX = MAP_LIMITS.fieldsMax - 2;

export interface KumuImportOptions {
  /** Makes each element's and connection's id (`newId` from shared/ids.ts). */
  newId: () => string;
  /** Recorded as who created and last changed everything imported. */
  by: Attribution;
}

/** What an import did, for the page to tell people beyond the warnings. */
export interface KumuImportSummary {
  elements: number;
  connections: number;
  /** Named loops (from a Loops sheet). */
  loops: number;
  /** Element rows folded into an earlier row with the same label and type (or ID), as Kumu does. */
  mergedRows: number;
  /** Elements made from the labels in From and To, when there was no Elements sheet. */
  madeFromConnections: number;
  /** The custom fields kept (other columns with at least one value), by sheet. */
  fields: { elements: string[]; connections: string[] };
  /** Element types that are none of our kinds exactly, with the kind each became. */
  typesMapped: { type: string; kind: ElementKind; rows: number }[];
}

/** An `ImportResult` (what the page and the import API take) with a summary of what was read. */
export type KumuImportResult = (ImportResult<RowIssue> & { ok: true; summary: KumuImportSummary }) | (ImportResult<RowIssue> & { ok: false });

/** Kumu's sheets as rows; any may be missing (a Connections sheet alone is a map too). */
export interface KumuSheets {
  elements?: SheetRows;
  connections?: SheetRows;
  loops?: SheetRows;
}

/**
 * Reads Kumu's sheets into a new map: fresh ids, `by` as creator, positions from `X`/`Y` or
 * else a circle (small maps) or grid. `words` says how messages name places (sheet and row, or
 * a JSON file's lists).
 *
 * @example
 * readKumuSheets({ elements: [{ row: 1, cells: ['Label'] }, { row: 2, cells: ['Footfall'] }] }, { newId, by })
 * // { ok: true, map: { elements: [{ label: 'Footfall', … }], … }, warnings: [], summary: { elements: 1, … } }
 */
export function readKumuSheets(sheets: KumuSheets, options: KumuImportOptions, words: SheetWords = SPREADSHEET_WORDS): KumuImportResult {
  const issues = new Issues(words);
  const hasRows = (rows: SheetRows | undefined): rows is SheetRows => rows !== undefined && rows.some((r) => r.cells.some((c) => c.trim() !== ''));
  if (!hasRows(sheets.elements) && !hasRows(sheets.connections)) {
    issues.error(
      'elements',
      1,
      undefined,
      sheets.elements === undefined && sheets.connections === undefined
        ? 'there is no Elements or Connections sheet. Choose Kumu’s sheets: Elements (with a Label column), Connections (with From and To), or both.'
        : `${words.sheet('elements')} is empty. Its first row should name the columns, starting with Label.`,
    );
    return { ok: false, errors: issues.errors };
  }

  const elementSheet = hasRows(sheets.elements) ? readColumns('elements', sheets.elements, ELEMENT_COLUMNS, ['Label'], CUSTOM_COLUMNS_MAX, issues) : null;
  const connectionSheet = hasRows(sheets.connections)
    ? readColumns('connections', sheets.connections, CONNECTION_COLUMNS, ['From', 'To'], CUSTOM_COLUMNS_MAX, issues)
    : null;
  const loopSheet = hasRows(sheets.loops) ? readColumns('loops', sheets.loops, LOOP_COLUMNS, ['Elements'], 0, issues) : null;

  let read: ReadElements | null = null;
  if (elementSheet) read = readElements(elementSheet, options, issues);
  else if (!hasRows(sheets.elements) && connectionSheet) read = elementsFromConnections(connectionSheet, options, issues);

  const connections = read && connectionSheet ? readConnections(connectionSheet, read.names, options, issues) : { connections: [], fields: [] };
  const partial: MapData = { elements: read?.elements ?? [], connections: connections.connections, groups: [], loopNotes: [] };
  const loopNotes = read && loopSheet ? readLoops(loopSheet, read.names, partial, options, issues) : [];

  if (issues.errors.length > 0 || read === null) return { ok: false, errors: issues.errors.sort(byPlace) };
  return {
    ok: true,
    map: { ...partial, loopNotes },
    warnings: issues.warnings.sort(byPlace),
    summary: {
      elements: read.elements.length,
      connections: connections.connections.length,
      loops: loopNotes.length,
      mergedRows: read.mergedRows,
      madeFromConnections: read.madeFromConnections,
      fields: { elements: read.fields, connections: connections.fields },
      typesMapped: read.typesMapped,
    },
  };
}

/** Refuses a sheet with more rows than a map holds, at the first row past the limit. */
function tooManyRows(sheet: SheetName, rows: readonly Row[], max: number, issues: Issues): boolean {
  const over = rows[max];
  if (over === undefined) return false;
  issues.error(sheet, over.row, undefined, `${issues.words.sheet(sheet)} has ${count(rows.length)} rows; a map holds at most ${count(max)} ${sheet}. Split it into smaller maps.`);
  return true;
}

/** The custom fields of a row: other columns' values, checked for length. */
function customFields<C extends string>(sheet: Sheet<C>, name: SheetName, r: Row, issues: Issues): CustomFields {
  const fields: CustomFields = {};
  for (const column of sheet.custom) {
    const value = sheet.customValue(r, column.index);
    if (value === '') continue;
    if (value.length > MAP_LIMITS.fieldValueMax) issues.error(name, r.row, column.name, tooLong(`the value of '${column.name}'`, value.length, MAP_LIMITS.fieldValueMax));
    fields[column.name] = value;
  }
  return fields;
}

/** The names of the custom columns that hold a value somewhere, in column order. */
function usedFields(entries: readonly { fields?: CustomFields }[], columns: readonly { name: string }[]): string[] {
  return columns.filter((c) => entries.some((e) => e.fields?.[c.name] !== undefined)).map((c) => c.name);
}

const withFields = <T extends object>(entry: T, fields: CustomFields): T => (Object.keys(fields).length > 0 ? { ...entry, fields } : entry);

// --------------------------------------------------------------------------------------------
// Elements

/** How connection and loop cells find elements: by ID (when the sheet has them), else by label. */
class ElementNames {
  readonly byId = new Map<string, string>();
  /** Lower-cased label → the ids and first rows of the elements with that label. */
  readonly byLabel = new Map<string, { id: string; row: number }[]>();
  readonly labels: string[] = [];
  private suggestionsLeft = 20; // each suggestion compares against every label; a few help, thousands stall

  addLabel(label: string, id: string, row: number): void {
    const key = label.toLowerCase();
    const same = this.byLabel.get(key);
    if (same) same.push({ id, row });
    else this.byLabel.set(key, [{ id, row }]);
    this.labels.push(label);
  }

  /** An element id, the rows of the elements sharing the label, or undefined when nothing is named so. */
  lookUp(name: string): string | { rows: number[] } | undefined {
    const byId = this.byId.get(name);
    if (byId !== undefined) return byId;
    const same = this.byLabel.get(name.toLowerCase());
    if (same === undefined) return undefined;
    return same.length === 1 ? (same[0] as { id: string }).id : { rows: same.map((s) => s.row) };
  }

  /**
   * The element ids a cell names (a "|" list names several), or null, with the problems
   * reported, when it does not name them all.
   */
  resolve(sheet: SheetName, r: Row, column: string, value: string, issues: Issues, list: boolean): string[] | null {
    const elements = issues.words.sheet('elements');
    const unique = (found: string | { rows: number[] }, name: string): found is string => {
      if (typeof found === 'string') return true;
      issues.error(sheet, r.row, column, `'${name}' is the label of ${issues.words.rows(found.rows)} in ${elements}, so it does not say which. Give the elements IDs (an ID column) and name them by ID here.`);
      return false;
    };
    const whole = this.lookUp(value);
    if (whole !== undefined) return unique(whole, value) ? [whole] : null;
    const parts = list && value.includes(LIST_SEPARATOR) ? cleanList(value.split(LIST_SEPARATOR)) : [value];
    const ids: string[] = [];
    for (const part of parts) {
      const found = this.lookUp(part);
      if (found === undefined) {
        const guess = this.suggestionsLeft-- > 0 ? closestLabel(part, this.labels) : null;
        issues.error(sheet, r.row, column, `'${part}' is not an element in ${elements}.${guess === null ? '' : ` Did you mean '${guess}'?`}`);
      } else if (unique(found, part)) ids.push(found);
    }
    return ids.length === parts.length ? ids : null;
  }
}

interface ReadElements {
  elements: MapElement[];
  names: ElementNames;
  mergedRows: number;
  madeFromConnections: number;
  fields: string[];
  typesMapped: KumuImportSummary['typesMapped'];
}

/** An element being read, and what its rows said. */
interface Draft {
  element: MapElement;
  type: string;
  position: { x: number; y: number } | null;
  rows: number[];
  /** Columns where a later row said something else; the first row's value was kept. */
  differing: Set<string>;
}

function readElements(sheet: Sheet<ElementColumn>, { newId, by }: KumuImportOptions, issues: Issues): ReadElements | null {
  const E = 'elements';
  if (tooManyRows(E, sheet.rows, MAP_LIMITS.elementsMax, issues)) return null;

  const hasIds = sheet.has('ID');
  const names = new ElementNames();
  const drafts: Draft[] = [];
  const byKey = new Map<string, Draft>();
  const mappedTypes = new RowGroups<{ kind: ElementKind; how: 'closest' | 'default' }>();

  for (const r of sheet.rows) {
    const fileId = hasIds ? sheet.line(r, 'ID') : '';
    const label = sheet.line(r, 'Label');
    const type = sheet.line(r, 'Type');

    if (label === '') issues.error(E, r.row, 'Label', 'the Label is empty; every element needs a label.');
    else if (label.length > MAP_LIMITS.labelMax) {
      issues.error(E, r.row, 'Label', `${tooLong('the label', label.length, MAP_LIMITS.labelMax)} Shorten it; the Description can hold more.`);
    }
    const description = sheet.raw(r, 'Description');
    if (description.length > MAP_LIMITS.descriptionMax) {
      issues.error(E, r.row, 'Description', tooLong('the description', description.length, MAP_LIMITS.descriptionMax));
    }
    const tags = cleanList(sheet.line(r, 'Tags').split(LIST_SEPARATOR));
    const longTag = tags.find((t) => t.length > MAP_LIMITS.tagMax);
    if (longTag !== undefined) {
      issues.error(E, r.row, 'Tags', `${tooLong(`the tag '${longTag.slice(0, 30)}…'`, longTag.length, MAP_LIMITS.tagMax)} Tags are separated by "|".`);
    }
    const agency = sheet.line(r, 'Agency');
    if (agency.length > MAP_LIMITS.agencyMax) issues.error(E, r.row, 'Agency', tooLong('the agency', agency.length, MAP_LIMITS.agencyMax));
    const x = readNumber(sheet.line(r, 'X'));
    const y = readNumber(sheet.line(r, 'Y'));
    for (const [column, value] of [['X', x], ['Y', y]] as const) {
      if (value === null) issues.error(E, r.row, column, `${column} must be a number (like 120 or -35.5), not '${sheet.line(r, column)}'.`);
    }
    const position = typeof x === 'number' && typeof y === 'number' ? { x, y } : null;

    const match = kindForType(type);
    const fields = customFields(sheet, E, r, issues);
    // Kept whenever it is not exactly our kind's name, so export writes back what Kumu had.
    if (type !== '' && type !== ELEMENT_KIND_LABELS[match.kind]) fields[KUMU_TYPE_FIELD] = type;
    if (fileId !== '') fields[KUMU_ID_FIELD] = fileId;

    // Kumu's identity for a row: its ID when it has one, else its label and type.
    const key = fileId !== '' ? `id\u0000${fileId}` : `label\u0000${label.toLowerCase()}\u0000${type.toLowerCase()}`;
    const earlier = byKey.get(key);
    if (earlier) {
      mergeRow(earlier, r.row, { label, type, description, tags, agency, position, fields });
      if (earlier.element.tags.length > MAP_LIMITS.tagsMax) {
        issues.error(E, r.row, 'Tags', `with the tags of ${issues.words.rows(earlier.rows.slice(0, -1))} (the same element) there are ${earlier.element.tags.length} tags; an element can have at most ${MAP_LIMITS.tagsMax}.`);
      }
      continue;
    }
    if (tags.length > MAP_LIMITS.tagsMax) issues.error(E, r.row, 'Tags', `there are ${tags.length} tags; an element can have at most ${MAP_LIMITS.tagsMax}.`);
    if (match.how !== 'exact') mappedTypes.add(type, r.row, { kind: match.kind, how: match.how });

    const id = newId();
    const element = withFields<MapElement>(
      { id, kind: match.kind, label, description, tags, agency, x: 0, y: 0, groupId: null, created: { ...by }, updated: { ...by } },
      fields,
    );
    const draft: Draft = { element, type, position, rows: [r.row], differing: new Set() };
    byKey.set(key, draft);
    drafts.push(draft);
    if (fileId !== '') names.byId.set(fileId, id);
    if (label !== '') names.addLabel(label, id, r.row);
  }

  let mergedRows = 0;
  for (const draft of drafts) {
    if (draft.rows.length === 1) continue;
    mergedRows += draft.rows.length - 1;
    const [first, ...later] = draft.rows as [number, ...number[]];
    const type = draft.type === '' ? '' : ` (type ${draft.type})`;
    const kept = draft.differing.size > 0 ? ` Where they differ (${listed([...draft.differing])}), row ${first}’s value was kept.` : '';
    issues.warn(
      E,
      later[0] as number,
      'Label',
      `'${draft.element.label}'${type} is also in ${issues.words.rows([first])}, so ${issues.words.rows(draft.rows)} were merged into one element, as Kumu does: later rows fill what earlier ones left empty and add their tags.${kept}`,
    );
  }

  const typesMapped: KumuImportSummary['typesMapped'] = [];
  const kinds = listed(Object.values(ELEMENT_KIND_LABELS), 'or');
  mappedTypes.each((type, rows, { kind, how }) => {
    typesMapped.push({ type, kind, rows: rows.length });
    const became =
      how === 'closest'
        ? `so ${issues.words.rows(rows)} came in as ${ELEMENT_KIND_LABELS[kind]}, the closest kind`
        : `and nothing in it says which of ${kinds} it is, so ${issues.words.rows(rows)} came in as ${ELEMENT_KIND_LABELS[kind]}`;
    issues.warn(E, rows[0] as number, 'Type', `the Type '${type}' is not one of the workspace’s kinds, ${became}. The type is kept in the field '${KUMU_TYPE_FIELD}' and written back when you export to Kumu.`);
  });

  const elements = drafts.map((d) => d.element);
  placeElements(elements, drafts.map((d) => d.position));
  return { elements, names, mergedRows, madeFromConnections: 0, fields: usedFields(elements, sheet.custom), typesMapped };
}

/** Folds a later row of the same element into it: empty values filled, tags added, differences noted. */
function mergeRow(
  draft: Draft,
  row: number,
  values: { label: string; type: string; description: string; tags: string[]; agency: string; position: { x: number; y: number } | null; fields: CustomFields },
): void {
  const e = draft.element;
  draft.rows.push(row);
  const fill = (column: string, current: string, next: string): string => {
    if (next.trim() === '' || next === current) return current;
    if (current.trim() === '') return next;
    draft.differing.add(column);
    return current;
  };
  if (values.label.toLowerCase() !== e.label.toLowerCase()) e.label = fill('Label', e.label, values.label);
  // Rows merge by label and type, or by ID: only rows sharing an ID can give two types.
  if (values.type !== '' && draft.type !== '' && values.type.toLowerCase() !== draft.type.toLowerCase()) draft.differing.add('Type');
  e.description = fill('Description', e.description, values.description);
  e.agency = fill('Agency', e.agency, values.agency);
  e.tags = cleanList([...e.tags, ...values.tags]).filter((t, i, all) => all.findIndex((u) => u.toLowerCase() === t.toLowerCase()) === i);
  if (draft.position === null) draft.position = values.position;
  else if (values.position && (values.position.x !== draft.position.x || values.position.y !== draft.position.y)) draft.differing.add('X and Y');
  const fields = { ...e.fields };
  for (const [name, value] of Object.entries(values.fields)) {
    if (name === KUMU_TYPE_FIELD || name === KUMU_ID_FIELD) continue;
    fields[name] = fill(name, fields[name] ?? '', value);
  }
  if (Object.keys(fields).length > 0) e.fields = fields;
}

/**
 * A Connections sheet chosen on its own: its elements are the labels in From and To (each
 * element of a "|" list), in the order they first appear, as factors.
 */
function elementsFromConnections(sheet: Sheet<ConnectionColumn>, { newId, by }: KumuImportOptions, issues: Issues): ReadElements {
  const names = new ElementNames();
  const elements: MapElement[] = [];
  for (const r of sheet.rows) {
    for (const column of ['From', 'To'] as const) {
      for (const label of cleanList(sheet.line(r, column).split(LIST_SEPARATOR))) {
        if (names.byLabel.has(label.toLowerCase())) continue;
        if (label.length > MAP_LIMITS.labelMax) {
          issues.error('connections', r.row, column, `${tooLong(`the label '${label.slice(0, 30)}…'`, label.length, MAP_LIMITS.labelMax)} With no Elements sheet, From and To name the elements, so they must fit as labels.`);
          continue;
        }
        if (elements.length === MAP_LIMITS.elementsMax) {
          issues.error('connections', r.row, column, `by this row the sheet names more than ${count(MAP_LIMITS.elementsMax)} elements, the most a map holds.`);
          return { elements, names, mergedRows: 0, madeFromConnections: elements.length, fields: [], typesMapped: [] };
        }
        const id = newId();
        elements.push({ id, kind: 'variable', label, description: '', tags: [], agency: '', x: 0, y: 0, groupId: null, created: { ...by }, updated: { ...by } });
        names.addLabel(label, id, r.row);
      }
    }
  }
  if (elements.length > 0) {
    issues.warn(
      'connections',
      sheet.headerRow,
      undefined,
      `there is no Elements sheet, so the ${count(elements.length)} elements were made from the labels in From and To, as ${ELEMENT_KIND_LABELS.variable}s with no description. Import the Elements sheet with it to bring their types and descriptions.`,
    );
  }
  placeElements(elements, elements.map(() => null));
  return { elements, names, mergedRows: 0, madeFromConnections: elements.length, fields: [], typesMapped: [] };
}

// --------------------------------------------------------------------------------------------
// Connections

function readConnections(
  sheet: Sheet<ConnectionColumn>,
  names: ElementNames,
  { newId, by }: KumuImportOptions,
  issues: Issues,
): { connections: MapConnection[]; fields: string[] } {
  const C = 'connections';
  if (tooManyRows(C, sheet.rows, MAP_LIMITS.connectionsMax, issues)) return { connections: [], fields: [] };
  const elements = issues.words.sheet('elements');

  const resolve = (r: Row, column: 'From' | 'To'): string[] | null => {
    const value = sheet.line(r, column);
    if (value === '') {
      issues.error(C, r.row, column, `${column} is empty; it should name an element from ${elements}.`);
      return null;
    }
    return names.resolve(C, r, column, value, issues, true);
  };

  const connections: MapConnection[] = [];
  const otherTypes = new RowGroups();
  let overLimitReported = false;

  for (const r of sheet.rows) {
    const froms = resolve(r, 'From');
    const tos = resolve(r, 'To');

    const polarityCell = sheet.line(r, 'Polarity');
    const typeCell = sheet.line(r, 'Type');
    const fromColumn = polarityCell === '' ? undefined : polarityOf(polarityCell);
    const fromType = typeCell === '' ? undefined : polarityOf(typeCell);
    if (polarityCell !== '' && fromColumn === undefined) {
      issues.error(C, r.row, 'Polarity', `the Polarity must be +, − or ? (or ++, --, +-, -+, same, opposite, positive, negative), not '${polarityCell}'.`);
    }
    if (fromColumn !== undefined && fromType !== undefined && fromType !== '?' && fromType !== fromColumn) {
      issues.warn(C, r.row, 'Polarity', `the Type says '${typeCell}' but the Polarity says '${polarityCell}'; the Polarity was used.`);
    }
    const polarity: Polarity = fromColumn ?? fromType ?? '?';

    const fields = customFields(sheet, C, r, issues);
    if (typeCell !== '' && fromType === undefined) {
      otherTypes.add(typeCell, r.row);
      fields[KUMU_TYPE_FIELD] = typeCell;
    } else if (typeCell !== '' && fromType === polarity && !isDefaultConnectionType(typeCell, polarity)) {
      // "++", "+", "Positive": written back as they were, since Kumu matches connections by type.
      fields[KUMU_TYPE_FIELD] = typeCell;
    }
    const fileId = sheet.has('ID') ? sheet.line(r, 'ID') : '';
    if (fileId !== '') fields[KUMU_ID_FIELD] = fileId;

    const delayCell = sheet.line(r, 'Delay');
    const delay = booleanOf(delayCell);
    if (delay === undefined) issues.error(C, r.row, 'Delay', `the Delay must be yes or no, not '${delayCell}'.`);

    const confidenceCell = sheet.line(r, 'Confidence').toLowerCase();
    const confidence = confidenceCell === '' ? null : CONFIDENCES.find((c) => c === confidenceCell);
    if (confidence === undefined) {
      issues.error(C, r.row, 'Confidence', `the Confidence must be ${listed([...CONFIDENCES], 'or')} (or empty), not '${sheet.line(r, 'Confidence')}'.`);
    }

    const label = sheet.line(r, 'Label');
    if (label.length > MAP_LIMITS.labelMax) issues.error(C, r.row, 'Label', tooLong('the label', label.length, MAP_LIMITS.labelMax));
    // Kumu keeps a connection's reasons in Description; ours go in Evidence. Both given: keep both.
    const description = sheet.raw(r, 'Description');
    const evidenceCell = sheet.raw(r, 'Evidence');
    const both = description.trim() !== '' && evidenceCell.trim() !== '';
    const evidence = both ? `${description}\n\n${evidenceCell}` : description.trim() !== '' ? description : evidenceCell;
    if (evidence.length > MAP_LIMITS.evidenceMax) {
      const what = both ? 'the description and evidence together are' : evidence === description ? 'the description is' : 'the evidence is';
      issues.error(C, r.row, evidence === description ? 'Description' : 'Evidence', `${what} ${evidence.length} characters long; at most ${MAP_LIMITS.evidenceMax} fit.`);
    }
    const direction = directionOf(sheet.line(r, 'Direction'));
    if (direction === undefined) {
      issues.error(C, r.row, 'Direction', `the Direction must be directed, mutual or undirected, not '${sheet.line(r, 'Direction')}'.`);
    }

    if (froms === null || tos === null || delay === undefined || confidence === undefined || direction === undefined) continue;
    for (const from of froms) {
      for (const to of tos) {
        connections.push(
          withFields<MapConnection>(
            {
              id: newId(),
              from,
              to,
              ...(direction !== 'directed' ? { direction } : {}),
              polarity,
              delay,
              confidence,
              label,
              evidence,
              views: [],
              created: { ...by },
              updated: { ...by },
            },
            { ...fields },
          ),
        );
      }
    }
    if (connections.length > MAP_LIMITS.connectionsMax && !overLimitReported) {
      overLimitReported = true;
      issues.error(C, r.row, undefined, `by this row the sheet makes more than ${count(MAP_LIMITS.connectionsMax)} connections (counting "|" lists), the most a map holds.`);
    }
  }

  otherTypes.each((type, rows) =>
    issues.warn(
      C,
      rows[0] as number,
      'Type',
      `the Type '${type}' is not a polarity (such as same, opposite, + or −), so it was kept in the field '${KUMU_TYPE_FIELD}' (${issues.words.rows(rows)}); the polarity comes from the Polarity column, or is ? (not known yet).`,
    ),
  );
  return { connections, fields: usedFields(connections, sheet.custom) };
}

// --------------------------------------------------------------------------------------------
// Loops

/**
 * A Loops sheet (written by our export; Kumu's own exports have none): each row names a loop
 * by its elements in order, so the name and note find the loop again under the new ids.
 */
function readLoops(sheet: Sheet<LoopColumn>, names: ElementNames, map: MapData, { by }: KumuImportOptions, issues: Issues): LoopNote[] {
  const L = 'loops';
  const notes: LoopNote[] = [];
  const rowOfKey = new Map<string, number>();
  for (const r of sheet.rows) {
    const name = sheet.line(r, 'Label');
    const note = sheet.raw(r, 'Description').trim();
    const markerCell = sheet.line(r, 'Marker');
    const marker = booleanOf(markerCell);
    if (name.length > MAP_LIMITS.labelMax) issues.error(L, r.row, 'Label', tooLong('the loop’s name', name.length, MAP_LIMITS.labelMax));
    if (note.length > MAP_LIMITS.descriptionMax) issues.error(L, r.row, 'Description', tooLong('the note', note.length, MAP_LIMITS.descriptionMax));
    if (marker === undefined) issues.error(L, r.row, 'Marker', `the Marker must be yes or no, not '${markerCell}'.`);
    const cell = sheet.line(r, 'Elements');
    if (cell === '') {
      issues.error(L, r.row, 'Elements', `Elements is empty; it should list the loop’s elements in order, separated by "${LIST_SEPARATOR}".`);
      continue;
    }
    // Not cleanList: a repeated element is a mistake to report, not to tidy away.
    const parts = cell.split(LIST_SEPARATOR).map((p) => p.trim()).filter((p) => p !== '');
    const ids: string[] = [];
    for (const part of parts) {
      const found = names.resolve(L, r, 'Elements', part, issues, false);
      if (found) ids.push(...found);
    }
    if (ids.length !== parts.length || marker === undefined) continue;
    if (new Set(ids).size !== ids.length) {
      issues.error(L, r.row, 'Elements', 'an element is named twice; a loop passes through each of its elements once.');
      continue;
    }
    if (name === '' && note === '' && !marker) continue;
    // Keys start at the smallest id, as loop finding writes them (see loopKey in loops.ts).
    let start = 0;
    ids.forEach((id, i) => {
      if (id < (ids[start] as string)) start = i;
    });
    const key = loopKey([...ids.slice(start), ...ids.slice(0, start)]);
    const earlier = rowOfKey.get(key);
    if (earlier !== undefined) {
      issues.warn(L, r.row, 'Elements', `this is the loop of ${issues.words.rows([earlier])} again, so the row was left out.`);
      continue;
    }
    rowOfKey.set(key, r.row);
    if (!loopOnMap(map, key)) {
      issues.warn(L, r.row, 'Elements', 'the map has no such loop (a link between two of these elements is missing or runs the other way); its name was kept, and shows if the loop is drawn.');
    }
    notes.push({ key, name, note, ...(marker ? { marker: true as const } : {}), updated: { ...by } });
  }
  return notes;
}

// --------------------------------------------------------------------------------------------
// Values and layout

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A finite number, '' for an empty cell (no position), or null when the cell is not a number. */
function readNumber(cell: string): number | '' | null {
  if (cell === '') return '';
  return NUMBER.test(cell) ? Number(cell) : null;
}

/** The label nearest to a mistyped one, when it is near enough to be a likely typo. */
function closestLabel(name: string, labels: readonly string[]): string | null {
  const target = name.toLowerCase();
  // One slip in four letters: short names are too easily "near" anything to guess at.
  const allowed = Math.floor(target.length / 4);
  if (allowed === 0) return null;
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const label of labels) {
    if (Math.abs(label.length - target.length) >= bestDistance) continue;
    const d = distance(target, label.toLowerCase());
    if (d < bestDistance) {
      best = label;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance, to suggest the label a mistyped reference most likely meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const SPACING_X = 240;
const SPACING_Y = 160;
/** Up to this many elements sit on a circle, where loops are easy to see; more go on a grid. */
const CIRCLE_MAX = 24;

/**
 * Gives elements without a position one: all on a circle or grid when the sheet had no X/Y,
 * else a grid below the ones that were placed. People rearrange (or auto-lay out) afterwards;
 * the point is that nothing starts stacked on one spot.
 */
function placeElements(elements: MapElement[], positions: readonly ({ x: number; y: number } | null)[]): void {
  const unplaced: MapElement[] = [];
  let left = Infinity;
  let bottom = -Infinity;
  elements.forEach((e, i) => {
    const p = positions[i];
    if (p) {
      e.x = p.x;
      e.y = p.y;
      left = Math.min(left, p.x);
      bottom = Math.max(bottom, p.y);
    } else unplaced.push(e);
  });
  const n = unplaced.length;
  if (n === 0) return;

  if (n === elements.length && n <= CIRCLE_MAX) {
    const radius = Math.max(SPACING_X, Math.round((n * SPACING_X) / (2 * Math.PI)));
    unplaced.forEach((e, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / n; // clockwise from twelve o'clock
      e.x = Math.round(radius * Math.cos(angle));
      e.y = Math.round(radius * Math.sin(angle));
    });
    return;
  }
  const columns = Math.ceil(Math.sqrt(n));
  const x0 = Number.isFinite(left) ? left : 0;
  const y0 = Number.isFinite(bottom) ? bottom + SPACING_Y * 2 : 0;
  unplaced.forEach((e, i) => {
    e.x = x0 + (i % columns) * SPACING_X;
    e.y = y0 + Math.floor(i / columns) * SPACING_Y;
  });
}
