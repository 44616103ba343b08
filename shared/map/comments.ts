/**
 * Comment threads on a map's elements and connections, with resolve.
 *
 * Schema: `doc.getMap('mapComments')` maps a thread id to a Y.Map with `target` ({ kind:
 * 'element' | 'connection', id }), `resolved` (an Attribution, or null while open), `created`
 * and `messages`, a Y.Array of plain messages ({ id, text, by }). Replies are appended to the
 * array, so two people replying at once both keep their reply, in a stable order.
 */
import * as Y from 'yjs';
import type { Actor } from './doc.js';
import type { Attribution } from './model.js';

export const COMMENTS_ROOT = 'mapComments';
export const COMMENT_MAX = 2000;

export interface CommentTarget {
  kind: 'element' | 'connection';
  id: string;
}

export interface CommentMessage {
  id: string;
  text: string;
  by: Attribution;
}

export interface CommentThread {
  id: string;
  target: CommentTarget;
  messages: CommentMessage[];
  resolved: Attribution | null;
  created: Attribution;
}

const stamp = (actor: Actor, now: Date): Attribution => ({ userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() });

function cleanText(text: string): string {
  const clean = text.trim();
  if (!clean) throw new RangeError('Write something first.');
  if (clean.length > COMMENT_MAX) throw new RangeError(`A comment can be at most ${COMMENT_MAX} characters.`);
  return clean;
}

const threads = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(COMMENTS_ROOT);

export function startThread(doc: Y.Doc, input: { id: string; messageId: string; target: CommentTarget; text: string }, actor: Actor, now = new Date()): string {
  const text = cleanText(input.text);
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
}

export function reply(doc: Y.Doc, threadId: string, messageId: string, text: string, actor: Actor, now = new Date()): boolean {
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
}

export function setResolved(doc: Y.Doc, threadId: string, resolved: boolean, actor: Actor, now = new Date()): boolean {
  const thread = threads(doc).get(threadId);
  if (!(thread instanceof Y.Map)) return false;
  doc.transact(() => thread.set('resolved', resolved ? stamp(actor, now) : null));
  return true;
}

/** Deletes a thread outright (its author or a facilitator; the UI decides who may). */
export function deleteThread(doc: Y.Doc, threadId: string): void {
  doc.transact(() => threads(doc).delete(threadId));
}

/** An attribution read from untrusted doc content; null when it is not one. */
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

/** Every thread, oldest first; malformed entries (from a misbehaving client) are skipped. */
export function readComments(doc: Y.Doc): CommentThread[] {
  const out: CommentThread[] = [];
  for (const [id, thread] of threads(doc)) {
    if (!(thread instanceof Y.Map)) continue;
    const target = thread.get('target') as Partial<CommentTarget> | undefined;
    const messages = thread.get('messages');
    const created = readAttribution(thread.get('created'));
    if (!target || (target.kind !== 'element' && target.kind !== 'connection') || typeof target.id !== 'string') continue;
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
}

/** Open threads per element or connection id, for badges on the map. */
export function openThreadCounts(comments: readonly CommentThread[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of comments) if (!t.resolved) counts.set(t.target.id, (counts.get(t.target.id) ?? 0) + 1);
  return counts;
}

export function observeComments(doc: Y.Doc, onChange: () => void): () => void {
  const root = threads(doc);
  root.observeDeep(onChange);
  return () => root.unobserveDeep(onChange);
}
