import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addConnection, addElement, moveElements, setLoopNote, updateElement, type Actor } from './doc.js';
import { createMapReader } from './reader.js';
import { sameApartFromPositions, samePlainData } from './samePlainData.js';

const council: Actor = { userId: 'u-c', name: 'Cal Council', organisation: 'Torbay Council' };

describe('samePlainData', () => {
  it('compares plain data structurally', () => {
    expect(samePlainData({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(samePlainData({ a: [1] }, { a: [1], b: undefined })).toBe(false);
    expect(samePlainData([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(samePlainData('1', 1)).toBe(false);
  });
});

describe('sameApartFromPositions', () => {
  it('is true after moves only, false after any other change', () => {
    const doc = new Y.Doc();
    addElement(doc, { id: 'a', kind: 'variable', label: 'A', x: 0, y: 0 }, council);
    addElement(doc, { id: 'b', kind: 'variable', label: 'B', x: 10, y: 0 }, council);
    const reader = createMapReader(doc);
    const start = reader.read();
    moveElements(doc, [{ id: 'a', x: 50, y: 60 }]);
    const moved = reader.read();
    expect(moved).not.toBe(start);
    expect(sameApartFromPositions(start, moved)).toBe(true);
    updateElement(doc, 'b', { label: 'Bee' }, council);
    expect(sameApartFromPositions(moved, reader.read())).toBe(false);
    const renamed = reader.read();
    addConnection(doc, { id: 'c', from: 'a', to: 'b' }, council);
    expect(sameApartFromPositions(renamed, reader.read())).toBe(false);
    const connected = reader.read();
    setLoopNote(doc, 'k', { name: 'Loop', note: '' }, council);
    expect(sameApartFromPositions(connected, reader.read())).toBe(false);
    addElement(doc, { id: 'd', kind: 'note', label: 'D', x: 0, y: 0 }, council);
    expect(sameApartFromPositions(connected, reader.read())).toBe(false);
  });
});
