/**
 * Custom fields and directions, the two things Kumu maps brought into the model, through every
 * place a map is kept: the Y.Doc (written and read back, edited by two people at once, restored
 * from a version) and our JSON file.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { council, exchange, nhs } from './docFixtures.js';
import { addConnection, addElement, addMapData, readMap, replaceMapData, updateConnection, updateElement } from './doc.js';
import { exportMapJson, importMapJson } from './json.js';
import { createMapReader } from './reader.js';
import { MAP_LIMITS, plainConnection, plainElement, type MapData } from './model.js';
import { sampleMap } from './fixtures/sampleMap.js';

const t0 = new Date('2026-12-07T10:00:00Z');

function twoElements(doc: Y.Doc) {
  addElement(doc, { id: 'a', kind: 'organisation', label: 'Acme', x: 0, y: 0, fields: { Population: ' 120 ', 'Kumu type': 'Company', Empty: '' } }, council, t0);
  addElement(doc, { id: 'b', kind: 'actor', label: 'Bob', x: 200, y: 0 }, council, t0);
}

describe('custom fields and directions in the Y.Doc', () => {
  it('are written checked (trimmed, empty ones left out) and read back; absent when there are none', () => {
    const doc = new Y.Doc();
    twoElements(doc);
    addConnection(doc, { id: 'c', from: 'a', to: 'b', direction: 'mutual', fields: { Tags: 'people|founders' } }, council, t0);
    addConnection(doc, { id: 'd', from: 'b', to: 'a', direction: 'directed' }, council, t0);
    const map = readMap(doc);
    expect(map.elements.map((e) => e.fields)).toEqual([{ 'Kumu type': 'Company', Population: '120' }, undefined]);
    expect(map.connections.map((c) => [c.direction, c.fields])).toEqual([
      ['mutual', { Tags: 'people|founders' }],
      [undefined, undefined],
    ]);
    // Directed is the default and is not stored, so old and new data read alike.
    expect((doc.getMap('mapConnections').get('d') as Y.Map<unknown>).has('direction')).toBe(false);
    expect(Object.keys(map.elements[1]!)).not.toContain('fields');
  });

  it('are changed field by field: set, replaced (keeping the existing spelling), removed with null', () => {
    const doc = new Y.Doc();
    twoElements(doc);
    updateElement(doc, 'a', { fields: { population: '130', Region: 'South West', 'Kumu type': null } }, nhs, t0);
    expect(readMap(doc).elements[0]?.fields).toEqual({ Population: '130', Region: 'South West' });
    updateElement(doc, 'a', { fields: { Population: '', Region: null } }, nhs, t0);
    expect(readMap(doc).elements[0]?.fields).toBeUndefined();
  });

  it('refuses what does not fit, with a sentence a person can act on', () => {
    const doc = new Y.Doc();
    twoElements(doc);
    expect(() => updateElement(doc, 'a', { fields: { ' ': 'x' } }, council)).toThrow('A field name cannot be empty.');
    expect(() => updateElement(doc, 'a', { fields: { Notes: 'x'.repeat(MAP_LIMITS.fieldValueMax + 1) } }, council)).toThrow(`The field 'Notes' can be at most ${MAP_LIMITS.fieldValueMax} characters.`);
    expect(() => updateElement(doc, 'a', { fields: { Notes: 'a', notes: 'b' } }, council)).toThrow("The field 'notes' is named twice.");
    const many = Object.fromEntries(Array.from({ length: MAP_LIMITS.fieldsMax }, (_, i) => [`f${i}`, 'v']));
    expect(() => updateElement(doc, 'a', { fields: many }, council)).toThrow(`At most ${MAP_LIMITS.fieldsMax} custom fields fit on one element or connection.`);
    expect(() => addConnection(doc, { id: 'x', from: 'a', to: 'b', direction: 'sideways' as 'mutual' }, council)).toThrow('Direction must be one of directed, mutual, undirected.');
    expect(readMap(doc).elements[0]?.fields).toEqual({ 'Kumu type': 'Company', Population: '120' });
  });

  it('keeps both of two people’s edits to different fields of one element', () => {
    const one = new Y.Doc();
    const two = new Y.Doc();
    twoElements(one);
    exchange(one, two);
    updateElement(one, 'a', { fields: { Population: '140' } }, council, t0);
    updateElement(two, 'a', { fields: { Region: 'Devon' } }, nhs, t0);
    exchange(one, two);
    expect(readMap(one).elements[0]?.fields).toEqual({ 'Kumu type': 'Company', Population: '140', Region: 'Devon' });
    expect(readMap(two)).toEqual(readMap(one));
  });

  it('changes a connection’s direction, back to directed too', () => {
    const doc = new Y.Doc();
    twoElements(doc);
    addConnection(doc, { id: 'c', from: 'a', to: 'b' }, council, t0);
    updateConnection(doc, 'c', { direction: 'undirected', fields: { strength: '3' } }, council, t0);
    expect(readMap(doc).connections[0]).toMatchObject({ direction: 'undirected', fields: { strength: '3' } });
    updateConnection(doc, 'c', { direction: 'directed' }, council, t0);
    expect(readMap(doc).connections[0]?.direction).toBeUndefined();
  });

  it('are seen by the incremental reader as by readMap', () => {
    const doc = new Y.Doc();
    twoElements(doc);
    addConnection(doc, { id: 'c', from: 'a', to: 'b' }, council, t0);
    const reader = createMapReader(doc);
    reader.read();
    updateElement(doc, 'b', { fields: { Age: '40' } }, council, t0);
    updateConnection(doc, 'c', { direction: 'mutual' }, council, t0);
    expect(reader.read()).toEqual(readMap(doc));
    reader.destroy();
  });

  it('survive replaceMapData (a version restored), which also clears them', () => {
    const doc = new Y.Doc();
    const withBoth: MapData = withKumuData(sampleMap());
    addMapData(doc, { ...withBoth, groups: [], elements: withBoth.elements.map((e) => ({ ...e, groupId: null })) }, council, t0);
    const wanted = readMap(doc);
    const changed = new Y.Doc();
    Y.applyUpdate(changed, Y.encodeStateAsUpdate(doc));
    updateElement(changed, 'e-isolation', { fields: { Population: '1', Extra: 'x' } }, council, t0);
    updateConnection(changed, 'c-1', { direction: 'undirected', fields: { strength: null } }, council, t0);
    replaceMapData(changed, wanted);
    expect(readMap(changed)).toEqual(wanted);

    const bare: MapData = { ...wanted, elements: wanted.elements.map(({ fields: _f, ...e }) => e), connections: wanted.connections.map(({ fields: _f, direction: _d, ...c }) => c) };
    replaceMapData(changed, bare);
    expect(readMap(changed)).toEqual(bare);
  });
});

/** The sample map with custom fields and a mutual connection, as a Kumu import gives them. */
function withKumuData(map: MapData): MapData {
  map.elements[0]!.fields = { Population: '8000', 'Kumu type': 'Issue' };
  map.connections[0]!.direction = 'mutual';
  map.connections[0]!.fields = { strength: '3', Tags: 'health|nhs' };
  return map;
}

