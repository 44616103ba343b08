/**
 * The document schema: the one list of Tiptap extensions that says what a `doc` room's rich
 * text may contain. The editor (client/doc/), Markdown and HTML export, versions and the search
 * extractor all build from this list, so a node the editor can write is a node every reader
 * knows.
 *
 * Schema decisions other code relies on:
 * - The body is `doc.getXmlFragment(DOC_CONTENT_FIELD)` (Tiptap Collaboration `field`).
 * - A commented range carries the mark `comment` with `threadId`; the thread itself lives in
 *   `doc.getMap('docComments')` (see `comments.ts`). Comments may overlap, so in the Y.Doc a
 *   comment mark is stored as a text attribute `comment--<hash>` (y-prosemirror's encoding of
 *   marks that do not exclude themselves).
 * - Headings have levels 1–6 (`HEADING_LEVELS`), as Markdown, HTML and Word do.
 * - A mention of a map element or loop is the inline atom `mapRef` with
 *   `{ roomId, targetKind, targetId, label }`; `label` is the last known label, shown when the
 *   map cannot be read.
 *
 * Pure: no DOM is needed to build the schema, so the server can use it too.
 */
import { getSchema, Mark, mergeAttributes, Node, type AnyExtension, type JSONContent } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import type { Node as PmNode, Schema } from '@tiptap/pm/model';
import { renderTableToMarkdown, Table, TableKit } from '@tiptap/extension-table';
import { StarterKit } from '@tiptap/starter-kit';
import { mapRefHref } from '../routes.js';

// Where a mention leads; defined with the other addresses, so pages can link without the editor.
export { mapRefHref };

/** The Y.Doc root that holds the document body (Tiptap Collaboration's `field`). */
export const DOC_CONTENT_FIELD = 'content';
export const COMMENT_MARK = 'comment';
export const MAP_REF_NODE = 'mapRef';
/**
 * Every heading level HTML and Markdown have, so `####` in an imported file or `<h5>` from Word
 * stays an h4 or h5. Tiptap draws a level the schema lacks as its first level, which turned a
 * file of H4s into H1s. The toolbar offers only 1–3, a short list of choices rather than a limit:
 * 4–6 arrive by import, the `####` input rule and Ctrl+Alt+4–6.
 */
export const HEADING_LEVELS = [1, 2, 3, 4, 5, 6] as const;

export type MapRefKind = 'element' | 'loop';

export interface MapRefAttrs {
  roomId: string;
  targetKind: MapRefKind;
  targetId: string;
  label: string;
}

/** The link title that carries the kind through Markdown, where a plain link has no attributes. */
const KIND_TITLE: Record<MapRefKind, string> = { element: 'map element', loop: 'map loop' };

