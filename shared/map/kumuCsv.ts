/**
 * Maps as CSV in Kumu's spreadsheet shape, both ways, so people can bring maps over from Kumu
 * (the tool most sites used before) and take them back, or edit a map in Excel.
 *
 * Kumu reads two sheets (docs.kumu.io, "Structure your data for Kumu"):
 * - Elements: `Label` (required), then optional `Type`, `Description`, `Tags` (values separated
 *   by "|") and any other columns as custom fields. An `ID` column, placed first, lets two
 *   elements share a label; connections then name elements by ID.
 * - Connections: `From` and `To` (required: element labels, or IDs), then `Type`, `Direction`
 *   (directed, mutual or undirected), `Label`, `Description`, …. A "To" cell may name several
 *   elements separated by "|", making one connection to each.
 *
 * Our fields travel in columns of their own: `Agency`, `X`, `Y` on elements; `Polarity`,
 * `Delay`, `Confidence`, `Evidence` on connections. The connection `Type` also carries the
 * polarity as "same"/"opposite", which Kumu's systems template draws as solid and dashed lines.
 * Groups, loop notes, attributions and agencies' polarity views have no place in Kumu's
 * sheets; the JSON format (`json.ts`) keeps them.
 */
import Papa from 'papaparse';
import type { ImportResult } from './json.js';
import {
  CONFIDENCES,
  ELEMENT_KINDS,
  ELEMENT_KIND_LABELS,
  MAP_LIMITS,
  type Attribution,
  type ElementKind,
  type MapConnection,
  type MapData,
  type MapElement,
  type Polarity,
} from './model.js';

export type SheetName = 'elements' | 'connections';

/** A problem at a place in a sheet: `row` counts from 1 with the header as row 1, as a spreadsheet does. */
export interface RowIssue {
  sheet: SheetName;
  row: number;
  column?: string;
  message: string;
}

/** The two sheets as CSV text. */
export interface KumuCsv {
  elements: string;
  connections: string;
}

export interface KumuCsvImportOptions {
  /** Makes each element's and connection's id (`newId` from shared/ids.ts). */
  newId: () => string;
  /** Recorded as who created and last changed everything imported. */
  by: Attribution;
}

export const ELEMENT_COLUMNS = ['ID', 'Label', 'Type', 'Description', 'Tags', 'Agency', 'X', 'Y'] as const;
export const CONNECTION_COLUMNS = ['ID', 'From', 'To', 'Type', 'Direction', 'Label', 'Description', 'Polarity', 'Delay', 'Confidence', 'Evidence'] as const;
type ElementColumn = (typeof ELEMENT_COLUMNS)[number];
type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];

const SHEET_TITLES: Record<SheetName, string> = { elements: 'Elements', connections: 'Connections' };
const TAG_SEPARATOR = '|';

// --------------------------------------------------------------------------------------------
// Cells

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula, so a label typed by anyone in any agency could run in a colleague's Excel (OWASP
 * "CSV injection"). Such cells get a leading apostrophe, which spreadsheets hide and import
 * removes; a cell already starting with apostrophes before one of those gets one more, so the
 * round trip is exact.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

function escapeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function unescapeCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

/** Tags as they are stored and written: trimmed, without empties or repeats. */
function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
}

