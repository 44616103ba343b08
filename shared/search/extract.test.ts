import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addEntry } from '../log/doc.js';
import { addElement } from '../map/doc.js';
import { doc as richDoc, paragraph } from '../doc/build.js';
import { replaceDocContent } from '../doc/content.js';
import { searchEntriesFor } from './extract.js';

describe('searchEntriesFor', () => {
  it('gives every room its room entry, then its kind’s entries', () => {
    const map = new Y.Doc();
    addElement(map, { id: 'e1', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, { userId: 'u', name: 'U', organisation: 'O' });
    expect(searchEntriesFor('map', map, 'High street')).toEqual([
      { target: 'room', targetId: '', title: 'High street', body: '' },
      { target: 'element', targetId: 'e1', title: 'Footfall', body: 'Footfall' },
    ]);
    const doc = new Y.Doc();
    replaceDocContent(doc, richDoc(paragraph('Hello')));
    expect(searchEntriesFor('doc', doc, 'Notes')).toEqual([
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

  it('gives a workshop’s live room nothing, not even its title', () => {
    expect(searchEntriesFor('workshop', new Y.Doc(), 'Mapping morning')).toEqual([]);
  });
});
