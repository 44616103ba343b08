/**
 * Small builders of document JSON (Tiptap/ProseMirror shape), so templates and tests read as
 * the document they make rather than as nested object literals.
 */
import type { JSONContent } from '@tiptap/core';
import type { MapRefAttrs } from './extensions.js';

type Marks = NonNullable<JSONContent['marks']>;

/**
 * A text run; empty text is not allowed in ProseMirror, so callers skip it.
 *
 * @example
 * text('urgent', [{ type: 'bold' }])
 */
export function text(value: string, marks?: Marks): JSONContent {
  return marks?.length ? { type: 'text', text: value, marks } : { type: 'text', text: value };
}

/** Inline content from strings and nodes; empty strings are dropped (see `text`). */
function inline(parts: readonly (string | JSONContent)[]): JSONContent[] {
  return parts.filter((part) => part !== '').map((part) => (typeof part === 'string' ? text(part) : part));
}

/** @example paragraph('Agreed: ', text('meet monthly', [{ type: 'bold' }])) */
export function paragraph(...parts: (string | JSONContent)[]): JSONContent {
  const content = inline(parts);
  return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** @example heading(2, 'Why it is wicked') */
export function heading(level: 1 | 2 | 3 | 4 | 5 | 6, ...parts: (string | JSONContent)[]): JSONContent {
  return { type: 'heading', attrs: { level }, content: inline(parts) };
}

/** @example doc(heading(1, 'Notes'), paragraph('…')) */
export function doc(...content: JSONContent[]): JSONContent {
  return { type: 'doc', content: content.length ? content : [paragraph()] };
}

/** A bullet list, one paragraph per item. @example bulletList('Police', 'NHS') */
export function bulletList(...items: (string | JSONContent)[]): JSONContent {
  return { type: 'bulletList', content: items.map((item) => ({ type: 'listItem', content: [typeof item === 'string' ? paragraph(item) : item] })) };
}

/** A task list; `[text, true]` is a ticked item. @example taskList('Book the room', ['Send notes', true]) */
export function taskList(...items: (string | [string, boolean])[]): JSONContent {
  return {
    type: 'taskList',
    content: items.map((item) => {
      const [label, checked] = typeof item === 'string' ? [item, false] : item;
      return { type: 'taskItem', attrs: { checked }, content: [paragraph(label)] };
    }),
  };
}

/**
 * A table with a header row; every cell holds one paragraph.
 *
 * @example
 * table(['Agency', 'Perspective'], [['Police', ''], ['NHS', '']])
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): JSONContent {
  const row = (cells: readonly string[], cellType: 'tableHeader' | 'tableCell'): JSONContent => ({
    type: 'tableRow',
    content: cells.map((cell) => ({ type: cellType, content: [paragraph(cell)] })),
  });
  return { type: 'table', content: [row(header, 'tableHeader'), ...rows.map((r) => row(r, 'tableCell'))] };
}

/** @example blockquote(paragraph('Nobody owns this.')) */
export function blockquote(...content: JSONContent[]): JSONContent {
  return { type: 'blockquote', content };
}

/** @example mapRef({ roomId, targetKind: 'element', targetId: 'footfall', label: 'Footfall' }) */
export function mapRef(attrs: MapRefAttrs): JSONContent {
  return { type: 'mapRef', attrs: { ...attrs } };
}
