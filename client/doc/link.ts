/**
 * Adding, changing or removing a link on the selected words (toolbar button and Ctrl+K). Only
 * web, email and same-site addresses are accepted: a `javascript:` link in a shared document
 * would run in every colleague's browser.
 */
import { Extension, type Editor } from '@tiptap/core';

export function editLink(editor: Editor): void {
  const previous = (editor.getAttributes('link').href as string | undefined) ?? '';
  const href = window.prompt('Link address (leave empty to remove the link)', previous);
  if (href === null) return;
  const chain = () => editor.chain().focus().extendMarkRange('link');
  if (href.trim() === '') chain().unsetLink().run();
  else if (!/^(https?:|mailto:|\/)/i.test(href.trim())) window.alert('Links must start with https://, http://, mailto: or /.');
  else chain().setLink({ href: href.trim() }).run();
}

/** Ctrl+K (Cmd+K) opens the link prompt, as in most editors. */
export const LinkShortcut = Extension.create({
  name: 'linkShortcut',
  addKeyboardShortcuts() {
    return {
      'Mod-k': () => {
        if (!this.editor.isEditable) return false;
        editLink(this.editor);
        return true;
      },
    };
  },
});