function writeCsv(header: readonly string[], rows: string[][]): string {
  // Papa quotes a cell only when it must (a comma, quote, line break, or edge spaces), doubling
  // inner quotes, per RFC 4180; CRLF line ends are the RFC's and Excel's.
  const text = Papa.unparse({ fields: [...header], data: rows }, { newline: '\r\n', quotes: false, escapeFormulae: false });
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

// --------------------------------------------------------------------------------------------
// Export

/**
 * The map as Kumu's two sheets. Elements are named by label in From/To; when labels cannot
 * name them (two the same, ignoring case; an empty label; a "|", which Kumu reads as a list)
 * an `ID` column comes first and From/To use ids, as Kumu documents. Connections whose ends are
 * missing from the map are left out, since no spreadsheet row could name them.
 * Save with a byte-order mark ("\uFEFF") in front so Excel reads the text as UTF-8.
 *
 * @example
 * const { elements, connections } = exportKumuCsv(readMap(doc));
 * // elements:    'Label,Type,Description,Tags,Agency,X,Y\r\nFootfall,Factor,,high-street,,0,0\r\n…'
 * // connections: 'From,To,Type,Direction,Label,Polarity,Delay,Confidence,Evidence\r\n…'
 */
export function exportKumuCsv(map: MapData): KumuCsv {
  const labels = map.elements.map((e) => e.label.trim());
  const useIds = !labelsNameElements(labels);
  const refs = new Map(map.elements.map((e, i) => [e.id, useIds ? e.id : (labels[i] as string)]));

  const elementHeader: ElementColumn[] = ['Label', 'Type', 'Description', 'Tags', 'Agency', 'X', 'Y'];
  const elementRows = map.elements.map((e, i) => [
    escapeCell(labels[i] as string),
    ELEMENT_KIND_LABELS[e.kind],
    escapeCell(e.description),
    escapeCell(cleanTags(e.tags).join(TAG_SEPARATOR)),
    escapeCell(e.agency.trim()),
    String(e.x),
    String(e.y),
  ]);

  const connectionHeader: ConnectionColumn[] = ['From', 'To', 'Type', 'Direction', 'Label', 'Polarity', 'Delay', 'Confidence', 'Evidence'];
  const connectionRows: string[][] = [];
  for (const c of map.connections) {
    const from = refs.get(c.from);
    const to = refs.get(c.to);
    if (from === undefined || to === undefined) continue;
    connectionRows.push([
      escapeCell(from),
      escapeCell(to),
      c.polarity === '+' ? 'same' : c.polarity === '-' ? 'opposite' : '',
      'directed',
      escapeCell(c.label.trim()),
      c.polarity,
      c.delay ? 'yes' : 'no',
      c.confidence ?? '',
      escapeCell(c.evidence),
    ]);
  }

  return {
    elements: useIds
      ? writeCsv(['ID', ...elementHeader], elementRows.map((row, i) => [escapeCell((map.elements[i] as MapElement).id), ...row]))
      : writeCsv(elementHeader, elementRows),
    connections: writeCsv(connectionHeader, connectionRows),
  };
}

function labelsNameElements(labels: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const label of labels) {
    const key = label.toLowerCase();
    if (label === '' || label.includes(TAG_SEPARATOR) || seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

// --------------------------------------------------------------------------------------------
// Reading a sheet

interface Row {
  /** Spreadsheet row number (header = 1 when it is the first line). */
  row: number;
  cells: string[];
}

interface Sheet<Column extends string> {
  rows: Row[];
  has(column: Column): boolean;
  /** The cell as written (quotes undone), or '' when the column is absent. */
  raw(row: Row, column: Column): string;
  /** A one-line value: trimmed, formula guard removed. */
  line(row: Row, column: Column): string;
  /** A free-text value kept as written but for the formula guard. */
  text(row: Row, column: Column): string;
}

class Issues {
  readonly errors: RowIssue[] = [];
  readonly warnings: RowIssue[] = [];

  error(sheet: SheetName, row: number, column: string | undefined, message: string): void {
    this.errors.push(issue(sheet, row, column, message));
  }

  warn(sheet: SheetName, row: number, column: string | undefined, message: string): void {
    this.warnings.push(issue(sheet, row, column, message));
  }
}

function issue(sheet: SheetName, row: number, column: string | undefined, message: string): RowIssue {
  const text = `Row ${row}: ${message}`;
  return column === undefined ? { sheet, row, message: text } : { sheet, row, column, message: text };
}

const isBlank = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function quoted(values: readonly string[]): string {
  return listed(values.map((v) => `'${v}'`));
}

/** "a", "a and b", "a, b and c" (or "a, b or c"). */
function listed(values: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values[values.length - 1]}`;
}

/** "row 4", "rows 4, 9 and 12", "rows 4, 9, 12, 15, 20 and 31 more". */
function rowList(rows: readonly number[]): string {
  const shown = 5;
  if (rows.length === 1) return `row ${rows[0]}`;
  if (rows.length <= shown + 1) return `rows ${listed(rows.map(String))}`;
  return `rows ${rows.slice(0, shown).join(', ')} and ${rows.length - shown} more`;
}

function readSheet<Column extends string>(
  name: SheetName,
  text: string,
  known: readonly Column[],
  required: readonly Column[],
  issues: Issues,
): Sheet<Column> | null {
  const title = SHEET_TITLES[name];
  // Rows are kept blank-for-blank (no skipEmptyLines) so their numbers match the spreadsheet;
  // a quoted cell with line breaks is still one row, as it is in Excel.
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false });
  const quoteRows = new Set<number>();
  for (const e of parsed.errors) {
    const row = (e.row ?? 0) + 1;
    if (e.type !== 'Quotes' || quoteRows.has(row)) continue;
    quoteRows.add(row);
    issues.error(
      name,
      row,
      undefined,
      e.code === 'MissingQuotes'
        ? 'a cell opens a quote (") that is never closed, so the rest of the sheet runs into it. A quote inside a cell must be written twice ("").'
        : 'a quoted cell has more text after its closing quote ("). A quote inside a cell must be written twice ("").',
    );
  }

  const records = parsed.data;
  const headerIndex = records.findIndex((r) => !isBlank(r));
  if (headerIndex < 0) {
    issues.error(name, 1, undefined, `the ${title} sheet is empty. Its first row should name the columns, starting with ${listed(required)}.`);
    return null;
  }
  const headerRow = headerIndex + 1;
  const header = (records[headerIndex] as string[]).map((h) => h.trim());

  const index = new Map<string, number>();
  const unknown: string[] = [];
  header.forEach((heading, i) => {
    if (heading === '') return;
    const column = known.find((k) => k.toLowerCase() === heading.toLowerCase());
    if (column === undefined) unknown.push(heading);
    else if (index.has(column)) {
      issues.error(
        name,
        headerRow,
        column,
        `the column '${column}' appears twice (columns ${columnLetter(index.get(column) as number)} and ${columnLetter(i)}). Keep one of them.`,
      );
    } else index.set(column, i);
  });

  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    const only = header.filter((h) => h !== '');
    const separated = only.length === 1 && /[;\t]/.test(only[0] as string);
    issues.error(
      name,
      headerRow,
      missing[0],
      `the ${title} sheet has no ${quoted(missing)} column${missing.length > 1 ? 's' : ''}. Its first row should name the columns, starting with ${listed(required)}.` +
        (separated ? ' This file seems to use semicolons or tabs between cells: save it as comma-separated CSV.' : ''),
    );
    return null;
  }
  if (unknown.length > 0) {
    issues.warn(
      name,
      headerRow,
      undefined,
      `the workspace has no use for the column${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}, so ${unknown.length > 1 ? 'they were' : 'it was'} not imported.`,
    );
  }

  const rows: Row[] = [];
  let strayRow: number | null = null;
  records.forEach((cells, i) => {
    if (i <= headerIndex || isBlank(cells)) return;
    const row = i + 1;
    rows.push({ row, cells });
    if (strayRow === null && cells.some((c, j) => c.trim() !== '' && (header[j] ?? '') === '')) strayRow = row;
  });
  if (strayRow !== null) {
    issues.warn(name, strayRow, undefined, 'some cells are in columns with no name in the first row; they were not imported.');
  }

  const raw = (row: Row, column: Column): string => {
    const i = index.get(column);
    return i === undefined ? '' : (row.cells[i] ?? '');
  };
  return {
    rows,
    has: (column) => index.has(column),
    raw,
    line: (row, column) => unescapeCell(raw(row, column).trim()),
    text: (row, column) => unescapeCell(raw(row, column)),
  };
}

// --------------------------------------------------------------------------------------------
// Values

const KIND_NAMES: ReadonlyMap<string, ElementKind> = new Map([
  ...ELEMENT_KINDS.map((k) => [k, k] as const),
  ...ELEMENT_KINDS.map((k) => [ELEMENT_KIND_LABELS[k].toLowerCase(), k] as const),
  // Names other tools and Kumu's own samples use for the same kinds.
  ['stakeholder', 'actor'],
  ['person', 'actor'],
  ['organization', 'organisation'],
]);

const POLARITY_NAMES: ReadonlyMap<string, Polarity> = new Map([
  ['+', '+'],
  ['positive', '+'],
  ['same', '+'],
  ['s', '+'],
  ['-', '-'],
  ['\u2212', '-'], // − minus sign, as typeset diagrams write it
  ['\u2013', '-'], // – en dash, which word processors put in place of a typed "-"
  ['negative', '-'],
  ['opposite', '-'],
  ['o', '-'],
  ['?', '?'],
  ['unknown', '?'],
]);

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['y', true],
  ['true', true],
  ['1', true],
  ['no', false],
  ['n', false],
  ['false', false],
  ['0', false],
]);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A finite number, '' for an empty cell (no position), or null when the cell is not a number. */
function readNumber(cell: string): number | '' | null {
  if (cell === '') return '';
  return NUMBER.test(cell) ? Number(cell) : null;
}

/** Counts as people read them: 10,000 rather than 10000. */
const count = (n: number): string => n.toLocaleString('en-GB');

function tooLong(what: string, length: number, max: number): string {
  return `${what} is ${length} characters long; at most ${max} fit.`;
}

/** Collects rows that share one warning, so a sheet of 300 "Person" rows gives one line, not 300. */
class RowGroups {
  private readonly groups = new Map<string, { value: string; rows: number[] }>();

  add(value: string, row: number): void {
    const key = value.toLowerCase();
    const group = this.groups.get(key);
    if (group) group.rows.push(row);
    else this.groups.set(key, { value, rows: [row] });
  }

  each(report: (value: string, rows: number[]) => void): void {
    for (const { value, rows } of this.groups.values()) report(value, rows);
  }
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

// --------------------------------------------------------------------------------------------
// Import

/**
 * Reads Kumu-shaped CSV into a new map: fresh ids, `by` as creator, positions from `X`/`Y`
 * columns or else a circle (small maps) or grid. Every problem found is reported, each with
 * its sheet, row and column, so people can fix the file in one pass; a map is returned only
 * when there are none.
 *
 * @example
 * const result = importKumuCsv({ elements, connections }, { newId, by: { userId, name, organisation, at } });
 * if (!result.ok) show(result.errors); // 'Row 7: 'To' names an element that is not in the Elements sheet: 'Footfal'. Did you mean 'Footfall'?'
 */
export function importKumuCsv(sheets: { elements: string; connections?: string }, options: KumuCsvImportOptions): ImportResult<RowIssue> {
  const issues = new Issues();
  const elementSheet = readSheet('elements', sheets.elements, ELEMENT_COLUMNS, ['Label'], issues);
  const read = elementSheet ? readElements(elementSheet, options, issues) : null;

  const connectionText = sheets.connections ?? '';
  const connectionSheet =
    connectionText.trim() === '' ? null : readSheet('connections', connectionText, CONNECTION_COLUMNS, ['From', 'To'], issues);
  const connections = read && connectionSheet ? readConnections(connectionSheet, read.names, options, issues) : [];

  const byPlace = (a: RowIssue, b: RowIssue): number => (a.sheet === b.sheet ? a.row - b.row : a.sheet === 'elements' ? -1 : 1);
  if (issues.errors.length > 0 || read === null) return { ok: false, errors: issues.errors.sort(byPlace) };
  return {
    ok: true,
    map: { elements: read.elements, connections, groups: [], loopNotes: [] },
    warnings: issues.warnings.sort(byPlace),
  };
}

/** Refuses a sheet with more rows than a map holds, at the first row past the limit. */
function tooManyRows(sheet: SheetName, rows: readonly Row[], max: number, issues: Issues): boolean {
  const over = rows[max];
  if (over === undefined) return false;
  issues.error(
    sheet,
    over.row,
    undefined,
    `the ${SHEET_TITLES[sheet]} sheet has ${count(rows.length)} ${sheet}; a map holds at most ${count(max)}. Split it into smaller maps.`,
  );
  return true;
}

/** How connection cells find elements: by ID (when the sheet has them), else by label. */
interface ElementNames {
  byId: Map<string, string>;
  /** Lower-cased label → the ids and rows of the elements with that label. */
  byLabel: Map<string, { id: string; row: number }[]>;
  labels: string[];
}

function readElements(
  sheet: Sheet<ElementColumn>,
  { newId, by }: KumuCsvImportOptions,
  issues: Issues,
): { elements: MapElement[]; names: ElementNames } | null {
  const E = 'elements';
  if (tooManyRows(E, sheet.rows, MAP_LIMITS.elementsMax, issues)) return null;

  const hasIds = sheet.has('ID');
  const names: ElementNames = { byId: new Map(), byLabel: new Map(), labels: [] };
  const idRows = new Map<string, number>();
  const elements: MapElement[] = [];
  const positions: ({ x: number; y: number } | null)[] = [];
  const unknownTypes = new RowGroups();

  for (const r of sheet.rows) {
    const fileId = hasIds ? sheet.line(r, 'ID') : '';
    const label = sheet.line(r, 'Label');
    const id = newId();

    if (fileId !== '') {
      const earlier = idRows.get(fileId);
      if (earlier !== undefined) issues.error(E, r.row, 'ID', `the ID '${fileId}' is also the ID in row ${earlier}; each element needs its own.`);
      else {
        idRows.set(fileId, r.row);
        names.byId.set(fileId, id);
      }
    }
    if (label === '' && fileId === '') {
      issues.error(E, r.row, 'Label', 'the Label is empty; every element needs a label.');
    } else if (label.length > MAP_LIMITS.labelMax) {
      issues.error(E, r.row, 'Label', `${tooLong('the label', label.length, MAP_LIMITS.labelMax)} Shorten it; the Description can hold more.`);
    }
    if (label !== '') {
      const key = label.toLowerCase();
      const same = names.byLabel.get(key);
      // Without IDs a label is the element's name in the Connections sheet, so it must be unique.
      if (same && !hasIds) {
        issues.error(E, r.row, 'Label', `the label '${label}' is also used in row ${(same[0] as { row: number }).row} (labels must differ, ignoring case). Rename one, or add an ID column.`);
      } else if (same) same.push({ id, row: r.row });
      else names.byLabel.set(key, [{ id, row: r.row }]);
      names.labels.push(label);
    }

    const type = sheet.line(r, 'Type');
    let kind: ElementKind = 'variable';
    if (type !== '') {
      const known = KIND_NAMES.get(type.toLowerCase());
      if (known) kind = known;
      else unknownTypes.add(type, r.row);
    }

    const description = sheet.text(r, 'Description');
    if (description.length > MAP_LIMITS.descriptionMax) {
      issues.error(E, r.row, 'Description', tooLong('the description', description.length, MAP_LIMITS.descriptionMax));
    }
    const tags = cleanTags(sheet.line(r, 'Tags').split(TAG_SEPARATOR));
    const longTag = tags.find((t) => t.length > MAP_LIMITS.tagMax);
    if (longTag !== undefined) {
      issues.error(E, r.row, 'Tags', `${tooLong(`the tag '${longTag.slice(0, 30)}…'`, longTag.length, MAP_LIMITS.tagMax)} Tags are separated by "|".`);
    }
    if (tags.length > MAP_LIMITS.tagsMax) {
      issues.error(E, r.row, 'Tags', `there are ${tags.length} tags; an element can have at most ${MAP_LIMITS.tagsMax}.`);
    }
    const agency = sheet.line(r, 'Agency');
    if (agency.length > MAP_LIMITS.agencyMax) issues.error(E, r.row, 'Agency', tooLong('the agency', agency.length, MAP_LIMITS.agencyMax));

    const x = readNumber(sheet.line(r, 'X'));
    const y = readNumber(sheet.line(r, 'Y'));
    for (const [column, value] of [['X', x], ['Y', y]] as const) {
      if (value === null) issues.error(E, r.row, column, `${column} must be a number (like 120 or -35.5), not '${sheet.line(r, column)}'.`);
    }
    positions.push(typeof x === 'number' && typeof y === 'number' ? { x, y } : null);

    elements.push({ id, kind, label, description, tags, agency, x: 0, y: 0, groupId: null, created: { ...by }, updated: { ...by } });
  }

  const kinds = ELEMENT_KINDS.map((k) => ELEMENT_KIND_LABELS[k]);
  unknownTypes.each((type, rows) =>
    issues.warn(
      E,
      rows[0] as number,
      'Type',
      `the Type '${type}' is not one of ${listed(kinds, 'or')}, so ${rowList(rows)} came in as ${ELEMENT_KIND_LABELS.variable}. Change the type in the map if another fits.`,
    ),
  );

  placeElements(elements, positions);
  return { elements, names };
}

function readConnections(
  sheet: Sheet<ConnectionColumn>,
  names: ElementNames,
  { newId, by }: KumuCsvImportOptions,
  issues: Issues,
): MapConnection[] {
  const C = 'connections';
  if (tooManyRows(C, sheet.rows, MAP_LIMITS.connectionsMax, issues)) return [];

  type Ambiguous = { rows: number[] };
  const lookUp = (name: string): string | Ambiguous | undefined => {
    const byId = names.byId.get(name);
    if (byId !== undefined) return byId;
    const same = names.byLabel.get(name.toLowerCase());
    if (same === undefined) return undefined;
    return same.length === 1 ? (same[0] as { id: string }).id : { rows: same.map((s) => s.row) };
  };

  let suggestionsLeft = 20; // each suggestion compares against every label; a few help, thousands stall
  /** The element ids a From or To cell names, or null (reported) when it does not name them all. */
  const resolve = (r: Row, column: 'From' | 'To'): string[] | null => {
    const value = sheet.line(r, column);
    if (value === '') {
      issues.error(C, r.row, column, `'${column}' is empty; it should name an element from the Elements sheet.`);
      return null;
    }
    const unique = (found: string | Ambiguous, name: string): found is string => {
      if (typeof found === 'string') return true;
      issues.error(C, r.row, column, `'${column}' names '${name}', which is the label of ${rowList(found.rows)} in the Elements sheet. Use that element's ID instead.`);
      return false;
    };
    const whole = lookUp(value);
    if (whole !== undefined) return unique(whole, value) ? [whole] : null;
    // Kumu reads "A|B" as a connection to each of A and B.
    const parts = value.includes(TAG_SEPARATOR) ? cleanTags(value.split(TAG_SEPARATOR)).map(unescapeCell) : [value];
    const ids: string[] = [];
    for (const part of parts) {
      const found = lookUp(part);
      if (found === undefined) {
        const guess = suggestionsLeft-- > 0 ? closestLabel(part, names.labels) : null;
        const hint = guess === null ? '' : ` Did you mean '${guess}'?`;
        issues.error(C, r.row, column, `'${column}' names an element that is not in the Elements sheet: '${part}'.${hint}`);
      } else if (unique(found, part)) ids.push(found);
    }
    return ids.length === parts.length ? ids : null;
  };

  const connections: MapConnection[] = [];
  const otherTypes = new RowGroups();
  const undirected: number[] = [];
  let overLimitReported = false;

  for (const r of sheet.rows) {
    const froms = resolve(r, 'From');
    const tos = resolve(r, 'To');

    const polarityCell = sheet.line(r, 'Polarity');
    const typeCell = sheet.line(r, 'Type');
    const fromColumn = polarityCell === '' ? undefined : POLARITY_NAMES.get(polarityCell.toLowerCase());
    const fromType = typeCell === '' ? undefined : POLARITY_NAMES.get(typeCell.toLowerCase());
    if (polarityCell !== '' && fromColumn === undefined) {
      issues.error(C, r.row, 'Polarity', `the Polarity must be +, − or ? (or same, opposite, positive, negative), not '${polarityCell}'.`);
    }
    if (typeCell !== '' && fromType === undefined) otherTypes.add(typeCell, r.row);
    if (fromColumn !== undefined && fromType !== undefined && fromType !== '?' && fromType !== fromColumn) {
      issues.warn(C, r.row, 'Polarity', `the Type says '${typeCell}' but the Polarity says '${polarityCell}'; the Polarity was used.`);
    }
    const polarity: Polarity = fromColumn ?? fromType ?? '?';

    const delayCell = sheet.line(r, 'Delay');
    const delay = delayCell === '' ? false : BOOLEANS.get(delayCell.toLowerCase());
    if (delay === undefined) issues.error(C, r.row, 'Delay', `the Delay must be yes or no, not '${delayCell}'.`);

    const confidenceCell = sheet.line(r, 'Confidence').toLowerCase();
    const confidence = confidenceCell === '' ? null : CONFIDENCES.find((c) => c === confidenceCell);
    if (confidence === undefined) {
      issues.error(C, r.row, 'Confidence', `the Confidence must be ${listed([...CONFIDENCES], 'or')} (or empty), not '${sheet.line(r, 'Confidence')}'.`);
    }

    const label = sheet.line(r, 'Label');
    if (label.length > MAP_LIMITS.labelMax) issues.error(C, r.row, 'Label', tooLong('the label', label.length, MAP_LIMITS.labelMax));
    // Kumu keeps a connection's reasons in Description; ours go in Evidence. Both given: keep both.
    const description = sheet.text(r, 'Description');
    const evidenceCell = sheet.text(r, 'Evidence');
    const both = description.trim() !== '' && evidenceCell.trim() !== '';
    const evidence = both ? `${description}\n\n${evidenceCell}` : description.trim() !== '' ? description : evidenceCell;
    if (evidence.length > MAP_LIMITS.evidenceMax) {
      const what = both ? 'the description and evidence together are' : evidence === description ? 'the description is' : 'the evidence is';
      issues.error(C, r.row, evidence === description ? 'Description' : 'Evidence', `${what} ${evidence.length} characters long; at most ${MAP_LIMITS.evidenceMax} fit.`);
    }
    const direction = sheet.line(r, 'Direction').toLowerCase();
    if (direction === 'undirected') undirected.push(r.row);
    else if (direction !== '' && direction !== 'directed' && direction !== 'mutual') {
      issues.error(C, r.row, 'Direction', `the Direction must be directed, mutual or undirected, not '${sheet.line(r, 'Direction')}'.`);
    }

    if (froms === null || tos === null || delay === undefined || confidence === undefined) continue;
    const pairs = froms.flatMap((from) => tos.map((to) => [from, to] as const));
    // A mutual connection is a causal link each way; our connections are one-way, so it becomes two.
    if (direction === 'mutual') pairs.push(...pairs.map(([from, to]) => [to, from] as const));
    for (const [from, to] of pairs) {
      connections.push({ id: newId(), from, to, polarity, delay, confidence, label, evidence, views: [], created: { ...by }, updated: { ...by } });
    }
    if (connections.length > MAP_LIMITS.connectionsMax && !overLimitReported) {
      overLimitReported = true;
      issues.error(C, r.row, undefined, `by this row the sheet makes more than ${count(MAP_LIMITS.connectionsMax)} connections (counting "|" lists and mutual links), the most a map holds.`);
    }
  }

  otherTypes.each((type, rows) =>
    issues.warn(
      C,
      rows[0] as number,
      'Type',
      `the Type '${type}' is not a polarity (same or opposite), so it was not kept for ${rowList(rows)}.`,
    ),
  );
  if (undirected.length > 0) {
    issues.warn(
      C,
      undirected[0] as number,
      'Direction',
      `${rowList(undirected)} ${undirected.length > 1 ? 'are' : 'is'} undirected; causal links have a direction, so ${undirected.length > 1 ? 'each' : 'it'} now runs From → To. Check that this is the way the effect goes.`,
    );
  }
  return connections;
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

// --------------------------------------------------------------------------------------------
// Layout

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
