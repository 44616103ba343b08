/**
 * Kumu's sheets as rows of text, whatever file they came in (CSV, a workbook's worksheets, a
 * JSON blueprint's lists), and the problems found in them, each placed by sheet, row and
 * column so people can find and fix it: "Connections sheet, row 4, column Type: …".
 *
 * The file formats turn their file into `SheetRows` and leave everything else to the shared
 * reader (`kumuRead.ts`), so every format checks the same things and says them the same way.
 */
import { MAP_LIMITS } from './model.js';

export type SheetName = 'elements' | 'connections' | 'loops';

/** A problem at a place in a sheet: `row` counts from 1 with the header as row 1, as a spreadsheet does. */
export interface RowIssue {
  sheet: SheetName;
  row: number;
  column?: string;
  /** The whole sentence, place first: "Connections sheet, row 4, column Type: …". */
  message: string;
}

/** A sheet's rows as text cells, in order, each with the row number a person would see. Blank rows may be left out. */
export type SheetRows = readonly { row: number; cells: readonly string[] }[];

/** How messages name places, which differs between spreadsheets and a JSON file. */
export interface SheetWords {
  /** "Connections sheet, row 4, column Type" */
  place(sheet: SheetName, row: number, column?: string): string;
  /** "the Elements sheet", as a message mentions it. */
  sheet(sheet: SheetName): string;
  /** "row 4", "rows 4, 9 and 12": rows as a message lists them. */
  rows(rows: readonly number[]): string;
}

const SHEET_TITLES: Record<SheetName, string> = { elements: 'Elements', connections: 'Connections', loops: 'Loops' };

export const SPREADSHEET_WORDS: SheetWords = {
  place: (sheet, row, column) => `${SHEET_TITLES[sheet]} sheet, row ${row}${column === undefined ? '' : `, column ${column}`}`,
  sheet: (sheet) => `the ${SHEET_TITLES[sheet]} sheet`,
  rows: (rows) => rowList(rows),
};

export class Issues {
  readonly errors: RowIssue[] = [];
  readonly warnings: RowIssue[] = [];

  constructor(readonly words: SheetWords = SPREADSHEET_WORDS) {}

  error(sheet: SheetName, row: number, column: string | undefined, message: string): void {
    this.errors.push(this.issue(sheet, row, column, message));
  }

  warn(sheet: SheetName, row: number, column: string | undefined, message: string): void {
    this.warnings.push(this.issue(sheet, row, column, message));
  }

  private issue(sheet: SheetName, row: number, column: string | undefined, message: string): RowIssue {
    const text = `${this.words.place(sheet, row, column)}: ${message}`;
    return column === undefined ? { sheet, row, message: text } : { sheet, row, column, message: text };
  }
}

const SHEET_ORDER: Record<SheetName, number> = { elements: 0, connections: 1, loops: 2 };

/** Elements first, then connections, then loops; each in row order (a stable sort keeps same-row issues as found). */
export function byPlace(a: RowIssue, b: RowIssue): number {
  return SHEET_ORDER[a.sheet] - SHEET_ORDER[b.sheet] || a.row - b.row;
}

// --------------------------------------------------------------------------------------------
// Words for messages

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function quoted(values: readonly string[]): string {
  return listed(values.map((v) => `'${v}'`));
}

