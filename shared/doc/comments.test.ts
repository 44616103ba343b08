import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readComments as readMapComments, startThread as startMapThread } from '../map/comments.js';
import { doc, heading, paragraph, text } from './build.js';
import { commentedTexts, DOC_COMMENTS_ROOT, deleteThread, observeComments, openThreadCounts, readComments, reply, setResolved, startThread } from './comments.js';
import { replaceDocContent } from './content.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
const bo = { userId: 'u-b', name: 'Bo', organisation: 'Devon and Cornwall Police' };
const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m));
const comment = (threadId: string) => ({ type: 'comment', attrs: { threadId } });

describe('document comments', () => {
  it('keeps threads on text in their own root, with the same shape as map threads', () => {
    const ydoc = new Y.Doc();
    startThread(ydoc, { id: 't1', messageId: 'm1', text: ' Is this still true? ' }, ann, at(0));
    reply(ydoc, 't1', 'm2', 'Yes, the 2025 JSNA', bo, at(1));
    setResolved(ydoc, 't1', true, ann, at(2));
    expect(readComments(ydoc)).toEqual([
      {
        id: 't1',
        target: { kind: 'text', id: 't1' },
        messages: [
          { id: 'm1', text: 'Is this still true?', by: { ...ann, at: at(0).toISOString() } },
          { id: 'm2', text: 'Yes, the 2025 JSNA', by: { ...bo, at: at(1).toISOString() } },
        ],
        resolved: { ...ann, at: at(2).toISOString() },
        created: { ...ann, at: at(0).toISOString() },
      },
    ]);
    const thread = ydoc.getMap(DOC_COMMENTS_ROOT).get('t1') as Y.Map<unknown>;
    expect([...thread.keys()].sort()).toEqual(['created', 'messages', 'resolved', 'target']);
    expect(thread.get('messages')).toBeInstanceOf(Y.Array);
    // Map threads and document threads never see each other.
    startMapThread(ydoc, { id: 'mt', messageId: 'm', target: { kind: 'element', id: 'e' }, text: 'map' }, ann);
    expect(readComments(ydoc).map((t) => t.id)).toEqual(['t1']);
    expect(readMapComments(ydoc).map((t) => t.id)).toEqual(['mt']);
  });

  it('counts open threads, reopens on reply, deletes and tells observers', () => {
    const ydoc = new Y.Doc();
    let calls = 0;
    const stop = observeComments(ydoc, () => calls++);
    startThread(ydoc, { id: 't1', messageId: 'm1', text: 'Source?' }, ann);
    setResolved(ydoc, 't1', true, ann);
    expect(openThreadCounts(readComments(ydoc)).size).toBe(0);
    reply(ydoc, 't1', 'm2', 'Reopened', bo);
    expect(openThreadCounts(readComments(ydoc)).get('t1')).toBe(1);
    deleteThread(ydoc, 't1');
    expect(readComments(ydoc)).toEqual([]);
    stop();
    startThread(ydoc, { id: 't2', messageId: 'm', text: 'unseen' }, ann);
    expect(calls).toBe(4);
    expect(() => startThread(ydoc, { id: 't3', messageId: 'm', text: '' }, ann)).toThrow(/Write something/);
  });

  it('finds the text each thread is on, across formatting and paragraphs, even when overlapping', () => {
    const ydoc = new Y.Doc();
    replaceDocContent(
      ydoc,
      doc(
        heading(2, 'Budget'),
        paragraph('Three ', text('agencies ', [comment('t1')]), text('hold', [comment('t1'), { type: 'bold' }, comment('t2')]), text(' this', [comment('t2')]), ' budget.'),
        paragraph(text('Nobody', [comment('t2')]), ' owns it.'),
      ),
    );
    const texts = commentedTexts(ydoc);
    expect(texts.get('t1')).toBe('agencies hold');
    expect(texts.get('t2')).toBe('hold this Nobody');
    expect(texts.has('t3')).toBe(false);
  });
});
