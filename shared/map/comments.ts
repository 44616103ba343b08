/**
 * Comment threads on a map's elements and connections, with resolve: the shared thread
 * implementation (`shared/comments/threads.ts`) on the root `mapComments`, with targets
 * { kind: 'element' | 'connection', id }.
 */
import {
  commentThreads,
  type CommentTarget as AnyCommentTarget,
  type CommentThread as AnyCommentThread,
} from '../comments/threads.js';

export { COMMENT_MAX, openThreadCounts, readAttribution, type CommentMessage } from '../comments/threads.js';

export const COMMENTS_ROOT = 'mapComments';
export const MAP_COMMENT_KINDS = ['element', 'connection'] as const;
export type MapCommentKind = (typeof MAP_COMMENT_KINDS)[number];
export type CommentTarget = AnyCommentTarget<MapCommentKind>;
export type CommentThread = AnyCommentThread<MapCommentKind>;

/**
 * The map's thread operations; see `CommentThreads` for each.
 *
 * @example
 * startThread(doc, { id: newId(), messageId: newId(), target: { kind: 'element', id: 'footfall' }, text: 'Where is this figure from?' }, actor);
 * readComments(doc) // [{ id, target: { kind: 'element', id: 'footfall' }, messages: [...], resolved: null, created }]
 */
export const { startThread, reply, setResolved, deleteThread, readComments, observeComments } = commentThreads(COMMENTS_ROOT, MAP_COMMENT_KINDS);
