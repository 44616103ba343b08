/**
 * One comment thread: its messages, a reply box, and resolve or reopen. The same for threads
 * on map elements and on document text; the caller says how a reply and a resolve are written.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { COMMENT_MAX, type CommentThread as Thread } from '../../shared/comments/threads.js';
import { ErrorMessage } from './Notice.js';
import { formatDateTime } from './format.js';
import { useAttempt } from './useAttempt.js';

export interface CommentThreadProps {
  thread: Thread<string>;
  readOnly: boolean;
  /** Writes a reply; throws a RangeError with a message a person can act on. */
  onReply: (text: string) => void;
  onResolve: (resolved: boolean) => void;
  /** Shown above the messages (e.g. the commented text). */
  context?: ReactNode;
}

export function CommentThread({ thread, readOnly, onReply, onResolve, context }: CommentThreadProps) {
  const [text, setText] = useState('');
  const { error, attempt } = useAttempt();
  const id = useId();

  function send(event: FormEvent) {
    event.preventDefault();
    if (attempt(() => onReply(text))) setText('');
  }

  return (
    <article className={`thread${thread.resolved ? ' is-resolved' : ''}`}>
      {context}
      <ol className="thread-messages">
        {thread.messages.map((m) => (
          <li key={m.id}>
            <p className="thread-meta">
              <strong>{m.by.name}</strong>
              {m.by.organisation && `, ${m.by.organisation}`} · {formatDateTime(m.by.at)}
            </p>
            <p className="thread-text">{m.text}</p>
          </li>
        ))}
      </ol>
      {thread.resolved && <p className="hint">Resolved by {thread.resolved.name}.</p>}
      {!readOnly && (
        <>
          <form className="inline-form" onSubmit={send}>
            <label htmlFor={`${id}-reply`} className="visually-hidden">
              Reply
            </label>
            <div className="inline-row">
              <input id={`${id}-reply`} placeholder="Reply…" value={text} maxLength={COMMENT_MAX} onChange={(e) => setText(e.target.value)} />
              <button type="submit" className="button-secondary">
                Reply
              </button>
            </div>
            <ErrorMessage>{error}</ErrorMessage>
          </form>
          <button type="button" className="button-link" onClick={() => onResolve(!thread.resolved)}>
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </>
      )}
    </article>
  );
}
