/**
 * One rich-text field of a learning-log entry ("what we tried", …), co-edited live: a small
 * Tiptap editor bound to the field's own Y.XmlFragment inside the log's Y.Doc. Undo is
 * Collaboration's, per field, and takes back only this person's typing.
 */
import Collaboration from '@tiptap/extension-collaboration';
import { Placeholder } from '@tiptap/extensions';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useMemo } from 'react';
import type * as Y from 'yjs';
import { MAP_REF_NODE, documentExtensions } from '../../shared/doc/extensions.js';
import { cleanPaste } from '../doc/paste.js';
import '../doc/prosemirror.css';

export function FieldEditor({ fragment, label, hint, readOnly, onBlur }: { fragment: Y.XmlFragment; label: string; hint: string; readOnly: boolean; onBlur?: () => void }) {
  const extensions = useMemo(
    () => [
      // Mentions are made in documents; a log entry links to map elements through its links list.
      ...documentExtensions({ undoRedo: false }).filter((e) => e.name !== MAP_REF_NODE),
      Collaboration.configure({ fragment }),
      Placeholder.configure({ placeholder: hint }),
    ],
    [fragment, hint],
  );
  const editor = useEditor(
    {
      extensions,
      editable: !readOnly,
      // Tiptap would add its base styles as a <style> element, which the Content-Security-Policy
      // blocks; they are in styles.css instead.
      injectCSS: false,
      editorProps: {
        attributes: { class: 'log-field-text', 'aria-label': label, role: 'textbox', 'aria-multiline': 'true' },
        transformPastedHTML: cleanPaste,
      },
      onBlur: () => onBlur?.(),
    },
    [extensions],
  );
  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly);
  }, [editor, readOnly]);
  return <EditorContent editor={editor} className="log-field-editor" />;
}
