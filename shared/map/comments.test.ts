import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COMMENTS_ROOT, deleteThread, observeComments, openThreadCounts, readComments, reply, setResolved, startThread } from './comments.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
const bo = { userId: 'u-b', name: 'Bo', organisation: 'Devon and Cornwall Police' };
const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m));
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('map comments', () => {
  it('starts a thread on an element, takes replies, resolves and reopens on a new reply', () => {
    const doc = new Y.Doc();
    startThread(doc, { id: 't1', messageId: 'm1', target: { kind: 'element', id: 'footfall' }, text: ' Where is this figure from? ' }, ann, at(0));
    expect(reply(doc, 't1', 'm2', 'The BID footfall counter', bo, at(1))).toBe(true);
    expect(setResolved(doc, 't1', true, ann, at(2))).toBe(true);
    let [thread] = readComments(doc);
    expect(thread).toMatchObject({
      id: 't1',
      target: { kind: 'element', id: 'footfall' },
      messages: [
        { id: 'm1', text: 'Where is this figure from?', by: { name: 'Ann' } },
        { id: 'm2', text: 'The BID footfall counter', by: { name: 'Bo', organisation: 'Devon and Cornwall Police' } },
      ],
      resolved: { name: 'Ann', at: at(2).toISOString() },
    });
    expect(openThreadCounts(readComments(doc)).size).toBe(0);
    reply(doc, 't1', 'm3', 'Only since March though', bo, at(3));
    [thread] = readComments(doc);
    expect(thread!.resolved).toBeNull();
    expect(openThreadCounts(readComments(doc)).get('footfall')).toBe(1);
    deleteThread(doc, 't1');
    expect(readComments(doc)).toEqual([]);
    expect(reply(doc, 't1', 'm4', 'x', ann)).toBe(false);
  });

  it('refuses empty and over-long comments', () => {
    const doc = new Y.Doc();
    expect(() => startThread(doc, { id: 't', messageId: 'm', target: { kind: 'connection', id: 'c' }, text: '  ' }, ann)).toThrow(/Write something/);
    expect(() => startThread(doc, { id: 't', messageId: 'm', target: { kind: 'connection', id: 'c' }, text: 'x'.repeat(2001) }, ann)).toThrow(/at most/);
    expect(readComments(doc)).toEqual([]);
  });

  it('keeps both replies made at once, in the same order everywhere', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    startThread(a, { id: 't1', messageId: 'm1', target: { kind: 'connection', id: 'c1' }, text: 'Is this really +?' }, ann, at(0));
    sync(a, b);
    reply(a, 't1', 'ma', 'Yes', ann, at(1));
    reply(b, 't1', 'mb', 'No', bo, at(1));
    sync(a, b);
    expect(readComments(a)).toEqual(readComments(b));
    expect(readComments(a)[0]!.messages.map((m) => m.id).sort()).toEqual(['m1', 'ma', 'mb']);
  });

  it('skips malformed threads and tells observers about changes', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = observeComments(doc, () => calls++);
    const bad = new Y.Map<unknown>();
    bad.set('target', { kind: 'planet', id: 'x' });
    doc.getMap(COMMENTS_ROOT).set('bad', bad);
    startThread(doc, { id: 't1', messageId: 'm1', target: { kind: 'element', id: 'e' }, text: 'ok' }, ann);
    stop();
    reply(doc, 't1', 'm2', 'unseen', ann);
    expect(readComments(doc).map((t) => t.id)).toEqual(['t1']);
    expect(calls).toBe(2);
  });
});
