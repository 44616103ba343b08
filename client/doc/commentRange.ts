/**
 * Where a comment thread's words are in the editor's text now: the span from the first to the
 * last piece of text that carries the thread's `comment` mark (the mark moves with edits, so
 * positions are looked up when needed, never stored).
 */
import type { Node } from '@tiptap/pm/model';
import { COMMENT_MARK } from '../../shared/doc/extensions.js';

export function threadRange(doc: Node, threadId: string): { from: number; to: number } | null {
  let from: number | null = null;
  let to = 0;
  doc.descendants((node, pos) => {
    if (node.isText && node.marks.some((m) => m.type.name === COMMENT_MARK && m.attrs.threadId === threadId)) {
      from ??= pos;
      to = pos + node.nodeSize;
    }
  });
  return from === null ? null : { from, to };
}
