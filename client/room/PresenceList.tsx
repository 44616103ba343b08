import { usePeople } from './hooks.js';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** Who is in the room now: name, organisation and their colour, yourself first. */
export function PresenceList() {
  const people = usePeople();
  return (
    <section aria-labelledby="presence-heading" className="presence">
      <h2 id="presence-heading">
        Here now <span className="count">({people.length})</span>
      </h2>
      <ul className="presence-list">
        {people.map((person) => (
          <li key={person.id} className="person" data-person-id={person.id}>
            <span className="avatar" style={{ background: person.colour }} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span className="person-text">
              <span className="person-name">
                {person.name}
                {person.isSelf && ' (you)'}
              </span>
              <span className="person-org">{person.organisation}</span>
            </span>
            {person.connections > 1 && <span className="person-tabs">{person.connections} tabs</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
