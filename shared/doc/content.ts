/**
 * The document body in the Y.Doc, read and written without an editor: `doc.getXmlFragment(
 * DOC_CONTENT_FIELD)` holds the ProseMirror tree the way y-prosemirror stores it (an XmlElement
 * per node, named by node type, attributes as XML attributes; text as XmlText whose formatting
 * attributes are the marks).
 *
 * Reading is done here rather than with y-tiptap's `yXmlFragmentToProseMirrorRootNode`,
 * because that function *writes* while it reads: it deletes elements the schema refuses and
 * merges neighbouring texts, as transactions on the doc. On the server (search, export) a read
 * must never change the room, so this reader skips what it cannot use and leaves the doc alone.
 */
import type { JSONContent } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { updateYFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { DOC_CONTENT_FIELD, docNodeFromJson, documentSchema } from './extensions.js';

/**
 * The fragment that holds the document body (what Tiptap Collaboration binds to).
 *
 * @example
 * docContent(ydoc).length // number of top-level blocks
 */
export function docContent(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(DOC_CONTENT_FIELD);
}

// y-prosemirror stores a mark that may overlap itself (our `comment`) under `name--<hash>`.
const HASHED_MARK = /--[a-zA-Z0-9+/=]{8}$/;

/**
 * The mark type a text attribute encodes.
 *
 * @example
 * markTypeOfAttribute('comment--Ab12Cd34') // 'comment'
 */
export function markTypeOfAttribute(key: string): string {
  return key.replace(HASHED_MARK, '');
}

function textNodes(text: Y.XmlText): JSONContent[] {
  const out: JSONContent[] = [];
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string' || op.insert === '') continue;
    const node: JSONContent = { type: 'text', text: op.insert };
    const marks = Object.entries(op.attributes ?? {})
      .filter(([key]) => key !== 'ychange')
      .map(([key, value]) => {
        const attrs = typeof value === 'object' && value !== null && Object.keys(value).length ? (value as Record<string, unknown>) : undefined;
        return attrs ? { type: markTypeOfAttribute(key), attrs } : { type: markTypeOfAttribute(key) };
      });
    if (marks.length) node.marks = marks;
    out.push(node);
  }
  return out;
}

/**
 * One stored node (and what it holds) as Tiptap JSON, unchecked; a text gives one JSON text
 * node per run of formatting.
 *
 * @example
 * yNodeToJson(docContent(doc).get(0)) // [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }]
 */
export function yNodeToJson(type: Y.XmlElement | Y.XmlText | Y.XmlHook | Y.AbstractType<unknown>): JSONContent[] {
  if (type instanceof Y.XmlText) return textNodes(type);
  if (!(type instanceof Y.XmlElement)) return [];
  const node: JSONContent = { type: type.nodeName };
  const attrs = type.getAttributes() as Record<string, unknown>;
  if (Object.keys(attrs).length) node.attrs = attrs;
  const content = type.toArray().flatMap(yNodeToJson);
  if (content.length) node.content = content;
  return [node];
}

/**
 * The body as it is stored, in Tiptap JSON shape, without checking it against the schema (so
 * nothing is lost to a reader that only wants text). Never writes to the doc.
 *
 * @example
 * rawDocJson(doc) // { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, content: [...] }, ...] }
 */
export function rawDocJson(doc: Y.Doc): JSONContent {
  return { type: 'doc', content: docContent(doc).toArray().flatMap(yNodeToJson) };
}

const INLINE = new Set(['text', 'mapRef', 'hardBreak']);

/**
 * The plain text of a node in Tiptap JSON, without the schema: runs of text as they are, a map
 * reference by its label, blocks inside blocks (list items, quotes) on their own lines and
 * table cells separated by " | ".
 *
 * @example
 * plainText({ type: 'paragraph', content: [{ type: 'text', text: 'See ' }, { type: 'mapRef', attrs: { label: 'Footfall' } }] }) // 'See Footfall'
 */
export function plainText(node: JSONContent): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'mapRef') return String(node.attrs?.label || node.attrs?.targetId || '');
  if (node.type === 'hardBreak') return '\n';
  const children = node.content ?? [];
  const parts = children.map(plainText);
  if (node.type === 'tableRow') return parts.map((p) => p.replace(/\n/g, ' ')).join(' | ');
  return parts.join(children.every((c) => INLINE.has(c.type ?? '')) ? '' : '\n');
}

function tryNode(json: JSONContent): PmNode | null {
  try {
    return docNodeFromJson(json);
  } catch {
    return null;
  }
}

/**
 * The body as a valid document of the schema, in Tiptap JSON: what a version stores and what
 * export starts from. Blocks the schema refuses (written by a newer or misbehaving client) are
 * left out of the result, not deleted from the doc. Never writes to the doc.
 *
 * @example
 * docContentJson(doc) // { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello' }] }] }
 */
export function docContentJson(doc: Y.Doc): JSONContent {
  const raw = rawDocJson(doc);
  const whole = tryNode(raw);
  if (whole) return whole.toJSON() as JSONContent;
  const blocks = (raw.content ?? []).map(tryNode).filter((n): n is PmNode => n !== null && n.isBlock);
  // A doc holds at least one block; an empty one shows one empty paragraph, as in the editor.
  return documentSchema()
    .node('doc', null, blocks.length ? blocks : [documentSchema().node('paragraph')])
    .toJSON() as JSONContent;
}

/**
 * Makes the body equal to `json` in one transaction with `origin`, changing only what differs
 * (y-prosemirror's `updateYFragment`), so it syncs as one update, other people's cursors in
 * unchanged paragraphs stay put, and an UndoManager that tracks `origin` takes it back as one
 * step. Throws a RangeError if `json` is not a document of the schema.
 *
 * @example
 * replaceDocContent(doc, templateJson('workshop-notes'))
 */
export function replaceDocContent(doc: Y.Doc, json: JSONContent, origin: unknown = null): void {
  replaceFragmentContent(doc, docContent(doc), json, origin);
}

/**
 * Makes any rich-text fragment of `doc` bound to an editor of the document schema (a document's
 * body, a learning-log entry's field) equal to `json`, as `replaceDocContent` does for the body.
 *
 * @example
 * replaceFragmentContent(doc, entryField(doc, id, 'evidence')!, build.doc(build.paragraph('See ', link)))
 */
export function replaceFragmentContent(doc: Y.Doc, fragment: Y.XmlFragment, json: JSONContent, origin: unknown = null): void {
  const node = docNodeFromJson(json);
  doc.transact(() => updateYFragment(doc, fragment, node, { mapping: new Map(), isOMark: new Map() }), origin);
}
