/**
 * Comment threads on the selected element or connection: start one, reply, resolve, reopen.
 */
import { useId, useState, type FormEvent } from 'react';
import { newId } from '../../shared/ids.js';
import type { Actor } from '../../shared/map/doc.js';
import { COMMENT_MAX, observeComments, readComments, reply, setResolved, startThread, type CommentTarget, type CommentThread } from '../../shared/map/comments.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { CommentThread as CommentThreadView } from '../ui/CommentThread.js';

export function useComments(): CommentThread[] {
  const conn = useRoomConnection();
  return useExternalValue((onChange) => observeComments(conn.doc, onChange), () => readComments(conn.doc), [conn]);
}

export function CommentsSection({ target, readOnly, actor }: { target: CommentTarget; readOnly: boolean; actor: Actor }) {
  const conn = useRoomConnection();
  const all = useComments();
  const threads = all.filter((t) => t.target.id === target.id);
  const [showResolved, setShowResolved] = useState(false);
  const [text, setText] = useState('');
  const { error, attempt } = useAttempt();
  const id = useId();
  const open = threads.filter((t) => !t.resolved);
  const resolved = threads.filter((t) => t.resolved);

  function start(event: FormEvent) {
    event.preventDefault();
    if (attempt(() => startThread(conn.doc, { id: newId(), messageId: newId(), target, text }, actor))) setText('');
  }

  return (
    <section className="comments" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Comments ({open.length} open)</h3>
      {open.map((t) => (
        <Thread key={t.id} thread={t} readOnly={readOnly} actor={actor} />
      ))}
      {resolved.length > 0 && (
        <button type="button" className="button-link" aria-expanded={showResolved} onClick={() => setShowResolved(!showResolved)}>
          {showResolved ? 'Hide' : 'Show'} {resolved.length} resolved
        </button>
      )}
      {showResolved && resolved.map((t) => <Thread key={t.id} thread={t} readOnly={readOnly} actor={actor} />)}
      {!readOnly && (
        <form className="inline-form" onSubmit={start}>
          <label htmlFor={`${id}-new`}>New comment</label>
          <textarea id={`${id}-new`} rows={2} maxLength={COMMENT_MAX} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">Comment</button>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      )}
    </section>
  );
}

function Thread({ thread, readOnly, actor }: { thread: CommentThread; readOnly: boolean; actor: Actor }) {
  const conn = useRoomConnection();
  return (
    <CommentThreadView
      thread={thread}
      readOnly={readOnly}
      onReply={(text) => reply(conn.doc, thread.id, newId(), text, actor)}
      onResolve={(resolved) => setResolved(conn.doc, thread.id, resolved, actor)}
    />
  );
}
