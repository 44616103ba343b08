/**
 * Page objects for documents and the learning log: what a person sees and does, so the specs
 * read as the user's story and survive markup changes.
 */
import type { Page } from 'playwright-core';

/** The document editor inside a room of kind `doc`. */
export class DocPage {
  constructor(readonly page: Page) {}

  get editor() {
    return this.page.locator('.doc-content');
  }

  async waitUntilReady() {
    await this.editor.waitFor();
  }

  /** The document's text, paragraphs joined by newlines (mentions shown by their labels). */
  async text(): Promise<string> {
    // Other people's carets sit inside the text with their name tags; they are not text.
    const text = await this.editor.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll('.collaboration-carets__caret, .ProseMirror-yjs-cursor')) caret.remove();
      document.body.append(copy);
      const out = copy.innerText;
      copy.remove();
      return out;
    });
    // Paragraphs are one line each, however the browser spaces blocks.
    return text.replace(/\u00a0/g, ' ').replace(/\n+/g, '\n').trim();
  }

  /**
   * The text the editor itself holds as selected. ProseMirror reads a selection made with the
   * keyboard from the browser's `selectionchange` events, a task or more later; on a loaded
   * machine, moving focus on at once could leave it with an older selection.
   */
  async selectedText(): Promise<string> {
    return this.editor.evaluate((el) => {
      type Host = HTMLElement & { editor?: { state: { selection: { from: number; to: number }; doc: { textBetween(from: number, to: number): string } } } };
      const host = (el.matches('.ProseMirror') ? el : el.querySelector('.ProseMirror')) as Host | null;
      const editor = host?.editor;
      if (!editor) return '';
      const { from, to } = editor.state.selection;
      return editor.state.doc.textBetween(from, to);
    });
  }

  async editable(): Promise<boolean> {
    return (await this.editor.getAttribute('contenteditable')) === 'true';
  }

  /** Puts the cursor at the end of the document. */
  async focusEnd() {
    await this.editor.click();
    await this.page.keyboard.press('Control+End');
  }

  async type(text: string) {
    await this.page.keyboard.type(text, { delay: 15 });
  }

  /** Other people's carets: "Name · Organisation". */
  async caretLabels(): Promise<string[]> {
    return (await this.page.locator('.collaboration-carets__label').allInnerTexts()).sort();
  }

  async tool(name: string) {
    await this.page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name, exact: true }).click();
  }

  async insertTemplate(name: string) {
    await this.page.getByLabel('Insert a template').selectOption({ label: name });
  }

  /** Types "@" and a query, waits for the menu to offer `label`, and picks it with Enter. */
  async mention(query: string, label: string) {
    await this.type(`@${query}`);
    const option = this.page.getByRole('option', { name: new RegExp(label) });
    await option.waitFor();
    await this.page.keyboard.press('Enter');
  }

  mentions() {
    return this.editor.locator('a[data-map-ref]');
  }

  async headings(): Promise<string[]> {
    return this.editor.locator('h1, h2, h3').allInnerTexts();
  }
}

/** A site's learning log page. */
export class LogPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, slug: string) {
    await this.page.goto(`${baseUrl}/sites/${slug}/log`);
    await this.page.getByRole('heading', { name: 'Learning log', level: 1 }).waitFor();
  }

  entries() {
    return this.page.locator('.log-entry');
  }

  async entryTitles(): Promise<string[]> {
    return this.page.locator('.log-entry .log-entry-title').allInnerTexts();
  }
}
