import { describe, expect, it } from 'vitest';
import { council, sampleMap, sequentialIds } from './fixtures/sampleMap.js';
import { exportMapJson, importMapJson, mapDataSchema, type ImportResult, type JsonIssue } from './json.js';
import { MAP_LIMITS, type MapData } from './model.js';

const AT = '2025-03-05T09:30:00.000Z';

function errorsOf(result: ImportResult<JsonIssue>): JsonIssue[] {
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors;
}

function mapOf(result: ImportResult<JsonIssue>): MapData {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors)}`);
  return result.map;
}

/** A file with one change made to its parsed form. */
function edited(change: (file: { format: unknown; version: unknown; map: MapData }) => void): string {
  const file = JSON.parse(exportMapJson(sampleMap(), AT));
  change(file);
  return JSON.stringify(file);
}

describe('exportMapJson', () => {
  it('writes the versioned envelope, two-space indented, ending in a newline', () => {
    const text = exportMapJson(sampleMap(), new Date(AT));
    expect(text.startsWith('{\n  "format": "slw-map",\n  "version": 1,\n  "exportedAt": "2025-03-05T09:30:00.000Z",\n  "map": {\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).map).toEqual(sampleMap());
  });

  it('writes keys in one order and drops properties that are not part of the format', () => {
    const map = sampleMap();
    const [first, ...rest] = map.elements;
    // The same element with its keys in another order and a stray property, as a Y.Map might give.
    const shuffled = Object.fromEntries(Object.entries({ ...first, stray: 'x' }).reverse()) as unknown as MapData['elements'][number];
    const text = exportMapJson({ ...map, elements: [shuffled, ...rest] }, AT);
    expect(text).toBe(exportMapJson(map, AT));
    expect(text).not.toContain('stray');
  });
});

describe('importMapJson', () => {
  it('keeps ids when asked, giving back exactly the exported map', () => {
    expect(mapOf(importMapJson(exportMapJson(sampleMap(), AT), { keepIds: true }))).toEqual(sampleMap());
  });

  it('gives fresh ids and carries every reference over to them', () => {
    const map = mapOf(importMapJson(exportMapJson(sampleMap(), AT), { newId: sequentialIds('n') }));
    expect(map.elements.map((e) => e.id)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(map.connections.map((c) => [c.id, c.from, c.to])).toEqual([
      ['n5', 'n1', 'n3'],
      ['n6', 'n3', 'n4'],
      ['n7', 'n4', 'n2'],
      ['n8', 'n2', 'n1'],
    ]);
    expect(map.groups.map((g) => g.id)).toEqual(['n9']);
    expect(map.elements.map((e) => e.groupId)).toEqual(['n9', 'n9', null, null]);
    // The loop key names elements by id, so it follows them, turned to start at the smallest.
    expect(map.loopNotes[0]?.key).toBe('n1>n3>n4>n2');
    // Who added what is part of the map and survives.
    expect(map.connections[2]?.updated).toEqual(council);
    expect(map.connections[2]?.views).toEqual(sampleMap().connections[2]?.views);
  });

  it('rewrites loop keys as the loop finder writes them: encoded ids, from the smallest', () => {
    // Fresh ids that sort in another order than the old ones, one with a character keys escape.
    const ids = ['z', 'b>1', 'y', 'a', 'k1', 'k2', 'k3', 'k4', 'g1'];
    const map = mapOf(importMapJson(exportMapJson(sampleMap(), AT), { newId: () => ids.shift() as string }));
    // gp → social prescribing → groups → isolation is now y → a → b>1 → z: it starts at 'a'.
    expect(map.loopNotes.map((n) => n.key)).toEqual(['a>b%3E1>z>y']);
  });

  it('works out again which of two parallel arrows gives the plain loop key', () => {
    const file = edited((f) => {
      // A second arrow from GP appointments to social prescribing, with a smaller id: the loop
      // through it has the plain key, the loop through c-2 a key that names its connections.
      f.map.connections.push({ ...f.map.connections[1]!, id: 'c-0' });
      const note = f.map.loopNotes[0]!;
      f.map.loopNotes = [
        { ...note, name: 'via c-0', key: 'e-gp>e-social-prescribing>e-groups>e-isolation' },
        { ...note, name: 'via c-2', key: 'e-gp>e-social-prescribing>e-groups>e-isolation|c-2>c-3>c-4>c-1' },
        { ...note, name: 'not a key', key: 'not%ZZ>a key' },
      ];
    });
    // c-2 now gets a smaller id (k2) than c-0 (k9), so the two loops swap kinds of key.
    const ids = ['z', 'b>1', 'y', 'a', 'k1', 'k2', 'k3', 'k4', 'k9', 'g1'];
    const map = mapOf(importMapJson(file, { newId: () => ids.shift() as string }));
    expect(map.loopNotes.map((n) => [n.name, n.key])).toEqual([
      ['via c-0', 'a>b%3E1>z>y|k3>k4>k1>k9'],
      ['via c-2', 'a>b%3E1>z>y'],
      ['not a key', 'not%ZZ>a key'],
    ]);
  });

  it('uses rekeyLoop when given, with the old → new id map', () => {
    const seen: string[] = [];
    const map = mapOf(
      importMapJson(exportMapJson(sampleMap(), AT), {
        newId: sequentialIds('n'),
        rekeyLoop: (key, ids) => {
          seen.push(`${key}:${ids.get('e-isolation')}:${ids.get('c-4')}`);
          return 'rekeyed';
        },
      }),
    );
    expect(seen).toEqual(['e-gp>e-social-prescribing>e-groups>e-isolation:n1:n8']);
    expect(map.loopNotes[0]?.key).toBe('rekeyed');
  });

  it('round-trips: export → import with fresh ids → export gives the same text but for ids', () => {
    const first = exportMapJson(sampleMap(), AT);
    // Fresh ids that sort as the old ones do, so loop keys start at the same element.
    const original = sampleMap();
    const oldIds = [...original.elements, ...original.connections, ...original.groups].map((x) => x.id);
    let n = 0;
    const imported = mapOf(importMapJson(first, { newId: () => `fresh_${oldIds[n++]}` }));
    const second = exportMapJson(imported, AT);
    expect(second).not.toBe(first);
    expect(second.replaceAll('fresh_', '')).toBe(first);
  });

  it('accepts a byte-order mark in front of the file', () => {
    expect(importMapJson(`\uFEFF${exportMapJson(sampleMap(), AT)}`, { keepIds: true }).ok).toBe(true);
  });

  describe('refuses, saying where and why', () => {
    it('text that is not JSON', () => {
      const [error] = errorsOf(importMapJson('{"format": "slw-map",', { keepIds: true }));
      expect(error?.path).toBe('');
      expect(error?.message).toMatch(/^This file is not valid JSON \(.+\)\. Choose a map file exported from the workspace\.$/);
    });

    it('JSON that is not an object', () => {
      expect(errorsOf(importMapJson('[1, 2]', { keepIds: true }))).toEqual([
        { path: '', message: 'This file does not hold a map: it should be an object with "format": "slw-map".' },
      ]);
    });

    it('a file of another format, such as a Kumu blueprint', () => {
      const [error] = errorsOf(importMapJson('{"elements": [{"label": "A"}], "connections": []}', { keepIds: true }));
      expect(error?.path).toBe('format');
      expect(error?.message).toContain('This is not a map file from the workspace ("format" should be "slw-map")');
    });

    it('a file from a newer version', () => {
      expect(errorsOf(importMapJson(edited((f) => (f.version = 2)), { keepIds: true }))).toEqual([
        {
          path: 'version',
          message:
            'This map file is version 2, made by a newer release of the workspace; this one reads version 1. Update the workspace, or export the map again from where it was made.',
        },
      ]);
    });

    it('a field that is too long, naming the element by number and label', () => {
      const file = edited((f) => (f.map.elements[1]!.label = 'x'.repeat(MAP_LIMITS.labelMax + 1)));
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        { path: 'map.elements[1].label', message: `Element 2 ('${'x'.repeat(201)}'): label is longer than 200 characters` },
      ]);
    });

    it('a polarity that is not one of +, - and ?', () => {
      const file = edited((f) => ((f.map.connections[3] as unknown as { polarity: string }).polarity = '−'));
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        { path: 'map.connections[3].polarity', message: 'Connection 4: polarity must be one of "+", "-", "?"' },
      ]);
    });

    it('missing fields, deep in a view', () => {
      const file = edited((f) => delete (f.map.connections[2]!.views[1] as Partial<MapData['connections'][number]['views'][number]>).by);
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        { path: 'map.connections[2].views[1].by', message: "Connection 3 ('referrals'): views[1].by is missing or not an object" },
      ]);
    });

    it('a time that is not ISO 8601', () => {
      const file = edited((f) => (f.map.groups[0]!.created.at = 'yesterday'));
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        { path: 'map.groups[0].created.at', message: "Group 1 ('Community'): created.at must be a date and time like 2025-03-04T10:00:00Z" },
      ]);
    });

    it('a connection to an element that is not in the map', () => {
      const file = edited((f) => (f.map.connections[1]!.to = 'e-gone'));
      expect(errorsOf(importMapJson(file, { newId: sequentialIds() }))).toEqual([
        { path: 'map.connections[1].to', message: "Connection 2: 'to' names an element that is not in the map: 'e-gone'." },
      ]);
    });

    it('an element in a group that is not in the map', () => {
      const file = edited((f) => (f.map.elements[2]!.groupId = 'g-gone'));
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        {
          path: 'map.elements[2].groupId',
          message: "Element 3 ('GP appointments for low mood'): groupId names a group that is not in the map: 'g-gone'.",
        },
      ]);
    });

    it('two elements with one id, naming both', () => {
      const file = edited((f) => (f.map.elements[3]!.id = 'e-gp'));
      const errors = errorsOf(importMapJson(file, { keepIds: true }));
      expect(errors[0]).toEqual({
        path: 'map.elements[3].id',
        message:
          "Element 4 ('Social prescribing link workers'): id 'e-gp' is also the id of Element 3 ('GP appointments for low mood'); each must be different.",
      });
    });

    it('more elements than a map holds', () => {
      const file = edited((f) => {
        const template = f.map.elements[2]!;
        f.map.elements = Array.from({ length: MAP_LIMITS.elementsMax + 1 }, (_, i) => ({ ...template, id: `e${i}` }));
        f.map.connections = [];
        f.map.loopNotes = [];
      });
      expect(errorsOf(importMapJson(file, { keepIds: true }))).toEqual([
        { path: 'map.elements', message: 'The map has more than 10,000 elements, the most a map holds.' },
      ]);
    });
  });
});

describe('mapDataSchema', () => {
  it('accepts the sample map and rejects an unknown element kind', () => {
    expect(mapDataSchema.safeParse(sampleMap()).success).toBe(true);
    const map = sampleMap();
    (map.elements[0] as unknown as { kind: string }).kind = 'stock';
    expect(mapDataSchema.safeParse(map).success).toBe(false);
  });
});
