import { usePeople } from './hooks.js';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** Avatars a compact list shows before "+N more". */
const COMPACT_AVATARS = 6;

/**
 * Who is in the room now: name, organisation and their colour, yourself first. `compact` (a map
 * room's top bar): a row of avatars, each naming its person on hover and to screen readers.
 */
export function PresenceList({ compact = false }: { compact?: boolean }) {
  const people = usePeople();
  const more = compact ? people.length - COMPACT_AVATARS : 0;
  return (
    <section aria-labelledby="presence-heading" className={compact ? 'presence presence-compact' : 'presence'}>
      <h2 id="presence-heading" className={compact ? 'visually-hidden' : undefined}>
        Here now <span className="count">({people.length})</span>
      </h2>
      <ul className="presence-list">
        {people.map((person) => (
          <li key={person.id} className="person" data-person-id={person.id} title={compact ? `${person.name}${person.isSelf ? ' (you)' : ''}, ${person.organisation}` : undefined}>
            <span className="avatar" style={{ background: person.colour }} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span className={compact ? 'person-text visually-hidden' : 'person-text'}>
              <span className="person-name">
                {person.name}
                {person.isSelf && ' (you)'}
              </span>
              <span className="person-org">{person.organisation}</span>
            </span>
            {person.connections > 1 && <span className={compact ? 'person-tabs visually-hidden' : 'person-tabs'}>{person.connections} tabs</span>}
          </li>
        ))}
      </ul>
      {more > 0 && (
        <span className="presence-more" aria-hidden="true">
          +{more}
        </span>
      )}
    </section>
  );
}
