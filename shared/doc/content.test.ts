import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bulletList, doc, heading, mapRef, paragraph, table, text } from './build.js';
import { docContent, docContentJson, plainText, rawDocJson, replaceDocContent } from './content.js';
import { documentSchema, normaliseDocJson } from './extensions.js';

const sample = doc(
  heading(1, 'Loneliness in Torbay'),
  paragraph('Older people ', text('alone', [{ type: 'bold' }, { type: 'comment', attrs: { threadId: 't1' } }]), ' at home; see ', mapRef({ roomId: 'r', targetKind: 'element', targetId: 'e1', label: 'Isolation' })),
  bulletList('Police', 'NHS'),
  table(['Agency', 'View'], [['Police', 'Welfare calls']]),
);

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('document content in the Y.Doc', () => {
  it('reads back what y-prosemirror wrote, marks and map references included', () => {
    const ydoc = new Y.Doc();
    prosemirrorJSONToYXmlFragment(documentSchema(), sample, docContent(ydoc));
    expect(docContentJson(ydoc)).toEqual(normaliseDocJson(sample));
  });

  it('reads an empty document as one empty paragraph', () => {
    expect(docContentJson(new Y.Doc())).toEqual(doc(paragraph()));
  });

  it('skips blocks the schema refuses, without deleting them from the doc', () => {
    const ydoc = new Y.Doc();
    replaceDocContent(ydoc, doc(paragraph('kept')));
    const alien = new Y.XmlElement('videoEmbed');
    docContent(ydoc).insert(0, [alien]);
    const before = Y.encodeStateAsUpdate(ydoc);
    expect(docContentJson(ydoc)).toEqual(normaliseDocJson(doc(paragraph('kept'))));
    expect(rawDocJson(ydoc).content!.map((b) => b.type)).toEqual(['videoEmbed', 'paragraph']);
    // Nothing was written: reading is safe on the server.
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
  });

  it('replaces the content as one transaction with the given origin, changing only what differs', () => {
    const a = new Y.Doc();
    replaceDocContent(a, sample);
    const firstHeading = docContent(a).get(0);
    const origins: unknown[] = [];
    a.on('afterTransaction', (tr) => origins.push(tr.origin));
    const next = { ...sample, content: [...sample.content!.slice(0, 3), paragraph('New ending')] };
    replaceDocContent(a, next, 'restore');
    expect(origins).toEqual(['restore']);
    // The unchanged heading is the same Y element: cursors and comments in it survive.
    expect(docContent(a).get(0)).toBe(firstHeading);
    const b = new Y.Doc();
    sync(a, b);
    expect(docContentJson(b)).toEqual(normaliseDocJson(next));
  });

  it('refuses content that is not a document of the schema', () => {
    expect(() => replaceDocContent(new Y.Doc(), { type: 'doc', content: [{ type: 'text', text: 'loose' }] })).toThrow(RangeError);
  });

  it('reads plain text: map references by label, list items on lines, table cells with bars', () => {
    const [, para, list, tbl] = sample.content!;
    expect(plainText(para!)).toBe('Older people alone at home; see Isolation');
    expect(plainText(list!)).toBe('Police\nNHS');
    expect(plainText(tbl!)).toBe('Agency | View\nPolice | Welfare calls');
  });
});
