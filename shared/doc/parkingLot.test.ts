import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  PARKING_LOT_KEY,
  PARKING_LOT_TEXT_MAX,
  addParkingLotItem,
  editParkingLotItem,
  observeParkingLot,
  readParkingLot,
  removeParkingLotItem,
} from './parkingLot.js';

const ann = { id: 'u-ann', name: 'Ann', organisation: 'Devon and Cornwall Police' };
const bo = { id: 'u-bo', name: 'Bo', organisation: 'Torbay Council' };

/** Exchanges every missing update both ways, as a sync with the server would. */
function sync(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('parking lot', () => {
  it('adds, edits and removes notes, each as one update', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    addParkingLotItem(doc, '  Who funds   the walking groups? ', ann, 'n1', new Date('2026-11-22T10:00:00Z'));
    expect(updates).toBe(1);
    expect(readParkingLot(doc)).toEqual([
      {
        id: 'n1',
        text: 'Who funds the walking groups?',
        author: ann,
        createdAt: '2026-11-22T10:00:00.000Z',
        editedAt: null,
      },
    ]);
    expect(editParkingLotItem(doc, 'n1', 'Who funds them after March?', new Date('2026-11-22T10:05:00Z'))).toBe(true);
    expect(updates).toBe(2);
    expect(readParkingLot(doc)[0]).toMatchObject({ text: 'Who funds them after March?', editedAt: '2026-11-22T10:05:00.000Z' });
    expect(removeParkingLotItem(doc, 'n1')).toBe(true);
    expect(removeParkingLotItem(doc, 'n1')).toBe(false);
    expect(editParkingLotItem(doc, 'n1', 'gone')).toBe(false);
    expect(readParkingLot(doc)).toEqual([]);
  });

  it('refuses empty and over-long notes with a readable reason', () => {
    const doc = new Y.Doc();
    expect(() => addParkingLotItem(doc, '   ', ann, 'n1')).toThrow(/Write something/);
    expect(() => addParkingLotItem(doc, 'x'.repeat(PARKING_LOT_TEXT_MAX + 1), ann, 'n1')).toThrow(/at most/);
    expect(readParkingLot(doc)).toEqual([]);
  });

  it('keeps every note once when two people add notes apart (offline) and then sync, in either order', () => {
    for (const order of ['ab', 'ba']) {
      const a = new Y.Doc();
      const b = new Y.Doc();
      addParkingLotItem(a, 'shared start', ann, 's');
      sync(a, b);
      addParkingLotItem(a, 'from Ann offline', ann, 'a1');
      addParkingLotItem(b, 'from Bo', bo, 'b1');
      addParkingLotItem(b, 'from Bo again', bo, 'b2');
      removeParkingLotItem(a, 's');
      if (order === 'ab') sync(a, b);
      else sync(b, a);
      sync(a, b); // a second exchange must not duplicate anything
      const texts = readParkingLot(a).map((n) => n.text);
      expect(readParkingLot(b)).toEqual(readParkingLot(a));
      expect(texts.sort()).toEqual(['from Ann offline', 'from Bo', 'from Bo again']);
    }
  });

  it('skips malformed entries written by another client', () => {
    const doc = new Y.Doc();
    addParkingLotItem(doc, 'good', ann, 'n1');
    const bad = new Y.Map<unknown>();
    bad.set('id', 42);
    doc.getArray(PARKING_LOT_KEY).push([bad]);
    (doc.getArray(PARKING_LOT_KEY) as Y.Array<unknown>).push(['a plain string']);
    expect(readParkingLot(doc).map((n) => n.id)).toEqual(['n1']);
  });

  it('tells observers about changes from anyone, and stops when asked', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = observeParkingLot(doc, () => calls++);
    addParkingLotItem(doc, 'one', ann, 'n1');
    editParkingLotItem(doc, 'n1', 'one, edited');
    stop();
    addParkingLotItem(doc, 'two', ann, 'n2');
    expect(calls).toBe(2);
  });
});
