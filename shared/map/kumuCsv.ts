/**
 * Maps as CSV in Kumu's spreadsheet shape, both ways, so people can bring maps over from Kumu
 * (the tool most sites used before) and take them back, or edit a map in Excel. This module is
 * also the one door to every Kumu format: the workbook (`kumuXlsx.ts`) and JSON blueprint
 * (`kumuBlueprint.ts`) importers are exported from here too.
 *
 * Kumu reads two sheets (docs.kumu.io, "Structure your data for Kumu"):
 * - Elements: `Label` (required), then optional `Type`, `Description`, `Tags` (values separated
 *   by "|") and any other columns as custom fields. An `ID` column, placed first, lets two
 *   elements share a label; connections then name elements by ID.
 * - Connections: `From` and `To` (required: element labels, or IDs), then `Type`, `Direction`
 *   (directed, mutual or undirected), `Label`, `Description`, …. A "To" cell may name several
 *   elements separated by "|", making one connection to each.
 * We add a third, Loops (`Label`, `Description`, `Elements`, `Marker`), so named loops survive
 * a round trip; it is a file of its own, which Kumu has no use for.
 *
 * What the sheets mean is decided once for every format, in `kumuRead.ts` (reading) and
 * `kumuWrite.ts` (writing); this module only turns them into CSV text and back: RFC 4180
 * quoting, CRLF line ends, a UTF-8 byte-order mark (Excel on Windows reads a CSV without one as
 * the local code page and garbles "eBay’s"), and a guard against cells a spreadsheet would run
 * as formulas.
 */
import Papa from 'papaparse';
import { readKumuSheets, type KumuImportOptions, type KumuImportResult } from './kumuRead.js';
import { Issues, byPlace, type SheetName, type SheetRows } from './kumuSheets.js';
import { kumuTables, type Table } from './kumuWrite.js';

export { CONNECTION_COLUMNS, ELEMENT_COLUMNS, LOOP_COLUMNS, type KumuImportOptions, type KumuImportResult, type KumuImportSummary } from './kumuRead.js';
export type { RowIssue, SheetName } from './kumuSheets.js';
export { exportKumuXlsx, importKumuXlsx } from './kumuXlsx.js';
export { importKumuBlueprint, isKumuBlueprint } from './kumuBlueprint.js';

/** The earlier name of the options, kept for the callers that use it. */
export type KumuCsvImportOptions = KumuImportOptions;

/** The sheets as CSV text. */
export interface KumuCsv {
  elements: string;
  connections: string;
  /** Only a header when the map has no named loops; save it only then. */
  loops: string;
}

const BOM = '\uFEFF';

// --------------------------------------------------------------------------------------------
// Cells

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula, so a label typed by anyone in any agency could run in a colleague's Excel (OWASP
 * "CSV injection"). Such cells get a leading apostrophe, which import removes; a cell already
 * starting with apostrophes before one of those gets one more, so the round trip is exact.
 * A cell of signs alone ("+", "-", "++", "+-": polarities) cannot call anything, and is written
 * as it is: Kumu matches connections by their Type, so "'++" would not be the "++" it has.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const SIGNS_ONLY = /^[+\-?]+$/;

function escapeCell(cell: string | number): string {
  if (typeof cell === 'number') return String(cell);
  return FORMULA_START.test(cell) && !SIGNS_ONLY.test(cell) ? `'${cell}` : cell;
}

function unescapeCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

function writeCsv(table: Table): string {
  // Papa quotes a cell only when it must (a comma, quote, line break, or edge spaces), doubling
  // inner quotes, per RFC 4180; CRLF line ends are the RFC's and Excel's.
  const text = Papa.unparse({ fields: table.header, data: table.rows.map((row) => row.map(escapeCell)) }, { newline: '\r\n', quotes: false, escapeFormulae: false });
  return `${BOM}${text.endsWith('\r\n') ? text : `${text}\r\n`}`;
}

// --------------------------------------------------------------------------------------------
// Export

/**
 * The map as Kumu's sheets in CSV, each starting with a byte-order mark: save `elements` and
 * `connections` (and `loops` when the map has named loops) as files of their own.
 *
 * @example
 * const { elements, connections } = exportKumuCsv(readMap(doc));
 * // elements:    '\uFEFFLabel,Type,Description,Tags,Agency,X,Y\r\nFootfall,Factor,,high-street,,0,0\r\n…'
 * // connections: '\uFEFFFrom,To,Type,Direction,Label,Polarity,Delay,Confidence,Evidence\r\n…'
 */