/** "a", "a and b", "a, b and c" (or "a, b or c"). */
export function listed(values: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values[values.length - 1]}`;
}

/** "row 4", "rows 4, 9 and 12", "rows 4, 9, 12, 15, 20 and 31 more" (or "item 4", …). */
export function rowList(rows: readonly number[], noun = 'row'): string {
  const shown = 5;
  if (rows.length === 1) return `${noun} ${rows[0]}`;
  if (rows.length <= shown + 1) return `${noun}s ${listed(rows.map(String))}`;
  return `${noun}s ${rows.slice(0, shown).join(', ')} and ${rows.length - shown} more`;
}

/** Counts as people read them: 10,000 rather than 10000. */
export const count = (n: number): string => n.toLocaleString('en-GB');

export function tooLong(what: string, length: number, max: number): string {
  return `${what} is ${length} characters long; at most ${max} fit.`;
}

/** Collects rows that share one message, so a sheet of 300 "Company" rows gives one line, not 300. */
export class RowGroups<Extra = undefined> {
  private readonly groups = new Map<string, { value: string; rows: number[]; extra: Extra }>();

  add(value: string, row: number, extra?: Extra): void {
    const key = value.toLowerCase();
    const group = this.groups.get(key);
    if (group) group.rows.push(row);
    else this.groups.set(key, { value, rows: [row], extra: extra as Extra });
  }

  each(report: (value: string, rows: number[], extra: Extra) => void): void {
    for (const { value, rows, extra } of this.groups.values()) report(value, rows, extra);
  }
}

// --------------------------------------------------------------------------------------------
// Reading a sheet's columns

export interface Row {
  row: number;
  cells: readonly string[];
}

export interface Sheet<Column extends string> {
  /** The row the header is in. */
  headerRow: number;
  /** The data rows, blank ones left out. */
  rows: Row[];
  has(column: Column): boolean;
  /** The cell as written (line ends as "\n"), or '' when the column is absent. */
  raw(row: Row, column: Column): string;
  /** A one-line value: trimmed. */
  line(row: Row, column: Column): string;
  /** Columns the sheet has that are none of the known ones, by their heading: kept as custom fields. */
  custom: { name: string; index: number }[];
  /** A custom column's value, trimmed. */
  customValue(row: Row, index: number): string;
}

const isBlank = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/**
 * Reads a sheet's header and finds its columns: the known ones (ignoring case and surrounding
 * space), and the others, kept as custom fields up to `customMax`. Null (with the problem
 * reported) when the sheet is empty or lacks a required column.
 *
 * @example
 * const sheet = readColumns('elements', rows, ['Label', 'Type'], ['Label'], 48, issues);
 * sheet?.custom // [{ name: 'Population', index: 2 }]
 */
export function readColumns<Column extends string>(
  name: SheetName,
  records: SheetRows,
  known: readonly Column[],
  required: readonly Column[],
  customMax: number,
  issues: Issues,
): Sheet<Column> | null {
  const { words } = issues;
  const header = records.find((r) => !isBlank(r.cells));
  if (header === undefined) {
    issues.error(name, 1, undefined, `${words.sheet(name)} is empty. Its first row should name the columns, starting with ${listed(required)}.`);
    return null;
  }
  const headerRow = header.row;
  const headings = header.cells.map((h) => h.trim());

  const index = new Map<Column, number>();
  const custom: { name: string; index: number }[] = [];
  const seen = new Map<string, number>();
  let customOver: string[] = [];
  headings.forEach((heading, i) => {
    if (heading === '') return;
    const key = heading.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.error(
        name,
        headerRow,
        heading,
        `the column '${heading}' appears twice (columns ${columnLetter(earlier)} and ${columnLetter(i)}). Keep one of them.`,
      );
      return;
    }
    seen.set(key, i);
    const column = known.find((k) => k.toLowerCase() === key);
    if (column !== undefined) index.set(column, i);
    else if (heading.length > MAP_LIMITS.fieldNameMax) {
      issues.warn(name, headerRow, undefined, `the heading of column ${columnLetter(i)} is ${heading.length} characters long, more than the ${MAP_LIMITS.fieldNameMax} a field's name may have, so the column was not imported.`);
    } else if (custom.length >= customMax) customOver.push(heading);
    else custom.push({ name: heading, index: i });
  });
  if (customOver.length > 0) {
    const shown = customOver.slice(0, 5);
    customOver = customOver.length > 5 ? [...shown, `${customOver.length - 5} more`] : shown;
    issues.warn(
      name,
      headerRow,
      undefined,
      `only ${customMax} columns besides the ones the workspace knows are kept as custom fields, so ${quoted(customOver)} ${customOver.length > 1 ? 'were' : 'was'} not imported.`,
    );
  }

  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    const only = headings.filter((h) => h !== '');
    const separated = only.length === 1 && /[;\t]/.test(only[0] as string);
    issues.error(
      name,
      headerRow,
      missing[0],
      `${words.sheet(name)} has no ${quoted(missing)} column${missing.length > 1 ? 's' : ''}. Its first row should name the columns, starting with ${listed(required)}.` +
        (separated ? ' This file seems to use semicolons or tabs between cells: save it as comma-separated CSV.' : ''),
    );
    return null;
  }

  const rows: Row[] = [];
  let strayRow: number | null = null;
  for (const r of records) {
    if (r.row <= headerRow || isBlank(r.cells)) continue;
    rows.push(r);
    if (strayRow === null && r.cells.some((c, j) => c.trim() !== '' && (headings[j] ?? '') === '')) strayRow = r.row;
  }
  if (strayRow !== null) {
    issues.warn(name, strayRow, undefined, 'some cells are in columns with no name in the first row; they were not imported.');
  }

  // Line ends inside a cell become "\n", as the editor writes them: Excel writes CRLF in CSV
  // cells, and a workbook's XML cannot keep a carriage return at all.
  const cell = (row: Row, i: number): string => (row.cells[i] ?? '').replace(/\r\n?/g, '\n');
  const raw = (row: Row, column: Column): string => {
    const i = index.get(column);
    return i === undefined ? '' : cell(row, i);
  };
  return {
    headerRow,
    rows,
    has: (column) => index.has(column),
    raw,
    line: (row, column) => raw(row, column).trim(),
    custom,
    customValue: (row, i) => cell(row, i).trim(),
  };
}
