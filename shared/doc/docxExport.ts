/**
 * A document as a Word file (.docx), built with the `docx` library, which runs the same in
 * Node and in the browser. What Word has a place for is written as Word would: headings 1–6 as
 * Word's Heading styles, lists as real numbering (nested, restarting per list), tables with a
 * repeating header row. What it has no element for is carried by a named style that the import
 * reads back (`docxStyles.ts`): quotes, code blocks, inline code and horizontal rules. Task
 * items are bullets without a bullet, their text starting with ☐ or ☑.
 *
 * Links follow the policy of every export (`exportHref`): unsafe addresses lose the link, and
 * with a `baseUrl` relative ones, map references included, are written absolute, since a Word
 * file is read away from the app. Comment threads stay in the room.
 */
import type { JSONContent } from '@tiptap/core';
import type { Mark, Node as PmNode } from '@tiptap/pm/model';
import {
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  LevelSuffix,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type INumberingOptions,
  type IParagraphOptions,
  type ParagraphChild,
} from 'docx';
import { docNodeFromJson, mapRefHref, type MapRefAttrs } from './extensions.js';
import { DOCX_STYLES, TASK_BOX } from './docxStyles.js';
import { exportHref } from './html.js';

export interface DocxExportOptions {
  /** The document's title, written to the file's properties (Word's File > Info, a PDF's title). */
  title?: string;
  /**
   * The workspace's public address (`https://workspace.example`). When given, relative links and
   * map references become absolute, so they open the workspace from Word.
   */
  baseUrl?: string;
}

type Block = Paragraph | Table;

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6] as const;

// Word allows nine list levels (0–8); deeper items stay at the ninth.
const LIST_LEVELS = 9;
const INDENT_STEP = 720; // twips: half an inch per level, Word's default
const HANGING = 360;
// A4 with Word's default 2.54 cm margins.
const TEXT_WIDTH = 9026;
const MONOSPACE = 'Consolas';

const indentOf = (level: number) => ({ left: INDENT_STEP * (level + 1), hanging: HANGING });

function levels(format: (level: number) => Pick<ILevelsOptions, 'format' | 'text'> & Partial<ILevelsOptions>): ILevelsOptions[] {
  return Array.from({ length: LIST_LEVELS }, (_, level) => ({ level, style: { paragraph: { indent: indentOf(level) } }, ...format(level) }));
}

const BULLETS = ['•', '◦', '▪'];
const ORDERED_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];

/** One numbering definition per list kind, and per start number for ordered lists. */
class Numbering {
  private readonly starts = new Set<number>();
  private instances = 0;

  /** A fresh list: its paragraphs share the instance, so each list counts from its own start. */
  list(kind: 'bullet' | 'ordered' | 'task', start = 1): { reference: string; instance: number } {
    if (kind === 'ordered') this.starts.add(start);
    this.instances += 1;
    return { reference: kind === 'ordered' ? `ordered-${start}` : kind, instance: this.instances };
  }

  options(): INumberingOptions {
    return {
      config: [
        { reference: 'bullet', levels: levels((level) => ({ format: LevelFormat.BULLET, text: BULLETS[level % BULLETS.length]! })) },
        // A bullet format, so readers (mammoth too) take it as an unordered list, with no
        // visible bullet: the box at the start of the text is the marker.
        { reference: 'task', levels: levels(() => ({ format: LevelFormat.BULLET, text: '', suffix: LevelSuffix.NOTHING })) },
        ...[...this.starts].map((start) => ({
          reference: `ordered-${start}`,
          levels: levels((level) => ({ format: ORDERED_FORMATS[level % ORDERED_FORMATS.length]!, text: `%${level + 1}.`, start })),
        })),
      ],
    };
  }
}

interface Context {
  numbering: Numbering;
  baseUrl: string | undefined;
  quote: boolean;
}

function linkTarget(href: string, context: Context): string | null {
  const target = exportHref(href, context.baseUrl);
  // A `#fragment` has nothing to land on: the file has no bookmarks.
  return target === null || target.startsWith('#') ? null : target;
}

