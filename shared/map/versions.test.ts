import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addConnection, addElement, addGroup, moveElements, readMap, removeConnections, removeElements, replaceMapData, setLoopNote, setPolarityView, updateConnection, updateElement } from './doc.js';
import { VERSIONS_ROOT, clearLegacyMapVersions, describeDiff, diffIsEmpty, diffMaps, readLegacyMapVersions } from './versions.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
const bo = { userId: 'u-b', name: 'Bo', organisation: 'Devon and Cornwall Police' };
const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m));

function start() {
  const doc = new Y.Doc();
  addElement(doc, { id: 'a', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, ann);
  addElement(doc, { id: 'b', kind: 'variable', label: 'Empty shops', x: 200, y: 0 }, ann);
  addElement(doc, { id: 'c', kind: 'actor', label: 'Landlords', x: 400, y: 0 }, ann);
  addConnection(doc, { id: 'ab', from: 'a', to: 'b', polarity: '-' }, ann);
  addConnection(doc, { id: 'cb', from: 'c', to: 'b', polarity: '+' }, ann);
  return doc;
}

describe('restoring a map (replaceMapData)', () => {
  it('makes the map equal to a saved one, bringing back other people’s entries with their attribution', () => {
    const doc = start();
    addGroup(doc, { id: 'g', label: 'Town centre', x: 0, y: 0, width: 500, height: 200 }, ann, at(1));
    setPolarityView(doc, 'ab', '+', bo, at(2));
    setLoopNote(doc, 'loop-1', { name: 'Decline', note: 'Fewer shops, fewer visitors' }, bo, at(3));
    const saved = readMap(doc);

    updateElement(doc, 'a', { label: 'Visitors' }, bo, at(10));
    moveElements(doc, [{ id: 'b', x: 999, y: 999 }]);
    removeElements(doc, ['c']);
    addElement(doc, { id: 'd', kind: 'outcome', label: 'Wellbeing', x: 0, y: 300 }, bo, at(11));
    setPolarityView(doc, 'ab', null, bo, at(12));

    replaceMapData(doc, saved);
    expect(readMap(doc)).toEqual(saved);
    expect(readMap(doc).elements.find((e) => e.id === 'c')!.created).toEqual({ ...ann, at: saved.elements[2]!.created.at });
  });

  it('writes nothing when the map already is the saved one, and builds a fresh doc from plain data', () => {
    const doc = start();
    const saved = readMap(doc);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    replaceMapData(doc, saved);
    expect(updates).toEqual([]);

    const fresh = new Y.Doc();
    replaceMapData(fresh, saved);
    expect(readMap(fresh)).toEqual(saved);
  });
});

describe('versions an older release kept inside the doc', () => {
  it('reads them oldest first, leaving out malformed ones, and clears the root', () => {
    const doc = start();
    const map = readMap(doc);
    const root = doc.getMap(VERSIONS_ROOT);
    root.set('v2', { name: 'after workshop 4', saved: { ...ann, at: at(5).toISOString() }, map: JSON.stringify(map) });
    root.set('v1', { name: 'after workshop 3', saved: { ...ann, at: at(0).toISOString() }, map: JSON.stringify({ ...map, elements: [] }) });
    root.set('bad', { name: 'bad', saved: { at: 'x' }, map: '{not json' });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(readLegacyMapVersions(copy).map((v) => [v.id, v.name, v.map.elements.length, v.saved.name])).toEqual([
      ['v1', 'after workshop 3', 0, 'Ann'],
      ['v2', 'after workshop 4', 3, 'Ann'],
    ]);
    clearLegacyMapVersions(copy);
    expect(copy.getMap(VERSIONS_ROOT).size).toBe(0);
    expect(readLegacyMapVersions(new Y.Doc())).toEqual([]);
  });
});

describe('comparing maps', () => {
  it('tells what was added, removed and changed between two versions, ignoring moves', () => {
    const doc = start();
    const before = readMap(doc);
    moveElements(doc, [{ id: 'a', x: 999, y: 999 }]);
    expect(diffIsEmpty(diffMaps(before, readMap(doc)))).toBe(true);

    updateElement(doc, 'a', { label: 'Visitors', tags: ['economy'] }, ann);
    removeElements(doc, ['c']);
    addElement(doc, { id: 'd', kind: 'intervention', label: 'Dementia-friendly shop training', x: 0, y: 200 }, ann);
    addConnection(doc, { id: 'db', from: 'd', to: 'b', polarity: '-' }, ann);
    updateConnection(doc, 'ab', { polarity: '?', delay: true }, ann);
    const diff = diffMaps(before, readMap(doc));
    expect(diff.addedElements.map((e) => e.label)).toEqual(['Dementia-friendly shop training']);
    expect(diff.removedElements.map((e) => e.label)).toEqual(['Landlords']);
    expect(diff.changedElements.map((c) => c.changes)).toEqual([
      [
        { field: 'label', before: 'Footfall', after: 'Visitors' },
        { field: 'tags', before: '', after: 'economy' },
      ],
    ]);
    expect(diff.addedConnections.map((c) => c.id)).toEqual(['db']);
    expect(diff.removedConnections.map((c) => c.id)).toEqual(['cb']);
    expect(diff.changedConnections[0]!.changes).toEqual([
      { field: 'polarity', before: '-', after: '?' },
      { field: 'delay', before: 'false', after: 'true' },
    ]);
  });

  it('describes changes by labels, never ids, with fields before and after in words', () => {
    const doc = start();
    const before = readMap(doc);
    updateElement(doc, 'a', { label: 'Visitors', kind: 'outcome' }, ann);
    removeElements(doc, ['c']);
    addElement(doc, { id: 'd', kind: 'intervention', label: 'Shop training', x: 0, y: 200 }, ann);
    addConnection(doc, { id: 'db', from: 'd', to: 'b', polarity: '-' }, ann);
    updateConnection(doc, 'ab', { polarity: '?', delay: true }, ann);
    const after = readMap(doc);
    const text = describeDiff(diffMaps(before, after), before, after);
    const ids = new Set([...before.elements, ...after.elements, ...before.connections, ...after.connections].map((x) => x.id));
    for (const line of text.flatMap((s) => s.lines)) for (const id of ids) expect(line).not.toMatch(new RegExp(`\\b${id}\\b`));
    const b = before.elements.find((e) => e.id === 'b')!.label;
    expect(text).toEqual([
      { heading: 'Elements added', lines: ['Shop training'] },
      { heading: 'Elements removed', lines: ['Landlords'] },
      { heading: 'Elements changed', lines: ['Footfall: label “Footfall” → “Visitors”; kind “Factor” → “Outcome”'] },
      { heading: 'Connections added', lines: [`Shop training → ${b} (−)`] },
      // Removed with its element: named by the labels it had.
      { heading: 'Connections removed', lines: [`Landlords → ${b} (+)`] },
      { heading: 'Connections changed', lines: [`Visitors → ${b}: polarity “−” → “?”; delay “no” → “yes”`] },
    ]);
  });

  it('matches a connection drawn again between the same ends as a change, not a removal and an addition', () => {
    const doc = start();
    const before = readMap(doc);
    removeConnections(doc, ['ab']);
    addConnection(doc, { id: 'ab2', from: 'a', to: 'b', polarity: '+' }, ann);
    const diff = diffMaps(before, readMap(doc));
    expect([diff.addedConnections.length, diff.removedConnections.length]).toEqual([0, 0]);
    expect(diff.changedConnections[0]!.changes).toEqual([{ field: 'polarity', before: '-', after: '+' }]);
  });
});
