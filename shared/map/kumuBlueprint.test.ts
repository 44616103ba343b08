/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import handwritten from './fixtures/kumu/blueprint-handwritten.json?raw';
import project from './fixtures/kumu/blueprint-project.json?raw';
import { council, sequentialIds } from './fixtures/sampleMap.js';
import { mapDataSchema } from './json.js';
import { importKumuBlueprint, isKumuBlueprint } from './kumuBlueprint.js';
import { exportKumuCsv, importKumuCsv, type KumuImportResult } from './kumuCsv.js';
import { KUMU_ID_FIELD, KUMU_TYPE_FIELD } from './kumuVocabulary.js';
import type { MapData } from './model.js';

const options = () => ({ newId: sequentialIds(), by: council });

function ok(result: KumuImportResult) {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errors(result: KumuImportResult): string[] {
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors.map((e) => e.message);
}

const links = (map: MapData): string[] => {
  const label = new Map(map.elements.map((e) => [e.id, e.label]));
  return map.connections.map((c) => `${label.get(c.from)} -> ${label.get(c.to)} (${c.polarity}${c.direction ? `, ${c.direction}` : ''})`);
};

describe('importKumuBlueprint: a Kumu project export (items with _id and attributes)', () => {
  it('reads elements, their attributes as fields, and connections naming ends by _id', () => {
    const { map, warnings, summary } = ok(importKumuBlueprint(project, options()));
    expect(map.elements.map((e) => [e.label, e.kind, e.description, e.tags, e.fields])).toEqual([
      ['eBay', 'organisation', 'eBay’s online marketplace.', ['marketplace', 'ecommerce'], { [KUMU_TYPE_FIELD]: 'Company', [KUMU_ID_FIELD]: 'elem-x8Kd2a', founded: '1995', public: 'true' }],
      ['Pierre Omidyar', 'actor', '', ['founders'], { [KUMU_TYPE_FIELD]: 'Person', [KUMU_ID_FIELD]: 'elem-Pq71Zm', image: 'https://example.org/pierre.jpg' }],
      ['Thriving local marketplaces', 'outcome', '', [], { [KUMU_TYPE_FIELD]: 'Desired Outcome', [KUMU_ID_FIELD]: 'elem-3rTy9w', measurability: '0.5' }],
      ['Craigslist', 'organisation', '', [], { [KUMU_TYPE_FIELD]: 'Company', [KUMU_ID_FIELD]: 'elem-Lk0Pq2' }],
    ]);
    expect(links(map)).toEqual(['Pierre Omidyar -> eBay (?)', 'eBay -> Thriving local marketplaces (+)', 'eBay -> Craigslist (-, mutual)']);
    expect(map.connections.map((c) => [c.label, c.delay, c.evidence, c.fields])).toEqual([
      ['founded', false, '', { [KUMU_TYPE_FIELD]: 'Employee/Founder', [KUMU_ID_FIELD]: 'conn-Aa11Bb', tags: 'people' }],
      ['', true, '', { [KUMU_TYPE_FIELD]: '++', [KUMU_ID_FIELD]: 'conn-Cc22Dd', strength: '3' }],
      ['', false, 'They compete for sellers.', { [KUMU_TYPE_FIELD]: '+-', [KUMU_ID_FIELD]: 'conn-Ee33Ff' }],
    ]);
    expect(summary.typesMapped.map((t) => t.type)).toEqual(['Company', 'Desired Outcome']);
    expect(warnings.map((w) => w.message)).toEqual([
      "Element 1, “element type”: the Type 'Company' is not one of the workspace’s kinds, so items 1 and 4 came in as Organisation, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Element 3, “element type”: the Type 'Desired Outcome' is not one of the workspace’s kinds, so item 3 came in as Outcome, the closest kind. The type is kept in the field 'Kumu type' and written back when you export to Kumu.",
      "Connection 1, “connection type”: the Type 'Employee/Founder' is not a polarity (such as same, opposite, + or −), so it was kept in the field 'Kumu type' (item 1); the polarity comes from the Polarity column, or is ? (not known yet).",
      "Some of the file’s elements hold structured data (lists of lists, or objects) in 'layout', which has no place in a field, so it was not imported.",
      'The file’s loops and maps were not imported: only elements and connections are read from a Kumu blueprint. Name the loops again in the loops panel.',
    ]);
    expect(mapDataSchema.safeParse(map).success).toBe(true);
  });

  it('exports back with Kumu’s IDs and types, so re-importing into the project updates it', () => {
    const { map } = ok(importKumuBlueprint(project, options()));
    const { elements, connections } = exportKumuCsv(map);
    expect(elements.split('\r\n')[1]).toMatch(/^elem-x8Kd2a,eBay,Company,/);
    expect(connections.split('\r\n').slice(0, 2)).toEqual([
      '\uFEFFID,From,To,Type,Direction,Label,Polarity,Delay,Confidence,Evidence,tags,strength',
      'conn-Aa11Bb,Pierre Omidyar,eBay,Employee/Founder,directed,founded,?,no,,,people,',
    ]);
    expect(ok(importKumuCsv({ elements, connections }, options())).map).toEqual(map);
  });
});

describe('importKumuBlueprint: a hand-written blueprint (as Kumu’s docs show)', () => {
  it('reads items’ own keys, ids where labels repeat, directions and custom keys', () => {
    const { map } = ok(importKumuBlueprint(handwritten, options()));
    expect(map.elements.map((e) => [e.label, e.kind, e.description, e.tags, e.fields])).toEqual([
      ['A', 'variable', 'This is A', ['one', 'two'], { [KUMU_TYPE_FIELD]: 'Letter' }],
      ['B', 'variable', '', [], { [KUMU_TYPE_FIELD]: 'Letter', 'Favorite Dessert': 'shave ice' }],
      ['Pipeline', 'variable', '', [], { [KUMU_TYPE_FIELD]: 'Head high', [KUMU_ID_FIELD]: 'e1' }],
      ['Pipeline', 'variable', '', [], { [KUMU_TYPE_FIELD]: 'Double overhead', [KUMU_ID_FIELD]: 'e2' }],
    ]);
    expect(links(map)).toEqual(['A -> B (?)', 'B -> A (+, mutual)', 'Pipeline -> Pipeline (?)']);
    expect(map.connections.map((c) => c.fields)).toEqual([{ [KUMU_TYPE_FIELD]: 'likes' }, undefined, { [KUMU_ID_FIELD]: 'c1' }]);
  });
});

describe('importKumuBlueprint: problems', () => {
  it('names the item and key of each', () => {
    const text = JSON.stringify({
      elements: [{ label: 'A' }, { label: '', description: 'no label' }, {}],
      connections: [{ from: 'A', to: 'Nowhere' }, { from: 'A', to: 'A', direction: 'sideways' }],
    });
    expect(errors(importKumuBlueprint(text, options()))).toEqual([
      'Element 2, “label”: the Label is empty; every element needs a label.',
      "Connection 1, “to”: 'Nowhere' is not an element in the file’s elements.",
      "Connection 2, “direction”: the Direction must be directed, mutual or undirected, not 'sideways'.",
    ]);
  });

  it('refuses what is not JSON, or not a blueprint', () => {
    expect(errors(importKumuBlueprint('{ "elements": [', options()))[0]).toMatch(/^This file is not valid JSON \(/);
    expect(errors(importKumuBlueprint('{ "nodes": [] }', options()))).toEqual([
      'This JSON is not a Kumu blueprint: it should be an object with an "elements" list, a "connections" list, or both.',
    ]);
  });

  it('tells a blueprint from our own map file', () => {
    expect(isKumuBlueprint(JSON.parse(project))).toBe(true);
    expect(isKumuBlueprint({ connections: [] })).toBe(true);
    expect(isKumuBlueprint({ format: 'slw-map', version: 1, map: { elements: [] } })).toBe(false);
    expect(isKumuBlueprint([{ label: 'A' }])).toBe(false);
  });
});
