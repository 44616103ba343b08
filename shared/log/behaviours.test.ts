import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Actor } from '../map/doc.js';
import { BEHAVIOUR_LIMITS, DEFAULT_BEHAVIOURS, addBehaviour, behaviourAliases, listBehaviours, observeBehaviours } from './behaviours.js';
import { addEntry, readEntries } from './doc.js';

const dee: Actor = { userId: 'u-d', name: 'Dee', organisation: 'Torbay Council' };
const pat: Actor = { userId: 'u-p', name: 'Pat', organisation: 'Devon and Cornwall Police' };
const at = new Date('2026-03-04T10:00:00.000Z');

describe('leadership behaviours', () => {
  it('has a default vocabulary with unique ids and labels, each described', () => {
    expect(DEFAULT_BEHAVIOURS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(DEFAULT_BEHAVIOURS.map((b) => b.id)).size).toBe(DEFAULT_BEHAVIOURS.length);
    expect(new Set(DEFAULT_BEHAVIOURS.map((b) => b.label.toLowerCase())).size).toBe(DEFAULT_BEHAVIOURS.length);
    for (const b of DEFAULT_BEHAVIOURS) expect(b.description.length, b.id).toBeGreaterThan(20);
    expect(listBehaviours(new Y.Doc()).map((b) => b.id)).toEqual(DEFAULT_BEHAVIOURS.map((b) => b.id));
  });

  it('a site adds its own after the defaults, with who added it', () => {
    const doc = new Y.Doc();
    expect(addBehaviour(doc, { id: 'b1', label: '  Listening   walks ', description: 'Walking the patch with residents.' }, dee, at)).toBe('b1');
    const listed = listBehaviours(doc);
    expect(listed.at(-1)).toEqual({ id: 'b1', label: 'Listening walks', description: 'Walking the patch with residents.', added: { ...dee, at: at.toISOString() } });
    expect(listed[0]!.added).toBeNull();
  });

  it('dedupes by label, any case, defaults included, returning the existing id', () => {
    const doc = new Y.Doc();
    addBehaviour(doc, { id: 'b1', label: 'Listening walks', description: '' }, dee);
    expect(addBehaviour(doc, { id: 'b2', label: 'LISTENING WALKS', description: 'again' }, pat)).toBe('b1');
    expect(addBehaviour(doc, { id: 'b3', label: 'sharing power', description: '' }, pat)).toBe('sharing-power');
    expect(listBehaviours(doc).length).toBe(DEFAULT_BEHAVIOURS.length + 1);
  });

  it('refuses empty or long names, taken ids and too many additions', () => {
    const doc = new Y.Doc();
    expect(() => addBehaviour(doc, { id: 'b1', label: ' ', description: '' }, dee)).toThrow(/needs a name/);
    expect(() => addBehaviour(doc, { id: 'b1', label: 'x'.repeat(BEHAVIOUR_LIMITS.labelMax + 1), description: '' }, dee)).toThrow(RangeError);
    expect(() => addBehaviour(doc, { id: 'b1', label: 'x', description: 'y'.repeat(BEHAVIOUR_LIMITS.descriptionMax + 1) }, dee)).toThrow(RangeError);
    expect(() => addBehaviour(doc, { id: 'curiosity', label: 'Something new', description: '' }, dee)).toThrow(/taken/);
    for (let i = 0; i < BEHAVIOUR_LIMITS.customMax; i++) addBehaviour(doc, { id: `b${i}`, label: `B ${i}`, description: '' }, dee);
    expect(() => addBehaviour(doc, { id: 'one-more', label: 'One more', description: '' }, dee)).toThrow(/at most 100/);
  });

  it('the same label added on two peers at once lists once, and entries tagged with either count under the first', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addBehaviour(a, { id: 'from-a', label: 'Listening walks', description: '' }, dee);
    addBehaviour(b, { id: 'from-b', label: 'listening walks', description: '' }, pat);
    addEntry(b, { id: 'e1', date: '2026-03-04', title: 'T', behaviours: ['from-b'] }, pat);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const listedA = listBehaviours(a).filter((x) => x.added);
    expect(listedA).toHaveLength(1);
    expect(listBehaviours(b)).toEqual(listBehaviours(a));
    const winner = listedA[0]!.id;
    expect(behaviourAliases(a).get('from-a')).toBe(winner);
    expect(behaviourAliases(a).get('from-b')).toBe(winner);
    expect(readEntries(a)[0]!.behaviours).toEqual([winner]);
  });

  it('observes additions until unsubscribed', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = observeBehaviours(doc, () => calls++);
    addBehaviour(doc, { id: 'b1', label: 'One', description: '' }, dee);
    stop();
    addBehaviour(doc, { id: 'b2', label: 'Two', description: '' }, dee);
    expect(calls).toBe(1);
  });
});