describe('custom fields and directions in our JSON file', () => {
  it('round-trip, in a fixed key order', () => {
    const map = withKumuData(sampleMap());
    const text = exportMapJson(map, '2026-12-07T10:00:00.000Z');
    expect(text).toContain('"fields": {\n          "Kumu type": "Issue",\n          "Population": "8000"\n        },');
    const back = importMapJson(text, { keepIds: true });
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.map.elements.map(plainElement)).toEqual(map.elements.map(plainElement));
    expect(back.map.connections.map(plainConnection)).toEqual(map.connections.map(plainConnection));
    expect(back.map.connections[0]).toMatchObject({ direction: 'mutual', fields: { strength: '3', Tags: 'health|nhs' } });
  });

  it('reads files written before fields and directions existed, and refuses bad ones', () => {
    const map = sampleMap();
    const old = importMapJson(exportMapJson(map), { keepIds: true });
    expect(old.ok && old.map.elements[0]?.fields).toBeUndefined();
    const file = JSON.parse(exportMapJson(map)) as { map: MapData };
    file.map.connections[0]!.direction = 'sideways' as 'mutual';
    file.map.elements[1]!.fields = { Notes: 'x'.repeat(MAP_LIMITS.fieldValueMax + 1) };
    const bad = importMapJson(JSON.stringify(file), { keepIds: true });
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['map.elements[1].fields.Notes', 'map.connections[0].direction']);
  });
});
