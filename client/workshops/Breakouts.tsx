/**
 * Breakouts on the workshop page: the facilitator splits the people here into groups, each
 * working in its own copy of a map; everyone sees their group and a link to its map; the
 * facilitator compares each group's changes with the map as it was and merges the chosen ones.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { User } from '../../shared/api.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { BREAKOUT_GROUPS_MAX, type Breakout } from '../../shared/workshops/live.js';
import { messageOf } from '../api/http.js';
import { useBreakoutChanges, useCloseBreakout, useMergeBreakout, useStartBreakout } from '../api/queries.js';
import { usePeople } from '../room/hooks.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { MapSelect, useMapChoice } from './MapChoice.js';
import { workshopRoomLink } from './summon.js';

const CHANGE_NAMES = { added: 'Added', changed: 'Changed', removed: 'Removed' } as const;

export function Breakouts({ workshop, breakout, me, canRun, stepRoomId }: { workshop: Workshop; breakout: Breakout | null; me: User; canRun: boolean; stepRoomId: string | null }) {
  const under = breakout !== null && breakout.closedAt === null;
  if (!canRun && !breakout) return null;
  return (
    <section className="panel workshop-breakouts" aria-labelledby="breakouts-heading">
      <h2 id="breakouts-heading">Breakouts</h2>
      {canRun && !under && <StartBreakouts workshop={workshop} me={me} stepRoomId={stepRoomId} />}
      {breakout && (
        <>
          <p className="hint">
            {breakout.groups.length} groups · started {formatDateTime(new Date(breakout.startedAt).toISOString())}
            {breakout.closedAt !== null && ' · closed: their maps are locked'}
          </p>
          <ul className="breakout-groups">
            {breakout.groups.map((g) => (
              <li key={g.roomId}>
                <strong>{g.name}</strong> <span className="hint">{g.members.map((m) => m.name).join(', ') || 'nobody yet'}</span>{' '}
                <Link to={workshopRoomLink(workshop.id, g.roomId)}>Open its map</Link>
                {canRun && <CompareAndMerge workshop={workshop} groupRoomId={g.roomId} name={g.name} />}
              </li>
            ))}
          </ul>
          {canRun && under && <CloseBreakouts workshop={workshop} />}
        </>
      )}
    </section>
  );
}

/** Where a participant goes during breakouts: shown at the top of the workshop page, first thing on a phone. */
export function YourBreakoutGroup({ workshop, breakout, me }: { workshop: Workshop; breakout: Breakout | null; me: User }) {
  const mine = breakout?.closedAt === null ? breakout.groups.find((g) => g.members.some((m) => m.userId === me.id)) : undefined;
  if (!mine) return null;
  return (
    <p className="breakout-mine" role="status">
      You are in <strong>{mine.name}</strong>: <Link to={workshopRoomLink(workshop.id, mine.roomId)}>open your group’s map</Link>
    </p>
  );
}

/** Splits the people here (but the facilitator) into groups in turn; the facilitator sees the split before starting. */
function StartBreakouts({ workshop, me, stepRoomId }: { workshop: Workshop; me: User; stepRoomId: string | null }) {
  const id = useId();
  const people = usePeople().filter((p) => p.id !== me.id);
  const map = useMapChoice(workshop.siteSlug, stepRoomId);
  const chosenMap = map.chosen;
  const [count, setCount] = useState('2');
  const starting = useStartBreakout(workshop.id);
  const start = useSubmitOnce(starting);
  const n = Math.min(BREAKOUT_GROUPS_MAX, Math.max(1, Number(count) || 1));
  const groups = Array.from({ length: n }, (_, i) => ({ name: `Group ${i + 1}`, userIds: people.filter((_, j) => j % n === i).map((p) => p.id) }));

  function submit(event: FormEvent) {
    event.preventDefault();
    start({ roomId: chosenMap, groups });
  }

  return (
    <form className="round-form" onSubmit={submit} aria-label="Start breakouts">
      <MapSelect id={`${id}-map`} label="Each group works on a copy of" choice={map} required />
      <div className="field">
        <label htmlFor={`${id}-count`}>Groups</label>
        <input id={`${id}-count`} type="number" min={1} max={BREAKOUT_GROUPS_MAX} value={count} onChange={(e) => setCount(e.target.value)} required />
      </div>
      <button type="submit" disabled={!chosenMap || starting.isPending}>
        Start breakouts
      </button>
      <p className="hint breakout-preview">
        {people.length === 0 ? 'Nobody else is here yet.' : groups.map((g) => `${g.name}: ${people.filter((p) => g.userIds.includes(p.id)).map((p) => p.name).join(', ') || '—'}`).join(' · ')}
      </p>
      <ErrorMessage>{starting.error ? messageOf(starting.error) : null}</ErrorMessage>
    </form>
  );
}

function CloseBreakouts({ workshop }: { workshop: Workshop }) {
  const closing = useCloseBreakout(workshop.id);
  return (
    <>
      <button type="button" className="button-secondary" disabled={closing.isPending} onClick={() => closing.mutate()}>
        Close breakouts (lock the groups’ maps)
      </button>
      <ErrorMessage>{closing.error ? messageOf(closing.error) : null}</ErrorMessage>
    </>
  );
}

/** A group's changes against the map as it was, to choose from and merge into the main map. */
function CompareAndMerge({ workshop, groupRoomId, name }: { workshop: Workshop; groupRoomId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const changes = useBreakoutChanges(workshop.id, groupRoomId, open);
  const merging = useMergeBreakout(workshop.id, groupRoomId);
  const merge = useSubmitOnce(merging);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const list = changes.data?.changes ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    merge([...chosen], { onSuccess: () => void changes.refetch() });
  }

  return (
    <details className="breakout-compare" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Compare and merge</summary>
      {changes.isPending && open && <p className="hint">Comparing…</p>}
      {changes.data && list.length === 0 && <p className="hint">{name} has changed nothing yet.</p>}
      {list.length > 0 && (
        <form onSubmit={submit}>
          <ul className="breakout-changes" aria-label={`What ${name} changed`}>
            {list.map((c) => (
              <li key={`${c.target}-${c.id}`}>
                <input
                  id={`${groupRoomId}-${c.id}`}
                  type="checkbox"
                  checked={chosen.has(c.id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(c.id);
                    else next.delete(c.id);
                    setChosen(next);
                  }}
                />{' '}
                <label htmlFor={`${groupRoomId}-${c.id}`}>
                  <span className={`change-${c.change}`}>{CHANGE_NAMES[c.change]}</span> {c.target}: {c.label}
                  {c.fields.length > 0 && <span className="hint"> ({c.fields.join(', ')})</span>}
                </label>
              </li>
            ))}
          </ul>
          <div className="inline-row">
            <button type="button" className="button-secondary" onClick={() => setChosen(new Set(list.map((c) => c.id)))}>
              Choose all
            </button>
            <button type="submit" disabled={chosen.size === 0 || merging.isPending}>
              Merge {chosen.size || ''} chosen into the main map
            </button>
          </div>
        </form>
      )}
      {merging.data && (
        <div role="status">
          <p>
            Merged {merging.data.merged} {merging.data.merged === 1 ? 'change' : 'changes'}.
          </p>
          {merging.data.skipped.length > 0 && (
            <ul>
              {merging.data.skipped.map((s) => (
                <li key={s.id}>
                  Not merged: {s.label} — {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ErrorMessage>{merging.error ? messageOf(merging.error) : changes.error ? messageOf(changes.error) : null}</ErrorMessage>
    </details>
  );
}
