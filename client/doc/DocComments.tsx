/**
 * Comments on ranges of document text. Select some words, write a comment: the words get the
 * `comment` mark (so the range moves with edits) and the thread goes into the room's doc.
 * Each thread shows the words it is on; choosing it puts the cursor there.
 */
import type { Editor } from '@tiptap/react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { COMMENT_MARK } from '../../shared/doc/extensions.js';
import { threadRange } from './commentRange.js';
import { COMMENT_MAX, commentedTexts, observeComments, readComments, reply, setResolved, startThread } from '../../shared/doc/comments.js';
import { newId } from '../../shared/ids.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { CommentThread } from '../ui/CommentThread.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { actorOf } from '../room/actor.js';

/** Finds where a thread's words are now and selects them. */
function selectThread(editor: Editor, threadId: string): boolean {
  const range = threadRange(editor.state.doc, threadId);
  if (!range) return false;
  editor.chain().focus().setTextSelection(range).scrollIntoView().run();
  return true;
}

/**
 * While someone types, the commented words are read again at most this often: reading them
 * walks the whole document, which is too much work for every keystroke.
 */
const TEXTS_REFRESH_MS = 300;
const NO_TEXTS: ReadonlyMap<string, string> = new Map();

export function DocComments({ editor, readOnly }: { editor: Editor; readOnly: boolean }) {
  const conn = useRoomConnection();
  const id = useId();
  const threads = useExternalValue((onChange) => observeComments(conn.doc, onChange), () => readComments(conn.doc), [conn]);
  // The commented words change as people type: read them with the threads and the text.
  const texts = useExternalValue(
    (onChange) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const onTyping = () => {
        timer ??= setTimeout(() => {
          timer = null;
          onChange();
        }, TEXTS_REFRESH_MS);
      };
      editor.on('update', onTyping);
      const stop = observeComments(conn.doc, onChange);
      return () => {
        if (timer) clearTimeout(timer);
        editor.off('update', onTyping);
        stop();
      };
    },
    // A document without comments has no commented words to find.
    () => (readComments(conn.doc).length === 0 ? NO_TEXTS : commentedTexts(conn.doc)),
    [conn, editor],
  );
  const [text, setText] = useState('');
  const [showResolved, setShowResolved] = useState(false);
  const { error, attempt } = useAttempt();
  const actor = useMemo(() => actorOf(conn), [conn]);
  const open = threads.filter((t) => !t.resolved);
  const resolved = threads.filter((t) => t.resolved);

  function start(event: FormEvent) {
    event.preventDefault();
    const { from, to, empty } = editor.state.selection;
    if (empty) {
      attempt(() => {
        throw new RangeError('Select the words the comment is about first.');
      });
      return;
    }
    const threadId = newId();
    const ok = attempt(() => {
      // The thread is checked (and can refuse, e.g. too long) before the words are marked.
      startThread(conn.doc, { id: threadId, messageId: newId(), text }, actor);
      editor.chain().setTextSelection({ from, to }).setMark(COMMENT_MARK, { threadId }).run();
    });
    if (ok) setText('');
  }

  const thread = (t: (typeof threads)[number]) => (
    <CommentThread
      key={t.id}
      thread={t}
      readOnly={readOnly}
      onReply={(body) => reply(conn.doc, t.id, newId(), body, actor)}
      onResolve={(r) => setResolved(conn.doc, t.id, r, actor)}
      context={
        <p className="thread-quote">
          {texts.has(t.id) ? (
            <button type="button" className="button-link" onClick={() => selectThread(editor, t.id)} title="Show these words in the document">
              “{texts.get(t.id)}”
            </button>
          ) : (
            <span className="hint">On text that has since been deleted.</span>
          )}
        </p>
      }
    />
  );

  return (
    <section className="comments doc-comments" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Comments ({open.length} open)</h3>
      {!readOnly && (
        <form className="inline-form" onSubmit={start}>
          <label htmlFor={`${id}-new`}>Comment on the selected words</label>
          <textarea id={`${id}-new`} rows={2} maxLength={COMMENT_MAX} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" onMouseDown={(e) => e.preventDefault()}>
            Comment
          </button>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      )}
      {open.length === 0 && <p className="hint">No open comments.</p>}
      {open.map(thread)}
      {resolved.length > 0 && (
        <button type="button" className="button-link" aria-expanded={showResolved} onClick={() => setShowResolved(!showResolved)}>
          {showResolved ? 'Hide' : 'Show'} {resolved.length} resolved
        </button>
      )}
      {showResolved && resolved.map(thread)}
    </section>
  );
}