// `[label](/rooms/ROOM?select=ID "map element")`: a link any Markdown reader shows sensibly;
// the title tells us back which kind it was. An export for use outside the app writes the
// address absolute (`https://host/workspace/rooms/…`); such a link is read back as a map
// reference only with the title, so an ordinary absolute link to a room stays a link.
const MAP_REF_MARKDOWN = /^\[((?:\\.|[^\]\\\n])*)\]\((https?:\/\/[^\s/?#)]+(?:\/[^\s?#)]*?)?)?\/rooms\/([^?\s)]+)\?select=([^\s)"]+)(?: "map (element|loop)")?\)/;
const MAP_REF_START = /\[(?:\\.|[^\]\\\n])*\]\((?:https?:\/\/[^\s/?#)]+(?:\/[^\s?#)]*?)?)?\/rooms\//;

/**
 * An attribute an export may put on a copy of a `mapRef` node's JSON: the address to write
 * instead of the in-app path (the absolute one, when exporting for use outside the app). It is
 * not a schema attribute; the schema would drop it.
 */
export const MAP_REF_EXPORT_HREF = 'exportHref';

const escapeLabel = (label: string) => label.replace(/[\\[\]]/g, (c) => `\\${c}`);
const unescapeLabel = (label: string) => label.replace(/\\(.)/g, '$1');

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The `comment` mark on a commented range. `inclusive: false` so typing at the edge of a
 * commented range does not silently join the comment; `excludes: ''` so two threads can cover
 * overlapping text.
 */
export const CommentMark = Mark.create({
  name: COMMENT_MARK,
  inclusive: false,
  excludes: '',
  addAttributes() {
    return {
      threadId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-comment-thread'),
        renderHTML: (attributes) => (attributes.threadId ? { 'data-comment-thread': attributes.threadId } : {}),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'span[data-comment-thread]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes({ class: 'doc-comment' }, HTMLAttributes), 0];
  },
  // Markdown has no place for a thread: the text is exported, the comment stays in the room.
  renderMarkdown: (node, helpers) => helpers.renderChildren(node),
});

/**
 * The `mapRef` inline atom: a live mention of a map element or loop. Plain here; the client
 * adds the suggestion popup and the live label with `MapRef.extend(...)`.
 */
export const MapRef = Node.create({
  name: MAP_REF_NODE,
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return {
      roomId: { default: '', parseHTML: (el) => el.getAttribute('data-room-id') ?? '', renderHTML: (a) => ({ 'data-room-id': a.roomId }) },
      targetKind: {
        default: 'element',
        parseHTML: (el) => (el.getAttribute('data-target-kind') === 'loop' ? 'loop' : 'element'),
        renderHTML: (a) => ({ 'data-target-kind': a.targetKind }),
      },
      targetId: { default: '', parseHTML: (el) => el.getAttribute('data-target-id') ?? '', renderHTML: (a) => ({ 'data-target-id': a.targetId }) },
      label: { default: '', parseHTML: (el) => el.textContent ?? '', renderHTML: () => ({}) },
    };
  },
  parseHTML() {
    return [{ tag: 'a[data-map-ref]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    const attrs = node.attrs as MapRefAttrs;
    return ['a', mergeAttributes({ 'data-map-ref': '', href: mapRefHref(attrs) }, HTMLAttributes), attrs.label || attrs.targetId];
  },
  renderText({ node }) {
    return (node.attrs as MapRefAttrs).label || (node.attrs as MapRefAttrs).targetId;
  },
  markdownTokenizer: {
    name: MAP_REF_NODE,
    level: 'inline',
    start: (src: string) => src.search(MAP_REF_START),
    tokenize: (src: string) => {
      const match = MAP_REF_MARKDOWN.exec(src);
      if (!match || (match[2] && !match[5])) return undefined;
      return {
        type: MAP_REF_NODE,
        raw: match[0],
        label: unescapeLabel(match[1]!),
        roomId: safeDecode(match[3]!),
        targetId: safeDecode(match[4]!),
        targetKind: match[5] === 'loop' ? 'loop' : 'element',
      };
    },
  },
  parseMarkdown: (token) => ({
    type: MAP_REF_NODE,
    attrs: { roomId: token.roomId, targetKind: token.targetKind, targetId: token.targetId, label: token.label },
  }),
  renderMarkdown: (node: JSONContent) => {
    const attrs = (node.attrs ?? {}) as Partial<MapRefAttrs> & { [MAP_REF_EXPORT_HREF]?: unknown };
    const kind: MapRefKind = attrs.targetKind === 'loop' ? 'loop' : 'element';
    const exportHref = attrs[MAP_REF_EXPORT_HREF];
    const href = typeof exportHref === 'string' ? exportHref : mapRefHref({ roomId: attrs.roomId ?? '', targetId: attrs.targetId ?? '' });
    return `[${escapeLabel(attrs.label || attrs.targetId || '')}](${href} "${KIND_TITLE[kind]}")`;
  },
});

/**
 * Every `|` in a Markdown table cell, code spans included, must be written `\|` or it ends the
 * cell (GFM; marked splits cells on bare pipes and unescapes `\|` before reading the inline
 * text). Tiptap's table writes cell text as it is, so a cell "NHS | ICB" broke its row.
 */
function escapeCellPipes(cellMarkdown: string): string {
  return cellMarkdown.replace(/\|/g, '\\|');
}

/** TableKit's table, writing Markdown cells with their pipes escaped. */
const PipeSafeTable = Table.extend({
  renderMarkdown: (node, helpers) =>
    renderTableToMarkdown(node, { ...helpers, renderChildren: (nodes, separator) => escapeCellPipes(helpers.renderChildren(nodes, separator)) }),
});

export interface DocumentExtensionOptions {
  /**
   * Keep StarterKit's own undo history. Must be false when Collaboration is added: Yjs brings
   * its own undo manager, and two histories fight over the same steps. Default true (headless
   * use, tests).
   */
  undoRedo?: boolean;
}

/**
 * The extensions that define the document schema. The editor adds Collaboration, carets and a
 * placeholder on top; everything else (export, versions) uses the list as it is.
 *
 * @example
 * const editor = new Editor({ extensions: [...documentExtensions({ undoRedo: false }), Collaboration.configure({ document: ydoc, field: DOC_CONTENT_FIELD })] });
 * const schema = getSchema(documentExtensions());
 */
export function documentExtensions(options: DocumentExtensionOptions = {}): AnyExtension[] {
  return [
    StarterKit.configure({
      heading: { levels: [...HEADING_LEVELS] },
      ...(options.undoRedo === false ? { undoRedo: false as const } : {}),
      // Underline has no Markdown form (it would come back as plain text), so it is left out.
      underline: false,
      link: { openOnClick: false, autolink: true, protocols: ['mailto'], HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null } },
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: false }),
    PipeSafeTable.configure({ resizable: false }),
    CommentMark,
    MapRef,
  ];
}

let cachedSchema: Schema | null = null;

/**
 * The document schema built from `documentExtensions()`, once per process: what versions,
 * export and import check content against.
 *
 * @example
 * documentSchema().nodes.mapRef // the NodeType of map references
 */
export function documentSchema(): Schema {
  cachedSchema ??= getSchema(documentExtensions());
  return cachedSchema;
}

/**
 * JSON as a ProseMirror node of the document schema. Throws a RangeError naming the problem
 * when the JSON is not a document of this schema.
 *
 * @example
 * docNodeFromJson({ type: 'doc', content: [{ type: 'paragraph' }] }).childCount // 1
 */
export function docNodeFromJson(json: JSONContent): PmNode {
  try {
    const node = documentSchema().nodeFromJSON(json);
    node.check();
    return node;
  } catch (error) {
    throw new RangeError(`This is not a document this editor can open: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Checks JSON against the document schema and fills in default attributes, so two documents
 * with the same content compare equal whichever way they were made. Throws a RangeError
 * naming the problem when the JSON is not a document of this schema.
 *
 * @example
 * normaliseDocJson({ type: 'doc', content: [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Actions' }] }] })
 */
export function normaliseDocJson(json: JSONContent): JSONContent {
  return docNodeFromJson(json).toJSON() as JSONContent;
}
