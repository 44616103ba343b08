// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { Document, ImageRun, Packer, Paragraph } from 'docx';
import type { Editor as ReactEditor } from '@tiptap/react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonToDocx } from '../../shared/doc/docxExport.js';
import { docxToJson } from '../../shared/doc/docxImport.js';
import { DOCX_MAX_BYTES, DOCX_MIME_TYPE } from '../../shared/doc/docxStyles.js';
import { documentExtensions } from '../../shared/doc/extensions.js';
import type * as DownloadModule from '../ui/download.js';

const downloads: { name: string; content: Blob | string }[] = [];
vi.mock('../ui/download.js', async (original) => ({
  ...(await original<typeof DownloadModule>()),
  download: (name: string, content: Blob | string) => downloads.push({ name, content }),
}));
const { DocFiles } = await import('./DocFiles.js');

let editor: Editor;

beforeEach(() => {
  downloads.length = 0;
  editor = new Editor({ extensions: documentExtensions(), content: '<h1>Notes</h1><p>Before.</p>' });
});

afterEach(() => {
  cleanup();
  editor.destroy();
});

const renderFiles = () => render(<DocFiles editor={editor as unknown as ReactEditor} title="Torbay notes" readOnly={false} />);
const chooseWordFile = (file: File) => fireEvent.change(screen.getByTestId('docx-import'), { target: { files: [file] } });

describe('DocFiles: Word', () => {
  it('imports a .docx at the end of the text and says so', async () => {
    const bytes = await jsonToDocx({ type: 'doc', content: [{ type: 'heading', attrs: { level: 4 }, content: [{ type: 'text', text: 'Finding' }] }] });
    renderFiles();
    chooseWordFile(new File([bytes], 'report.docx', { type: DOCX_MIME_TYPE }));
    // "Reading report.docx…" first, while the Word library loads.
    await screen.findByText(/Imported report\.docx at the end\. Undo \(Ctrl\+Z\) takes it back\.$/, {}, { timeout: 10_000 });
    // (StarterKit's trailing node then adds an empty paragraph after the heading.)
    expect(editor.getJSON().content!.slice(0, 3).map((block) => [block.type, block.attrs?.level])).toEqual([
      ['heading', 1],
      ['paragraph', undefined],
      ['heading', 4],
    ]);
  });

  it('sums up what did not come across', async () => {
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
    const file = new Document({ sections: [{ children: [new Paragraph({ children: [new ImageRun({ type: 'png', data: png, transformation: { width: 10, height: 10 } })] }), new Paragraph('After the chart')] }] });
    renderFiles();
    chooseWordFile(new File([await Packer.toBlob(file)], 'chart.docx'));
    await screen.findByText(/Imported chart\.docx at the end\. Undo \(Ctrl\+Z\) takes it back\. Not everything came across: 1 image was left out: documents hold text, not pictures\.$/, {}, { timeout: 10_000 });
  });

  it('refuses a file that is not a .docx, and an oversize one, with a message to act on', async () => {
    renderFiles();
    chooseWordFile(new File(['# Markdown'], 'notes.docx'));
    expect((await screen.findByRole('alert', {}, { timeout: 10_000 })).textContent).toMatch(/Could not import notes\.docx: This is not a Word document \(\.docx\)/);
    chooseWordFile(new File([new Uint8Array(DOCX_MAX_BYTES + 1)], 'huge.docx'));
    expect((await screen.findByRole('alert')).textContent).toBe('huge.docx is 10 MB; the most a Word import can be is 10 MB.');
    expect(editor.getText()).toBe('Notes\n\nBefore.');
  });

  it('exports the document as a .docx named after the title', async () => {
    renderFiles();
    fireEvent.click(screen.getByRole('button', { name: 'Export Word (.docx)' }));
    await vi.waitFor(() => expect(downloads).toHaveLength(1), { timeout: 10_000 });
    expect(downloads[0]!.name).toBe('torbay-notes.docx');
    const blob = downloads[0]!.content as Blob;
    expect(blob.type).toBe(DOCX_MIME_TYPE);
    const { json } = await docxToJson(new Uint8Array(await blob.arrayBuffer()));
    expect(json).toEqual(editor.getJSON());
  });
});
