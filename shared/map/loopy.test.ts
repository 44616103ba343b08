/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMapData, readMap } from './doc.js';
import isolationFile from './fixtures/loopy/isolation.loopy?raw';
import isolationLink from './fixtures/loopy/isolation-link.txt?raw';
import { council, sampleMap, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema, type ImportResult } from './json.js';
import { seededRandom } from './loopsFixtures.js';
import { LOOPY_URL, LOOPY_URL_MAX, LoopyLinkTooLongError, importLoopy, loopyLink, type LoopyIssue } from './loopy.js';
import { MAP_LIMITS, POLARITIES, type MapConnection, type MapData, type MapElement } from './model.js';

const options = () => ({ newId: sequentialIds(), by: council });

function ok(input: string): { map: MapData; warnings: LoopyIssue[] } {
  const result = importLoopy(input, options());
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errors(input: string): LoopyIssue[] {
  const result: ImportResult<LoopyIssue> = importLoopy(input, options());
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors;
}

/** The connections as "From -> To (polarity)", sorted, for comparing topology by label. */
const links = (map: MapData): string[] => {
  const label = new Map(map.elements.map((e) => [e.id, e.label]));
  return map.connections.map((c) => `${label.get(c.from)} -> ${label.get(c.to)} (${c.polarity})`).sort();
};

/** A LOOPY share link around data written as LOOPY's `serialize` writes it. */
const link = (data: unknown[]): string => `${LOOPY_URL}?data=${JSON.stringify(data).replace(/"/g, '%22').slice(0, -1)}%5D`;
const text = (s: string) => encodeURIComponent(encodeURIComponent(s));

/** What LOOPY v1.1 does with a link (Loopy.js `loadFromURL`, Model.js `deserialize`), written out independently. */
function loopyReads(url: string): { nodes: unknown[][]; edges: number[][]; labels: unknown[][]; uid: number } {
  const param = /[?&]data(=([^&#]*)|&|#|$)/.exec(url);
  const data = JSON.parse(decodeURIComponent((param?.[2] ?? '').replace(/\+/g, ' '))) as [unknown[][], number[][], unknown[][], number];
  return {
    nodes: data[0].map((n) => [n[0], n[1], n[2], n[3], decodeURIComponent(n[4] as string), n[5]]),
    edges: data[1],
    labels: data[2].map((l) => [l[0], l[1], decodeURIComponent(l[2] as string)]),
    uid: data[3],
  };
}

function element(id: string, label: string, x: number, y: number, extra: Partial<MapElement> = {}): MapElement {
  return { id, kind: 'variable', label, description: '', tags: [], agency: '', x, y, groupId: null, created: council, updated: council, ...extra };
}

function connection(id: string, from: string, to: string, polarity: MapConnection['polarity'], extra: Partial<MapConnection> = {}): MapConnection {
  return { id, from, to, polarity, delay: false, confidence: null, label: '', evidence: '', views: [], created: council, updated: council, ...extra };
}

const mapOf = (elements: MapElement[], connections: MapConnection[] = []): MapData => ({ elements, connections, groups: [], loopNotes: [] });

describe('importLoopy', () => {
  it('reads a share link: circles as factors, arrows with their sign, texts as notes', () => {
    const { map } = ok(isolationLink);
    expect(map.elements.map((e) => [e.kind, e.label])).toEqual([
      ['variable', 'Loneliness'],
      ['variable', 'Visits to the GP'],
      ['variable', 'Social prescribing & groups'],
      ['variable', 'Café · drop-in'],
      ['note', 'Isolation loop\n(2024 workshop)'],
    ]);
    expect(links(map)).toEqual([
      'Café · drop-in -> Café · drop-in (+)',
      'Café · drop-in -> Loneliness (-)',
      'Loneliness -> Visits to the GP (+)',
      'Social prescribing & groups -> Loneliness (-)',
      'Visits to the GP -> Social prescribing & groups (+)',
    ]);
    // LOOPY's centre (380, 220), scaled to the map's spacing, less half an element box.
    expect(map.elements[0]).toMatchObject({ x: 380 * 1.75 - 100, y: 220 * 1.75 - 45 });
    expect(map.elements.map((e) => e.id)).toEqual(['id1', 'id2', 'id3', 'id4', 'id5']);
    expect(map.elements[0]?.created).toEqual(council);
  });

  it('reads a saved .loopy file, and the bare data or data= part of a link, to the same map', () => {
    const fromLink = ok(isolationLink).map;
    const data = isolationLink.trim().split('?data=')[1] as string;
    expect(ok(isolationFile).map).toEqual(fromLink);
    expect(ok(`?data=${data}`).map).toEqual(fromLink);
    expect(ok(`data=${data}`).map).toEqual(fromLink);
    expect(ok(data).map).toEqual(fromLink);
    expect(ok(`<${isolationLink.trim()}>`).map).toEqual(fromLink);
    expect(ok(`https://ncase.me/loopy/v1.1/?embed=1&data=${data}`).map).toEqual(fromLink);
    // A link whose brackets a chat program has %-encoded too.
    expect(ok(`${LOOPY_URL}?data=${encodeURIComponent(decodeURIComponent(data))}`).map).toEqual(fromLink);
  });

  it('says what it did not keep: colours, start amounts, repeated arrows', () => {
    const { map, warnings } = ok(isolationLink);
    expect(warnings.map((w) => w.message)).toEqual(["The circles' colours and start amounts have no place in the map, so they were not kept."]);

    const repeated = ok(link([[[1, 0, 0, 0.5, text('A'), 0], [2, 100, 0, 0.5, text('B'), 0]], [[1, 2, 50, 1, 0], [1, 2, 90, 1, 0], [1, 2, 130, -1, 0]], [], 2]));
    expect(links(repeated.map)).toEqual(['A -> B (+)', 'A -> B (-)']);
    expect(repeated.warnings).toEqual([{ path: 'edges', message: expect.stringMatching(/^Arrow 2 repeats an arrow between the same circles/) }]);
    expect(map.connections).toHaveLength(5);
  });

  it('gives what it makes the limits of the map model, and a doc takes it', () => {
    const long = 'x'.repeat(250);
    const essay = `Why this matters\n${'y'.repeat(MAP_LIMITS.descriptionMax)}`;
    const { map, warnings } = ok(link([[[1, 0, 0, 0.5, text(long), 0], [2, 200, 0, 0.5, text('  '), 0]], [], [[0, 300, text(essay)], [10, 10, text('   ')]], 2]));
    expect(map.elements.map((e) => [e.kind, e.label.length])).toEqual([
      ['variable', MAP_LIMITS.labelMax],
      ['variable', 'Circle 2'.length],
      ['note', 'Why this matters'.length],
    ]);
    expect(map.elements[0]?.label.endsWith('…')).toBe(true);
    expect(map.elements[0]?.description).toBe(long);
    expect(map.elements[2]?.description.length).toBe(MAP_LIMITS.descriptionMax);
    expect(warnings.map((w) => w.path)).toEqual(['nodes[0][4]', 'nodes[1][4]', 'labels[0][2]']);
    expect(mapDataSchema.safeParse(map).success).toBe(true);

    const doc = new Y.Doc();
    addMapData(doc, ok(isolationLink).map, council);
    expect(readMap(doc).elements).toHaveLength(5);
  });

  it('keeps a text with a broken %-code as written, as a warning', () => {
    const { map, warnings } = ok(link([[[1, 0, 0, 0.5, text('100%'), 0]], [], [], 1]));
    expect(map.elements[0]?.label).toBe('100%');
    expect(warnings).toEqual([]);
    const raw = ok('[[[1,0,0,0.5,"100% sure",0]],[],[],1]');
    expect(raw.map.elements[0]?.label).toBe('100% sure');
    expect(raw.warnings[0]).toMatchObject({ path: 'nodes[0][4]', message: expect.stringMatching(/broken %-code/) });
  });

  it('explains what is wrong with something that is not a LOOPY model', () => {
    expect(errors('hello')[0]?.message).toMatch(/not a LOOPY link or file/);
    expect(errors('https://ncase.me/loopy/v1.1/')[0]?.message).toMatch(/no "data=" part/);
    expect(errors('https://ncase.me/loopy/v1.1/?data=')[0]?.message).toMatch(/empty/);
    expect(errors('{"format":"slw-map"}')[0]?.message).toMatch(/not a LOOPY model/);
    expect(errors(isolationLink.slice(0, 200))[0]?.message).toMatch(/cut short or has been changed/);
    expect(errors(`${LOOPY_URL}?data=[[[1,0,0,0.5,%E0%A4%A,0]]]`)[0]?.message).toMatch(/broken %-code/);
    expect(errors('[1,2,3]')).toEqual([{ path: '[0]', message: 'This is not a LOOPY model: its circles should be a list.' }]);
    expect(errors(`x${'y'.repeat(1_000_000)}`)[0]?.message).toMatch(/more than a LOOPY model could be/);
  });

  it('names the circle, arrow or text at fault, and the field', () => {
    // JSON has no Infinity, but 1e999 reads as it.
    const bad = errors(
      '[[[1,0,0,0.5,"A",0],[1,5,5,0.5,"B",0],[2,"x",1e999,0.5,"C",0],"D",[3,0,0,0.5,7,"red"]],' +
        '[[1,9,100,1,0],[2,1,100,"more",0],[1,1,100,1,1e999]],' +
        '[[0,0,4],{}],3]',
    );
    expect(bad).toEqual([
      { path: 'nodes[1][0]', message: 'Circle 2 has the id 1, which circle 1 has too; each circle needs its own.' },
      { path: 'nodes[2][1]', message: "Circle 3: x should be a number, not 'x'." },
      { path: 'nodes[2][2]', message: 'Circle 3: y should be a number, not Infinity.' },
      { path: 'nodes[3]', message: 'Circle 4 should be a list [id, x, y, start amount, label, colour].' },
      { path: 'nodes[4][5]', message: "Circle 5: its colour should be a number, not 'red'." },
      { path: 'nodes[4][4]', message: 'Circle 5: the label should be text, not 7.' },
      { path: 'edges[0][1]', message: 'Arrow 1 points to circle 9, which is not in the model.' },
      { path: 'edges[1][3]', message: "Arrow 2: the strength should be 1 or −1, not 'more'." },
      { path: 'edges[2][4]', message: 'Arrow 3: the rotation should be a number, not Infinity.' },
      { path: 'labels[0][2]', message: 'Text 1: the text should be text, not 4.' },
      { path: 'labels[1]', message: 'Text 2 should be a list [x, y, text].' },
    ]);
  });

  it('refuses positions far off any screen, and stops listing problems after fifty', () => {
    expect(errors('[[[1,0,2000000,0.5,"A",0]],[],[[1e300,0,"t"]],1]')).toEqual([
      { path: 'nodes[0][2]', message: "Circle 1: y is 2,000,000, far off any screen (LOOPY's is about 1,000 across)." },
      { path: 'labels[0][0]', message: "Text 1: x is 1.0e+300, far off any screen (LOOPY's is about 1,000 across)." },
    ]);
    const nodes = Array.from({ length: 60 }, (_, i) => [i + 1, 'x', 0, 0.5, 'n', 0]);
    const found = errors(JSON.stringify([nodes, [], [], 60]));
    expect(found).toHaveLength(51);
    expect(found[50]).toEqual({ path: '', message: 'There are more problems than these 50; fix these first.' });
  });

  it('refuses more than a map holds', () => {
    const nodes = Array.from({ length: MAP_LIMITS.elementsMax + 1 }, (_, i) => [i + 1, i, 0, 0.5, 'n', 0]);
    expect(errors(JSON.stringify([nodes, [], [], nodes.length]))[0]?.message).toMatch(/10,001 circles and 0 texts; a map holds at most 10,000/);
    const edges = Array.from({ length: MAP_LIMITS.connectionsMax + 1 }, () => [1, 1, 100, 1, 0]);
    expect(errors(JSON.stringify([[[1, 0, 0, 0.5, 'n', 0]], edges, [], 1]))[0]?.message).toMatch(/30,001 arrows/);
  });
});

describe('loopyLink', () => {
  it('writes a v1.1 share link as LOOPY writes one, which LOOPY reads back', () => {
    const map = mapOf(
      [element('a', 'Footfall & "dwell" time', 0, 0), element('b', 'Shop income', 400, 0, { kind: 'outcome' }), element('c', 'Two\nlines', 200, 300, { kind: 'note' })],
      [connection('ab', 'a', 'b', '+'), connection('ba', 'b', 'a', '-', { delay: true })],
    );
    const { url } = loopyLink(map);
    expect(url.startsWith(`${LOOPY_URL}?data=[[[1,`)).toBe(true);
    expect(url.endsWith('%5D')).toBe(true);
    expect(url).not.toMatch(/["\s#&+]/);
    const read = loopyReads(url);
    expect(read.nodes.map((n) => [n[0], n[3], n[4], n[5]])).toEqual([
      [1, 0.5, 'Footfall & "dwell" time', 4],
      [2, 0.5, 'Shop income', 0],
    ]);
    expect(read.edges).toEqual([
      [1, 2, 100, 1, 0],
      [2, 1, 220, -1, 0],
    ]);
    expect(read.labels.map((l) => l[2])).toEqual(['Two\nlines']);
    expect(read.uid).toBe(2);
    // Left to right and top to bottom as on the map, at LOOPY's size (its circles are 120 across).
    const [a, b] = read.nodes as [number[], number[]];
    expect(Math.abs(b[1]! - a[1]! - 400 / 1.75)).toBeLessThanOrEqual(1);
    expect(a[2]).toBe(b[2]);
  });

  it('fits a spread-out map on LOOPY\'s one screen and says when circles then overlap', () => {
    const wide = mapOf([element('a', 'A', -20_000, 0), element('b', 'B', 20_000, 9_000), element('c', 'C', 20_010, 9_000)]);
    const { url, warnings } = loopyLink(wide);
    for (const [, x, y] of loopyReads(url).nodes as number[][]) {
      expect(x).toBeGreaterThanOrEqual(90);
      expect(x).toBeLessThanOrEqual(910);
      expect(y).toBeGreaterThanOrEqual(100);
      expect(y).toBeLessThanOrEqual(500);
    }
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^To fit LOOPY's screen, 2 circles overlap another/)]);
  });

  it('turns ? into + and says so, and lists what LOOPY has no place for', () => {
    const map = sampleMap();
    (map.connections[1] as MapConnection).polarity = '?';
    const { url, warnings } = loopyLink(map);
    expect(loopyReads(url).edges.map((e) => e[3])).toEqual([1, 1, 1, -1]);
    expect(warnings.map((w) => w.message)).toEqual([
      "LOOPY has only + and − arrows, so this connection with an unknown polarity (?) goes in as +: 'GP appointments for low mood' → 'Social prescribing link workers'. Change it in LOOPY if it works the other way.",
      "LOOPY has no place for descriptions, tags, agencies, connection labels, evidence and confidence, agencies' polarity views, frames and loop names and notes; the link leaves them out (the map keeps them).",
    ]);
  });

  it('draws a mutual link as two arrows and leaves out undirected ones and links to notes, saying so', () => {
    const map = mapOf(
      [element('a', 'A', 0, 0), element('b', 'B', 300, 0), element('n', 'A note', 0, 200, { kind: 'note' })],
      [connection('m', 'a', 'b', '+', { direction: 'mutual' }), connection('u', 'b', 'a', '-', { direction: 'undirected' }), connection('x', 'n', 'a', '+'), connection('y', 'a', 'gone', '+')],
    );
    const { url, warnings } = loopyLink(map);
    expect(loopyReads(url).edges).toEqual([
      [1, 2, 100, 1, 0],
      [2, 1, 100, 1, 0],
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      "LOOPY's texts cannot have arrows, so this connection to or from a note is left out: 'A note' → 'A'.",
      "LOOPY's arrows each run one way, so this undirected connection is left out: 'B' → 'A'. Give it a direction to play it.",
      '1 connection with an end missing from the map is left out.',
    ]);
  });

  it('refuses a map too big for a link, saying why', () => {
    const big = mapOf(Array.from({ length: 200 }, (_, i) => element(`e${i}`, `A rather long label for element number ${i}`, (i % 20) * 260, Math.floor(i / 20) * 160)));
    expect(() => loopyLink(big)).toThrow(LoopyLinkTooLongError);
    try {
      loopyLink(big);
    } catch (error) {
      expect((error as LoopyLinkTooLongError).length).toBeGreaterThan(LOOPY_URL_MAX);
      expect((error as Error).message).toMatch(/too big for a LOOPY link.*pick out a loop or two/);
    }
  });

  it('round-trips: map → link → import gives the same labels, polarities and connections', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 20; round++) {
      const n = 2 + Math.floor(random() * 14);
      const elements = Array.from({ length: n }, (_, i) =>
        element(`e${i}`, `Factor ${i} ${'éß&%+#'.slice(0, Math.floor(random() * 6))}`.trim(), Math.round(random() * 2000), Math.round(random() * 1200), {
          kind: random() < 0.2 ? 'note' : 'variable',
        }),
      );
      const circles = elements.filter((e) => e.kind !== 'note');
      const connections: MapConnection[] = [];
      const pairs = new Set<string>();
      for (let i = 0; i < n * 2 && circles.length > 0; i++) {
        const from = circles[Math.floor(random() * circles.length)] as MapElement;
        const to = circles[Math.floor(random() * circles.length)] as MapElement;
        const polarity = POLARITIES[Math.floor(random() * 3)] as MapConnection['polarity'];
        const pair = `${from.id}>${to.id}>${polarity === '-' ? '-' : '+'}`;
        if (pairs.has(pair)) continue; // repeats come back as one; see the import's own test
        pairs.add(pair);
        connections.push(connection(`c${i}`, from.id, to.id, polarity));
      }
      const map = mapOf(elements, connections);
      const { url, warnings } = loopyLink(map);
      const back = ok(url).map;

      expect(back.elements.map((e) => [e.kind, e.label])).toEqual([...circles, ...elements.filter((e) => e.kind === 'note')].map((e) => [e.kind, e.label]));
      const asLoopy = mapOf(elements, connections.map((c) => ({ ...c, polarity: c.polarity === '-' ? '-' : '+' })));
      expect(links(back)).toEqual(links(asLoopy));
      const unknown = connections.filter((c) => c.polarity === '?').length;
      expect(warnings.some((w) => w.message.includes('unknown polarity'))).toBe(unknown > 0);
      expect(mapDataSchema.safeParse(back).success).toBe(true);
      // Placed as on the map: what was left of another is still left of it.
      for (const [i, e] of circles.entries()) {
        for (const [j, f] of circles.entries()) {
          if (e.x < f.x - 10) expect((back.elements[i] as MapElement).x).toBeLessThanOrEqual((back.elements[j] as MapElement).x);
        }
      }
    }
  });

  it('round-trips long notes whole, and sample data with every field', () => {
    const essay = `Why this matters\n${'Words. '.repeat(60)}`;
    const notes = ok(link([[], [], [[0, 0, text(essay)]], 0])).map;
    const { url } = loopyLink(notes);
    expect(loopyReads(url).labels[0]?.[2]).toBe(essay.trim());

    const back = ok(loopyLink(sampleMap()).url).map;
    expect(back.elements.map((e) => e.label)).toEqual(sampleMap().elements.map((e) => e.label));
    expect(links(back)).toEqual(links(sampleMap()));
  });
});
