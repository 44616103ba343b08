import type { JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { DOC_CONTENT_FIELD, documentExtensions, documentSchema, normaliseDocJson } from './extensions.js';

const text = (t: string): JSONContent => ({ type: 'text', text: t });
const doc = (...content: JSONContent[]): JSONContent => ({ type: 'doc', content });

describe('document schema', () => {
  it('has every node and mark the editor and readers rely on', () => {
    const schema = documentSchema();
    for (const node of ['heading', 'bulletList', 'orderedList', 'taskList', 'taskItem', 'table', 'tableRow', 'tableHeader', 'tableCell', 'blockquote', 'codeBlock', 'mapRef']) {
      expect(schema.nodes[node], node).toBeDefined();
    }
    for (const mark of ['bold', 'italic', 'link', 'code', 'comment']) expect(schema.marks[mark], mark).toBeDefined();
    expect(DOC_CONTENT_FIELD).toBe('content');
    // Comments may overlap: the mark must not exclude itself (y-prosemirror then hashes it).
    expect(schema.marks.comment!.excludes(schema.marks.comment!)).toBe(false);
  });

  it('has heading levels 1 to 6, so imported h4–h6 keep their level', () => {
    const heading = documentExtensions().find((e) => e.name === 'starterKit')!;
    expect((heading.options as { heading: { levels: number[] } }).heading.levels).toEqual([1, 2, 3, 4, 5, 6]);
    // Tiptap draws a level outside `levels` as the first level: this is what turned H4s into H1s.
    const spec = documentSchema().nodes.heading!.spec.toDOM!(documentSchema().node('heading', { level: 5 }, [documentSchema().text('Detail')]));
    expect((spec as readonly unknown[])[0]).toBe('h5');
    expect(() => normaliseDocJson(doc({ type: 'heading', attrs: { level: 6 }, content: [text('Footnote')] }))).not.toThrow();
  });

  it('turns StarterKit undo off when asked, for Collaboration', () => {
    const kit = (undoRedo?: boolean) => documentExtensions(undoRedo === undefined ? {} : { undoRedo }).find((e) => e.name === 'starterKit')!.options as Record<string, unknown>;
    expect(kit(false).undoRedo).toBe(false);
    expect(kit().undoRedo).not.toBe(false);
  });

  it('refuses JSON that is not a document of the schema, saying so', () => {
    expect(() => normaliseDocJson(doc({ type: 'video' }))).toThrow(/not a document/);
    expect(() => normaliseDocJson(doc(text('bare text at the top')))).toThrow(RangeError);
  });
});

