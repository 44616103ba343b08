/**
 * Kumu's workbook (.xlsx), both ways: "Export to XLSX" in Kumu gives one workbook with an
 * Elements and a Connections sheet, and dropping a workbook onto a Kumu map imports it.
 *
 * Reading finds the sheets by name (ignoring case and order; other sheets are ignored), or by
 * their first row when no sheet is named so. Cells are read as the text a person sees: rich
 * text joined, a hyperlink's text, a formula's last result, numbers and dates written out.
 * Writing gives Elements, Connections and Loops (the names and notes of loops, which Kumu's
 * own export leaves out); what the sheets mean is decided in kumuRead.ts and kumuWrite.ts, as
 * for CSV.
 *
 * exceljs is large (about 1 MB), so it is loaded only when a workbook is read or written: the
 * page's first load stays small, and the server loads it on the first import.
 */
import type * as ExcelJsModule from 'exceljs';
import type { CellValue, Workbook, Worksheet } from 'exceljs';
import { readKumuSheets, type KumuImportOptions, type KumuImportResult } from './kumuRead.js';
import type { SheetName, SheetRows } from './kumuSheets.js';
import { kumuTables } from './kumuWrite.js';
import type { MapData } from './model.js';

type ExcelJs = typeof ExcelJsModule;

async function loadExcelJs(): Promise<ExcelJs> {
  const module: unknown = await import('exceljs');
  // Node loads the package's CommonJS build, whose exports arrive as `default`; the browser
  // build (the package's "browser" field, bundled by Vite) may arrive either way.
  return ((module as { default?: ExcelJs }).default ?? module) as ExcelJs;
}

const SHEET_NAMES: Record<SheetName, string> = { elements: 'Elements', connections: 'Connections', loops: 'Loops' };

// --------------------------------------------------------------------------------------------
// Reading

/**
 * A cell as the text a person sees in it. A formula gives its last result (the one Excel saved;
 * none when the file was written by a program that never calculated it), an error cell
 * ("#N/A") nothing, a date its day (2024-03-31) or, with a time, the ISO date and time.
 *
 * @example
 * cellText({ richText: [{ text: 'eBay’s' }, { text: ' marketplace' }] }) // 'eBay’s marketplace'
 * cellText({ formula: 'B2*2', result: 14 })                           // '14'
 */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
  }
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) {
    // exceljs gives a hyperlink's text as rich text when it was formatted.
    const text = cellText(value.text as CellValue);
    return text === '' ? value.hyperlink : text;
  }
  if ('formula' in value || 'sharedFormula' in value) return value.result === undefined ? '' : cellText(value.result as CellValue);
  return ''; // an error value such as #N/A
}

function sheetRows(worksheet: Worksheet): SheetRows {
  const rows: { row: number; cells: string[] }[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // `values` is 1-based and may have holes where cells are empty.
    const values = row.values as CellValue[];
    rows.push({ row: rowNumber, cells: Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1])) });
  });
  return rows;
}

/** Which sheet a worksheet is by its first row, for a workbook whose sheets are not named as Kumu names them. */
function sheetByHeader(rows: SheetRows): SheetName | null {
  const header = rows.find((r) => r.cells.some((c) => c.trim() !== ''))?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  if (header.includes('from') && header.includes('to')) return 'connections';
  if (header.includes('elements')) return 'loops';
  if (header.includes('label')) return 'elements';
  return null;
}

function findSheets(workbook: Workbook): Partial<Record<SheetName, SheetRows>> {
  const found: Partial<Record<SheetName, SheetRows>> = {};
  for (const worksheet of workbook.worksheets) {
    const name = worksheet.name.trim().toLowerCase();
    const sheet = (Object.keys(SHEET_NAMES) as SheetName[]).find((s) => s === name);
    if (sheet && !found[sheet]) found[sheet] = sheetRows(worksheet);
  }
  if (found.elements || found.connections) return found;
  // No sheet named as Kumu names them (a workbook saved from elsewhere): go by the headers.
  for (const worksheet of workbook.worksheets) {
    const rows = sheetRows(worksheet);
    const sheet = sheetByHeader(rows);
    if (sheet && !found[sheet]) found[sheet] = rows;
  }
  return found;
}

/**
 * Reads a Kumu workbook into a new map, as `importKumuCsv` reads the same sheets as CSV: each
 * problem with its sheet, row and column, and a map only when there are none.
 *
 * @example
 * const result = await importKumuXlsx(new Uint8Array(await file.arrayBuffer()), { newId, by });
 * if (result.ok) addMapData(doc, result.map, actor);
 */
export async function importKumuXlsx(bytes: Uint8Array, options: KumuImportOptions): Promise<KumuImportResult> {
  const fail = (message: string): KumuImportResult => ({ ok: false, errors: [{ sheet: 'elements', row: 1, message }] });
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's types ask for a Node Buffer, but it hands the bytes to JSZip, which takes any Uint8Array.
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return fail(
      `This file could not be opened as an Excel workbook (${error instanceof Error ? error.message : String(error)}). ` +
        'Kumu’s "Export to XLSX" gives one that can; an older .xls file must be saved again as .xlsx.',
    );
  }
  const sheets = findSheets(workbook);
  if (!sheets.elements && !sheets.connections) {
    const names = workbook.worksheets.map((w) => `'${w.name}'`).join(', ') || 'none';
    return fail(`This workbook has no sheet named Elements or Connections (its sheets: ${names}), and none whose first row has a Label column, or From and To. Name the sheets as Kumu does.`);
  }
  return readKumuSheets(sheets, options);
}

// --------------------------------------------------------------------------------------------
// Writing

/** Characters XML 1.0 cannot hold: a workbook with one will not open in Excel. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * The map as a Kumu workbook: Elements, Connections and Loops sheets, header rows in bold and
 * kept in view. Cells are typed (text is text, positions are numbers), so nothing a person
 * typed can run as a formula.
 *
 * @example
 * download(`${base}.xlsx`, new Blob([await exportKumuXlsx(readMap(doc))]));
 */
export async function exportKumuXlsx(map: MapData): Promise<Uint8Array<ArrayBuffer>> {
  const ExcelJS = await loadExcelJs();
  const tables = kumuTables(map);
  const workbook = new ExcelJS.Workbook();
  for (const sheet of ['elements', 'connections', 'loops'] as const) {
    const table = tables[sheet];
    const worksheet = workbook.addWorksheet(SHEET_NAMES[sheet], { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.addRow(table.header).font = { bold: true };
    // An empty text is no cell at all, as in a sheet typed by hand.
    for (const row of table.rows) worksheet.addRow(row.map((cell) => (typeof cell === 'string' ? cell.replace(NOT_XML, '') || null : cell)));
  }
  // A Node Buffer (a Uint8Array) or an ArrayBuffer, whatever exceljs's types say: copied into a
  // plain Uint8Array either way.
  const written = (await workbook.xlsx.writeBuffer()) as unknown as ArrayBuffer | Uint8Array;
  const view = written instanceof ArrayBuffer ? new Uint8Array(written) : new Uint8Array(written.buffer, written.byteOffset, written.byteLength);
  return new Uint8Array(view);
}
