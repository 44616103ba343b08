/**
 * Start a document from a template: wicked-problem framing, an action learning set session,
 * a theory of change, workshop notes. Inserted where the cursor is (at the end when the
 * document is not empty), as one undoable step.
 */
import type { Editor } from '@tiptap/react';
import { useId } from 'react';
import { DOC_TEMPLATES, templateJson, type DocTemplateId } from '../../shared/doc/templates.js';

export function TemplatePicker({ editor, empty }: { editor: Editor; empty: boolean }) {
  const id = useId();
  function insert(templateId: DocTemplateId) {
    const json = templateJson(templateId, { date: new Date().toISOString().slice(0, 10) });
    const content = json.content ?? [];
    if (empty) editor.chain().focus().setContent(json).run();
    else editor.chain().focus('end').insertContent(content).run();
  }
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Insert a template
      </label>
      <select
        id={id}
        value=""
        onChange={(e) => {
          if (e.target.value) insert(e.target.value as DocTemplateId);
        }}
      >
        <option value="">Insert a template…</option>
        {DOC_TEMPLATES.map((t) => (
          <option key={t.id} value={t.id} title={t.summary}>
            {t.name}
          </option>
        ))}
      </select>
    </>
  );
}
