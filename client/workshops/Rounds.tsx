/**
 * A workshop's rounds on its page: the facilitator opens a dot vote, a private-notes round or a
 * check-in round; everyone takes part; the facilitator closes or reveals it. What this page
 * shows of other people's entries comes only from the round's public state in the workshop
 * room (a count while open, the results once closed): the server gives this page nothing else,
 * so there is nothing here to hide.
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { User } from '../../shared/api.js';
import { ROUND_KIND_NAMES, ROUND_LIMITS, readRounds, voteTargets, WORKSHOP_ROUNDS_ROOT, type Round, type RoundKind, type RoundState } from '../../shared/workshops/rounds.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { messageOf } from '../api/http.js';
import { useAddNote, useCastVotes, useCloseRound, useNotesToMap, useOpenRound, useRounds } from '../api/queries.js';
import { loopOnMap } from '../../shared/map/loops.js';
import { useMapData } from '../map/useMap.js';
import { useRootMapValue } from '../room/hooks.js';
import { RoomProvider } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { MapSelect, useMapChoice } from './MapChoice.js';

/** The rounds as the workshop room's doc shows them (server-written), following it live. */
function useRoundStates(): RoundState[] {
  return useRootMapValue(WORKSHOP_ROUNDS_ROOT, readRounds);
}

export interface RoundsProps {
  workshop: Workshop;
  me: User;
  canRun: boolean;
  /** Members and facilitators take part; viewers follow. */
  canTakePart: boolean;
  /** The map the current step works on, offered first for a new round. */
  stepRoomId: string | null;
}

export function Rounds({ workshop, me, canRun, canTakePart, stepRoomId }: RoundsProps) {
  const states = useRoundStates();
  const mine = useRounds(workshop.id);
  // Read again when a round changes for everyone (opened, closed, a count): our own entries are
  // in the API's answer, and a round opened by another facilitator needs its entry here.
  const stamp = states.map((s) => `${s.id}:${s.status}`).join();
  const mineById = useMemo(() => new Map((mine.data?.rounds ?? []).map((r) => [r.id, r])), [mine.data]);
  const refetch = mine.refetch;
  useEffect(() => void refetch(), [stamp, refetch]);
  const open = states.filter((s) => s.status === 'open').reverse();
  const closed = states.filter((s) => s.status === 'closed').reverse();
  // Facilitators see every round. Participants see what the moment needs — the open rounds or,
  // when none is open, the latest results — and earlier rounds fold away.
  const shownClosed = canRun ? closed : open.length === 0 ? closed.slice(0, 1) : [];
  const folded = closed.slice(shownClosed.length);

  return (
    <section className="panel workshop-rounds" aria-labelledby="rounds-heading">
      <h2 id="rounds-heading">Rounds</h2>
      {canRun && <OpenRoundForm workshop={workshop} stepRoomId={stepRoomId} />}
      {states.length === 0 && <p className="hint">{canRun ? 'No rounds yet: open one above.' : 'No rounds yet: the facilitator opens them.'}</p>}
      {open.map((state) => (
        <RoundCard key={state.id} workshop={workshop} me={me} state={state} mine={mineById.get(state.id)} canRun={canRun} canTakePart={canTakePart} />
      ))}
      {shownClosed.map((state) => (
        <RoundCard key={state.id} workshop={workshop} me={me} state={state} mine={mineById.get(state.id)} canRun={canRun} canTakePart={canTakePart} />
      ))}
      {folded.length > 0 && (
        <details className="earlier-rounds">
          <summary>Earlier rounds ({folded.length})</summary>
          {folded.map((state) => (
            <RoundCard key={state.id} workshop={workshop} me={me} state={state} mine={mineById.get(state.id)} canRun={canRun} canTakePart={canTakePart} />
          ))}
        </details>
      )}
      <ErrorMessage>{mine.error ? messageOf(mine.error) : null}</ErrorMessage>
    </section>
  );
}