function textRun(text: string, marks: readonly Mark[], linked: boolean): TextRun {
  const has = (name: string) => marks.some((mark) => mark.type.name === name);
  const code = has('code');
  return new TextRun({
    text,
    bold: has('bold') || undefined,
    italics: has('italic') || undefined,
    strike: has('strike') || undefined,
    // The schema has no underline today; written if it ever does.
    underline: has('underline') ? {} : undefined,
    style: code ? DOCX_STYLES.code.id : linked ? 'Hyperlink' : undefined,
  });
}

/** Inline content as runs; neighbouring runs under the same link become one hyperlink. */
function inlines(node: PmNode, context: Context, prefix?: string): ParagraphChild[] {
  const out: ParagraphChild[] = prefix ? [new TextRun({ text: prefix })] : [];
  let link: { href: string; mark: Mark; runs: ParagraphChild[] } | null = null;
  const flush = () => {
    if (link) out.push(new ExternalHyperlink({ link: link.href, children: link.runs }));
    link = null;
  };
  node.forEach((child) => {
    if (child.type.name === 'mapRef') {
      flush();
      const attrs = child.attrs as MapRefAttrs;
      const label = attrs.label || attrs.targetId;
      const href = linkTarget(mapRefHref(attrs), context);
      const run = new TextRun({ text: label, style: href ? 'Hyperlink' : undefined });
      out.push(href ? new ExternalHyperlink({ link: href, children: [run] }) : run);
      return;
    }
    const linkMark = child.marks.find((mark) => mark.type.name === 'link');
    const href = linkMark ? linkTarget(String(linkMark.attrs.href ?? ''), context) : null;
    if (!linkMark || !href || !link || !linkMark.eq(link.mark)) flush();
    const run = child.type.name === 'hardBreak' ? new TextRun({ break: 1 }) : child.isText ? textRun(child.text ?? '', child.marks, href !== null) : null;
    if (!run) return;
    if (linkMark && href) {
      link ??= { href, mark: linkMark, runs: [] };
      link.runs.push(run);
    } else out.push(run);
  });
  flush();
  return out;
}

function paragraph(node: PmNode, context: Context, options: IParagraphOptions = {}, prefix?: string): Paragraph {
  const style = context.quote && !options.style && !options.heading ? DOCX_STYLES.quote.id : options.style;
  return new Paragraph({ ...options, style, children: inlines(node, context, prefix) });
}

function list(node: PmNode, level: number, context: Context): Block[] {
  const kind = node.type.name === 'orderedList' ? 'ordered' : node.type.name === 'taskList' ? 'task' : 'bullet';
  const numbering = context.numbering.list(kind, kind === 'ordered' ? Number(node.attrs.start ?? 1) : 1);
  const at = Math.min(level, LIST_LEVELS - 1);
  const out: Block[] = [];
  node.forEach((item) => {
    const box = kind === 'task' ? `${item.attrs.checked ? TASK_BOX.done : TASK_BOX.open} ` : undefined;
    item.forEach((child, _offset, index) => {
      // The item's first paragraph carries the number; later paragraphs sit under it, unnumbered.
      if (index === 0 && child.type.name === 'paragraph') out.push(paragraph(child, context, { numbering: { ...numbering, level: at } }, box));
      else if (child.type.name === 'paragraph') out.push(paragraph(child, context, { indent: { left: indentOf(at).left } }));
      else out.push(...blocks(child, context, level + 1));
    });
  });
  return out;
}

function table(node: PmNode, context: Context): Table {
  let columns = 0;
  node.firstChild?.forEach((cell) => {
    columns += Number(cell.attrs.colspan ?? 1);
  });
  columns = Math.max(columns, 1);
  const rows: TableRow[] = [];
  node.forEach((row) => {
    const cells: TableCell[] = [];
    let header = row.childCount > 0;
    row.forEach((cell) => {
      header &&= cell.type.name === 'tableHeader';
      const children = cell.content.size ? blocksOf(cell, { ...context, quote: false }) : [];
      cells.push(
        new TableCell({
          // Word refuses a cell without a paragraph.
          children: children.length ? children : [new Paragraph({})],
          columnSpan: Number(cell.attrs.colspan ?? 1),
          rowSpan: Number(cell.attrs.rowspan ?? 1),
          shading: cell.type.name === 'tableHeader' ? { fill: 'F0F0F0' } : undefined,
        }),
      );
    });
    // Only a row of header cells is a header row: Word repeats it on every page.
    rows.push(new TableRow({ children: cells, tableHeader: header || undefined }));
  });
  const width = Math.floor(TEXT_WIDTH / columns);
  return new Table({ rows, width: { size: width * columns, type: WidthType.DXA }, columnWidths: Array.from({ length: columns }, () => width) });
}

