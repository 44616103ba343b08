/**
 * Comment threads on ranges of document text: the shared thread implementation
 * (`shared/comments/threads.ts`) on the root `docComments`, with target { kind: 'text', id }
 * where id is the thread id. The range itself is the `comment` mark with that `threadId` in the
 * text, so it moves with edits; the editor sets the mark, these helpers keep the thread.
 */
import type { JSONContent } from '@tiptap/core';
import type * as Y from 'yjs';
import { commentThreads, type CommentThread as AnyCommentThread } from '../comments/threads.js';
import type { Actor } from '../map/doc.js';
import { rawDocJson } from './content.js';
import { COMMENT_MARK } from './extensions.js';

export { COMMENT_MAX, openThreadCounts, type CommentMessage } from '../comments/threads.js';

export const DOC_COMMENTS_ROOT = 'docComments';
export type DocCommentThread = AnyCommentThread<'text'>;

const threads = commentThreads(DOC_COMMENTS_ROOT, ['text'] as const);

/**
 * The document's thread operations (reply, resolve, delete, read, observe); see
 * `CommentThreads` for each.
 *
 * @example
 * reply(doc, threadId, newId(), 'The figure is from the 2025 JSNA', actor);
 */
export const { reply, setResolved, deleteThread, readComments, observeComments } = threads;

/**
 * Starts a thread on text: the editor marks the range with `comment` { threadId: input.id }
 * and calls this with the same id. Returns the id.
 *
 * @example
 * const id = newId();
 * editor.chain().setMark('comment', { threadId: id }).run();
 * startThread(ydoc, { id, messageId: newId(), text: 'Is this still true?' }, actor);
 */
export function startThread(doc: Y.Doc, input: { id: string; messageId: string; text: string }, actor: Actor, now = new Date()): string {
  return threads.startThread(doc, { ...input, target: { kind: 'text', id: input.id } }, actor, now);
}

/**
 * The text each thread is attached to, by thread id, in document order (the pieces of a range
 * split by other formatting are joined). Threads whose text was deleted are absent: the UI can
 * show them as "on deleted text".
 *
 * @example
 * commentedTexts(doc).get(threadId) // 'three agencies hold this budget'
 */
export function commentedTexts(doc: Y.Doc): Map<string, string> {
  const out = new Map<string, string>();
  // Which block each thread's text was last seen in: a range over two paragraphs reads with a
  // space between them rather than running the words together.
  const lastBlock = new Map<string, JSONContent>();
  const walk = (node: JSONContent, block: JSONContent) => {
    if (node.type === 'text' && node.text) {
      for (const mark of node.marks ?? []) {
        const threadId = mark.attrs?.threadId;
        if (mark.type !== COMMENT_MARK || typeof threadId !== 'string') continue;
        const before = out.get(threadId);
        out.set(threadId, before === undefined ? node.text : `${before}${lastBlock.get(threadId) === block ? '' : ' '}${node.text}`);
        lastBlock.set(threadId, block);
      }
    }
    node.content?.forEach((child) => walk(child, node));
  };
  const root = rawDocJson(doc);
  walk(root, root);
  return out;
}
