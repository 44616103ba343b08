/// <reference types="vite/client" />
import { beforeAll, describe, expect, it } from 'vitest';
import connectionsFixture from './fixtures/torbay-dementia-connections.csv?raw';
import elementsFixture from './fixtures/torbay-dementia-elements.csv?raw';
import { fixtureBytes, fixtureText } from './fixtures/kumu/readFixture.js';
import { council, sampleMap, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema, type ImportResult } from './json.js';
import { decodeCsv, exportKumuCsv, importKumuCsv, kumuCsvSheet, type RowIssue } from './kumuCsv.js';
import { KUMU_ID_FIELD, KUMU_TYPE_FIELD } from './kumuVocabulary.js';
import { randomKumuMap } from './fixtures/kumu/randomMap.js';
import { MAP_LIMITS, type MapData, type MapElement } from './model.js';

const options = () => ({ newId: sequentialIds(), by: council });
const csv = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;
/** What export writes: a byte-order mark, then the lines. */
const bom = (...lines: string[]): string => `\uFEFF${csv(...lines)}`;

type Sheets = { elements?: string; connections?: string; loops?: string };

function ok(sheets: Sheets): { map: MapData; warnings: RowIssue[] } {
  const result = importKumuCsv(sheets, options());
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errors(sheets: Sheets): RowIssue[] {
  const result: ImportResult<RowIssue> = importKumuCsv(sheets, options());
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors;
}

const byLabel = (map: MapData, label: string): MapElement => {
  const element = map.elements.find((e) => e.label === label);
  if (!element) throw new Error(`no element '${label}'`);
  return element;
};

/** The connections as "From -> To (polarity)" for easy reading. */
const links = (map: MapData): string[] => {
  const label = new Map(map.elements.map((e) => [e.id, e.label]));
  return map.connections.map((c) => `${label.get(c.from)} -> ${label.get(c.to)} (${c.polarity})`);
};

const ELEMENTS_HEADER = 'Label,Type,Description,Tags,Agency,X,Y';
const CONNECTIONS_HEADER = 'From,To,Type,Direction,Label,Polarity,Delay,Confidence,Evidence';
const LOOPS_HEADER = 'Label,Description,Elements,Marker';

describe('exportKumuCsv', () => {
  it('writes the sheets with a byte-order mark, a header row, RFC 4180 quoting and CRLF line ends', () => {
    const { elements, connections, loops } = exportKumuCsv(sampleMap());
    expect(elements).toBe(
      bom(
        ELEMENTS_HEADER,
        'Social isolation,Factor,People aged 65+ who see someone they know less than once a week.,isolation|older-people,Cheshire West and Chester Council,0,0',
        'Community groups meeting,Factor,"Lunch clubs, walking groups, ""Men in Sheds"", the library knit & natter.",community,,260,-40.5',
        'GP appointments for low mood,Outcome,,,NHS Cheshire and Merseyside,120,220',
        'Social prescribing link workers,Intervention,"Link workers in each primary care network,\nreferring people to groups.",social-prescribing|nhs,Cheshire and Wirral Partnership NHS Foundation Trust,-200,180',
      ),
    );
    expect(connections).toBe(
      bom(
        CONNECTIONS_HEADER,
        'Social isolation,GP appointments for low mood,same,directed,low mood builds,+,yes,medium,JSNA 2024; GP practice survey.',
        'GP appointments for low mood,Social prescribing link workers,same,directed,,+,no,high,',
        'Social prescribing link workers,Community groups meeting,same,directed,referrals,+,no,,',
        'Community groups meeting,Social isolation,opposite,directed,,-,no,low,"Lived experience panel, May 2024: ""the lunch club is the only time I talk to anyone""."',
      ),
    );
    // The sample's one loop note, its loop named by its elements in order (from the key's first).
    expect(loops).toBe(
      bom(LOOPS_HEADER, 'Prescribing connection,Balancing: link workers pull isolation back down.,GP appointments for low mood|Social prescribing link workers|Community groups meeting|Social isolation,no'),
    );
  });

  it('writes just the header rows for an empty map', () => {
    expect(exportKumuCsv({ elements: [], connections: [], groups: [], loopNotes: [] })).toEqual({
      elements: bom(ELEMENTS_HEADER),
      connections: bom(CONNECTIONS_HEADER),
      loops: bom(LOOPS_HEADER),
    });
  });

  it('guards cells that a spreadsheet would run as a formula with an apostrophe', () => {
    const map = sampleMap();
    map.elements[0]!.label = '=HYPERLINK("http://evil.example","Click")';
    map.elements[1]!.description = '-ve attitudes to asking for help';
    map.elements[2]!.tags = ['@risk', 'plain'];
    map.elements[3]!.agency = "'+already quoted";
    const { elements, connections } = exportKumuCsv(map);
    const rows = elements.split('\r\n');
    expect(rows[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""Click"")",Factor,People aged 65+ who see someone they know less than once a week.,isolation|older-people,Cheshire West and Chester Council,0,0`);
    expect(rows[2]).toContain(",Factor,'-ve attitudes to asking for help,");
    expect(rows[3]).toContain(",'@risk|plain,");
    expect(rows[4]).toContain(",''+already quoted,");
    expect(connections.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(/);
    // …and import takes the guard off again.
    const back = ok({ elements, connections }).map;
    expect(back.elements.map((e) => [e.label, e.description, e.tags, e.agency])).toEqual(
      map.elements.map((e) => [e.label, e.description, e.tags, e.agency]),
    );
  });

  it('adds an ID column and names elements by ID when labels cannot name them', () => {
    for (const [a, b] of [
      ['Footfall', 'FOOTFALL'], // the same, ignoring case
      ['Footfall', ''], // no label
      ['Footfall', 'Shops|Cafés'], // Kumu would read "|" as two elements
    ]) {
      const map = sampleMap();
      map.elements[0]!.label = a as string;
      map.elements[1]!.label = b as string;
      const { elements, connections } = exportKumuCsv(map);
      expect(elements.split('\r\n')[0]).toBe(`\uFEFFID,${ELEMENTS_HEADER}`);
      expect(elements.split('\r\n')[1]).toMatch(/^e-isolation,Footfall,Factor,/);
      expect(connections.split('\r\n')[1]).toMatch(/^e-isolation,e-gp,same,/);
    }
  });

  it('guards ids that start like a formula', () => {
    const map = sampleMap();
    map.elements[1]!.label = map.elements[0]!.label; // forces the ID column
    map.elements[0]!.id = '-abc';
    map.connections[0]!.from = '-abc';
    map.connections[3]!.to = '-abc';
    const { elements, connections } = exportKumuCsv(map);
    expect(elements.split('\r\n')[1]).toMatch(/^'-abc,Social isolation,/);
    expect(connections.split('\r\n')[1]).toMatch(/^'-abc,e-gp,/);
    const back = ok({ elements, connections }).map;
    expect(links(back)[0]).toBe('Social isolation -> GP appointments for low mood (+)');
  });

  it('leaves out connections whose ends are not in the map', () => {
    const map = sampleMap();
    map.connections[1]!.to = 'e-deleted';
    expect(exportKumuCsv(map).connections.split('\r\n').filter((l) => l !== '')).toHaveLength(4);
  });

  it('writes tags trimmed, once each, without empty ones', () => {
    const map = sampleMap();
    map.elements[0]!.tags = [' walking ', 'walking', '', 'health'];
    expect(exportKumuCsv(map).elements.split('\r\n')[1]).toContain(',walking|health,');
  });
});

describe('importKumuCsv: the Torbay fixture (a Kumu export saved from Excel)', () => {
  let map: MapData;
  let warnings: RowIssue[];
  beforeAll(() => {
    ({ map, warnings } = ok({ elements: elementsFixture, connections: connectionsFixture }));
  });

  it('reads every element and connection, in order, with fresh ids', () => {
    expect(map.elements).toHaveLength(20);
    // 22 rows: one names two elements in "To", so 23 connections (a mutual one is one connection).
    expect(map.connections).toHaveLength(23);
    expect(map.elements[0]?.id).toBe('id1');
    expect(map.elements[0]?.label).toBe('People with dementia visiting the high street');
    expect(new Set([...map.elements, ...map.connections].map((x) => x.id)).size).toBe(43);
    expect(mapDataSchema.safeParse(map).success).toBe(true);
  });

  it('maps types to kinds ignoring case, with Kumu and US spellings, and the closest kind for others', () => {
    expect(byLabel(map, 'Confidence to go out').kind).toBe('variable'); // "factor"
    expect(byLabel(map, 'Dementia Friends sessions for businesses').kind).toBe('intervention');
    expect(byLabel(map, 'Emergency hospital admissions').kind).toBe('outcome');
    expect(byLabel(map, 'Torbay Council').kind).toBe('organisation'); // "Organization"
    expect(byLabel(map, 'Torbay Dementia Action Alliance').kind).toBe('organisation'); // "Network": the closest
  });

  it('keeps every type that is not exactly our kind’s name, to write it back', () => {
    expect(byLabel(map, 'Confidence to go out').fields).toEqual({ [KUMU_TYPE_FIELD]: 'factor' });
    expect(byLabel(map, 'Torbay Council').fields).toEqual({ [KUMU_TYPE_FIELD]: 'Organization' });
    expect(byLabel(map, 'Torbay Dementia Action Alliance').fields).toEqual({ [KUMU_TYPE_FIELD]: 'Network' });
    expect(byLabel(map, 'Business income').fields).toBeUndefined(); // "Factor": nothing to keep
  });

  it('keeps quotes and line breaks inside cells, splits tags on "|" and reads the agency', () => {
    expect(byLabel(map, 'Confidence to go out').description).toBe(
      'How sure people with dementia feel about going into town on their own. From the listening events: "I don\'t go in any more in case I get muddled at the till."',
    );
    expect(byLabel(map, 'Dementia Friends sessions for businesses').description).toBe(
      'Sessions run in shops and cafés, booked through the Alliance.\nFree to businesses.',
    );
    expect(byLabel(map, 'Confidence to go out').tags).toEqual(['dementia', 'lived-experience']);
    expect(byLabel(map, 'Emergency hospital admissions').agency).toBe('Torbay and South Devon NHS Foundation Trust');
  });

  it('reads polarity from Type (same/opposite) and from Polarity ("−"), and delays and evidence', () => {
    const all = links(map);
    expect(all).toContain('Staff trained as Dementia Friends -> Confidence to go out (+)');
    expect(all).toContain('Fear of getting lost -> Confidence to go out (-)');
    expect(all).toContain('Retail staff turnover -> Staff trained as Dementia Friends (-)'); // "−", U+2212
    expect(all).toContain('Torbay Council -> Clear signage and quiet spaces (?)'); // Type "funds"
    const budget = map.connections[13]; // row 16: rows 2–11, then a blank row

    expect(links({ ...map, connections: [budget!] })).toEqual(['Pressure on NHS budgets -> Funding for community dementia support (-)']);
    expect(budget?.delay).toBe(true);
    expect(map.connections[1]?.evidence).toBe('People told us a patient, friendly face at the till is what makes them come back.');
    expect(map.connections[5]?.label).toBe('"worth it"');
  });

  it('makes one connection per element named in a "|" list, and keeps a mutual one as one, mutual', () => {
    expect(links(map).slice(19)).toEqual([
      'Torbay Council -> Clear signage and quiet spaces (?)',
      'Torbay Council -> Accessible toilets and seating (?)',
      'Torbay Dementia Action Alliance -> Dementia Friends sessions for businesses (?)',
      'Torbay Council -> Torbay and South Devon NHS Foundation Trust (?)',
    ]);
    expect(map.connections[22]).toMatchObject({ label: 'Integrated care partnership', direction: 'mutual' });
    expect(map.connections.filter((c) => c.direction !== undefined)).toHaveLength(1);
  });

  it('keeps other columns and non-polarity types as custom fields', () => {
    expect(map.connections[0]?.fields).toEqual({ Strength: 'strong' });
    expect(map.connections[2]?.fields).toBeUndefined(); // an empty Strength is no field
    expect(map.connections[19]?.fields).toEqual({ [KUMU_TYPE_FIELD]: 'funds' });
    expect(map.connections[20]?.fields).toEqual({ [KUMU_TYPE_FIELD]: 'funds' });
  });

  it('lays the elements out on a circle, none on top of another', () => {
    const spots = new Set(map.elements.map((e) => `${e.x},${e.y}`));
    expect(spots.size).toBe(20);
    const radii = map.elements.map((e) => Math.hypot(e.x, e.y));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(2);
    expect(map.elements[0]).toMatchObject({ x: 0, y: -764 }); // twelve o'clock
  });

  it('warns, once per value, naming sheet, row and column', () => {
    expect(warnings).toEqual([
      {
        sheet: 'elements',
        row: 22,
        column: 'Type',
        message:
          "Elements sheet, row 22, column Type: the Type 'Network' is not one of the workspace’s kinds, so row 22 came in as Organisation, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      },
      ...[
        [22, 'funds'],
        [23, 'runs'],
        [24, 'partners'],
      ].map(([row, type]) => ({
        sheet: 'connections',
        row,
        column: 'Type',
        message: `Connections sheet, row ${row}, column Type: the Type '${type}' is not a polarity (such as same, opposite, + or −), so it was kept in the field 'Kumu type' (row ${row}); the polarity comes from the Polarity column, or is ? (not known yet).`,
      })),
    ]);
  });

  it('records the importer as creator and last editor of everything', () => {
    expect(map.elements[3]?.created).toEqual(council);
    expect(map.connections[3]?.updated).toEqual(council);
    expect(map.elements[3]?.created).not.toBe(map.elements[4]?.created); // copies, not one shared object
  });

  it('round-trips: export → import → export gives the same text, types and directions included', () => {
    const first = exportKumuCsv(map);
    expect(first.elements).toContain('\r\nTorbay Council,Organization,');
    expect(first.connections).toContain('\r\nTorbay Council,Torbay and South Devon NHS Foundation Trust,partners,mutual,Integrated care partnership,');
    const again = ok(first);
    expect(exportKumuCsv(again.map)).toEqual(first);
    // The same four types to check (at other rows: export writes no blank rows).
    expect(again.warnings.map((w) => [w.sheet, w.column])).toEqual(warnings.map((w) => [w.sheet, w.column]));
  });
});

describe('importKumuCsv: values', () => {
  const oneLink = (cells: Record<string, string>) => {
    const columns = Object.keys(cells);
    return ok({
      elements: csv('Label', 'A', 'B'),
      connections: csv(`From,To,${columns.join(',')}`, `A,B,${columns.map((c) => cells[c]).join(',')}`),
    });
  };

  it.each([
    ['+', '+'],
    ['-', '-'],
    ['\u2212', '-'],
    ['\u2013', '-'],
    ['++', '+'],
    ['--', '+'],
    ['+-', '-'],
    ['-+', '-'],
    [' + - ', '-'],
    ['\u2212\u2212', '+'],
    ['positive', '+'],
    ['Negative', '-'],
    ['same', '+'],
    ['OPPOSITE', '-'],
    ['s', '+'],
    ['o', '-'],
    ['?', '?'],
    ['', '?'],
  ])('reads Polarity %j as %s', (cell, polarity) => {
    expect(oneLink({ Polarity: cell }).map.connections[0]?.polarity).toBe(polarity);
  });

  it.each([
    ['++', '+'],
    ['--', '+'],
    ['+-', '-'],
    ['-+', '-'],
    ['Positive', '+'],
    ['S', '+'],
  ])('reads Type %j as polarity %s and keeps the spelling to write it back', (cell, polarity) => {
    const { map, warnings } = oneLink({ Type: cell });
    expect(map.connections[0]).toMatchObject({ polarity, fields: { [KUMU_TYPE_FIELD]: cell } });
    expect(warnings).toEqual([]);
    expect(exportKumuCsv(map).connections.split('\r\n')[1]).toBe(`A,B,${cell},directed,,${polarity},no,,`);
  });

  it('does not keep "same" and "opposite", which export writes anyway', () => {
    expect(oneLink({ Type: 'same' }).map.connections[0]?.fields).toBeUndefined();
    expect(oneLink({ Type: 'opposite' }).map.connections[0]?.fields).toBeUndefined();
  });

  it('keeps a Type that is not a polarity, "reinforcing" too (a loop’s word, not a link’s)', () => {
    for (const type of ['Investor', 'Employee/Founder', 'reinforcing']) {
      const { map, warnings } = oneLink({ Type: type });
      expect(map.connections[0]).toMatchObject({ polarity: '?', fields: { [KUMU_TYPE_FIELD]: type } });
      expect(warnings[0]?.message).toContain(`the Type '${type}' is not a polarity`);
    }
    expect(oneLink({ Type: 'Investor', Polarity: '+' }).map.connections[0]?.polarity).toBe('+');
  });

  it('takes Polarity over Type when they disagree, and says so', () => {
    const { map, warnings } = oneLink({ Type: 'same', Polarity: '−' });
    expect(map.connections[0]?.polarity).toBe('-');
    expect(warnings).toEqual([
      {
        sheet: 'connections',
        row: 2,
        column: 'Polarity',
        message: "Connections sheet, row 2, column Polarity: the Type says 'same' but the Polarity says '−'; the Polarity was used.",
      },
    ]);
  });

  it.each([
    ['directed', undefined],
    ['', undefined],
    ['Mutual', 'mutual'],
    ['UNDIRECTED', 'undirected'],
  ])('reads Direction %j as %s, one connection each', (cell, direction) => {
    const { map, warnings } = oneLink({ Direction: cell });
    expect(map.connections).toHaveLength(1);
    expect(map.connections[0]?.direction).toBe(direction);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['yes', true],
    ['Y', true],
    ['TRUE', true],
    ['1', true],
    ['no', false],
    ['false', false],
    ['0', false],
    ['', false],
  ])('reads Delay %j as %s', (cell, delay) => {
    expect(oneLink({ Delay: cell }).map.connections[0]?.delay).toBe(delay);
  });

  it.each([
    ['High', 'high'],
    ['medium', 'medium'],
    ['low', 'low'],
    ['', null],
  ])('reads Confidence %j as %s', (cell, confidence) => {
    expect(oneLink({ Confidence: cell }).map.connections[0]?.confidence).toBe(confidence);
  });

  it('reads kinds by label or name, ignoring case, and a few other names for them', () => {
    const { map, warnings } = ok({
      elements: csv('Label,Type', 'a,FACTOR', 'b,variable', 'c,stakeholder', 'd,Person', 'e,organization', 'f,Note', 'g,', 'h,Actor'),
    });
    expect(map.elements.map((e) => e.kind)).toEqual(['variable', 'variable', 'actor', 'actor', 'organisation', 'note', 'variable', 'actor']);
    expect(warnings).toEqual([]);
  });

  it('maps other types to the closest kind, or a factor, with one warning per type listing its rows', () => {
    const rows = Array.from({ length: 8 }, (_, i) => `e${i},${i % 4 === 3 ? 'Widget' : 'Company'}`);
    const { map, warnings } = ok({ elements: csv('Label,Type', ...rows, 'x,Desired Outcome', 'y,State') });
    expect(map.elements.map((e) => e.kind)).toEqual([...rows.map((r) => (r.endsWith('Company') ? 'organisation' : 'variable')), 'outcome', 'variable']);
    expect(map.elements.map((e) => e.fields?.[KUMU_TYPE_FIELD])).toEqual([...rows.map((r) => r.split(',')[1]), 'Desired Outcome', 'State']);
    expect(warnings.map((w) => w.message)).toEqual([
      "Elements sheet, row 2, column Type: the Type 'Company' is not one of the workspace’s kinds, so rows 2, 3, 4, 6, 7 and 8 came in as Organisation, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 5, column Type: the Type 'Widget' is not one of the workspace’s kinds, and nothing in it says which of Factor, Actor, Organisation, Intervention, Outcome or Note it is, so rows 5 and 9 came in as Factor. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 10, column Type: the Type 'Desired Outcome' is not one of the workspace’s kinds, so row 10 came in as Outcome, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Elements sheet, row 11, column Type: the Type 'State' is not one of the workspace’s kinds, so row 11 came in as Factor, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
    ]);
  });

  it('writes the original type back while it still fits the kind, else the kind', () => {
    const { map } = ok({ elements: csv('Label,Type', 'Acme,Company', 'Bob,Company') });
    map.elements[1]!.kind = 'actor'; // someone changed it since
    expect(exportKumuCsv(map).elements).toBe(bom(ELEMENTS_HEADER, 'Acme,Company,,,,0,-240', 'Bob,Actor,,,,0,240'));
  });

  it('keeps other columns as custom fields, trimmed, leaving empty cells out', () => {
    const { map, warnings, summary } = importKumuCsvOk({
      elements: csv('Label,Population, Region ', 'Torquay, 49 094 ,South West', 'Paignton,,'),
      connections: csv('From,To,Tags,strength', 'Torquay,Paignton,bus|rail,3'),
    });
    expect(map.elements.map((e) => e.fields)).toEqual([{ Population: '49 094', Region: 'South West' }, undefined]);
    expect(map.connections[0]?.fields).toEqual({ Tags: 'bus|rail', strength: '3' });
    expect(summary.fields).toEqual({ elements: ['Population', 'Region'], connections: ['Tags', 'strength'] });
    expect(warnings).toEqual([]);
  });

  it('caps custom fields: the count of columns, the length of names and values', () => {
    const many = Array.from({ length: MAP_LIMITS.fieldsMax }, (_, i) => `f${i}`);
    const longName = 'n'.repeat(MAP_LIMITS.fieldNameMax + 1);
    const { map, warnings } = ok({ elements: csv(['Label', ...many, longName].join(','), ['A', ...many.map(() => 'v'), 'v'].join(',')) });
    expect(Object.keys(map.elements[0]!.fields!)).toHaveLength(MAP_LIMITS.fieldsMax - 2);
    expect(warnings.map((w) => w.message)).toEqual([
      `Elements sheet, row 1: the heading of column AZ is 201 characters long, more than the 200 a field's name may have, so the column was not imported.`,
      `Elements sheet, row 1: only 48 columns besides the ones the workspace knows are kept as custom fields, so 'f48' and 'f49' were not imported.`,
    ]);
    expect(errors({ elements: csv('Label,Notes', `A,${'x'.repeat(MAP_LIMITS.fieldValueMax + 1)}`) })[0]?.message).toBe(
      "Elements sheet, row 2, column Notes: the value of 'Notes' is 5001 characters long; at most 5000 fit.",
    );
  });

  it('merges rows with the same label and type, as Kumu does, and says which', () => {
    const { map, warnings, summary } = importKumuCsvOk({
      elements: csv('Label,Type,Description,Tags,Population', 'Footfall,Factor,,high-street,', 'Shops,Factor,,,', 'footfall,Factor,Visits a week,High-Street|economy,1200', 'Footfall,Outcome,Another element,,'),
    });
    expect(map.elements.map((e) => [e.label, e.kind, e.description, e.tags, e.fields])).toEqual([
      ['Footfall', 'variable', 'Visits a week', ['high-street', 'economy'], { Population: '1200' }],
      ['Shops', 'variable', '', [], undefined],
      ['Footfall', 'outcome', 'Another element', [], undefined],
    ]);
    expect(summary.mergedRows).toBe(1);
    expect(warnings[0]).toEqual({
      sheet: 'elements',
      row: 4,
      column: 'Label',
      message:
        "Elements sheet, row 4, column Label: 'Footfall' (type Factor) is also in row 2, so rows 2 and 4 were merged into one element, as Kumu does: later rows fill what earlier ones left empty and add their tags.",
    });
    // Two elements now share the label "Footfall" (with different types): a connection must name one by ID.
    expect(errors({ elements: csv('Label,Type', 'Footfall,Factor', 'Footfall,Outcome', 'Shops,'), connections: csv('From,To', 'Shops,Footfall') })[0]?.message).toBe(
      "Connections sheet, row 2, column To: 'Footfall' is the label of rows 2 and 3 in the Elements sheet, so it does not say which. Give the elements IDs (an ID column) and name them by ID here.",
    );
  });

  it('merges rows with the same ID, keeping the first row’s value where they differ', () => {
    const { map, warnings } = ok({ elements: csv('ID,Label,Description', 'w1,Pipeline,Big waves', 'w1,Pipeline,Small waves', 'w2,Pipeline,') });
    expect(map.elements.map((e) => [e.label, e.description, e.fields])).toEqual([
      ['Pipeline', 'Big waves', { [KUMU_ID_FIELD]: 'w1' }],
      ['Pipeline', '', { [KUMU_ID_FIELD]: 'w2' }],
    ]);
    expect(warnings[0]?.message).toBe(
      "Elements sheet, row 3, column Label: 'Pipeline' is also in row 2, so rows 2 and 3 were merged into one element, as Kumu does: later rows fill what earlier ones left empty and add their tags. Where they differ (Description), row 2’s value was kept.",
    );
  });

  it('splits tags on "|", trimming and dropping empty and repeated ones', () => {
    const { map } = ok({ elements: csv('Label,Tags', 'a, carers | nhs||carers |') });
    expect(map.elements[0]?.tags).toEqual(['carers', 'nhs']);
  });

  it('joins a Kumu Description and our Evidence rather than lose either', () => {
    expect(oneLink({ Description: 'Kumu text', Evidence: 'Our notes' }).map.connections[0]?.evidence).toBe('Kumu text\n\nOur notes');
    expect(oneLink({ Description: 'Kumu text' }).map.connections[0]?.evidence).toBe('Kumu text');
  });

  it('uses X and Y when given, and puts elements without them on a grid below', () => {
    const { map } = ok({ elements: csv('Label,X,Y', 'a,10,-20.5', 'b,,', 'c,1e2,300', 'd,7,') });
    expect(map.elements.map((e) => [e.x, e.y])).toEqual([
      [10, -20.5],
      [10, 620],
      [100, 300],
      [250, 620],
    ]);
  });

  it('puts large maps without positions on a grid', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `e${i}`);
    const { map } = ok({ elements: csv('Label', ...labels) });
    expect(map.elements.slice(0, 7).map((e) => [e.x, e.y])).toEqual([
      [0, 0],
      [240, 0],
      [480, 0],
      [720, 0],
      [960, 0],
      [1200, 0],
      [0, 160],
    ]);
  });

  it('finds elements by ID when the Elements sheet has an ID column, allowing repeated labels, and keeps the IDs', () => {
    const { map } = ok({
      elements: csv('ID,Label', 'w1,Pipeline', 'w2,Pipeline', 'w3,Sunset Beach'),
      connections: csv('ID,From,To', 'c9,w1,w2', ',Sunset Beach,w1'),
    });
    expect(map.connections.map((c) => [c.from, c.to, c.fields])).toEqual([
      ['id1', 'id2', { [KUMU_ID_FIELD]: 'c9' }],
      ['id3', 'id1', undefined],
    ]);
    // …and writes them back, so Kumu updates its elements rather than adding new ones.
    const { elements, connections } = exportKumuCsv(map);
    expect(elements.split('\r\n').slice(0, 2)).toEqual([`\uFEFFID,${ELEMENTS_HEADER}`, 'w1,Pipeline,Factor,,,,0,-240']);
    expect(connections.split('\r\n').slice(0, 3)).toEqual([`\uFEFFID,${CONNECTIONS_HEADER}`, 'c9,w1,w2,,directed,,?,no,,', ',w3,w1,,directed,,?,no,,']);
  });

  it('ignores blank lines but counts them in row numbers, strips a BOM and accepts LF or CRLF', () => {
    const elements = '\uFEFFLabel,Type\n\nA,Factor\n  ,  \nB,Factor\n';
    const connections = 'From,To\r\n\r\nA,Nowhere\r\n';
    expect(errors({ elements, connections })).toEqual([
      { sheet: 'connections', row: 3, column: 'To', message: "Connections sheet, row 3, column To: 'Nowhere' is not an element in the Elements sheet." },
    ]);
    expect(ok({ elements }).map.elements.map((e) => e.label)).toEqual(['A', 'B']);
  });

  it('counts a quoted cell with line breaks as one row, as a spreadsheet does', () => {
    const elements = csv('Label,Description', 'A,"one\r\ntwo\r\nthree"', ',no label');
    expect(errors({ elements })).toEqual([
      { sheet: 'elements', row: 3, column: 'Label', message: 'Elements sheet, row 3, column Label: the Label is empty; every element needs a label.' },
    ]);
  });

  it('accepts a missing Connections sheet, or one with only a header', () => {
    expect(ok({ elements: csv('Label', 'A') }).map.connections).toEqual([]);
    expect(ok({ elements: csv('Label', 'A'), connections: csv('From,To') }).map.connections).toEqual([]);
  });

  it('matches column names ignoring case and spaces around them', () => {
    const { map } = ok({ elements: csv(' label ,TYPE,tags', 'A,Outcome,x|y') });
    expect(map.elements[0]).toMatchObject({ label: 'A', kind: 'outcome', tags: ['x', 'y'] });
  });
});

/** Like `ok`, with the import's summary. */
function importKumuCsvOk(sheets: Sheets) {
  const result = importKumuCsv(sheets, options());
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

describe('importKumuCsv: a Connections sheet on its own', () => {
  it('makes the elements from From and To (each of a "|" list), with a warning saying so', async () => {
    const text = await fixtureText('connections-only.csv');
    expect(kumuCsvSheet(text)).toBe('connections');
    const { map, warnings, summary } = importKumuCsvOk({ connections: text });
    expect(map.elements.map((e) => [e.label, e.kind])).toEqual([
      ['Footfall', 'variable'],
      ['Business income', 'variable'],
      ['Shop vacancies', 'variable'],
      ['Parking demand', 'variable'],
      ['Bus use', 'variable'],
    ]);
    expect(links(map)).toEqual([
      'Footfall -> Business income (+)',
      'Business income -> Shop vacancies (-)',
      'Shop vacancies -> Footfall (-)',
      'Footfall -> Parking demand (+)',
      'Footfall -> Bus use (+)',
    ]);
    expect(map.connections[3]?.direction).toBe('mutual');
    expect(map.connections[1]?.fields).toEqual({ [KUMU_TYPE_FIELD]: '+-', Tags: 'economy|shops' });
    expect(summary.madeFromConnections).toBe(5);
    expect(warnings.map((w) => w.message)).toEqual([
      'Connections sheet, row 1: there is no Elements sheet, so the 5 elements were made from the labels in From and To, as Factors with no description. Import the Elements sheet with it to bring their types and descriptions.',
    ]);
  });

  it('refuses nothing chosen', () => {
    expect(errors({})[0]?.message).toBe(
      'Elements sheet, row 1: there is no Elements or Connections sheet. Choose Kumu’s sheets: Elements (with a Label column), Connections (with From and To), or both.',
    );
  });
});

describe('importKumuCsv: files as Excel saves them', () => {
  it('refuses a file separated by semicolons, saying how to save it', async () => {
    expect(errors({ elements: await fixtureText('semicolons.csv') })).toEqual([
      {
        sheet: 'elements',
        row: 1,
        message:
          'Elements sheet, row 1: this file looks separated by semicolons, not commas, so its columns cannot be told apart. In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)” (or in LibreOffice, a comma as the field delimiter) and import that file.',
      },
    ]);
  });

  it('reads a file saved in Excel’s Windows encoding, with a warning', async () => {
    const decoded = decodeCsv(await fixtureBytes('windows-1252.csv'), 'windows-1252.csv');
    expect(decoded.text).toBe('Label,Description\r\neBay,eBay’s marketplace – café prices\r\n');
    expect(decoded.warning).toMatch(/^windows-1252.csv is not saved as UTF-8/);
    expect(decodeCsv(new TextEncoder().encode('\uFEFFLabel\r\neBay’s\r\n'))).toEqual({ text: 'Label\r\neBay’s\r\n' });
  });

  it('tells the sheets apart by their first row', () => {
    expect(kumuCsvSheet('\uFEFFLabel,Type\r\n')).toBe('elements');
    expect(kumuCsvSheet('\r\n FROM , to \r\n')).toBe('connections');
    expect(kumuCsvSheet('Label,Description,Elements,Marker\r\n')).toBe('loops');
  });
});

describe('importKumuCsv: errors, each with its sheet, row and column', () => {
  it('a sheet without a Label column, or without From and To', () => {
    expect(errors({ elements: csv('Name,Type', 'A,Factor') })).toEqual([
      {
        sheet: 'elements',
        row: 1,
        column: 'Label',
        message: "Elements sheet, row 1, column Label: the Elements sheet has no 'Label' column. Its first row should name the columns, starting with Label.",
      },
    ]);
    expect(errors({ elements: csv('Label', 'A'), connections: csv('Source,Target', 'A,A') })).toEqual([
      {
        sheet: 'connections',
        row: 1,
        column: 'From',
        message: "Connections sheet, row 1, column From: the Connections sheet has no 'From' and 'To' columns. Its first row should name the columns, starting with From and To.",
      },
    ]);
  });

  it('an empty Elements sheet', () => {
    expect(errors({ elements: '\r\n\r\n' })[0]?.message).toBe('Elements sheet, row 1: the Elements sheet is empty. Its first row should name the columns, starting with Label.');
  });

  it('a column named twice', () => {
    expect(errors({ elements: csv('Label,Type,Notes,type', 'A,Factor,,Outcome') })).toEqual([
      { sheet: 'elements', row: 1, column: 'type', message: "Elements sheet, row 1, column type: the column 'type' appears twice (columns B and D). Keep one of them." },
    ]);
    expect(errors({ elements: csv('Label,Notes,notes', 'A,,') })[0]?.message).toBe(
      "Elements sheet, row 1, column notes: the column 'notes' appears twice (columns B and C). Keep one of them.",
    );
  });

  it('a row without a label', () => {
    expect(errors({ elements: csv('Label,Description', 'A,', ',about nothing') })).toEqual([
      { sheet: 'elements', row: 3, column: 'Label', message: 'Elements sheet, row 3, column Label: the Label is empty; every element needs a label.' },
    ]);
  });

  it('a connection to an element that is not in the Elements sheet, suggesting the likely one', () => {
    const elements = csv('Label', 'Footfall', 'Business income');
    expect(errors({ elements, connections: csv('From,To', 'Business income,Footfall', 'Business income,Footfal', 'Parking,Footfall') })).toEqual([
      {
        sheet: 'connections',
        row: 3,
        column: 'To',
        message: "Connections sheet, row 3, column To: 'Footfal' is not an element in the Elements sheet. Did you mean 'Footfall'?",
      },
      { sheet: 'connections', row: 4, column: 'From', message: "Connections sheet, row 4, column From: 'Parking' is not an element in the Elements sheet." },
    ]);
  });

  it('an empty From or To', () => {
    expect(errors({ elements: csv('Label', 'A'), connections: csv('From,To', ',A') })).toEqual([
      { sheet: 'connections', row: 2, column: 'From', message: 'Connections sheet, row 2, column From: From is empty; it should name an element from the Elements sheet.' },
    ]);
  });

  it('a label that names more than one element when the sheet has IDs', () => {
    expect(errors({ elements: csv('ID,Label', 'w1,Pipeline', 'w2,pipeline'), connections: csv('From,To', 'w1,Pipeline') })).toEqual([
      {
        sheet: 'connections',
        row: 2,
        column: 'To',
        message:
          "Connections sheet, row 2, column To: 'Pipeline' is the label of rows 2 and 3 in the Elements sheet, so it does not say which. Give the elements IDs (an ID column) and name them by ID here.",
      },
    ]);
  });

  it('a "|" list naming an unknown element', () => {
    expect(errors({ elements: csv('Label', 'A', 'B'), connections: csv('From,To', 'A,B|C') })[0]?.message).toBe(
      "Connections sheet, row 2, column To: 'C' is not an element in the Elements sheet.",
    );
  });

  it('values outside what a column allows', () => {
    expect(
      errors({
        elements: csv('Label,X,Y', 'A,12px,3', 'B,1,2'),
        connections: csv('From,To,Polarity,Delay,Confidence,Direction', 'A,B,maybe,soon,certain,sideways'),
      }).map((e) => e.message),
    ).toEqual([
      "Elements sheet, row 2, column X: X must be a number (like 120 or -35.5), not '12px'.",
      "Connections sheet, row 2, column Polarity: the Polarity must be +, − or ? (or ++, --, +-, -+, same, opposite, positive, negative), not 'maybe'.",
      "Connections sheet, row 2, column Delay: the Delay must be yes or no, not 'soon'.",
      "Connections sheet, row 2, column Confidence: the Confidence must be low, medium or high (or empty), not 'certain'.",
      "Connections sheet, row 2, column Direction: the Direction must be directed, mutual or undirected, not 'sideways'.",
    ]);
  });

  it('fields longer than the map allows', () => {
    const long = (n: number) => 'x'.repeat(n);
    const tags = Array.from({ length: MAP_LIMITS.tagsMax + 1 }, (_, i) => `t${i}`).join('|');
    const found = errors({
      elements: csv(
        'Label,Description,Tags,Agency',
        `${long(MAP_LIMITS.labelMax + 1)},,,`,
        `B,${long(MAP_LIMITS.descriptionMax + 1)},,`,
        `C,,${long(MAP_LIMITS.tagMax + 1)},`,
        `D,,${tags},`,
        `E,,,${long(MAP_LIMITS.agencyMax + 1)}`,
      ),
      connections: csv('From,To,Label,Evidence', `B,C,${long(MAP_LIMITS.labelMax + 1)},`, `B,C,,${long(MAP_LIMITS.evidenceMax + 1)}`),
    });
    expect(found.map((e) => [e.sheet, e.row, e.column, e.message.replace(/^[^:]*: /, '')])).toEqual([
      ['elements', 2, 'Label', 'the label is 201 characters long; at most 200 fit. Shorten it; the Description can hold more.'],
      ['elements', 3, 'Description', 'the description is 5001 characters long; at most 5000 fit.'],
      ['elements', 4, 'Tags', `the tag '${long(30)}…' is 51 characters long; at most 50 fit. Tags are separated by "|".`],
      ['elements', 5, 'Tags', 'there are 31 tags; an element can have at most 30.'],
      ['elements', 6, 'Agency', 'the agency is 201 characters long; at most 200 fit.'],
      ['connections', 2, 'Label', 'the label is 201 characters long; at most 200 fit.'],
      ['connections', 3, 'Evidence', 'the evidence is 5001 characters long; at most 5000 fit.'],
    ]);
  });

  it('a quote that is never closed', () => {
    expect(errors({ elements: csv('Label,Description', 'A,fine', 'B,"runs on', 'C,and on') })).toEqual([
      {
        sheet: 'elements',
        row: 3,
        message:
          'Elements sheet, row 3: a cell opens a quote (") that is never closed, so the rest of the sheet runs into it. A quote inside a cell must be written twice ("").',
      },
    ]);
  });

  it('more elements than a map holds', () => {
    const rows = Array.from({ length: MAP_LIMITS.elementsMax + 1 }, (_, i) => `e${i}`);
    expect(errors({ elements: csv('Label', ...rows) })).toEqual([
      {
        sheet: 'elements',
        row: 10_002,
        message: 'Elements sheet, row 10002: the Elements sheet has 10,001 rows; a map holds at most 10,000 elements. Split it into smaller maps.',
      },
    ]);
  });

  it('more connections than a map holds, counting "|" lists', () => {
    const rows = Array.from({ length: MAP_LIMITS.connectionsMax / 2 + 1 }, () => 'A,B|C');
    expect(errors({ elements: csv('Label', 'A', 'B', 'C'), connections: csv('From,To', ...rows) })).toEqual([
      {
        sheet: 'connections',
        row: 15_002,
        message: 'Connections sheet, row 15002: by this row the sheet makes more than 30,000 connections (counting "|" lists), the most a map holds.',
      },
    ]);
    const tooMany = Array.from({ length: MAP_LIMITS.connectionsMax + 1 }, () => 'A,B');
    expect(errors({ elements: csv('Label', 'A', 'B'), connections: csv('From,To', ...tooMany) })[0]?.message).toBe(
      'Connections sheet, row 30002: the Connections sheet has 30,001 rows; a map holds at most 30,000 connections. Split it into smaller maps.',
    );
  });

  it('every problem at once, elements first, in row order', () => {
    const found = errors({
      elements: csv('Label,Type', 'A,', ',Factor', 'B,'),
      connections: csv('From,To,Delay', 'A,Z,', 'A,A,never'),
      loops: csv('Label,Elements', 'Loop,A|Q'),
    });
    expect(found.map((e) => `${e.sheet} ${e.row} ${e.column}`)).toEqual(['elements 3 Label', 'connections 2 To', 'connections 3 Delay', 'loops 2 Elements']);
  });
});

describe('importKumuCsv: the Loops sheet', () => {
  const elements = csv('Label', 'A', 'B', 'C');
  const connections = csv('From,To', 'A,B', 'B,C', 'C,A');

  it('names the loop its elements go round, from any starting element, and keeps the marker', () => {
    const { map, warnings } = ok({ elements, connections, loops: csv('Label,Description,Elements,Marker', 'Vicious circle,Gets worse,B|C|A,yes') });
    // Ids id1, id2, id3 for A, B, C: the key starts at the smallest, as loops.ts writes keys.
    expect(map.loopNotes).toEqual([{ key: 'id1>id2>id3', name: 'Vicious circle', note: 'Gets worse', marker: true, updated: council }]);
    expect(warnings).toEqual([]);
  });

  it('keeps a name whose loop is not on the map, with a warning, and leaves out a repeat', () => {
    const { map, warnings } = ok({ elements, connections, loops: csv('Label,Elements', 'Backwards,A|C|B', 'Again,C|B|A') });
    expect(map.loopNotes.map((n) => n.name)).toEqual(['Backwards']);
    expect(warnings.map((w) => w.message)).toEqual([
      'Loops sheet, row 2, column Elements: the map has no such loop (a link between two of these elements is missing or runs the other way); its name was kept, and shows if the loop is drawn.',
      'Loops sheet, row 3, column Elements: this is the loop of row 2 again, so the row was left out.',
    ]);
  });

  it('refuses an element that is not in the Elements sheet, or named twice', () => {
    expect(errors({ elements, connections, loops: csv('Label,Elements', 'x,A|B|A', 'y,A|Q') }).map((e) => e.message)).toEqual([
      'Loops sheet, row 2, column Elements: an element is named twice; a loop passes through each of its elements once.',
      "Loops sheet, row 3, column Elements: 'Q' is not an element in the Elements sheet.",
    ]);
  });
});

describe('round trips', () => {
  /** Puts the original element ids back, by position, so the ID column compares too. */
  function withIdsOf(original: MapData, imported: MapData): MapData {
    const ids = new Map(imported.elements.map((e, i) => [e.id, original.elements[i]!.id]));
    return {
      ...imported,
      elements: imported.elements.map((e) => ({ ...e, id: ids.get(e.id)! })),
      connections: imported.connections.map((c) => ({ ...c, from: ids.get(c.from)!, to: ids.get(c.to)! })),
    };
  }

  /** The map with line ends inside its texts as import gives them: "\n". */
  const lf = (map: MapData): MapData => JSON.parse(JSON.stringify(map).replaceAll('\\r\\n', '\\n')) as MapData;

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('export → import → export gives the same CSV (seed %i)', (seed) => {
    const original = lf(randomKumuMap(seed));
    const first = exportKumuCsv(original);
    const imported = ok(first).map;
    expect(exportKumuCsv(withIdsOf(original, imported))).toEqual(first);
    // And the fields themselves survive, not just their text.
    expect(imported.elements.map((e) => [e.kind, e.description, e.x, e.y])).toEqual(original.elements.map((e) => [e.kind, e.description, e.x, e.y]));
    expect(imported.connections.map((c) => [c.polarity, c.delay, c.confidence, c.evidence, c.direction])).toEqual(
      original.connections.map((c) => [c.polarity, c.delay, c.confidence, c.evidence, c.direction]),
    );
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('import → export → import gives the same map, fields and loops included (seed %i)', (seed) => {
    const first = ok(exportKumuCsv(randomKumuMap(seed, { loops: true }))).map;
    const again = ok(exportKumuCsv(first)).map;
    expect(again).toEqual(first);
    expect(mapDataSchema.safeParse(again).success).toBe(true);
  });

  it('keeps custom fields, types and directions through the round trip', () => {
    const first = ok({
      elements: csv('Label,Type,Population', 'Acme,Company,120', 'Bob,Person,'),
      connections: csv('From,To,Type,Direction,Tags', 'Bob,Acme,Employee/Founder,mutual,people|founders', 'Acme,Bob,++,undirected,'),
    }).map;
    const again = ok(exportKumuCsv(first)).map;
    expect(again).toEqual(first);
    expect(again.elements[0]?.fields).toEqual({ Population: '120', [KUMU_TYPE_FIELD]: 'Company' });
    expect(again.connections.map((c) => [c.direction, c.polarity, c.fields])).toEqual([
      ['mutual', '?', { [KUMU_TYPE_FIELD]: 'Employee/Founder', Tags: 'people|founders' }],
      ['undirected', '+', { [KUMU_TYPE_FIELD]: '++' }],
    ]);
  });

  it('writes a custom field named like a column of the sheet under another name, not over that column', () => {
    const map = ok({ elements: csv('Label', 'A') }).map;
    map.elements[0]!.fields = { label: 'not the label', Notes: 'kept' };
    expect(exportKumuCsv(map).elements).toBe(bom(`${ELEMENTS_HEADER},label (field),Notes`, 'A,Factor,,,,0,-240,not the label,kept'));
  });

  it('the sample map keeps its fields and loop notes through CSV (less what Kumu sheets cannot hold)', () => {
    const original = sampleMap();
    const csvs = exportKumuCsv(original);
    const back = withIdsOf(original, ok(csvs).map);
    expect(back.elements).toEqual(original.elements.map((e) => ({ ...e, groupId: null, created: council, updated: council })));
    expect(back.connections.map(({ id: _id, views: _views, created: _c, updated: _u, ...rest }) => rest)).toEqual(
      original.connections.map(({ id: _id, views: _views, created: _c, updated: _u, ...rest }) => rest),
    );
    expect(back.loopNotes).toEqual([{ key: 'id1>id3>id4>id2', name: 'Prescribing connection', note: 'Balancing: link workers pull isolation back down.', updated: council }]);
  });
});
