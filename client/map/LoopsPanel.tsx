/**
 * The feedback loops of the map, found live as people draw: each reinforcing (R) or balancing
 * (B), or flagged when a polarity in it is not known yet. Hovering or focusing a loop
 * highlights it on the map; anyone can name a loop and note what it means, and show its marker
 * (R1, B2 with a circular arrow) at its centre on the map, for everyone and in exports. The
 * note and the marker stay with the loop through edits that keep it.
 */
import { memo, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { removeLoopNote, setLoopMarkers, setLoopNote, type Actor } from '../../shared/map/doc.js';
import { LOOP_LETTER } from '../../shared/map/geometry.js';
import { type FeedbackLoop, type LoopSearchResult } from '../../shared/map/loops.js';
import { loopNoteHasWords, type LoopNote, type MapData } from '../../shared/map/model.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { FormActions } from '../ui/FormActions.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { LOOPS_PAGE } from './listLimits.js';
import { useVoteScores } from './useVoteScores.js';

const TYPE_NAME = { reinforcing: 'Reinforcing', balancing: 'Balancing', unknown: 'Not known yet' } as const;

/** Memoised: give it stable callbacks; `map` is read for labels only (positions may lag). */
export const LoopsPanel = memo(function LoopsPanel({
  map,
  result,
  notes,
  broken,
  readOnly,
  actor,
  onHighlight,
}: {
  map: MapData;
  result: LoopSearchResult;
  notes: ReadonlyMap<string, LoopNote>;
  broken: readonly LoopNote[];
  readOnly: boolean;
  actor: Actor;
  onHighlight: (loop: FeedbackLoop | null) => void;
}) {
  const headingId = useId();
  const conn = useRoomConnection();
  const { error, attempt } = useAttempt();
  const [shown, setShown] = useState(LOOPS_PAGE);
  const labelOf = useMemo(() => new Map(map.elements.map((e) => [e.id, e.label])), [map.elements]);
  const counts = { reinforcing: 0, balancing: 0, unknown: 0 };
  for (const loop of result.loops) counts[loop.type]++;
  const marked = result.loops.filter((loop) => notes.get(loop.key)?.marker).length;
  /** Every loop found, each under the key its note is kept by (or its own, for a new note). */
  const allMarkers = (show: boolean) =>
    attempt(() =>
      setLoopMarkers(
        conn.doc,
        result.loops.map((loop) => {
          const note = notes.get(loop.key) ?? null;
          return { key: note?.key ?? loop.key, note };
        }),
        show,
        actor,
      ),
    );

  return (
    <section className="loops" aria-labelledby={headingId}>
      <h3 id={headingId}>Feedback loops ({result.loops.length})</h3>
      <p className="hint" data-testid="loop-counts">
        {counts.reinforcing} reinforcing, {counts.balancing} balancing{counts.unknown > 0 && `, ${counts.unknown} with a polarity not known yet`}
      </p>
      {result.truncated &&
        (result.truncatedBy.includes('time') || result.truncatedBy.includes('maxLoops') ? (
          <p className="notice notice-warning">This map has more loops than can be listed here; those found first are shown.</p>
        ) : (
          <p className="hint">Loops of up to 12 elements are listed.</p>
        ))}
      {result.loops.length === 0 && <p className="empty">No loops yet. A loop appears when connections lead back to where they started.</p>}
      {!readOnly && result.loops.length > 1 && (
        <div className="inline-row" role="group" aria-label="Every loop’s marker">
          <button type="button" className="button-secondary" disabled={marked === result.loops.length} onClick={() => allMarkers(true)}>
            Show all markers
          </button>
          <button type="button" className="button-secondary" disabled={marked === 0} onClick={() => allMarkers(false)}>
            Hide all markers
          </button>
        </div>
      )}
      <ErrorMessage>{error}</ErrorMessage>
      <ol className="loop-list">
        {result.loops.slice(0, shown).map((loop, i) => (
          <LoopItem
            key={loop.key}
            number={i + 1}
            loop={loop}
            note={notes.get(loop.key) ?? null}
            path={[...loop.elementIds, loop.elementIds[0]!].map((id) => labelOf.get(id) ?? '?').join(' → ')}
            readOnly={readOnly}
            actor={actor}
            onHighlight={onHighlight}
          />
        ))}
      </ol>
      {result.loops.length > shown && (
        <button type="button" className="button-secondary" onClick={() => setShown((n) => n + LOOPS_PAGE)}>
          Show {Math.min(LOOPS_PAGE, result.loops.length - shown)} more loops ({shown} of {result.loops.length} listed)
        </button>
      )}
      {broken.some(loopNoteHasWords) && (
        <>
          <h4>Notes on loops that were broken</h4>
          <ul>
            {broken.filter(loopNoteHasWords).map((note) => (
              <li key={note.key}>
                <strong>{note.name || 'Unnamed loop'}</strong>
                {note.note && `: ${note.note}`} <span className="hint">(a connection in it was removed)</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
});

/** Memoised: a rename re-renders only the loops whose path it changed. */
const LoopItem = memo(function LoopItem({
  number,
  loop,
  note,
  path,
  readOnly,
  actor,
  onHighlight,
}: {
  number: number;
  loop: FeedbackLoop;
  note: LoopNote | null;
  path: string;
  readOnly: boolean;
  actor: Actor;
  onHighlight: (loop: FeedbackLoop | null) => void;
}) {
  const conn = useRoomConnection();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(note?.name ?? '');
  const [text, setText] = useState(note?.note ?? '');
  const { error, attempt } = useAttempt();
  const id = useId();
  // The panel reads the map a render behind the canvas (deferred, see MapEditor): the switch
  // shows what was asked at once, not the old state for a moment, until the map says so.
  const stored = note?.marker === true;
  const [asked, setAsked] = useState<boolean | null>(null);
  useEffect(() => setAsked(null), [stored]);

  // A note found through a changed key (see `matchLoopNotes`) is written back under its own key,
  // or the loop would end up with two notes.
  const key = note?.key ?? loop.key;
  const votes = useVoteScores().get(key) ?? 0;

  function save(event: FormEvent) {
    event.preventDefault();
    const saved = attempt(() => {
      if (!name.trim() && !text.trim() && !note?.marker) removeLoopNote(conn.doc, key);
      else setLoopNote(conn.doc, key, { name, note: text, marker: note?.marker === true }, actor);
    });
    if (saved) setEditing(false);
  }

  return (
    <li
      className={`loop loop-${loop.type}`}
      onMouseEnter={() => onHighlight(loop)}
      onMouseLeave={() => onHighlight(null)}
      onFocus={() => onHighlight(loop)}
      onBlur={() => onHighlight(null)}
      data-loop-type={loop.type}
    >
      <span className="loop-badge" aria-hidden="true">
        {LOOP_LETTER[loop.type]}
        {number}
      </span>
      <div className="loop-body">
        <p className="loop-title">
          <strong>{note?.name || `${TYPE_NAME[loop.type]} loop`}</strong>
          <span className="visually-hidden"> ({TYPE_NAME[loop.type]})</span>
          {loop.type === 'unknown' && <span className="hint"> · {loop.unknownCount} link(s) with unknown polarity</span>}
          {votes > 0 && (
            <span className="loop-votes">
              {' '}
              · {votes} {votes === 1 ? 'vote' : 'votes'}
            </span>
          )}
        </p>
        <p className="loop-path">{path}</p>
        {note?.note && <p className="loop-note">{note.note}</p>}
        <div className="field-check loop-marker-switch">
          <input
            id={`${id}-marker`}
            type="checkbox"
            checked={asked ?? stored}
            disabled={readOnly}
            onChange={(e) => {
              const show = e.target.checked;
              setAsked(attempt(() => setLoopMarkers(conn.doc, [{ key, note }], show, actor)) ? show : null);
            }}
          />
          <label htmlFor={`${id}-marker`}>
            Show marker on the map<span className="visually-hidden"> for {path}</span>
          </label>
        </div>
        {!editing && <ErrorMessage>{error}</ErrorMessage>}
        {!readOnly &&
          (editing ? (
            <form className="inline-form" onSubmit={save}>
              <label htmlFor={`${id}-name`}>Name of the loop</label>
              <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
              <label htmlFor={`${id}-note`}>What it means</label>
              <textarea id={`${id}-note`} value={text} rows={2} onChange={(e) => setText(e.target.value)} />
              <FormActions onCancel={() => setEditing(false)} error={error} />
            </form>
          ) : (
            <button
              type="button"
              className="button-link"
              onClick={() => {
                setName(note?.name ?? '');
                setText(note?.note ?? '');
                setEditing(true);
              }}
            >
              {note && loopNoteHasWords(note) ? 'Edit name and note' : 'Name this loop'}
              <span className="visually-hidden"> {path}</span>
            </button>
          ))}
      </div>
    </li>
  );
});
