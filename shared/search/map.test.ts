import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startThread } from '../map/comments.js';
import { addConnection, addElement, removeElements, setLoopNote, type Actor } from '../map/doc.js';
import { loopKey } from '../map/loops.js';
import { mapSearchEntries } from './map.js';

const ann: Actor = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };

function sampleMap(): Y.Doc {
  const doc = new Y.Doc();
  addElement(
    doc,
    { id: 'obesity', kind: 'outcome', label: 'Childhood obesity', x: 0, y: 0, description: 'Rates at age 11', tags: ['health', 'children'], agency: 'Public Health' },
    ann,
  );
  addElement(doc, { id: 'takeaways', kind: 'variable', label: 'Hot food takeaways', x: 100, y: 0 }, ann);
  addConnection(doc, { id: 'c1', from: 'takeaways', to: 'obesity', polarity: '+', label: 'more choice', evidence: 'PHE 2018 report' }, ann);
  addConnection(doc, { id: 'c2', from: 'obesity', to: 'takeaways', polarity: '+' }, ann);
  setLoopNote(doc, loopKey(['obesity', 'takeaways']), { name: 'Fast food spiral', note: 'Demand feeds supply' }, ann);
  startThread(doc, { id: 't1', messageId: 'm1', target: { kind: 'element', id: 'obesity' }, text: 'Which year?' }, ann);
  startThread(doc, { id: 't2', messageId: 'm2', target: { kind: 'connection', id: 'c1' }, text: 'Is this causal?' }, ann);
  return doc;
}

describe('mapSearchEntries', () => {
  it('makes one entry per element, connection, named loop and comment thread', () => {
    const entries = mapSearchEntries(sampleMap());
    expect(entries).toEqual([
      {
        target: 'element',
        targetId: 'obesity',
        title: 'Childhood obesity',
        body: 'Childhood obesity\nRates at age 11\nhealth children\nPublic Health',
      },
      { target: 'element', targetId: 'takeaways', title: 'Hot food takeaways', body: 'Hot food takeaways' },
      { target: 'connection', targetId: 'c1', title: 'Hot food takeaways → Childhood obesity', body: 'more choice\nPHE 2018 report' },
      { target: 'connection', targetId: 'c2', title: 'Childhood obesity → Hot food takeaways', body: '' },
      {
        target: 'loop',
        targetId: loopKey(['obesity', 'takeaways']),
        title: 'Fast food spiral',
        body: 'Demand feeds supply\nChildhood obesity Hot food takeaways',
      },
      { target: 'comment', targetId: 't1', title: 'Childhood obesity', body: 'Which year?' },
      { target: 'comment', targetId: 't2', title: 'Hot food takeaways → Childhood obesity', body: 'Is this causal?' },
    ]);
  });

  it('titles an unnamed loop note by its elements, and leaves out empty notes and threads on deleted elements', () => {
    const doc = sampleMap();
    setLoopNote(doc, loopKey(['obesity', 'takeaways']), { name: '', note: 'Worth a workshop' }, ann);
    addElement(doc, { id: 'x', kind: 'note', label: 'Scratch', x: 0, y: 0 }, ann);
    setLoopNote(doc, loopKey(['x']), { name: '', note: '' }, ann);
    startThread(doc, { id: 't3', messageId: 'm3', target: { kind: 'element', id: 'x' }, text: 'Delete me' }, ann);
    removeElements(doc, ['x']);
    const entries = mapSearchEntries(doc);
    expect(entries.find((e) => e.target === 'loop')).toMatchObject({ title: 'Childhood obesity → Hot food takeaways', body: 'Worth a workshop\nChildhood obesity Hot food takeaways' });
    expect(entries.filter((e) => e.target === 'loop')).toHaveLength(1);
    expect(entries.map((e) => e.targetId)).not.toContain('t3');
  });

  it('finds nothing in an empty doc', () => {
    expect(mapSearchEntries(new Y.Doc())).toEqual([]);
  });
});
