import { describe, expect, it } from 'vitest';
import { fixtureBytes } from './fixtures/kumu/readFixture.js';
import { randomKumuMap } from './fixtures/kumu/randomMap.js';
import { council, sampleMap, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema } from './json.js';
import { exportKumuCsv, importKumuCsv, type KumuImportResult } from './kumuCsv.js';
import { KUMU_TYPE_FIELD } from './kumuVocabulary.js';
import { cellText, exportKumuXlsx, importKumuXlsx } from './kumuXlsx.js';
import type { MapData } from './model.js';
import type { CellValue } from 'exceljs';

const options = () => ({ newId: sequentialIds(), by: council });

function ok(result: KumuImportResult) {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

const links = (map: MapData): string[] => {
  const label = new Map(map.elements.map((e) => [e.id, e.label]));
  return map.connections.map((c) => `${label.get(c.from)} -> ${label.get(c.to)} (${c.polarity}${c.direction ? `, ${c.direction}` : ''})`);
};

describe('importKumuXlsx: a workbook as Kumu exports it and people edit it', () => {
  it('finds the sheets by name in any order and case, ignoring others, and reads cells as their text', async () => {
    const { map, warnings, summary } = ok(await importKumuXlsx(await fixtureBytes('kumu-export.xlsx'), options()));
    expect(map.elements.map((e) => [e.label, e.kind, e.description, e.tags, e.fields])).toEqual([
      [
        'eBay',
        'organisation',
        'eBay’s online marketplace', // rich text, its runs joined
        ['marketplace', 'ecommerce', 'auction'], // the repeated row's tags added
        { [KUMU_TYPE_FIELD]: 'Company', Image: 'https://example.org/ebay.png', Population: '1', Founded: '1995-09-03', Website: 'ebay.com' },
      ],
      ['Pierre Omidyar', 'actor', 'Founder of eBay.', ['founders'], { [KUMU_TYPE_FIELD]: 'Person', Image: 'https://example.org/pierre.jpg' }],
      // A date with a time; a link typed as its address.
      ['Omidyar Network', 'organisation', '', ['philanthropy'], { [KUMU_TYPE_FIELD]: 'Organization', Founded: '2004-06-01T12:30:00Z', Website: 'https://omidyar.com/' }],
      ['Craigslist', 'organisation', 'Classified ads.', [], { [KUMU_TYPE_FIELD]: 'company' }],
      ['Bay Area', 'variable', '', ['place'], { [KUMU_TYPE_FIELD]: 'State', Population: '7760000' }],
      ['Thriving local marketplaces', 'outcome', '', [], { [KUMU_TYPE_FIELD]: 'Desired Outcome' }],
    ]);
    expect(links(map)).toEqual([
      'Pierre Omidyar -> eBay (?)',
      'Omidyar Network -> Craigslist (?)',
      'eBay -> Craigslist (-, mutual)',
      'Bay Area -> eBay (+)',
      'eBay -> Thriving local marketplaces (+)',
      'Craigslist -> Thriving local marketplaces (-)',
      'Bay Area -> Craigslist (?, undirected)',
      'Pierre Omidyar -> Omidyar Network (+)',
      'Pierre Omidyar -> eBay (+)',
    ]);
    expect(map.connections.map((c) => c.fields)).toEqual([
      { [KUMU_TYPE_FIELD]: 'Employee/Founder', Tags: 'people|founders', Strength: '5' },
      { [KUMU_TYPE_FIELD]: 'Investor', Tags: 'money', Strength: '3' }, // a formula: its result
      { [KUMU_TYPE_FIELD]: '+-' },
      { [KUMU_TYPE_FIELD]: '++', Strength: '3' }, // a shared formula: its result
      { [KUMU_TYPE_FIELD]: '--' },
      { [KUMU_TYPE_FIELD]: '-+' },
      undefined, // a formula whose result is an error (#DIV/0!): nothing
      { [KUMU_TYPE_FIELD]: 'Positive' },
      { [KUMU_TYPE_FIELD]: 'Positive' },
    ]);
    expect(map.connections[2]?.evidence).toBe('eBay’s listings draw buyers away');
    expect(summary).toEqual({
      elements: 6,
      connections: 9,
      loops: 0,
      mergedRows: 1,
      madeFromConnections: 0,
      fields: { elements: ['Image', 'Population', 'Founded', 'Website'], connections: ['Tags', 'Strength'] },
      typesMapped: [
        { type: 'Company', kind: 'organisation', rows: 2 },
        { type: 'State', kind: 'variable', rows: 1 },
        { type: 'Desired Outcome', kind: 'outcome', rows: 1 },
      ],
    });
    expect(warnings.map((w) => w.message)).toEqual([
      "Elements sheet, row 2, column Type: the Type 'Company' is not one of the workspace’s kinds, so rows 2 and 5 came in as Organisation, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 6, column Type: the Type 'State' is not one of the workspace’s kinds, so row 6 came in as Factor, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 7, column Type: the Type 'Desired Outcome' is not one of the workspace’s kinds, so row 7 came in as Outcome, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 8, column Label: 'eBay' (type Company) is also in row 2, so rows 2 and 8 were merged into one element, as Kumu does: later rows fill what earlier ones left empty and add their tags.",
      "Connections sheet, row 2, column Type: the Type 'Employee/Founder' is not a polarity (such as same, opposite, + or −), so it was kept in the field 'Kumu type' (row 2); the polarity comes from the Polarity column, or is ? (not known yet).",
      "Connections sheet, row 3, column Type: the Type 'Investor' is not a polarity (such as same, opposite, + or −), so it was kept in the field 'Kumu type' (row 3); the polarity comes from the Polarity column, or is ? (not known yet).",
    ]);
    expect(mapDataSchema.safeParse(map).success).toBe(true);
  });

  it('accepts a workbook with only a Connections sheet, making the elements from its labels', async () => {
    const { map, warnings } = ok(await importKumuXlsx(await fixtureBytes('connections-only.xlsx'), options()));
    expect(links(map)).toEqual(['Footfall -> Business income (+)', 'Business income -> Shop vacancies (-)', 'Shop vacancies -> Footfall (-)']);
    expect(warnings.map((w) => w.message)).toEqual([
      'Connections sheet, row 1: there is no Elements sheet, so the 3 elements were made from the labels in From and To, as Factors with no description. Import the Elements sheet with it to bring their types and descriptions.',
    ]);
  });

  it('finds the sheets by their first rows when none is named as Kumu names them', async () => {
    const { map } = ok(await importKumuXlsx(await fixtureBytes('unnamed-sheets.xlsx'), options()));
    expect(links(map)).toEqual(['Footfall -> Business income (?)']);
  });

  it('says what is wrong with a file that is not a workbook, or has no sheet it can read', async () => {
    const notZip = await importKumuXlsx(new TextEncoder().encode('Label\r\nA\r\n'), options());
    expect(notZip.ok ? [] : notZip.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^This file could not be opened as an Excel workbook \(.+\)\. Kumu’s "Export to XLSX" gives one that can; an older \.xls file must be saved again as \.xlsx\.$/)]);

    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['Nothing', 'here']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const none = await importKumuXlsx(bytes, options());
    expect(none.ok ? [] : none.errors.map((e) => e.message)).toEqual([
      "This workbook has no sheet named Elements or Connections (its sheets: 'Notes'), and none whose first row has a Label column, or From and To. Name the sheets as Kumu does.",
    ]);
  });

  it('reads every kind of cell as the text a person sees', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(true)).toBe('TRUE');
    expect(cellText(new Date('2024-03-31T00:00:00Z'))).toBe('2024-03-31');
    expect(cellText({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(cellText({ text: 'site', hyperlink: 'https://x.example' })).toBe('site');
    expect(cellText({ text: '', hyperlink: 'https://x.example' })).toBe('https://x.example');
    expect(cellText({ text: { richText: [{ text: 'rich ' }, { text: 'link' }] }, hyperlink: 'https://x.example' } as unknown as CellValue)).toBe('rich link');
    expect(cellText({ formula: 'A1&B1', result: 'joined' })).toBe('joined');
    expect(cellText({ formula: 'A1' })).toBe('');
    expect(cellText({ error: '#N/A' })).toBe('');
  });
});

