import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addConnection, addElement, moveElements, readMap, removeConnections, removeElements, updateConnection, updateElement } from './doc.js';
import { VERSIONS_MAX, VERSIONS_ROOT, deleteVersion, diffIsEmpty, diffMaps, listVersions, readVersion, saveVersion } from './versions.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
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

describe('named versions', () => {
  it('saves a frozen copy that later edits do not change, lists and deletes versions', () => {
    const doc = start();
    saveVersion(doc, 'v1', '  after workshop 3 ', readMap(doc), ann, at(0));
    updateElement(doc, 'a', { label: 'Visitors' }, ann);
    saveVersion(doc, 'v2', 'after workshop 4', readMap(doc), ann, at(5));
    expect(listVersions(doc).map((v) => [v.id, v.name, v.elementCount, v.connectionCount])).toEqual([
      ['v1', 'after workshop 3', 3, 2],
      ['v2', 'after workshop 4', 3, 2],
    ]);
    expect(readVersion(doc, 'v1')!.elements.find((e) => e.id === 'a')!.label).toBe('Footfall');
    deleteVersion(doc, 'v1');
    expect(listVersions(doc).map((v) => v.id)).toEqual(['v2']);
    expect(readVersion(doc, 'v1')).toBeNull();
    expect(() => saveVersion(doc, 'v3', ' ', readMap(doc), ann)).toThrow(/Give the version a name/);
  });

  it('keeps at most VERSIONS_MAX versions, dropping the oldest, and skips malformed ones', () => {
    const doc = start();
    for (let i = 0; i < VERSIONS_MAX + 3; i++) saveVersion(doc, `v${i}`, `v${i}`, readMap(doc), ann, at(i));
    const list = listVersions(doc);
    expect(list).toHaveLength(VERSIONS_MAX);
    expect(list[0]!.id).toBe('v3');
    doc.getMap(VERSIONS_ROOT).set('bad', { name: 'bad', saved: { at: 'x' }, map: '{not json' });
    expect(listVersions(doc)).toHaveLength(VERSIONS_MAX);
  });

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
