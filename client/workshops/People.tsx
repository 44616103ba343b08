/**
 * Who is in the workshop: hands up in the order they went up (kept by the server, so a
 * facilitator who reloads still sees the queue), and everyone who has joined, with their
 * organisation and whether they are connected now (the room's presence).
 */
import type { User } from '../../shared/api.js';
import type { WorkshopLive } from '../../shared/workshops/live.js';
import { messageOf } from '../api/http.js';
import { useHand, useWorkshopPeople } from '../api/queries.js';
import { usePeople } from '../room/hooks.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

export function People({ workshopId, live, me, canRun, canTakePart }: { workshopId: string; live: WorkshopLive; me: User; canRun: boolean; canTakePart: boolean }) {
  const present = usePeople();
  const connected = new Set(present.map((p) => p.id));
  // Who has come changes only when someone connects: read again then.
  const joined = useWorkshopPeople(workshopId, [...connected].sort().join());
  const handing = useHand(workshopId);
  const hand = useSubmitOnce(handing);
  const mine = live.hands.some((h) => h.userId === me.id);
  const ended = live.endedAt !== null;
  // Everyone who has joined, and anyone connected the list has not caught up with yet.
  const people = [...(joined.data?.people ?? [])];
  for (const p of present) if (!people.some((x) => x.userId === p.id)) people.push({ userId: p.id, name: p.name, organisation: p.organisation, firstSeen: '' });
  people.sort((a, b) => Number(connected.has(b.userId)) - Number(connected.has(a.userId)) || a.name.localeCompare(b.name));

  return (
    <section className="panel workshop-people" aria-labelledby="people-heading">
      <h2 id="people-heading">
        People <span className="count">({connected.size} here)</span>
      </h2>
      {canTakePart && !ended && (
        <button type="button" className={mine ? 'button-secondary' : undefined} disabled={handing.isPending} aria-pressed={mine} onClick={() => hand({ raised: !mine })}>
          {mine ? 'Lower my hand' : 'Raise my hand'}
        </button>
      )}
      {live.hands.length > 0 && (
        <>
          <h3>Hands up ({live.hands.length})</h3>
          <ol className="hands" aria-label="Hands up, in order">
            {live.hands.map((h) => (
              <li key={h.userId}>
                <strong>{h.name}</strong> <span className="hint">{h.organisation}</span>
                {canRun && h.userId !== me.id && (
                  <button type="button" className="button-link" onClick={() => hand({ raised: false, userId: h.userId })}>
                    Lower<span className="visually-hidden"> {h.name}’s hand</span>
                  </button>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      <ul className="workshop-people-list" aria-label="Everyone who has joined">
        {people.map((p) => (
          <li key={p.userId} className={connected.has(p.userId) ? 'is-here' : 'is-away'}>
            <span className="presence-dot" aria-hidden="true" /> {p.name}
            {p.userId === me.id && ' (you)'} <span className="hint">{p.organisation}</span>
            <span className="visually-hidden">{connected.has(p.userId) ? ', connected' : ', not connected'}</span>
          </li>
        ))}
      </ul>
      <ErrorMessage>{handing.error ? messageOf(handing.error) : joined.error ? messageOf(joined.error) : null}</ErrorMessage>
    </section>
  );
}