describe('exportKumuXlsx', () => {
  async function sheets(bytes: Uint8Array): Promise<Record<string, string[][]>> {
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const out: Record<string, string[][]> = {};
    for (const sheet of workbook.worksheets) {
      out[sheet.name] = [];
      sheet.eachRow((row) => out[sheet.name]!.push((row.values as unknown[]).slice(1).map((v) => (v === undefined ? '' : typeof v))));
    }
    return out;
  }

  it('writes Elements, Connections and Loops, with typed cells: text as text (never a formula), positions as numbers', async () => {
    const map = sampleMap();
    map.elements[0]!.label = '=HYPERLINK("http://evil.example","Click")';
    const bytes = await exportKumuXlsx(map);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const written = await sheets(bytes);
    expect(Object.keys(written)).toEqual(['Elements', 'Connections', 'Loops']);
    expect(written.Elements![1]).toEqual(['string', 'string', 'string', 'string', 'string', 'number', 'number']);
    const back = ok(await importKumuXlsx(bytes, options())).map;
    expect(back.elements[0]?.label).toBe('=HYPERLINK("http://evil.example","Click")');
    expect(back.loopNotes.map((n) => n.name)).toEqual(['Prescribing connection']);
  });

  it('writes a mutual connection as one row, with its original type', async () => {
    const map = ok(importKumuCsv({ elements: 'Label,Type\r\nA,Company\r\nB,Person\r\n', connections: 'From,To,Type,Direction\r\nA,B,+-,mutual\r\n' }, options())).map;
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exportKumuXlsx(map)) as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.getWorksheet('Connections')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toEqual([
      ['From', 'To', 'Type', 'Direction', 'Label', 'Polarity', 'Delay', 'Confidence', 'Evidence'],
      ['A', 'B', '+-', 'mutual', undefined, '-', 'no'],
    ]);
    const elements: unknown[][] = [];
    workbook.getWorksheet('Elements')!.eachRow((row) => elements.push((row.values as unknown[]).slice(1, 3)));
    expect(elements).toEqual([
      ['Label', 'Type'],
      ['A', 'Company'],
      ['B', 'Person'],
    ]);
  });

  it('leaves out characters a workbook cannot hold', async () => {
    const map = sampleMap();
    map.elements[1]!.description = 'bell\u0007 and form\u000Cfeed';
    const back = ok(await importKumuXlsx(await exportKumuXlsx(map), options())).map;
    expect(back.elements[1]?.description).toBe('bell and formfeed');
  });
});

describe('round trips through a workbook', () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('import → export → import gives the same map, fields and loops included (seed %i)', async (seed) => {
    const first = ok(importKumuCsv(exportKumuCsv(randomKumuMap(seed, { loops: true })), options())).map;
    const again = ok(await importKumuXlsx(await exportKumuXlsx(first), options())).map;
    expect(again).toEqual(first);
  });

  it('the Kumu workbook fixture survives export and import whole', async () => {
    const first = ok(await importKumuXlsx(await fixtureBytes('kumu-export.xlsx'), options())).map;
    const again = ok(await importKumuXlsx(await exportKumuXlsx(first), options())).map;
    expect(again).toEqual(first);
  });
});
