/**
 * Rich-text fields as plain text, both ways. A field is a `Y.XmlFragment` holding the
 * ProseMirror tree that Tiptap's Collaboration extension (y-prosemirror) keeps in it:
 * block elements (`paragraph`, `heading`, `bulletList` > `listItem` > `paragraph`, …) whose
 * inline content is `Y.XmlText` runs and inline elements (`hardBreak`, mentions).
 */
import * as Y from 'yjs';

function runText(text: Y.XmlText): string {
  let out = '';
  for (const op of text.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
  return out;
}

/** Appends the lines of `node`'s blocks to `lines`; inline content runs on within its line. */
function collect(node: Y.XmlFragment, lines: string[]): void {
  let line: string | null = null;
  const flush = () => {
    if (line !== null) lines.push(line);
    line = null;
  };
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) line = (line ?? '') + runText(child);
    else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') line = (line ?? '') + '\n';
    else if (child instanceof Y.XmlElement && child.length === 0 && typeof child.getAttribute('label') === 'string') {
      // An inline atom such as a mention reads as its label.
      line = (line ?? '') + String(child.getAttribute('label'));
    } else if (child instanceof Y.XmlElement) {
      flush();
      const inner: string[] = [];
      collect(child, inner);
      // An empty paragraph is an empty line, as the editor shows it.
      lines.push(...(inner.length ? inner : ['']));
    }
  }
  flush();
}

/**
 * The plain text of a rich-text fragment: one line per paragraph (or list item, heading, …),
 * without formatting; surrounding blank lines trimmed.
 *
 * @example
 * fragmentText(entry.get('learned')) // 'Benches matter.\nSo do toilets.'
 */
export function fragmentText(fragment: Y.XmlFragment): string {
  const lines: string[] = [];
  collect(fragment, lines);
  return lines.join('\n').replace(/^\n+|\n+$/g, '');
}

/**
 * Replaces the fragment's content with plain text: one `paragraph` per line, as the editor
 * would hold it. Call inside the caller's transaction (the helpers that use it do).
 */
export function replaceFragmentText(fragment: Y.XmlFragment, text: string): void {
  if (fragment.length > 0) fragment.delete(0, fragment.length);
  const lines = text.replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
  if (!lines) return;
  fragment.insert(
    0,
    lines.split('\n').map((line) => {
      const paragraph = new Y.XmlElement('paragraph');
      if (line) paragraph.insert(0, [new Y.XmlText(line)]);
      return paragraph;
    }),
  );
}
