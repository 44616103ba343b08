/**
 * The formatting toolbar of the document editor. Every button says what it does, shows whether
 * it is on (aria-pressed), and names its keyboard shortcut; arrow keys move between buttons
 * (one tab stop for the whole toolbar, as the ARIA toolbar pattern asks).
 */
import { useEditorState, type Editor } from '@tiptap/react';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { editLink } from './link.js';

interface ToolProps {
  label: string;
  shortcut?: string;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}

function Tool({ label, shortcut, pressed, disabled, onClick, children }: ToolProps) {
  return (
    <button
      type="button"
      className="tool"
      aria-label={label}
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-keyshortcuts={shortcut?.replace('Ctrl', 'Control')}
      aria-pressed={pressed}
      disabled={disabled}
      // Keep the text selection: a mouse-down on a button would otherwise blur the editor.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

export function DocToolbar({ editor, extra }: { editor: Editor; extra?: ReactNode }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      code: e.isActive('code'),
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      task: e.isActive('taskList'),
      quote: e.isActive('blockquote'),
      codeBlock: e.isActive('codeBlock'),
      link: e.isActive('link'),
      table: e.isActive('table'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const bar = useRef<HTMLDivElement>(null);
  const chain = () => editor.chain().focus();

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft' && event.key !== 'Home' && event.key !== 'End') return;
    const buttons = [...(bar.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next]?.focus();
  }

  return (
    <div className="toolbar doc-toolbar" role="toolbar" aria-label="Formatting" ref={bar} onKeyDown={onKeyDown}>
      <Tool label="Undo" shortcut="Ctrl+Z" disabled={!state.canUndo} onClick={() => chain().undo().run()}>
        ↶
      </Tool>
      <Tool label="Redo" shortcut="Ctrl+Shift+Z" disabled={!state.canRedo} onClick={() => chain().redo().run()}>
        ↷
      </Tool>
      <span className="tool-sep" aria-hidden="true" />
      <Tool label="Heading 1 – H1" shortcut="Ctrl+Alt+1" pressed={state.h1} onClick={() => chain().toggleHeading({ level: 1 }).run()}>
        H1
      </Tool>
      <Tool label="Heading 2 – H2" shortcut="Ctrl+Alt+2" pressed={state.h2} onClick={() => chain().toggleHeading({ level: 2 }).run()}>
        H2
      </Tool>
      <Tool label="Heading 3 – H3" shortcut="Ctrl+Alt+3" pressed={state.h3} onClick={() => chain().toggleHeading({ level: 3 }).run()}>
        H3
      </Tool>
      <span className="tool-sep" aria-hidden="true" />
      <Tool label="Bold" shortcut="Ctrl+B" pressed={state.bold} onClick={() => chain().toggleBold().run()}>
        <strong>B</strong>
      </Tool>
      <Tool label="Italic" shortcut="Ctrl+I" pressed={state.italic} onClick={() => chain().toggleItalic().run()}>
        <em>I</em>
      </Tool>
      <Tool label="Code" shortcut="Ctrl+E" pressed={state.code} onClick={() => chain().toggleCode().run()}>
        {'</>'}
      </Tool>
      <Tool label="Link" shortcut="Ctrl+K" pressed={state.link} onClick={() => editLink(editor)}>
        Link
      </Tool>
      <span className="tool-sep" aria-hidden="true" />
      <Tool label="Bulleted list" shortcut="Ctrl+Shift+8" pressed={state.bullet} onClick={() => chain().toggleBulletList().run()}>
        •
      </Tool>
      <Tool label="Numbered list – 1." shortcut="Ctrl+Shift+7" pressed={state.ordered} onClick={() => chain().toggleOrderedList().run()}>
        1.
      </Tool>
      <Tool label="Task list" shortcut="Ctrl+Shift+9" pressed={state.task} onClick={() => chain().toggleTaskList().run()}>
        ☑
      </Tool>
      <Tool label="Quote" shortcut="Ctrl+Shift+B" pressed={state.quote} onClick={() => chain().toggleBlockquote().run()}>
        ❝
      </Tool>
      <Tool label="Code block" shortcut="Ctrl+Alt+C" pressed={state.codeBlock} onClick={() => chain().toggleCodeBlock().run()}>
        {'{ }'}
      </Tool>
      <Tool
        label={state.table ? 'Add a table row' : 'Insert a table'}
        onClick={() => (state.table ? chain().addRowAfter().run() : chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run())}
      >
        {state.table ? '+row' : '▦'}
      </Tool>
      {state.table && (
        <>
          <Tool label="Add a table column" onClick={() => chain().addColumnAfter().run()}>
            +col
          </Tool>
          <Tool label="Delete the table" onClick={() => chain().deleteTable().run()}>
            −▦
          </Tool>
        </>
      )}
      {extra}
    </div>
  );
}
