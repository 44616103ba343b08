import type { JSONContent } from '@tiptap/core';
import { CheckBox, Document, ImageRun, Packer, Paragraph, TextRun } from 'docx';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { jsonToDocx } from './docxExport.js';
import { DocxImportError, docxToJson, type DocxImportOptions } from './docxImport.js';
import { DOCX_MAX_BYTES } from './docxStyles.js';
import { mapRefHref, normaliseDocJson } from './extensions.js';
import { EVERY_BLOCK } from './fixtures/everyBlock.js';
import { exportHref } from './html.js';

// Node has no DOM: the import is given happy-dom's parser, as a server would be.
const window = new Window();
const options: DocxImportOptions = { parseHtml: (html) => new window.DOMParser().parseFromString(html, 'text/html') as unknown as globalThis.Document };
const BASE = 'https://workspace.example';

/**
 * The fixture as it should come back from Word, every loss named: comment threads stay in the
 * room; a map reference is a link to the map (Word has no place for its kind); Word's numbering
 * does not tell mammoth where a list starts, nor a code block its language.
 */
function asWordKeepsIt(node: JSONContent): JSONContent {
  if (node.type === 'mapRef') {
    const href = `${BASE}${mapRefHref({ roomId: node.attrs!.roomId, targetId: node.attrs!.targetId })}`;
    return { type: 'text', text: node.attrs!.label, marks: [{ type: 'link', attrs: { href } }] };
  }
  const next: JSONContent = { ...node };
  // Relative links come back absolute: the file was written with a base URL.
  if (node.marks) next.marks = node.marks.filter((mark) => mark.type !== 'comment').map((mark) => (mark.type === 'link' ? { ...mark, attrs: { ...mark.attrs, href: exportHref(mark.attrs!.href, BASE) } } : mark));
  if (node.type === 'orderedList') next.attrs = { ...node.attrs, start: 1 };
  if (node.type === 'codeBlock') next.attrs = { ...node.attrs, language: null };
  if (node.content) next.content = node.content.map(asWordKeepsIt);
  return next;
}

/** Text, heading levels, list structure and table cells, without marks or attributes. */
function outline(node: JSONContent): unknown {
  if (node.type === 'text') return node.text;
  const children = (node.content ?? []).map(outline);
  if (node.type === 'paragraph') return children.join('');
  if (node.type === 'heading') return { [`h${node.attrs!.level}`]: children.join('') };
  if (node.type === 'taskItem') return { [node.attrs!.checked ? 'done' : 'open']: children };
  return { [node.type!]: children };
}

const docWith = async (children: Paragraph[]) => Packer.pack(new Document({ sections: [{ children }] }), 'uint8array');

