/**
 * The document as files: download as Markdown or HTML, print (the browser's print dialog with a
 * print stylesheet), and import a Markdown file, appended or replacing the text.
 */
import type { Editor } from '@tiptap/react';
import { useId, useRef, useState } from 'react';
import { jsonToHtml } from '../../shared/doc/html.js';
import { jsonToMarkdown, markdownToJson } from '../../shared/doc/markdown.js';
import { download, fileBase } from '../ui/download.js';
import { ErrorMessage, Status } from '../ui/Notice.js';

/** Markdown files bigger than this are refused before they are read: a document, not a book. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export function DocFiles({ editor, title, readOnly }: { editor: Editor; title: string; readOnly: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function importFile(file: File) {
    setError(null);
    setDone(null);
    if (file.size > MAX_IMPORT_BYTES) {
      setError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the most a Markdown import can be is 2 MB.`);
      return;
    }
    try {
      const json = markdownToJson(await file.text());
      if (replace) editor.chain().focus().setContent(json).run();
      else editor.chain().focus('end').insertContent(json.content ?? []).run();
      setDone(`Imported ${file.name}${replace ? ', replacing the text' : ' at the end'}. Undo (Ctrl+Z) takes it back.`);
    } catch (e) {
      setError(`Could not import ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return (
    <section className="doc-files" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Export and import</h3>
      <div className="toolbar">
        <button type="button" className="button-secondary" onClick={() => download(`${fileBase(title, 'document')}.md`, jsonToMarkdown(editor.getJSON()), 'text/markdown')}>
          Download Markdown
        </button>
        <button type="button" className="button-secondary" onClick={() => download(`${fileBase(title, 'document')}.html`, jsonToHtml(editor.getJSON(), { title }), 'text/html')}>
          Download HTML
        </button>
        <button type="button" className="button-secondary" onClick={() => window.print()}>
          Print
        </button>
        {!readOnly && (
          <>
            <button type="button" className="button-secondary" onClick={() => input.current?.click()}>
              Import Markdown…
            </button>
            <input
              ref={input}
              type="file"
              accept=".md,.markdown,text/markdown,text/plain"
              hidden
              aria-label="Markdown file to import"
              data-testid="markdown-import"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void importFile(file);
              }}
            />
            <div className="field-check">
              <input id={`${id}-replace`} type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
              <label htmlFor={`${id}-replace`}>Import replaces the text</label>
            </div>
          </>
        )}
      </div>
      <ErrorMessage>{error}</ErrorMessage>
      {done && <Status>{done}</Status>}
    </section>
  );
}