function blocks(node: PmNode, context: Context, level = 0): Block[] {
  switch (node.type.name) {
    case 'paragraph':
      return [paragraph(node, context)];
    case 'heading':
      return [paragraph(node, context, { heading: HEADINGS[Math.min(Math.max(Number(node.attrs.level) || 1, 1), 6) - 1] })];
    case 'bulletList':
    case 'orderedList':
    case 'taskList':
      return list(node, level, context);
    case 'blockquote':
      return blocksOf(node, { ...context, quote: true });
    case 'codeBlock':
      // One paragraph with line breaks, so blank lines survive (readers drop empty paragraphs).
      return [
        new Paragraph({
          style: DOCX_STYLES.codeBlock.id,
          children: node.textContent.split('\n').map((line, index) => new TextRun({ text: line, break: index > 0 ? 1 : undefined })),
        }),
      ];
    case 'horizontalRule':
      return [new Paragraph({ style: DOCX_STYLES.horizontalRule.id })];
    case 'table':
      return [table(node, context)];
    default:
      // A block this exporter does not know yet: keep its words.
      return node.textContent ? [new Paragraph({ text: node.textContent })] : [];
  }
}

function blocksOf(node: PmNode, context: Context): Block[] {
  const out: Block[] = [];
  node.forEach((child) => out.push(...blocks(child, context)));
  return out;
}

const STYLES = {
  paragraphStyles: [
    {
      id: DOCX_STYLES.quote.id,
      name: DOCX_STYLES.quote.name,
      basedOn: 'Normal',
      next: 'Normal',
      quickFormat: true,
      run: { italics: true, color: '444444' },
      paragraph: { indent: { left: INDENT_STEP }, border: { left: { style: BorderStyle.SINGLE, size: 18, color: 'BBBBBB', space: 8 } } },
    },
    {
      id: DOCX_STYLES.codeBlock.id,
      name: DOCX_STYLES.codeBlock.name,
      basedOn: 'Normal',
      next: 'Normal',
      run: { font: MONOSPACE, size: 20 },
      paragraph: { shading: { fill: 'F5F5F5' }, spacing: { before: 120, after: 120 } },
    },
    {
      id: DOCX_STYLES.horizontalRule.id,
      name: DOCX_STYLES.horizontalRule.name,
      basedOn: 'Normal',
      next: 'Normal',
      paragraph: { border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } } },
    },
  ],
  characterStyles: [{ id: DOCX_STYLES.code.id, name: DOCX_STYLES.code.name, basedOn: 'DefaultParagraphFont', run: { font: MONOSPACE } }],
};

/**
 * A document in Tiptap JSON as the bytes of a .docx file. Throws a RangeError when the JSON is
 * not a document of the schema.
 *
 * @example
 * const bytes = await jsonToDocx(editor.getJSON(), { title: 'Loneliness in Torbay', baseUrl: location.origin });
 * download('loneliness.docx', new Blob([bytes], { type: DOCX_MIME_TYPE }));
 */
export async function jsonToDocx(json: JSONContent, options: DocxExportOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const doc = docNodeFromJson(json);
  const numbering = new Numbering();
  const children = blocksOf(doc, { numbering, baseUrl: options.baseUrl, quote: false });
  const file = new Document({
    ...(options.title?.trim() ? { title: options.title.trim() } : {}),
    styles: STYLES,
    numbering: numbering.options(),
    sections: [{ children }],
  });
  // Typed for any buffer, but JSZip writes the zip into a new ArrayBuffer (never a shared one),
  // which is what a Blob needs.
  return (await Packer.pack(file, 'uint8array')) as Uint8Array<ArrayBuffer>;
}
