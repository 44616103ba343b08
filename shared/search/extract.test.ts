import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addEntry } from '../log/doc.js';
import { addElement } from '../map/doc.js';
import { DOC_CONTENT_ROOT, docTextSearchEntries } from './docText.js';
import { searchEntriesFor } from './extract.js';

/** A document as y-prosemirror stores it: top-level block elements holding text runs. */
function richDoc(blocks: [name: string, text: string | Y.XmlElement[]][]): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment(DOC_CONTENT_ROOT).insert(
    0,
    blocks.map(([name, content]) => {
      const block = new Y.XmlElement(name);
      if (typeof content === 'string') {
        const text = new Y.XmlText();
        text.insert(0, content);
        block.insert(0, [text]);
      } else {
        block.insert(0, content);
      }
      return block;
    }),
  );
  return doc;
}

function paragraph(...runs: (string | { mention: string })[]): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(
    0,
    runs.map((run) => {
      if (typeof run === 'string') {
        const text = new Y.XmlText();
        text.insert(0, run, { bold: true });
        return text;
      }
      const mention = new Y.XmlElement('mention');
      mention.setAttribute('label', run.mention);
      return mention;
    }),
  );
  return p;
}

function listItem(text: string): Y.XmlElement {
  const item = new Y.XmlElement('listItem');
  item.insert(0, [paragraph(text)]);
  return item;
}

describe('docTextSearchEntries', () => {
  it('makes one block entry per heading section, keyed by the index of its first block', () => {
    const doc = richDoc([
      ['paragraph', 'Why we are here'],
      ['heading', 'Framing the issue'],
      ['paragraph', 'Obesity in Blackpool'],
      ['bulletList', [listItem('Sugar tax'), listItem('Active travel')]],
      ['paragraph', 'is rising'],
      ['heading', 'Next steps'],
    ]);
    expect(docTextSearchEntries(doc, 'Workshop notes')).toEqual([
      { target: 'block', targetId: '0', title: 'Workshop notes', body: 'Why we are here' },
      { target: 'block', targetId: '1', title: 'Framing the issue', body: 'Obesity in Blackpool\nSugar tax\nActive travel\nis rising' },
      { target: 'block', targetId: '5', title: 'Next steps', body: '' },
    ]);
  });

  it('reads formatted runs and mentions as plain text', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(DOC_CONTENT_ROOT).insert(0, [paragraph('See ', { mention: 'Childhood obesity' }, ' map')]);
    expect(docTextSearchEntries(doc, 'T')).toEqual([{ target: 'block', targetId: '0', title: 'T', body: 'See Childhood obesity map' }]);
  });

  it('finds nothing in an empty document', () => {
    expect(docTextSearchEntries(new Y.Doc(), 'Empty')).toEqual([]);
  });
});

describe('searchEntriesFor', () => {
  it('gives every room its room entry, then its kind’s entries', () => {
    const map = new Y.Doc();
    addElement(map, { id: 'e1', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, { userId: 'u', name: 'U', organisation: 'O' });
    expect(searchEntriesFor('map', map, 'High street')).toEqual([
      { target: 'room', targetId: '', title: 'High street', body: '' },
      { target: 'element', targetId: 'e1', title: 'Footfall', body: 'Footfall' },
    ]);
    expect(searchEntriesFor('doc', richDoc([['paragraph', 'Hello']]), 'Notes')).toEqual([
      { target: 'room', targetId: '', title: 'Notes', body: '' },
      { target: 'block', targetId: '0', title: 'Notes', body: 'Hello' },
    ]);
    const log = new Y.Doc();
    addEntry(log, { id: 'l1', date: '2026-03-04', title: 'Walked the high street' }, { userId: 'u', name: 'Una', organisation: 'Age UK' });
    expect(searchEntriesFor('log', log, 'Learning log')).toEqual([
      { target: 'room', targetId: '', title: 'Learning log', body: '' },
      { target: 'entry', targetId: 'l1', title: '2026-03-04 Walked the high street', body: 'Una, Age UK' },
    ]);
  });
});
