/**
 * The document as files: download as Markdown, HTML or Word, print (the browser's print dialog
 * with a print stylesheet), and import a Markdown or Word file, appended or replacing the text.
 *
 * Downloads are read away from the app, so their links to rooms and map elements are written
 * absolute to this workspace's address. The Word libraries (mammoth to read, docx to write,
 * each over a megabyte) are imported only when a Word button is used.
 */
import type { JSONContent } from '@tiptap/core';
import type { Editor } from '@tiptap/react';
import { useId, useRef, useState, type RefObject } from 'react';
import { DOCX_MAX_BYTES, DOCX_MIME_TYPE } from '../../shared/doc/docxStyles.js';
import { jsonToHtml } from '../../shared/doc/html.js';
import { jsonToMarkdown, markdownToJson } from '../../shared/doc/markdown.js';
import { download, fileBase } from '../ui/download.js';
import { ErrorMessage, Status } from '../ui/Notice.js';

/** Markdown files bigger than this are refused before they are read: a document, not a book. */
const MAX_MARKDOWN_BYTES = 2 * 1024 * 1024;

type Kind = 'markdown' | 'docx';

const LIMITS: Record<Kind, { bytes: number; label: string }> = {
  markdown: { bytes: MAX_MARKDOWN_BYTES, label: 'Markdown' },
  docx: { bytes: DOCX_MAX_BYTES, label: 'Word' },
};

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** At most three of the import's warnings, so the note stays a note. */
function warningSummary(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, 3).map((warning) => warning.replace(/\.$/, ''));
  const more = warnings.length > 3 ? `; and ${warnings.length - 3} more` : '';
  return ` Not everything came across: ${shown.join('; ')}${more}.`;
}

async function readFile(file: File, kind: Kind): Promise<{ json: JSONContent; warnings: string[] }> {
  if (kind === 'markdown') return { json: markdownToJson(await file.text()), warnings: [] };
  const { docxToJson } = await import('../../shared/doc/docxImport.js');
  return docxToJson(new Uint8Array(await file.arrayBuffer()));
}

export function DocFiles({ editor, title, readOnly }: { editor: Editor; title: string; readOnly: boolean }) {
  const id = useId();
  const markdownInput = useRef<HTMLInputElement>(null);
  const docxInput = useRef<HTMLInputElement>(null);
  const [replace, setReplace] = useState(false);
  // What is under way, said while the Word library loads and works (a second or two).
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The address links in a download are made absolute to.
  const baseUrl = window.location.origin;
  const name = (extension: string) => `${fileBase(title, 'document')}.${extension}`;

  async function importFile(file: File, kind: Kind) {
    setError(null);
    setDone(null);
    const limit = LIMITS[kind];
    if (file.size > limit.bytes) {
      setError(`${file.name} is ${megabytes(file.size)}; the most a ${limit.label} import can be is ${megabytes(limit.bytes)}.`);
      return;
    }
    setBusy(`Reading ${file.name}…`);
    try {
      const { json, warnings } = await readFile(file, kind);
      if (replace) editor.chain().focus().setContent(json).run();
      else editor.chain().focus('end').insertContent(json.content ?? []).run();
      setDone(`Imported ${file.name}${replace ? ', replacing the text' : ' at the end'}. Undo (Ctrl+Z) takes it back.${warningSummary(warnings)}`);
    } catch (e) {
      setError(`Could not import ${file.name}: ${messageOf(e)}`);
    } finally {
      setBusy(null);
    }
  }

  async function exportDocx() {
    setError(null);
    setDone(null);
    setBusy('Making the Word file…');
    try {
      const { jsonToDocx } = await import('../../shared/doc/docxExport.js');
      const bytes = await jsonToDocx(editor.getJSON(), { title, baseUrl });
      download(name('docx'), new Blob([bytes], { type: DOCX_MIME_TYPE }));
    } catch (e) {
      setError(`Could not make the Word file: ${messageOf(e)}`);
    } finally {
      setBusy(null);
    }
  }

  const fileInput = (kind: Kind, ref: RefObject<HTMLInputElement | null>, accept: string, label: string, testId: string) => (
    <input
      ref={ref}
      type="file"
      accept={accept}
      hidden
      aria-label={label}
      data-testid={testId}
      onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) void importFile(file, kind);
      }}
    />
  );

  return (
    <section className="doc-files" aria-labelledby={`${id}-h`} aria-busy={busy !== null}>
      <h3 id={`${id}-h`}>Export and import</h3>
      <div className="toolbar">
        <button type="button" className="button-secondary" onClick={() => download(name('md'), jsonToMarkdown(editor.getJSON(), { baseUrl }), 'text/markdown')}>
          Download Markdown
        </button>
        <button type="button" className="button-secondary" onClick={() => download(name('html'), jsonToHtml(editor.getJSON(), { title, baseUrl }), 'text/html')}>
          Download HTML
        </button>
        <button type="button" className="button-secondary" disabled={busy !== null} onClick={() => void exportDocx()}>
          Export Word (.docx)
        </button>
        <button type="button" className="button-secondary" onClick={() => window.print()}>
          Print
        </button>
        {!readOnly && (
          <>
            <button type="button" className="button-secondary" disabled={busy !== null} onClick={() => markdownInput.current?.click()}>
              Import Markdown…
            </button>
            {fileInput('markdown', markdownInput, '.md,.markdown,text/markdown,text/plain', 'Markdown file to import', 'markdown-import')}
            <button type="button" className="button-secondary" disabled={busy !== null} onClick={() => docxInput.current?.click()}>
              Import Word (.docx)…
            </button>
            {fileInput('docx', docxInput, `.docx,${DOCX_MIME_TYPE}`, 'Word file to import', 'docx-import')}
            <div className="field-check">
              <input id={`${id}-replace`} type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
              <label htmlFor={`${id}-replace`}>Import replaces the text</label>
            </div>
          </>
        )}
      </div>
      <ErrorMessage>{error}</ErrorMessage>
      {busy && <Status>{busy}</Status>}
      {done && <Status>{done}</Status>}
    </section>
  );
}