function OpenRoundForm({ workshop, stepRoomId }: { workshop: Workshop; stepRoomId: string | null }) {
  const id = useId();
  const map = useMapChoice(workshop.siteSlug, stepRoomId);
  const chosenMap = map.chosen;
  const [kind, setKind] = useState<RoundKind>('vote');
  const [prompt, setPrompt] = useState('');
  const [votes, setVotes] = useState(String(ROUND_LIMITS.votesPerPersonDefault));
  const [anonymous, setAnonymous] = useState(true);
  const opening = useOpenRound(workshop.id);
  const submit = useSubmitOnce(opening);

  function open(event: FormEvent) {
    event.preventDefault();
    submit(
      {
        kind,
        prompt: prompt.trim() || undefined,
        roomId: kind === 'check-in' || !chosenMap ? undefined : chosenMap,
        ...(kind === 'vote' ? { votesPerPerson: Number(votes), anonymous } : {}),
      },
      { onSuccess: () => setPrompt('') },
    );
  }

  return (
    <form className="round-form" onSubmit={open} aria-label="Open a round">
      <div className="field">
        <label htmlFor={`${id}-kind`}>New round</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as RoundKind)}>
          {(Object.keys(ROUND_KIND_NAMES) as RoundKind[]).map((k) => (
            <option key={k} value={k}>
              {ROUND_KIND_NAMES[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Question</label>
        <input
          id={`${id}-prompt`}
          value={prompt}
          maxLength={ROUND_LIMITS.promptMax}
          placeholder={kind === 'vote' ? 'Which causes matter most?' : kind === 'check-in' ? 'One word for how you arrive' : 'What keeps people at home?'}
          onChange={(e) => setPrompt(e.target.value)}
        />
      </div>
      {kind !== 'check-in' && (
        <MapSelect id={`${id}-map`} label={kind === 'vote' ? 'Vote on the map' : 'Notes can go on the map'} choice={map} required={kind === 'vote'} />
      )}
      {kind === 'vote' && (
        <div className="inline-row">
          <div className="field">
            <label htmlFor={`${id}-votes`}>Dots each</label>
            <input id={`${id}-votes`} type="number" min={1} max={ROUND_LIMITS.votesPerPersonMax} value={votes} onChange={(e) => setVotes(e.target.value)} required />
          </div>
          <div className="field-check">
            <input id={`${id}-anon`} type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            <label htmlFor={`${id}-anon`}>Anonymous</label>
          </div>
        </div>
      )}
      <button type="submit" disabled={opening.isPending || (kind === 'vote' && !chosenMap)}>
        Open the round
      </button>
      <ErrorMessage>{opening.error ? messageOf(opening.error) : null}</ErrorMessage>
    </form>
  );
}

interface CardProps {
  workshop: Workshop;
  me: User;
  state: RoundState;
  mine: Round | undefined;
  canRun: boolean;
  canTakePart: boolean;
}

function RoundCard(props: CardProps) {
  const { workshop, state, canRun } = props;
  const closing = useCloseRound(workshop.id);
  const close = useSubmitOnce(closing);
  const title = state.prompt || ROUND_KIND_NAMES[state.kind];
  const headingId = useId();
  const people = `${state.submitted} ${state.submitted === 1 ? 'person has' : 'people have'} ${state.kind === 'vote' ? 'voted' : 'answered'}`;
  return (
    <article className={`round-card round-${state.status}`} aria-labelledby={headingId} data-round-kind={state.kind}>
      <h3 id={headingId}>
        {title} <span className="round-kind">{ROUND_KIND_NAMES[state.kind]}</span>
      </h3>
      <p className="hint" role="status">
        {state.status === 'open'
          ? `Open · ${people}${state.kind === 'vote' ? ` · ${state.votesPerPerson} dots each${state.anonymous ? ', anonymous' : ''}` : ''}`
          : `${state.kind === 'vote' ? 'Closed' : 'Revealed'} · ${state.results?.participants ?? 0} took part`}
      </p>
      {state.roomId ? <RoundOnMap {...props} /> : <RoundBody {...props} tallyLabel={() => ''} />}
      {canRun && state.status === 'open' && (
        <button type="button" disabled={closing.isPending} onClick={() => close({ roundId: state.id, action: state.kind === 'vote' ? 'close' : 'reveal' })}>
          {state.kind === 'vote' ? 'Close the vote and show the results' : state.kind === 'check-in' ? 'Show everyone’s answers' : 'Reveal all notes'}
        </button>
      )}
      <ErrorMessage>{closing.error ? messageOf(closing.error) : null}</ErrorMessage>
    </article>
  );
}

/** A round on a map: its elements' labels come from the map's own room, opened alongside. */
function RoundOnMap(props: CardProps) {
  const { state, me } = props;
  return (
    <RoomProvider roomId={state.roomId!} title="" user={me} offline={false}>
      <MapRound {...props} />
    </RoomProvider>
  );
}

function MapRound(props: CardProps) {
  const map = useMapData();
  // Elements, then the links between them ("Benches → Footfall"), then the named loops still on the map.
  const targets = useMemo(() => voteTargets(map, (key) => loopOnMap(map, key)), [map]);
  const ballot = useMemo(() => [...targets].map(([id, t]) => ({ id, label: t.label })), [targets]);
  return <RoundBody {...props} tallyLabel={(id) => targets.get(id)?.label ?? 'Something no longer on the map'} ballot={ballot} />;
}

function RoundBody({ workshop, state, mine, canRun, canTakePart, tallyLabel, ballot }: CardProps & { tallyLabel: (id: string) => string; ballot?: { id: string; label: string }[] }) {
  if (state.status === 'closed' && state.results) {
    if (state.kind === 'vote') {
      const top = Math.max(1, ...state.results.tallies.map((t) => t.votes));
      return (
        <>
          <ol className="round-tallies" aria-label="Results">
            {state.results.tallies.map((t) => (
              <li key={t.targetId}>
                <span className="tally-label">{tallyLabel(t.targetId)}</span>
                <span className="tally-bar" style={{ width: `${(100 * t.votes) / top}%` }} aria-hidden="true" />
                <span className="tally-votes">
                  {t.votes} {t.votes === 1 ? 'vote' : 'votes'}
                </span>
                {t.voters.length > 0 && <span className="hint"> ({t.voters.map((v) => v.name).join(', ')})</span>}
              </li>
            ))}
          </ol>
          {state.results.tallies.length === 0 && <p className="hint">Nobody voted.</p>}
          <p className="hint">
            Kept on the map as scores: <Link to={`/rooms/${state.roomId}`}>open the map</Link> and size its elements by votes.
          </p>
        </>
      );
    }
    return <RevealedNotes workshop={workshop} state={state} canRun={canRun} />;
  }
  if (!canTakePart) return <p className="hint">Viewers follow along; members take part.</p>;
  if (state.kind === 'vote') return <VoteBallot workshop={workshop} state={state} mine={mine} items={ballot ?? []} />;
  return <NoteForm workshop={workshop} state={state} mine={mine} />;
}

/** Dots to place on the map's elements: stack several on one, take them back, then save. */
function VoteBallot({ workshop, state, mine, items }: { workshop: Workshop; state: RoundState; mine: Round | undefined; items: { id: string; label: string }[] }) {
  const saved = mine?.mine.targets;
  const [dots, setDots] = useState<string[] | null>(null);
  const placed = dots ?? saved ?? [];
  const allowed = state.votesPerPerson ?? 0;
  const casting = useCastVotes(workshop.id);
  const cast = useSubmitOnce(casting);
  const changed = dots !== null && [...dots].sort().join() !== [...(saved ?? [])].sort().join();
  const count = (id: string) => placed.filter((t) => t === id).length;
  const left = allowed - placed.length;

  return (
    <div className="vote-ballot">
      <p className="hint" aria-live="polite">
        {left === 0 ? 'All your dots are placed.' : `${left} of ${allowed} ${allowed === 1 ? 'dot' : 'dots'} left.`}{' '}
        {!changed && saved && saved.length > 0 ? 'Your votes are saved.' : ''}
      </p>
      <ul className="ballot-items">
        {items.map((item) => (
          <li key={item.id}>
            <span className="ballot-label">{item.label}</span>
            <span className="ballot-dots" aria-hidden="true">
              {'●'.repeat(count(item.id))}
            </span>
            <span className="inline-row">
              <button type="button" className="button-secondary" aria-label={`Take a dot from “${item.label}”`} disabled={count(item.id) === 0} onClick={() => setDots(removeOne(placed, item.id))}>
                −
              </button>
              <button type="button" className="button-secondary" aria-label={`Add a dot to “${item.label}”`} disabled={left <= 0} onClick={() => setDots([...placed, item.id])}>
                +
              </button>
            </span>
          </li>
        ))}
      </ul>
      {items.length === 0 && <p className="hint">The map has no elements to vote on yet.</p>}
      <button type="button" disabled={!changed || casting.isPending} onClick={() => cast({ roundId: state.id, targets: placed }, { onSuccess: () => setDots(null) })}>
        Save my votes
      </button>
      <ErrorMessage>{casting.error ? messageOf(casting.error) : null}</ErrorMessage>
    </div>
  );
}

function removeOne(list: readonly string[], id: string): string[] {
  const at = list.lastIndexOf(id);
  return at < 0 ? [...list] : [...list.slice(0, at), ...list.slice(at + 1)];
}

function NoteForm({ workshop, state, mine }: { workshop: Workshop; state: RoundState; mine: Round | undefined }) {
  const id = useId();
  const [text, setText] = useState('');
  const adding = useAddNote(workshop.id);
  const add = useSubmitOnce(adding);
  const checkIn = state.kind === 'check-in';
  const notes = mine?.mine.notes ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) add({ roundId: state.id, text }, { onSuccess: () => setText('') });
  }

  return (
    <form className="note-form" onSubmit={submit}>
      <label htmlFor={`${id}-text`}>{checkIn ? 'Your answer (one line)' : 'Your note: only you see it until the facilitator reveals all notes'}</label>
      {checkIn ? (
        <input id={`${id}-text`} value={text} maxLength={ROUND_LIMITS.answerMax} onChange={(e) => setText(e.target.value)} required />
      ) : (
        <textarea id={`${id}-text`} value={text} rows={2} maxLength={ROUND_LIMITS.noteMax} onChange={(e) => setText(e.target.value)} required />
      )}
      <button type="submit" disabled={adding.isPending}>
        {checkIn ? (notes.length > 0 ? 'Change my answer' : 'Give my answer') : 'Add note'}
      </button>
      {notes.length > 0 && (
        <>
          <p className="hint">{checkIn ? 'Your answer:' : `Your notes (${notes.length}), seen only by you for now:`}</p>
          <ul className="my-notes">
            {notes.map((n) => (
              <li key={n.id}>{n.text}</li>
            ))}
          </ul>
        </>
      )}
      <ErrorMessage>{adding.error ? messageOf(adding.error) : null}</ErrorMessage>
    </form>
  );
}

/** Revealed notes and answers; the facilitator picks notes to become elements of the map. */
function RevealedNotes({ workshop, state, canRun }: { workshop: Workshop; state: RoundState; canRun: boolean }) {
  const id = useId();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [group, setGroup] = useState('');
  const toMap = useNotesToMap(workshop.id);
  const send = useSubmitOnce(toMap);
  const [added, setAdded] = useState<number | null>(null);
  const notes = state.results?.notes ?? [];
  const pick = canRun && state.kind === 'private-notes' && state.roomId !== null;

  function addToMap(event: FormEvent) {
    event.preventDefault();
    send(
      { roundId: state.id, body: { noteIds: [...chosen], group: group.trim() || undefined } },
      {
        onSuccess: (answer) => {
          setAdded(answer.elementIds.length);
          setChosen(new Set());
        },
      },
    );
  }

  const list = (
    <ul className={state.kind === 'check-in' ? 'check-in-answers' : 'revealed-notes'}>
      {notes.map((n) => (
        <li key={n.id}>
          {pick && (
            <input
              type="checkbox"
              aria-label={`Choose “${n.text}”`}
              checked={chosen.has(n.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(n.id);
                else next.delete(n.id);
                setChosen(next);
              }}
            />
          )}{' '}
          <span className="note-text">{n.text}</span>{' '}
          <span className="hint">
            — {n.author.name}
            {n.author.organisation && `, ${n.author.organisation}`}
          </span>
        </li>
      ))}
    </ul>
  );
  if (notes.length === 0) return <p className="hint">Nobody wrote anything.</p>;
  if (!pick) return list;
  return (
    <form onSubmit={addToMap} className="notes-to-map">
      {list}
      <div className="inline-row">
        <button type="button" className="button-secondary" onClick={() => setChosen(new Set(notes.map((n) => n.id)))}>
          Choose all
        </button>
        <div className="field">
          <label htmlFor={`${id}-group`}>Group them as</label>
          <input id={`${id}-group`} value={group} maxLength={200} placeholder="e.g. What keeps people at home" onChange={(e) => setGroup(e.target.value)} />
        </div>
        <button type="submit" disabled={chosen.size === 0 || toMap.isPending}>
          Add {chosen.size || ''} chosen {chosen.size === 1 ? 'note' : 'notes'} to the map
        </button>
      </div>
      {added !== null && (
        <p role="status">
          Added {added} {added === 1 ? 'element' : 'elements'} to the map. <Link to={`/rooms/${state.roomId}`}>Open the map</Link>
        </p>
      )}
      <ErrorMessage>{toMap.error ? messageOf(toMap.error) : null}</ErrorMessage>
    </form>
  );
}