describe('Word export and import', () => {
  it('round-trips every block type: text, marks, heading levels, nested lists, tasks and table cells', async () => {
    const bytes = await jsonToDocx(EVERY_BLOCK, { title: 'Loneliness in Torbay', baseUrl: BASE });
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const { json, warnings } = await docxToJson(bytes, options);
    expect(warnings).toEqual([]);
    const expected = normaliseDocJson(asWordKeepsIt(EVERY_BLOCK));
    // The outline first, for a readable failure; then everything, marks and links included.
    expect(outline(json)).toEqual(outline(expected));
    expect(json).toEqual(expected);
  });

  it('writes relative links as they are without a base URL, and leaves unsafe ones as words', async () => {
    const json = normaliseDocJson({
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'notes', marks: [{ type: 'link', attrs: { href: '/rooms/r1' } }] },
            { type: 'text', text: ' and ' },
            { type: 'text', text: 'bad', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] },
          ],
        },
      ],
    });
    const { json: back } = await docxToJson(await jsonToDocx(json), options);
    expect(back).toEqual(normaliseDocJson({ ...json, content: [{ ...json.content![0]!, content: [json.content![0]!.content![0]!, { type: 'text', text: ' and bad' }] }] }));
  });

  it('keeps merged table cells', async () => {
    const cell = (type: string, text: string, attrs: Record<string, number> = {}): JSONContent => ({ type, attrs, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
    const json = normaliseDocJson({
      type: 'doc',
      content: [
        {
          type: 'table',
          content: [
            { type: 'tableRow', content: [cell('tableHeader', 'Agency'), cell('tableHeader', 'Role'), cell('tableHeader', 'Budget')] },
            { type: 'tableRow', content: [cell('tableCell', 'Police', { rowspan: 2 }), cell('tableCell', 'Welfare calls and missing people', { colspan: 2 })] },
            { type: 'tableRow', content: [cell('tableCell', 'Night patrols'), cell('tableCell', '£2m')] },
          ],
        },
      ],
    });
    const { json: back } = await docxToJson(await jsonToDocx(json), options);
    expect(back).toEqual(json);
  });

  it('reads Word checkboxes and ☐/☑ items as task lists, and a bullet list without boxes as bullets', async () => {
    const bytes = await docWith([
      new Paragraph({ bullet: { level: 0 }, children: [new CheckBox({ checked: true }), new TextRun(' Invite the police')] }),
      new Paragraph({ bullet: { level: 0 }, children: [new CheckBox({ checked: false }), new TextRun(' Book the venue')] }),
      new Paragraph({ text: 'Between' }),
      new Paragraph({ bullet: { level: 0 }, text: '☒ Agree the loops' }),
      new Paragraph({ text: 'Between' }),
      new Paragraph({ bullet: { level: 0 }, text: '☐ Not a task list' }),
      new Paragraph({ bullet: { level: 0 }, text: 'because this item has no box' }),
    ]);
    const { json } = await docxToJson(bytes, options);
    expect(outline(json)).toEqual({
      doc: [
        { taskList: [{ done: ['Invite the police'] }, { open: ['Book the venue'] }] },
        'Between',
        { taskList: [{ done: ['Agree the loops'] }] },
        'Between',
        { bulletList: [{ listItem: ['☐ Not a task list'] }, { listItem: ['because this item has no box'] }] },
      ],
    });
  });

  it('leaves images out, saying how many', async () => {
    // The smallest PNG: one transparent pixel.
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
    const image = () => new ImageRun({ type: 'png', data: png, transformation: { width: 10, height: 10 } });
    const bytes = await docWith([new Paragraph({ children: [new TextRun('Chart: '), image()] }), new Paragraph({ children: [image()] })]);
    const { json, warnings } = await docxToJson(bytes, options);
    expect(outline(json)).toEqual({ doc: ['Chart:'] });
    expect(warnings).toEqual(['2 images were left out: documents hold text, not pictures.']);
  });

  it('sums up Word styles it has no rule for in one warning, keeping their text', async () => {
    const styled = (style: string, text: string) => new Paragraph({ style, text });
    const file = new Document({
      styles: { paragraphStyles: [{ id: 'Sidebar', name: 'Sidebar', basedOn: 'Normal' }, { id: 'PullOut', name: 'Pull out', basedOn: 'Normal' }] },
      sections: [{ children: [styled('Sidebar', 'One'), styled('PullOut', 'Two'), styled('Sidebar', 'Three')] }],
    });
    const { json, warnings } = await docxToJson(await Packer.pack(file, 'uint8array'), options);
    expect(outline(json)).toEqual({ doc: ['One', 'Two', 'Three'] });
    expect(warnings).toEqual(['Text in the Word styles “Sidebar”, “Pull out” came in as plain text.']);
  });

  it('refuses what is not a .docx, an old .doc and an oversize file, saying what to do', async () => {
    const refusal = async (bytes: Uint8Array, maxBytes?: number) => {
      const error = await docxToJson(bytes, { ...options, ...(maxBytes ? { maxBytes } : {}) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocxImportError);
      return { code: (error as DocxImportError).code, message: (error as DocxImportError).message };
    };
    expect(await refusal(new TextEncoder().encode('# Just Markdown'))).toMatchObject({ code: 'not_docx', message: expect.stringMatching(/not a Word document/) });
    expect(await refusal(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toMatchObject({ code: 'legacy_doc', message: expect.stringMatching(/save it as a Word Document \(\.docx\)/) });
    expect(await refusal(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toMatchObject({ code: 'unreadable' });
    const big = await docWith([new Paragraph('x')]);
    expect(await refusal(big, big.byteLength - 1)).toMatchObject({ code: 'too_large', message: expect.stringMatching(/the most a Word import can be/) });
    expect(DOCX_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('says what it needs when there is no DOM to parse with', async () => {
    const bytes = await docWith([new Paragraph('x')]);
    await expect(docxToJson(bytes)).rejects.toMatchObject({ name: 'DocxImportError', code: 'no_dom' });
  });
});
