/**
 * One door for every map file people bring: it tells the format from the file's name and first
 * bytes, and hands the file to that format's importer. The map page, the import API
 * (`POST /api/sites/:slug/rooms/import`) and the CLI (`map import`) all come through here, so a
 * file gets the same checks and the same messages wherever it is imported.
 *
 * Formats: our own JSON (`slw-map`), Kumu's workbook (.xlsx), Kumu's CSV sheets (one file is
 * either sheet: a Connections sheet alone makes its elements from the labels), Kumu's JSON
 * project blueprints, LOOPY (a share link or its saved data) and Vensim models (.mdl).
 */
import type { ImportResult } from './json.js';
import { importMapJson } from './json.js';
import { decodeCsv, importKumuBlueprint, importKumuCsv, importKumuXlsx, isKumuBlueprint, kumuCsvSheet } from './kumuCsv.js';
import { importLoopy } from './loopy.js';
import type { Attribution } from './model.js';
import { importVensim } from './vensim.js';

export const MAP_FORMATS = {
  'slw-json': 'a map file from this workspace (.json)',
  'kumu-xlsx': 'a Kumu workbook (.xlsx)',
  'kumu-csv': 'a Kumu sheet (.csv)',
  'kumu-json': 'a Kumu project blueprint (.json)',
  loopy: 'a LOOPY link or saved LOOPY data',
  vensim: 'a Vensim model (.mdl)',
} as const;
export type MapFormat = keyof typeof MAP_FORMATS;

/** Every problem a format reports carries a message naming where it is (sheet, row, column; line; path). */
export interface MapFileIssue {
  message: string;
}

export type MapFileImport = ImportResult<MapFileIssue> & { format: MapFormat };

export interface MapFileOptions {
  /** Makes each element's and connection's id (`newId` from shared/ids.ts). */
  newId: () => string;
  /** Recorded as who created and last changed everything imported. */
  by: Attribution;
}

/** Thrown when a file is none of the formats above; its message says which formats are. */
export class UnknownMapFormatError extends Error {
  override readonly name = 'UnknownMapFormatError';
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const VENSIM_SKETCH = '\\\\\\---/// Sketch information';

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The text of a file that should be text; a byte-order mark is dropped, invalid UTF-8 refused. */
function decodeText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

/**
 * The format of a file, from its first bytes where they tell (a zip is a workbook, an .mdl's
 * sketch marker, a LOOPY link) and its name otherwise; null when it is none we read.
 */
export function detectMapFormat(name: string, bytes: Uint8Array): MapFormat | null {
  const ext = extension(name);
  if (startsWith(bytes, ZIP_MAGIC)) return ext === 'xlsx' || ext === '' ? 'kumu-xlsx' : null;
  const text = decodeText(bytes);
  // Excel's plain "CSV (Comma delimited)" is in the Windows code page: still a sheet.
  if (text === null) return ext === 'csv' ? 'kumu-csv' : ext === 'mdl' ? 'vensim' : null;
  const head = text.trimStart();
  if (ext === 'mdl' || text.includes(VENSIM_SKETCH)) return 'vensim';
  if (/^https?:\/\/\S*loopy/i.test(head) || /^\??data=/.test(head) || (ext !== 'json' && head.startsWith('[['))) return 'loopy';
  if (ext === 'json' || head.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(head);
    } catch {
      // Ours reports a parse error well.
      return 'slw-json';
    }
    return isKumuBlueprint(value) ? 'kumu-json' : 'slw-json';
  }
  if (ext === 'csv' || ext === 'txt' || ext === '') return 'kumu-csv';
  return null;
}

/**
 * Imports one map file, whatever its format.
 *
 * @throws UnknownMapFormatError when the file is none of MAP_FORMATS.
 * @example
 * const result = await importMapFile({ name: 'obesity.xlsx', bytes }, { newId, by });
 * if (result.ok) addMapData(doc, result.map, actor); // result.format === 'kumu-xlsx'
 */
export async function importMapFile(file: { name: string; bytes: Uint8Array }, options: MapFileOptions): Promise<MapFileImport> {
  const format = detectMapFormat(file.name, file.bytes);
  if (!format) {
    throw new UnknownMapFormatError(
      `"${file.name}" is not a map file this workspace reads. It reads ${Object.values(MAP_FORMATS).join(', ')}.`,
    );
  }
  const with_ = (result: ImportResult<MapFileIssue>): MapFileImport => ({ ...result, format });
  if (format === 'kumu-xlsx') return with_(await importKumuXlsx(file.bytes, options));
  if (format === 'kumu-csv') {
    // Excel's plain CSV is not UTF-8: read as Windows-1252, with a warning to check accents.
    const { text, warning } = decodeCsv(file.bytes, `"${file.name}"`);
    const result = importKumuCsv({ [kumuCsvSheet(text)]: text }, options);
    return with_(result.ok && warning ? { ...result, warnings: [{ message: warning }, ...result.warnings] } : result);
  }
  // Older Vensim saves models in the Windows code page.
  const text = decodeText(file.bytes) ?? (format === 'vensim' ? new TextDecoder('windows-1252').decode(file.bytes) : null);
  if (text === null) return with_({ ok: false, errors: [{ message: `"${file.name}" is not UTF-8 text; save it again as UTF-8 (in Excel: CSV UTF-8).` }] });
  switch (format) {
    case 'slw-json':
      return with_(importMapJson(text, { newId: options.newId }));
    case 'kumu-json':
      return with_(importKumuBlueprint(text, options));
    case 'loopy':
      return with_(importLoopy(text.trim(), options));
    case 'vensim':
      return with_(importVensim(text, options));
  }
}
