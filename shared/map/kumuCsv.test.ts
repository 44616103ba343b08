/// <reference types="vite/client" />
import { beforeAll, describe, expect, it } from 'vitest';
import connectionsFixture from './fixtures/torbay-dementia-connections.csv?raw';
import elementsFixture from './fixtures/torbay-dementia-elements.csv?raw';
import { council, sampleMap, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema, type ImportResult } from './json.js';
import { exportKumuCsv, importKumuCsv, type RowIssue } from './kumuCsv.js';
import { seededRandom } from './loopsFixtures.js';
import { MAP_LIMITS, type MapData, type MapElement } from './model.js';

const options = () => ({ newId: sequentialIds(), by: council });
const csv = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;

function ok(sheets: { elements: string; connections?: string }): { map: MapData; warnings: RowIssue[] } {
  const result = importKumuCsv(sheets, options());
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errors(sheets: { elements: string; connections?: string }): RowIssue[] {
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

describe('exportKumuCsv', () => {
  it('writes both sheets with a header row, RFC 4180 quoting and CRLF line ends', () => {
    const { elements, connections } = exportKumuCsv(sampleMap());
    expect(elements).toBe(
      csv(
        ELEMENTS_HEADER,
        'Social isolation,Factor,People aged 65+ who see someone they know less than once a week.,isolation|older-people,Cheshire West and Chester Council,0,0',
        'Community groups meeting,Factor,"Lunch clubs, walking groups, ""Men in Sheds"", the library knit & natter.",community,,260,-40.5',
        'GP appointments for low mood,Outcome,,,NHS Cheshire and Merseyside,120,220',
        'Social prescribing link workers,Intervention,"Link workers in each primary care network,\nreferring people to groups.",social-prescribing|nhs,Cheshire and Wirral Partnership NHS Foundation Trust,-200,180',
      ),
    );
    expect(connections).toBe(
      csv(
        CONNECTIONS_HEADER,
        'Social isolation,GP appointments for low mood,same,directed,low mood builds,+,yes,medium,JSNA 2024; GP practice survey.',
        'GP appointments for low mood,Social prescribing link workers,same,directed,,+,no,high,',
        'Social prescribing link workers,Community groups meeting,same,directed,referrals,+,no,,',
        'Community groups meeting,Social isolation,opposite,directed,,-,no,low,"Lived experience panel, May 2024: ""the lunch club is the only time I talk to anyone""."',
      ),
    );
  });

  it('writes just the header rows for an empty map', () => {
    expect(exportKumuCsv({ elements: [], connections: [], groups: [], loopNotes: [] })).toEqual({
      elements: csv(ELEMENTS_HEADER),
      connections: csv(CONNECTIONS_HEADER),
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
      expect(elements.split('\r\n')[0]).toBe(`ID,${ELEMENTS_HEADER}`);
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
    // 22 rows: one names two elements in "To" and one is mutual, so 24 connections.
    expect(map.connections).toHaveLength(24);
    expect(map.elements[0]?.id).toBe('id1');
    expect(map.elements[0]?.label).toBe('People with dementia visiting the high street');
    expect(new Set([...map.elements, ...map.connections].map((x) => x.id)).size).toBe(44);
    expect(mapDataSchema.safeParse(map).success).toBe(true);
  });

  it('maps types to kinds ignoring case, with Kumu and US spellings', () => {
    expect(byLabel(map, 'Confidence to go out').kind).toBe('variable'); // "factor"
    expect(byLabel(map, 'Dementia Friends sessions for businesses').kind).toBe('intervention');
    expect(byLabel(map, 'Emergency hospital admissions').kind).toBe('outcome');
    expect(byLabel(map, 'Torbay Council').kind).toBe('organisation'); // "Organization"
    expect(byLabel(map, 'Torbay Dementia Action Alliance').kind).toBe('variable'); // "Network": unknown
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

  it('makes one connection per element named in a "|" list, and two for a mutual one', () => {
    expect(links(map).slice(19)).toEqual([
      'Torbay Council -> Clear signage and quiet spaces (?)',
      'Torbay Council -> Accessible toilets and seating (?)',
      'Torbay Dementia Action Alliance -> Dementia Friends sessions for businesses (?)',
      'Torbay Council -> Torbay and South Devon NHS Foundation Trust (?)',
      'Torbay and South Devon NHS Foundation Trust -> Torbay Council (?)',
    ]);
    expect(map.connections[22]?.label).toBe('Integrated care partnership');
  });

  it('lays the elements out on a circle, none on top of another', () => {
    const spots = new Set(map.elements.map((e) => `${e.x},${e.y}`));
    expect(spots.size).toBe(20);
    const radii = map.elements.map((e) => Math.hypot(e.x, e.y));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(2);
    expect(map.elements[0]).toMatchObject({ x: 0, y: -764 }); // twelve o'clock
  });

  it('warns, once each, about ignored columns and values it could not keep', () => {
    expect(warnings).toEqual([
      { sheet: 'elements', row: 1, message: "Row 1: the workspace has no use for the column 'Image', so it was not imported." },
      {
        sheet: 'elements',
        row: 22,
        column: 'Type',
        message:
          "Row 22: the Type 'Network' is not one of Factor, Actor, Organisation, Intervention, Outcome or Note, so row 22 came in as Factor. Change the type in the map if another fits.",
      },
      { sheet: 'connections', row: 1, message: "Row 1: the workspace has no use for the column 'Strength', so it was not imported." },
      { sheet: 'connections', row: 22, column: 'Type', message: "Row 22: the Type 'funds' is not a polarity (same or opposite), so it was not kept for row 22." },
      { sheet: 'connections', row: 23, column: 'Type', message: "Row 23: the Type 'runs' is not a polarity (same or opposite), so it was not kept for row 23." },
      { sheet: 'connections', row: 24, column: 'Type', message: "Row 24: the Type 'partners' is not a polarity (same or opposite), so it was not kept for row 24." },
    ]);
  });

  it('records the importer as creator and last editor of everything', () => {
    expect(map.elements[3]?.created).toEqual(council);
    expect(map.connections[3]?.updated).toEqual(council);
    expect(map.elements[3]?.created).not.toBe(map.elements[4]?.created); // copies, not one shared object
  });

  it('round-trips: export → import → export gives the same text', () => {
    const first = exportKumuCsv(map);
    const second = exportKumuCsv(ok(first).map);
    expect(second).toEqual(first);
    expect(ok(first).warnings).toEqual([]);
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

  it('takes Polarity over Type when they disagree, and says so', () => {
    const { map, warnings } = oneLink({ Type: 'same', Polarity: '−' });
    expect(map.connections[0]?.polarity).toBe('-');
    expect(warnings).toEqual([
      { sheet: 'connections', row: 2, column: 'Polarity', message: "Row 2: the Type says 'same' but the Polarity says '−'; the Polarity was used." },
    ]);
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

  it('imports unknown types as factors with one warning per type listing its rows', () => {
    const rows = Array.from({ length: 8 }, (_, i) => `e${i},${i % 4 === 3 ? 'Place' : 'Company'}`);
    const { map, warnings } = ok({ elements: csv('Label,Type', ...rows) });
    expect(map.elements.every((e) => e.kind === 'variable')).toBe(true);
    expect(warnings.map((w) => w.message)).toEqual([
      "Row 2: the Type 'Company' is not one of Factor, Actor, Organisation, Intervention, Outcome or Note, so rows 2, 3, 4, 6, 7 and 8 came in as Factor. Change the type in the map if another fits.",
      "Row 5: the Type 'Place' is not one of Factor, Actor, Organisation, Intervention, Outcome or Note, so rows 5 and 9 came in as Factor. Change the type in the map if another fits.",
    ]);
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

  it('finds elements by ID when the Elements sheet has an ID column, allowing repeated labels', () => {
    const { map } = ok({
      elements: csv('ID,Label', 'w1,Pipeline', 'w2,Pipeline', 'w3,Sunset Beach'),
      connections: csv('From,To', 'w1,w2', 'Sunset Beach,w1'),
    });
    expect(map.connections.map((c) => [c.from, c.to])).toEqual([
      ['id1', 'id2'],
      ['id3', 'id1'],
    ]);
  });

  it('treats an undirected connection as From → To, with a warning', () => {
    const { map, warnings } = oneLink({ Direction: 'undirected' });
    expect(links(map)).toEqual(['A -> B (?)']);
    expect(warnings[0]?.message).toBe(
      'Row 2: row 2 is undirected; causal links have a direction, so it now runs From → To. Check that this is the way the effect goes.',
    );
  });

  it('ignores blank lines but counts them in row numbers, strips a BOM and accepts LF or CRLF', () => {
    const elements = '\uFEFFLabel,Type\n\nA,Factor\n  ,  \nB,Factor\n';
    const connections = 'From,To\r\n\r\nA,Nowhere\r\n';
    expect(errors({ elements, connections })).toEqual([
      { sheet: 'connections', row: 3, column: 'To', message: "Row 3: 'To' names an element that is not in the Elements sheet: 'Nowhere'." },
    ]);
    expect(ok({ elements }).map.elements.map((e) => e.label)).toEqual(['A', 'B']);
  });

  it('counts a quoted cell with line breaks as one row, as a spreadsheet does', () => {
    const elements = csv('Label,Description', 'A,"one\r\ntwo\r\nthree"', ',no label');
    expect(errors({ elements })).toEqual([
      { sheet: 'elements', row: 3, column: 'Label', message: 'Row 3: the Label is empty; every element needs a label.' },
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

describe('importKumuCsv: errors, each with its sheet, row and column', () => {
  it('a sheet without a Label column, or without From and To', () => {
    expect(errors({ elements: csv('Name,Type', 'A,Factor') })).toEqual([
      {
        sheet: 'elements',
        row: 1,
        column: 'Label',
        message: "Row 1: the Elements sheet has no 'Label' column. Its first row should name the columns, starting with Label.",
      },
    ]);
    expect(errors({ elements: csv('Label', 'A'), connections: csv('Source,Target', 'A,A') })).toEqual([
      {
        sheet: 'connections',
        row: 1,
        column: 'From',
        message: "Row 1: the Connections sheet has no 'From' and 'To' columns. Its first row should name the columns, starting with From and To.",
      },
    ]);
  });

  it('an empty Elements sheet', () => {
    expect(errors({ elements: '\r\n\r\n' })[0]?.message).toBe(
      'Row 1: the Elements sheet is empty. Its first row should name the columns, starting with Label.',
    );
  });

  it('a sheet separated by semicolons, with a hint', () => {
    expect(errors({ elements: csv('Label;Type', 'A;Factor') })[0]?.message).toContain(
      'This file seems to use semicolons or tabs between cells: save it as comma-separated CSV.',
    );
  });

  it('a column named twice', () => {
    expect(errors({ elements: csv('Label,Type,Notes,type', 'A,Factor,,Outcome') })).toEqual([
      { sheet: 'elements', row: 1, column: 'Type', message: "Row 1: the column 'Type' appears twice (columns B and D). Keep one of them." },
    ]);
  });

  it('a row without a label', () => {
    expect(errors({ elements: csv('Label,Description', 'A,', ',about nothing') })).toEqual([
      { sheet: 'elements', row: 3, column: 'Label', message: 'Row 3: the Label is empty; every element needs a label.' },
    ]);
  });

  it('two rows with one label, ignoring case, naming both', () => {
    expect(errors({ elements: csv('Label', 'Footfall', 'Shops', 'footfall ') })).toEqual([
      {
        sheet: 'elements',
        row: 4,
        column: 'Label',
        message: "Row 4: the label 'footfall' is also used in row 2 (labels must differ, ignoring case). Rename one, or add an ID column.",
      },
    ]);
  });

  it('two rows with one ID', () => {
    expect(errors({ elements: csv('ID,Label', 'x,A', 'x,B') })).toEqual([
      { sheet: 'elements', row: 3, column: 'ID', message: "Row 3: the ID 'x' is also the ID in row 2; each element needs its own." },
    ]);
  });

  it('a connection to an element that is not in the Elements sheet, suggesting the likely one', () => {
    const elements = csv('Label', 'Footfall', 'Business income');
    expect(errors({ elements, connections: csv('From,To', 'Business income,Footfall', 'Business income,Footfal', 'Parking,Footfall') })).toEqual([
      {
        sheet: 'connections',
        row: 3,
        column: 'To',
        message: "Row 3: 'To' names an element that is not in the Elements sheet: 'Footfal'. Did you mean 'Footfall'?",
      },
      { sheet: 'connections', row: 4, column: 'From', message: "Row 4: 'From' names an element that is not in the Elements sheet: 'Parking'." },
    ]);
  });

  it('an empty From or To', () => {
    expect(errors({ elements: csv('Label', 'A'), connections: csv('From,To', ',A') })).toEqual([
      { sheet: 'connections', row: 2, column: 'From', message: "Row 2: 'From' is empty; it should name an element from the Elements sheet." },
    ]);
  });

  it('a label that names more than one element when the sheet has IDs', () => {
    expect(errors({ elements: csv('ID,Label', 'w1,Pipeline', 'w2,pipeline'), connections: csv('From,To', 'w1,Pipeline') })).toEqual([
      {
        sheet: 'connections',
        row: 2,
        column: 'To',
        message: "Row 2: 'To' names 'Pipeline', which is the label of rows 2 and 3 in the Elements sheet. Use that element's ID instead.",
      },
    ]);
  });

  it('a "|" list naming an unknown element', () => {
    expect(errors({ elements: csv('Label', 'A', 'B'), connections: csv('From,To', 'A,B|C') })[0]?.message).toBe(
      "Row 2: 'To' names an element that is not in the Elements sheet: 'C'.",
    );
  });

  it('values outside what a column allows', () => {
    expect(
      errors({
        elements: csv('Label,X,Y', 'A,12px,3', 'B,1,2'),
        connections: csv('From,To,Polarity,Delay,Confidence,Direction', 'A,B,maybe,soon,certain,sideways'),
      }),
    ).toEqual([
      { sheet: 'elements', row: 2, column: 'X', message: "Row 2: X must be a number (like 120 or -35.5), not '12px'." },
      {
        sheet: 'connections',
        row: 2,
        column: 'Polarity',
        message: "Row 2: the Polarity must be +, − or ? (or same, opposite, positive, negative), not 'maybe'.",
      },
      { sheet: 'connections', row: 2, column: 'Delay', message: "Row 2: the Delay must be yes or no, not 'soon'." },
      { sheet: 'connections', row: 2, column: 'Confidence', message: "Row 2: the Confidence must be low, medium or high (or empty), not 'certain'." },
      { sheet: 'connections', row: 2, column: 'Direction', message: "Row 2: the Direction must be directed, mutual or undirected, not 'sideways'." },
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
    expect(found.map((e) => [e.sheet, e.row, e.column, e.message])).toEqual([
      ['elements', 2, 'Label', 'Row 2: the label is 201 characters long; at most 200 fit. Shorten it; the Description can hold more.'],
      ['elements', 3, 'Description', 'Row 3: the description is 5001 characters long; at most 5000 fit.'],
      ['elements', 4, 'Tags', `Row 4: the tag '${long(30)}…' is 51 characters long; at most 50 fit. Tags are separated by "|".`],
      ['elements', 5, 'Tags', 'Row 5: there are 31 tags; an element can have at most 30.'],
      ['elements', 6, 'Agency', 'Row 6: the agency is 201 characters long; at most 200 fit.'],
      ['connections', 2, 'Label', 'Row 2: the label is 201 characters long; at most 200 fit.'],
      ['connections', 3, 'Evidence', 'Row 3: the evidence is 5001 characters long; at most 5000 fit.'],
    ]);
  });

  it('a quote that is never closed', () => {
    expect(errors({ elements: csv('Label,Description', 'A,fine', 'B,"runs on', 'C,and on') })).toEqual([
      {
        sheet: 'elements',
        row: 3,
        message:
          'Row 3: a cell opens a quote (") that is never closed, so the rest of the sheet runs into it. A quote inside a cell must be written twice ("").',
      },
    ]);
  });

  it('more elements than a map holds', () => {
    const rows = Array.from({ length: MAP_LIMITS.elementsMax + 1 }, (_, i) => `e${i}`);
    expect(errors({ elements: csv('Label', ...rows) })).toEqual([
      {
        sheet: 'elements',
        row: 10_002,
        message: 'Row 10002: the Elements sheet has 10,001 elements; a map holds at most 10,000. Split it into smaller maps.',
      },
    ]);
  });

  it('more connections than a map holds, counting mutual ones twice', () => {
    const rows = Array.from({ length: MAP_LIMITS.connectionsMax / 2 + 1 }, () => 'A,B,mutual');
    expect(errors({ elements: csv('Label', 'A', 'B'), connections: csv('From,To,Direction', ...rows) })).toEqual([
      {
        sheet: 'connections',
        row: 15_002,
        message:
          'Row 15002: by this row the sheet makes more than 30,000 connections (counting "|" lists and mutual links), the most a map holds.',
      },
    ]);
    const tooMany = Array.from({ length: MAP_LIMITS.connectionsMax + 1 }, () => 'A,B');
    expect(errors({ elements: csv('Label', 'A', 'B'), connections: csv('From,To', ...tooMany) })[0]?.message).toBe(
      'Row 30002: the Connections sheet has 30,001 connections; a map holds at most 30,000. Split it into smaller maps.',
    );
  });

  it('every problem at once, elements first, in row order', () => {
    const found = errors({
      elements: csv('Label,Type', 'A,', ',Factor', 'a,'),
      connections: csv('From,To,Delay', 'A,Z,', 'A,A,never'),
    });
    expect(found.map((e) => `${e.sheet} ${e.row} ${e.column}`)).toEqual([
      'elements 3 Label',
      'elements 4 Label',
      'connections 2 To',
      'connections 3 Delay',
    ]);
  });
});

describe('round trips', () => {
  // Text that has tripped CSV code before: separators, quotes, line breaks, formula starts,
  // edge spaces, Kumu's "|" and characters outside ASCII.
  const NASTY = ['Footfall', 'a, b', 'say "hello"', 'two\nlines', 'crlf\r\ninside', '=SUM(A1:A9)', '-ve view', '+1', '@home', "'=kept", "'", ' padded ', '\ttabbed', 'pipe|label', 'café £5 − 2', '"', ',', ''];
  const TAGS = ['a, b', 'say "x"', '=x', '-y', 'café', 'plain'];

  function randomMap(seed: number): MapData {
    const next = seededRandom(seed);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
    const text = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(NASTY)).join(pick(['', ' ', '\n']));
    const ids = sequentialIds(pick(['e', '-e', '=e']));
    const elements: MapElement[] = Array.from({ length: 1 + Math.floor(next() * 12) }, () => ({
      id: ids(),
      kind: pick(['variable', 'actor', 'organisation', 'intervention', 'outcome', 'note'] as const),
      label: text(),
      description: text(),
      tags: Array.from({ length: Math.floor(next() * 3) }, () => pick(TAGS)),
      agency: pick(['', 'Torbay Council', ' NHS, Devon ', '=agency']),
      x: pick([0, -12.5, 1e21, 1234.5678, -0.001]),
      y: Math.round(next() * 2000 - 1000) / 4,
      groupId: null,
      created: council,
      updated: council,
    }));
    const connections = Array.from({ length: Math.floor(next() * 20) }, (_, i) => ({
      id: `c${i}`,
      from: pick(elements).id,
      to: pick(elements).id,
      polarity: pick(['+', '-', '?'] as const),
      delay: next() < 0.3,
      confidence: pick(['low', 'medium', 'high', null] as const),
      label: text(),
      evidence: text(),
      views: [],
      created: council,
      updated: council,
    }));
    return { elements, connections, groups: [], loopNotes: [] };
  }

  /** Puts the original element ids back, by position, so the ID column compares too. */
  function withIdsOf(original: MapData, imported: MapData): MapData {
    const ids = new Map(imported.elements.map((e, i) => [e.id, original.elements[i]!.id]));
    return {
      ...imported,
      elements: imported.elements.map((e) => ({ ...e, id: ids.get(e.id)! })),
      connections: imported.connections.map((c) => ({ ...c, from: ids.get(c.from)!, to: ids.get(c.to)! })),
    };
  }

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('export → import → export gives the same CSV (seed %i)', (seed) => {
    const original = randomMap(seed);
    const first = exportKumuCsv(original);
    const imported = ok(first).map;
    expect(exportKumuCsv(withIdsOf(original, imported))).toEqual(first);
    // And the fields themselves survive, not just their text.
    expect(imported.elements.map((e) => [e.kind, e.description, e.x, e.y])).toEqual(original.elements.map((e) => [e.kind, e.description, e.x, e.y]));
    expect(imported.connections.map((c) => [c.polarity, c.delay, c.confidence, c.evidence])).toEqual(
      original.connections.map((c) => [c.polarity, c.delay, c.confidence, c.evidence]),
    );
  });

  it('the sample map keeps its fields through CSV (less what Kumu sheets cannot hold)', () => {
    const original = sampleMap();
    const back = withIdsOf(original, ok(exportKumuCsv(original)).map);
    expect(back.elements).toEqual(original.elements.map((e) => ({ ...e, groupId: null, created: council, updated: council })));
    expect(back.connections.map(({ id: _id, views: _views, created: _c, updated: _u, ...rest }) => rest)).toEqual(
      original.connections.map(({ id: _id, views: _views, created: _c, updated: _u, ...rest }) => rest),
    );
  });
});
