/**
 * The live document editor: Tiptap bound to the room's Y.Doc (the `content` fragment) through
 * the Collaboration extension, with everyone's carets from awareness. The schema is the one list
 * of extensions in `shared/doc/extensions.ts`; the server reads the same fragment for search.
 *
 * Undo is Collaboration's own: it tracks only this browser's edits, never a colleague's.
 */
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Placeholder } from '@tiptap/extensions';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { DOC_CONTENT_FIELD, MAP_REF_NODE, documentExtensions } from '../../shared/doc/extensions.js';
import { useRoomStatus } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { renderCaret } from './caret.js';
import { threadRange } from './commentRange.js';
import { cleanPaste } from './paste.js';
import { DocToolbar } from './DocToolbar.js';
import { DocFiles } from './DocFiles.js';
import { TemplatePicker } from './TemplatePicker.js';
import { LinkShortcut } from './link.js';
import { mapRefExtension } from './mentions.js';
import './prosemirror.css';

export interface DocEditorProps {
  readOnly: boolean;
  title: string;
  /** The site the document belongs to: mentions list its maps' elements and loops. */
  siteSlug: string;
  /** Called once the editor exists (for panels beside it: comments, versions). */
  onEditor?: (editor: Editor | null) => void;
}

/**
 * A search result links to `?block=N` (the Nth top-level block: a section's heading) or
 * `?comment=ID` (a commented range). Once the text has arrived, scroll there and put the cursor
 * at it, so the reader lands on the words that matched.
 */
function useJumpFromAddress(editor: Editor | null) {
  const [params] = useSearchParams();
  const block = params.get('block');
  const comment = params.get('comment');
  const synced = useRoomStatus().synced;
  const done = useRef<string | null>(null);
  useEffect(() => {
    const want = block ?? comment;
    if (!editor || !synced || want === null || done.current === want) return;
    let pos: number | null = null;
    if (block !== null && /^\d+$/.test(block)) {
      const index = Number(block);
      if (index < editor.state.doc.childCount) {
        pos = 0;
        for (let i = 0; i < index; i++) pos += editor.state.doc.child(i).nodeSize;
      }
    } else if (comment !== null) {
      pos = threadRange(editor.state.doc, comment)?.from ?? null;
    }
    if (pos === null) return;
    done.current = want;
    editor.chain().setTextSelection(Math.min(pos + 1, editor.state.doc.content.size)).scrollIntoView().run();
    const dom = editor.view.domAtPos(pos + 1).node;
    (dom instanceof HTMLElement ? dom : dom.parentElement)?.scrollIntoView({ block: 'center' });
  }, [editor, synced, block, comment]);
}

export function DocEditor({ readOnly, title, siteSlug, onEditor }: DocEditorProps) {
  const conn = useRoomConnection();
  const extensions = useMemo(
    () => [
      // The shared schema with its plain `mapRef` swapped for the one with the menu and live labels.
      ...documentExtensions({ undoRedo: false }).filter((e) => e.name !== MAP_REF_NODE),
      mapRefExtension(siteSlug),
      Collaboration.configure({
        document: conn.doc,
        field: DOC_CONTENT_FIELD,
      }),
      CollaborationCaret.configure({
        // The caret extension publishes `user` in awareness; ours is already there, and it keeps
        // every field of it (id, organisation) with `color` added for its own use.
        provider: { awareness: conn.awareness },
        user: { ...conn.user, color: conn.user.colour },
        render: renderCaret,
      }),
      Placeholder.configure({ placeholder: 'Write here, or start from a template…' }),
      LinkShortcut,
    ],
    [conn, siteSlug],
  );
  const editor = useEditor(
    {
      extensions,
      editable: !readOnly,
      // Tiptap would add its base styles as a <style> element, which the Content-Security-Policy
      // blocks; they are in styles.css instead.
      injectCSS: false,
      editorProps: {
        attributes: { class: 'doc-content', 'aria-label': `${title}: document text`, 'aria-multiline': 'true', role: 'textbox' },
        transformPastedHTML: cleanPaste,
      },
    },
    [extensions],
  );

  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly);
  }, [editor, readOnly]);
  useEffect(() => {
    onEditor?.(editor);
    return () => onEditor?.(null);
  }, [editor, onEditor]);

  const [empty, setEmpty] = useState(true);
  useEffect(() => {
    if (!editor) return;
    const check = () => setEmpty(editor.isEmpty);
    check();
    editor.on('update', check);
    return () => {
      editor.off('update', check);
    };
  }, [editor]);

  useJumpFromAddress(editor);

  if (!editor) return <p role="status">Opening the editor…</p>;
  return (
    <div className="doc-editor">
      {!readOnly && <DocToolbar editor={editor} extra={<TemplatePicker editor={editor} empty={empty} />} />}
      <EditorContent editor={editor} className="doc-page" />
      <DocFiles editor={editor} title={title} readOnly={readOnly} />
    </div>
  );
}
