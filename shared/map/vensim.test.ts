/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMapData, readMap } from './doc.js';
import highStreet from './fixtures/vensim/high-street.mdl?raw';
import socialCare from './fixtures/vensim/social-care.mdl?raw';
import wellbeing from './fixtures/vensim/wellbeing-crlf.mdl?raw';
import { council, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema } from './json.js';
import { findLoops } from './loops.js';
import { MAP_LIMITS, type MapData, type MapElement } from './model.js';
import { VENSIM_LIMITS, importVensim, type VensimIssue } from './vensim.js';

const options = () => ({ newId: sequentialIds(), by: council });

function ok(text: string): { map: MapData; warnings: VensimIssue[] } {
  const result = importVensim(text, options());
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errors(text: string): VensimIssue[] {
  const result = importVensim(text, options());
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors;
}

const byLabel = (map: MapData, label: string): MapElement => {
  const element = map.elements.find((e) => e.label === label);
  if (!element) throw new Error(`no element '${label}'`);
  return element;
};

/** The connections as "From -> To (polarity)", sorted. */
const links = (map: MapData): string[] => {
  const label = new Map(map.elements.map((e) => [e.id, e.label]));
  return map.connections.map((c) => `${label.get(c.from)} -> ${label.get(c.to)} (${c.polarity})`).sort();
};

/** A minimal .mdl: one equation, then a sketch with the given object lines. */
const mdl = (...objects: string[]): string =>
  [
    'a = 1',
    '\t~\t',
    '\t~\t\t|',
    '',
    '\\\\\\---/// Sketch information - do not modify anything except names',
    'V300  Do not put anything below this section - it will be ignored',
    '*View 1',
    '$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0',
    ...objects,
    '///---\\\\\\',
    '',
  ].join('\n');

/** Line of the first sketch object in `mdl(…)`. */
const FIRST = 9;

describe('importVensim', () => {
  it('reads a causal loop diagram: variables where the sketch has them, arrows with their polarity', () => {
    const { map, warnings } = ok(highStreet);
    expect(map.elements.map((e) => [e.kind, e.label])).toEqual([
      ['variable', 'Footfall'],
      ['variable', 'Shop income'],
      ['variable', 'Empty shops'],
      ['variable', 'Congestion'],
      ['variable', 'Parking charges'],
      ['note', 'Town centre, from the 2024 footfall survey'],
    ]);
    expect(links(map)).toEqual([
      'Congestion -> Footfall (-)',
      'Empty shops -> Footfall (-)',
      'Footfall -> Congestion (+)',
      'Footfall -> Shop income (+)',
      'Parking charges -> Congestion (-)',
      'Parking charges -> Footfall (?)',
      'Shop income -> Empty shops (-)',
    ]);
    // Vensim's centre (300, 200), at twice the spacing, less half an element box.
    expect(byLabel(map, 'Footfall')).toMatchObject({ x: 500, y: 355, created: council, updated: council });
    expect(map.elements.map((e) => e.id)).toEqual(['id1', 'id2', 'id3', 'id4', 'id5', 'id6']);

    const loops = findLoops(map).loops.map((l) => [l.length, l.type]);
    expect(loops).toEqual([
      [2, 'balancing'],
      [3, 'reinforcing'],
    ]);
    expect(warnings.map((w) => w.message)).toEqual(["The 2 loop markers ('R' and 'B') were not brought in: the map finds its loops and can mark each one (R1, B2) itself."]);
  });

  it('merges shadow variables and variables repeated in other views, reads quoted names, flows and S/O marks', () => {
    const { map, warnings } = ok(socialCare);
    expect(map.elements.map((e) => e.label)).toEqual([
      'Residents, long stay',
      'New admissions',
      'Council budget pressure',
      'Home care hours',
      'Delayed discharges',
      'Hospital discharges',
    ]);
    expect(links(map)).toEqual([
      'Council budget pressure -> Home care hours (-)',
      'Delayed discharges -> Council budget pressure (+)',
      'Delayed discharges -> Hospital discharges (-)',
      'Home care hours -> Delayed discharges (-)',
      'Home care hours -> New admissions (-)',
      'Hospital discharges -> Council budget pressure (+)',
      'New admissions -> Residents, long stay (+)',
      'Residents, long stay -> Council budget pressure (+)',
    ]);
    // Placed where defined: Delayed discharges in the second view (its first appearance is a
    // shadow); the second view sits to the right of the first.
    const firstView = ['Residents, long stay', 'New admissions', 'Council budget pressure', 'Home care hours'].map((l) => byLabel(map, l).x);
    expect(byLabel(map, 'Hospital discharges').x).toBeGreaterThan(Math.max(...firstView));
    expect(byLabel(map, 'Delayed discharges').y).toBe(byLabel(map, 'Hospital discharges').y + 150 * 2);
    expect(byLabel(map, 'Council budget pressure')).toMatchObject({ x: 600 * 2 - 100, y: 260 * 2 - 45 });
    expect(warnings.map((w) => w.message)).toEqual([
      "A flow pipe became a connection from the flow to its stock (+ into the stock, − out of it), as the sketch draws it. Check it against the model's equations.",
      "'Time' is one of Vensim's clock and run settings, not a factor of the system, so it was left out with its arrows.",
    ]);
  });

  it('reads a file saved on Windows (CRLF, format V364) the same as with LF, and comment lines that start with digits', () => {
    expect(wellbeing).toContain('\r\n');
    const { map, warnings } = ok(wellbeing);
    expect(map.elements.map((e) => [e.kind, e.label])).toEqual([
      ['variable', 'Café visits'],
      ['variable', 'Loneliness'],
      ['variable', 'Wellbeing'],
      ['note', '0 = no café nearby; 1 = one within a mile'],
      ['note', '10,11,12 ways to wellbeing'],
    ]);
    expect(links(map)).toEqual(['Café visits -> Loneliness (-)', 'Loneliness -> Café visits (-)', 'Loneliness -> Wellbeing (-)', 'Wellbeing -> Café visits (+)']);
    expect(warnings).toEqual([]);
    expect(ok(wellbeing.replace(/\r\n/g, '\n')).map).toEqual(map);
    expect(ok(wellbeing.replace(/\r\n/g, '\r')).map).toEqual(map);
  });

  it('gives maps within the model limits, which a doc takes', () => {
    for (const file of [highStreet, socialCare, wellbeing]) {
      const { map } = ok(file);
      expect(mapDataSchema.safeParse(map).success).toBe(true);
      const doc = new Y.Doc();
      addMapData(doc, map, council);
      expect(readMap(doc).elements).toHaveLength(map.elements.length);
    }
    const long = 'very '.repeat(60).trim();
    const essay = `Read me\n${'x'.repeat(MAP_LIMITS.descriptionMax)}`;
    const { map, warnings } = ok(mdl(`10,1,${long},100,100,40,20,8,3,0,0,0,0,0,0`, '12,2,0,300,100,40,20,8,4,0,0,-1,0,0,0', essay.replace('\n', ' ')));
    expect(map.elements.map((e) => e.label.length)).toEqual([MAP_LIMITS.labelMax, MAP_LIMITS.labelMax]);
    expect(map.elements[0]?.description).toBe(long);
    expect(map.elements[1]?.description.length).toBe(MAP_LIMITS.descriptionMax);
    expect(warnings.map((w) => w.line)).toEqual([FIRST, FIRST + 1]);
    expect(mapDataSchema.safeParse(map).success).toBe(true);
  });

  it('reads every polarity mark: codes and characters, S and O, none and unknown', () => {
    const arrow = (id: number, pol: string) => `1,${id},1,2,0,0,${pol},0,0,64,0,-1--1--1,,1|(0,0)|`;
    const { map, warnings } = ok(
      mdl('10,1,A,100,100,40,20,8,3,0,0,0,0,0,0', '10,2,B,300,100,40,20,8,3,0,0,0,0,0,0', ...['43', '45', '83', '79', '0', '63', '+', '-', '42', ''].map((p, i) => arrow(i + 3, p))),
    );
    // Repeats of one link are one connection; its polarity is what matters.
    expect(links(map)).toEqual(['A -> B (+)', 'A -> B (-)', 'A -> B (?)']);
    expect(warnings).toEqual([{ line: FIRST + 10, message: `Line ${FIRST + 10}: an arrow's polarity mark is '*', which is not +, −, S or O; arrows marked so came in with polarity ?.` }]);
  });

  it('says plainly when a file is not a Vensim model with a sketch', () => {
    expect(errors('hello, world')[0]?.message).toMatch(/^This is not a Vensim model/);
    expect(errors('a = 1\n\t~\t\n\t~\t\t|\n')[0]?.message).toMatch(/has no sketch/);
    expect(errors('<?xml version="1.0"?><xmile></xmile>')[0]?.message).toMatch(/XMILE/);
    expect(errors('VEN\u0000\u0001binary')[0]?.message).toMatch(/binary models/);
    expect(errors(mdl().split('\n').slice(4).join('\n'))[0]?.message).toMatch(/does not look like a Vensim .mdl file/);
    expect(errors('x'.repeat(VENSIM_LIMITS.textMax + 1))[0]?.message).toMatch(/10,000,001 characters/);
  });

  it('names the line of each problem in the sketch', () => {
    expect(errors(mdl('10,1,A,100,1OO,40,20,8,3,0,0,0,0,0,0'))).toEqual([{ line: FIRST, message: `Line ${FIRST}: y should be a number, not '1OO'.` }]);
    expect(errors(mdl('10,1,"A, unclosed,100,100,40,20,8,3'))).toEqual([{ line: FIRST, message: `Line ${FIRST}: a quoted name is never closed with ".` }]);
    expect(errors(mdl('10,1,A,100,100,40,20,8,3', '10,1,B,200,100,40,20,8,3'))[0]?.message).toBe(
      `Line ${FIRST + 1}: object 1 is also object 1 on line ${FIRST}, in the same view ('View 1'); each object in a view needs its own number.`,
    );
    expect(errors(mdl('10,1,A,100,100,40,20,8,3', '1,2,1,7,0,0,43,0,0,64,0,-1--1--1,,1|(0,0)|'))).toEqual([
      { line: FIRST + 1, message: `Line ${FIRST + 1}: the arrow's end is object 7, which is not in view 'View 1'.` },
    ]);
    expect(errors(mdl('1,2,x,1,0,0,43'))[0]?.message).toBe(`Line ${FIRST}: the arrow's start should be a whole number, not 'x'.`);
    expect(errors(mdl().replace('V300', 'Version'))[0]).toMatchObject({ line: 6 });
    expect(errors(mdl('10,1,A,100,100,40,20,8,3').replace('///---\\\\\\\n', '') + '12,2,0,1,1,1,1,8,4')[0]?.message).toMatch(/comment's text should be on the next line/);
    expect(errors(mdl('10,1,   ,100,100,40,20,8,3'))[0]?.message).toBe(`Line ${FIRST}: the variable has no name.`);
  });

  it('skips what a map has no place for, saying so', () => {
    const { map, warnings } = ok(
      mdl(
        '10,1,A,100,100,40,20,8,3,0,0,0,0,0,0',
        '10,2,<B>,300,100,40,20,8,3,0,0,0,0,0,0',
        '12,3,0,500,300,210,169,3,188,0,32,1,0,0,0',
        'Output graph',
        '30,4,picture.png,0,0,10,10,0,0',
        '1,5,1,4,0,0,43,0,0,64,0,-1--1--1,,1|(0,0)|',
        '1,6,1,2,0,0,43,0,0,64,0,-1--1--1,,1|(0,0)|',
        'something Vensim never writes',
      ),
    );
    expect(links(map)).toEqual(['A -> B (+)']);
    expect(warnings.map((w) => w.message)).toEqual([
      `Line ${FIRST + 7}: this line (and any like it) is not a sketch object Vensim writes, so it was skipped.`,
      '1 picture or other sketch object was skipped: a map has no place for it.',
      `Line ${FIRST + 5}: 1 arrow to or from comments or pictures was left out: connections join factors.`,
      '1 graph or other output object was skipped: a map has no place for it.',
    ]);
  });

  it('stops listing problems after fifty', () => {
    const bad = Array.from({ length: 80 }, (_, i) => `10,${i + 1},V${i},x,0,40,20,8,3`);
    const found = errors(mdl(...bad));
    expect(found).toHaveLength(51);
    expect(found[50]).toEqual({ message: 'There are more problems than these 50; fix these first.' });
  });

  it('refuses a sketch with more variables than a map holds', () => {
    const variables = Array.from({ length: MAP_LIMITS.elementsMax + 1 }, (_, i) => `10,${i + 1},V${i},${i},0,40,20,8,3,0,0,0,0,0,0`);
    expect(errors(mdl(...variables))[0]?.message).toMatch(/10,001 variables and 0 comments; a map holds at most 10,000 elements/);
  });
});
