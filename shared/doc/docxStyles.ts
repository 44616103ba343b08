/**
 * The Word styles that carry what a .docx has no element for: quotes, code and horizontal
 * rules. The export writes paragraphs and runs with these styles; the import's style map reads
 * them back by name. Both sides take the names from here, so a round trip cannot drift. Kept
 * apart from `docxExport.ts` and `docxImport.ts` so that neither pulls in the other's library.
 *
 * Names, not ids, are what mammoth matches, and Word shows names in its Styles pane. "Quote" is
 * Word's own built-in style, so quotes written in Word come in as quotes too.
 */

export const DOCX_STYLES = {
  quote: { id: 'Quote', name: 'Quote' },
  codeBlock: { id: 'CodeBlock', name: 'Code Block' },
  code: { id: 'CodeChar', name: 'Code' },
  horizontalRule: { id: 'HorizontalRule', name: 'Horizontal Rule' },
} as const;

/**
 * Task items are list items whose text starts with a box: Word has no task list, and a box
 * character reads the same in Word, LibreOffice, Google Docs and a printout. `☒` is read as
 * ticked too, as some documents write it that way.
 */
export const TASK_BOX = { open: '☐', done: '☑' } as const;
/** A box at the start of an item's text, and the space after it. */
export const TASK_BOX_PREFIX = /^[☐☑☒][ \u00a0]?/;
export const TASK_BOX_DONE = /^[☑☒]/;

/** Word files bigger than this are refused before they are read: a document, not an archive. */
export const DOCX_MAX_BYTES = 10 * 1024 * 1024;

/** The MIME type of a .docx file, for downloads and the file picker. */
export const DOCX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