export function exportKumuCsv(map: Parameters<typeof kumuTables>[0]): KumuCsv {
  const tables = kumuTables(map);
  return { elements: writeCsv(tables.elements), connections: writeCsv(tables.connections), loops: writeCsv(tables.loops) };
}

// --------------------------------------------------------------------------------------------
// Import

/**
 * Which Kumu sheet a CSV is, by its first row: Connections has From and To, Loops has Elements,
 * anything else is taken for Elements (whose only required column is Label).
 *
 * @example
 * kumuCsvSheet('From,To,Type\r\nA,B,same\r\n') // 'connections'
 */
export function kumuCsvSheet(text: string): SheetName {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', preview: 20, skipEmptyLines: 'greedy' });
  const header = (parsed.data[0] ?? []).map((h) => h.trim().toLowerCase());
  if (header.includes('from') && header.includes('to')) return 'connections';
  if (header.includes('elements')) return 'loops';
  return 'elements';
}

/**
 * The text of a CSV file. Excel's plain "CSV (Comma delimited)" is saved in the Windows code
 * page, not UTF-8, so bytes that are not UTF-8 are read as Windows-1252 (what Excel writes for
 * English and western European text), with a warning to check accented letters.
 *
 * @example
 * decodeCsv(new Uint8Array([0x65, 0x42, 0x61, 0x79, 0x92, 0x73])) // { text: 'eBay’s', warning: '…' }
 */
export function decodeCsv(bytes: Uint8Array, name = 'The file'): { text: string; warning?: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return {
      text: decodeWindows1252(bytes),
      warning: `${name} is not saved as UTF-8, so it was read as Excel’s Windows encoding. Check accented letters and curly quotes; next time save it as “CSV UTF-8 (Comma delimited)”.`,
    };
  }
}

/**
 * Windows-1252 is Latin-1 but for 0x80–0x9F, where it has curly quotes, dashes, € and a few
 * letters. Decoded here because Node's TextDecoder reads the label "windows-1252" as plain
 * Latin-1, turning "eBay’s" into a control character; browsers decode it properly.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/**
 * Reads Kumu-shaped CSV into a new map (see `readKumuSheets` in kumuRead.ts): any of the three
 * sheets, though at least Elements or Connections. Every problem found is reported, each with
 * its sheet, row and column, so people can fix the file in one pass; a map is returned only
 * when there are none.
 *
 * @example
 * const result = importKumuCsv({ elements, connections }, { newId, by: { userId, name, organisation, at } });
 * if (!result.ok) show(result.errors);
 * // "Connections sheet, row 7, column To: 'Footfal' is not an element in the Elements sheet. Did you mean 'Footfall'?"
 */
export function importKumuCsv(sheets: { elements?: string; connections?: string; loops?: string }, options: KumuImportOptions): KumuImportResult {
  const issues = new Issues();
  const rows: Partial<Record<SheetName, SheetRows>> = {};
  let refused = false;
  for (const name of ['elements', 'connections', 'loops'] as const) {
    const text = sheets[name];
    if (text === undefined) continue;
    const read = readCsv(name, text, issues);
    if (read === null) refused = true;
    else rows[name] = read;
  }
  if (refused) return { ok: false, errors: issues.errors.sort(byPlace) };
  const result = readKumuSheets(rows, options);
  if (issues.errors.length === 0) return result;
  return { ok: false, errors: [...issues.errors, ...(result.ok ? [] : result.errors)].sort(byPlace) };
}

/**
 * A CSV sheet as rows, with quoting problems reported; null (reported) when it is not comma
 * separated, since every row would then read as one cell.
 */
function readCsv(name: SheetName, text: string, issues: Issues): SheetRows | null {
  // Rows are kept blank-for-blank (no skipEmptyLines) so their numbers match the spreadsheet;
  // a quoted cell with line breaks is still one row, as it is in Excel.
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false });
  const records = parsed.data;
  const header = records.findIndex((r) => r.some((c) => c.trim() !== ''));
  const headings = header < 0 ? [] : (records[header] as string[]).filter((c) => c.trim() !== '');
  const separator = headings.length === 1 ? /[;\t]/.exec(headings[0] as string)?.[0] : undefined;
  if (separator !== undefined) {
    issues.error(
      name,
      header + 1,
      undefined,
      `this file looks separated by ${separator === ';' ? 'semicolons' : 'tabs'}, not commas, so its columns cannot be told apart. In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)” (or in LibreOffice, a comma as the field delimiter) and import that file.`,
    );
    return null;
  }

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
  return records.map((cells, i) => ({ row: i + 1, cells: cells.map(unescapeCell) }));
}
