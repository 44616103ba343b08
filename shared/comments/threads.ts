/**
 * Comment threads with replies and resolve, one implementation for every place people comment:
 * map elements and connections (`shared/map/comments.ts`), ranges of document text
 * (`shared/doc/comments.ts`). Each place gets its own root in the doc and its own target kinds.
 *
 * Schema: `doc.getMap(root)` maps a thread id to a Y.Map with `target` ({ kind, id }),
 * `resolved` (an Attribution, or null while open), `created` and `messages`, a Y.Array of plain
 * messages ({ id, text, by }). Replies are appended to the array, so two people replying at
 * once both keep their reply, in a stable order.
 */
import * as Y from 'yjs';
import type { Actor } from '../map/doc.js';
import type { Attribution } from '../map/model.js';

export const COMMENT_MAX = 2000;

export interface CommentTarget<K extends string = string> {
  kind: K;
  id: string;
}

export interface CommentMessage {
  id: string;
  text: string;
  by: Attribution;
}

export interface CommentThread<K extends string = string> {
  id: string;
  target: CommentTarget<K>;
  messages: CommentMessage[];
  resolved: Attribution | null;
  created: Attribution;
}

/** The operations on one root of threads; see {@link commentThreads}. */
export interface CommentThreads<K extends string> {
  readonly root: string;
  /** Starts a thread with its first message; returns the thread id. */
  startThread(doc: Y.Doc, input: { id: string; messageId: string; target: CommentTarget<K>; text: string }, actor: Actor, now?: Date): string;
  /** Adds a reply (and reopens a resolved thread); false if the thread is gone. */
  reply(doc: Y.Doc, threadId: string, messageId: string, text: string, actor: Actor, now?: Date): boolean;
  /** Resolves or reopens; false if the thread is gone. */
  setResolved(doc: Y.Doc, threadId: string, resolved: boolean, actor: Actor, now?: Date): boolean;
  /** Deletes a thread outright (its author or a facilitator; the UI decides who may). */
  deleteThread(doc: Y.Doc, threadId: string): void;
  /** Every thread, oldest first; malformed entries (from a misbehaving client) are skipped. */
  readComments(doc: Y.Doc): CommentThread<K>[];
  /** Calls `onChange` on any change to the threads; returns the unsubscribe. */
  observeComments(doc: Y.Doc, onChange: () => void): () => void;
}

const stamp = (actor: Actor, now: Date): Attribution => ({ userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() });

function cleanText(text: string): string {
  const clean = text.trim();
  if (!clean) throw new RangeError('Write something first.');
  if (clean.length > COMMENT_MAX) throw new RangeError(`A comment can be at most ${COMMENT_MAX} characters.`);
  return clean;
}

/**
 * An attribution read from untrusted doc content; null when it is not one.
 *
 * @example
 * readAttribution({ name: 'Ann', at: '2026-11-22T10:00:00.000Z' }) // { userId: '', name: 'Ann', organisation: '', at: '…' }
 */
export function readAttribution(value: unknown): Attribution | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || typeof v.at !== 'string') return null;
  return {
    userId: typeof v.userId === 'string' ? v.userId : '',
    name: v.name,
    organisation: typeof v.organisation === 'string' ? v.organisation : '',
    at: v.at,
  };
}

/**
 * The thread operations for one root of the doc and its target kinds.
 *
 * @example
 * const mapThreads = commentThreads('mapComments', ['element', 'connection'] as const);
 * mapThreads.startThread(doc, { id, messageId, target: { kind: 'element', id: 'footfall' }, text: 'Source?' }, actor);
 */
export function commentThreads<K extends string>(root: string, kinds: readonly K[]): CommentThreads<K> {
  const threads = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(root);
  const isKind = (kind: unknown): kind is K => kinds.includes(kind as K);
  return {
    root,
    startThread(doc, input, actor, now = new Date()) {
      const text = cleanText(input.text);
      if (!isKind(input.target.kind)) throw new RangeError(`A comment cannot be made on a ${String(input.target.kind)} here.`);
      doc.transact(() => {
        const thread = new Y.Map<unknown>();
        const messages = new Y.Array<CommentMessage>();
        messages.push([{ id: input.messageId, text, by: stamp(actor, now) }]);
        thread.set('target', { kind: input.target.kind, id: input.target.id });
        thread.set('resolved', null);
        thread.set('created', stamp(actor, now));
        thread.set('messages', messages);
        threads(doc).set(input.id, thread);
      });
      return input.id;
    },
    reply(doc, threadId, messageId, text, actor, now = new Date()) {
      const thread = threads(doc).get(threadId);
      const messages = thread instanceof Y.Map ? thread.get('messages') : null;
      if (!(messages instanceof Y.Array)) return false;
      const clean = cleanText(text);
      doc.transact(() => {
        messages.push([{ id: messageId, text: clean, by: stamp(actor, now) }]);
        // A reply to a resolved thread reopens it: someone has more to say.
        thread!.set('resolved', null);
      });
      return true;
    },
    setResolved(doc, threadId, resolved, actor, now = new Date()) {
      const thread = threads(doc).get(threadId);
      if (!(thread instanceof Y.Map)) return false;
      doc.transact(() => thread.set('resolved', resolved ? stamp(actor, now) : null));
      return true;
    },
    deleteThread(doc, threadId) {
      doc.transact(() => threads(doc).delete(threadId));
    },
    readComments(doc) {
      const out: CommentThread<K>[] = [];
      for (const [id, thread] of threads(doc)) {
        if (!(thread instanceof Y.Map)) continue;
        const target = thread.get('target') as Partial<CommentTarget> | undefined;
        const messages = thread.get('messages');
        const created = readAttribution(thread.get('created'));
        if (!target || !isKind(target.kind) || typeof target.id !== 'string') continue;
        if (!(messages instanceof Y.Array) || !created) continue;
        const list: CommentMessage[] = [];
        for (const m of messages.toArray() as unknown[]) {
          const message = m as Partial<CommentMessage>;
          const by = readAttribution(message?.by);
          if (typeof message?.id === 'string' && typeof message.text === 'string' && by) list.push({ id: message.id, text: message.text, by });
        }
        if (list.length === 0) continue;
        out.push({ id, target: { kind: target.kind, id: target.id }, messages: list, resolved: readAttribution(thread.get('resolved')), created });
      }
      return out.sort((a, b) => (a.created.at < b.created.at ? -1 : a.created.at > b.created.at ? 1 : a.id < b.id ? -1 : 1));
    },
    observeComments(doc, onChange) {
      const map = threads(doc);
      map.observeDeep(onChange);
      return () => map.unobserveDeep(onChange);
    },
  };
}

/**
 * Open threads per target id, for badges (on map elements, beside commented text).
 *
 * @example
 * openThreadCounts(readComments(doc)).get('footfall') // 2
 */
export function openThreadCounts(comments: readonly CommentThread[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of comments) if (!t.resolved) counts.set(t.target.id, (counts.get(t.target.id) ?? 0) + 1);
  return counts;
}
