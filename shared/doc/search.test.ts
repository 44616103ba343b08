import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bulletList, doc, heading, mapRef, paragraph, text } from './build.js';
import { startThread, reply } from './comments.js';
import { docContent, replaceDocContent } from './content.js';
import { docBlocks, docSearchEntries } from './search.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };

function sampleDoc(): Y.Doc {
  const ydoc = new Y.Doc();
  replaceDocContent(
    ydoc,
    doc(
      paragraph('Drafted after the March workshop.'),
      heading(1, 'The issue'),
      paragraph('Older people ', text('alone at home', [{ type: 'comment', attrs: { threadId: 't1' } }]), ', see ', mapRef({ roomId: 'r', targetKind: 'loop', targetId: 'l1', label: 'R1 Isolation' }), '.'),
      bulletList('Police welfare calls', 'GP frequent attenders'),
      heading(2, 'Perspectives'),
      paragraph(),
      paragraph('Each agency sees part of it.'),
    ),
  );
  startThread(ydoc, { id: 't1', messageId: 'm1', text: 'How many?' }, ann);
  reply(ydoc, 't1', 'm2', 'About 4,000 in Torbay', ann);
  startThread(ydoc, { id: 't2', messageId: 'm3', text: 'On deleted text' }, ann);
  return ydoc;
}

describe('document search extraction', () => {
  it('lists top-level blocks with index, type, level and plain text', () => {
    expect(docBlocks(sampleDoc())).toEqual([
      { index: 0, type: 'paragraph', text: 'Drafted after the March workshop.' },
      { index: 1, type: 'heading', level: 1, text: 'The issue' },
      { index: 2, type: 'paragraph', text: 'Older people alone at home, see R1 Isolation.' },
      { index: 3, type: 'bulletList', text: 'Police welfare calls\nGP frequent attenders' },
      { index: 4, type: 'heading', level: 2, text: 'Perspectives' },
      { index: 5, type: 'paragraph', text: '' },
      { index: 6, type: 'paragraph', text: 'Each agency sees part of it.' },
    ]);
  });

  it('gives one block entry per heading section and one comment entry per thread', () => {
    expect(docSearchEntries(sampleDoc(), 'Framing')).toEqual([
      { target: 'block', targetId: '0', title: 'Framing', body: 'Drafted after the March workshop.' },
      { target: 'block', targetId: '1', title: 'The issue', body: 'Older people alone at home, see R1 Isolation.\nPolice welfare calls\nGP frequent attenders' },
      { target: 'block', targetId: '4', title: 'Perspectives', body: 'Each agency sees part of it.' },
      { target: 'comment', targetId: 't1', title: 'alone at home', body: 'How many?\nAbout 4,000 in Torbay' },
      { target: 'comment', targetId: 't2', title: 'Framing', body: 'On deleted text' },
    ]);
  });

  it('reads an empty document as no entries, and never writes to the doc', () => {
    expect(docSearchEntries(new Y.Doc(), 'Empty')).toEqual([]);
    const ydoc = sampleDoc();
    docContent(ydoc).insert(0, [new Y.XmlElement('unknownBlock')]);
    const before = Y.encodeStateAsUpdate(ydoc);
    expect(docBlocks(ydoc)[0]).toEqual({ index: 0, type: 'unknownBlock', text: '' });
    docSearchEntries(ydoc, 'x');
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
  });
});
