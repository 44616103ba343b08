/**
 * Named versions: save the map as it is now ("after workshop 3"), look at any version
 * read-only, and see what changed between a version and now.
 */
import { memo, useId, useState, type FormEvent } from 'react';
import { newId } from '../../shared/ids.js';
import type { Actor } from '../../shared/map/doc.js';
import type { MapData } from '../../shared/map/model.js';
import { deleteVersion, diffIsEmpty, diffMaps, listVersions, observeVersions, readVersion, saveVersion, VERSION_NAME_MAX, type MapDiff } from '../../shared/map/versions.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { formatDateTime } from '../ui/format.js';

export interface ViewedVersion {
  id: string;
  name: string;
  map: MapData;
}

/**
 * Memoised, so it takes the live map as a function read when saving or comparing: the map
 * changes with every move, the panel need not.
 */
export const VersionsPanel = memo(function VersionsPanel({
  getLiveMap,
  readOnly,
  actor,
  viewing,
  onView,
}: {
  getLiveMap: () => MapData;
  readOnly: boolean;
  actor: Actor;
  viewing: ViewedVersion | null;
  onView: (version: ViewedVersion | null) => void;
}) {
  const conn = useRoomConnection();
  const versions = useExternalValue((onChange) => observeVersions(conn.doc, onChange), () => listVersions(conn.doc), [conn]);
  const [name, setName] = useState('');
  const { error, attempt } = useAttempt();
  const [comparing, setComparing] = useState<{ name: string; diff: MapDiff } | null>(null);
  const id = useId();

  function save(event: FormEvent) {
    event.preventDefault();
    if (attempt(() => saveVersion(conn.doc, newId(), name, getLiveMap(), actor))) setName('');
  }

  return (
    <section className="versions" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Versions</h3>
      {!readOnly && (
        <form className="inline-form" onSubmit={save}>
          <label htmlFor={`${id}-name`}>Save the map as it is now, as</label>
          <div className="inline-row">
            <input id={`${id}-name`} value={name} maxLength={VERSION_NAME_MAX} placeholder="after workshop 3" onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="button-secondary">
              Save version
            </button>
          </div>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      )}
      {versions.length === 0 ? (
        <p className="empty">No versions saved yet.</p>
      ) : (
        <ol className="version-list" reversed>
          {[...versions].reverse().map((v) => (
            <li key={v.id}>
              <strong>{v.name}</strong>
              <span className="hint">
                {' '}
                · {formatDateTime(v.saved.at)} by {v.saved.name} · {v.elementCount} elements, {v.connectionCount} connections
              </span>
              <div className="inline-row">
                <button
                  type="button"
                  className="button-link"
                  aria-pressed={viewing?.id === v.id}
                  onClick={() => {
                    const map = readVersion(conn.doc, v.id);
                    if (map) onView(viewing?.id === v.id ? null : { id: v.id, name: v.name, map });
                  }}
                >
                  {viewing?.id === v.id ? 'Back to live' : 'View'}
                  <span className="visually-hidden"> {v.name}</span>
                </button>
                <button
                  type="button"
                  className="button-link"
                  onClick={() => {
                    const map = readVersion(conn.doc, v.id);
                    if (map) setComparing({ name: v.name, diff: diffMaps(map, getLiveMap()) });
                  }}
                >
                  Compare with now<span className="visually-hidden"> ({v.name})</span>
                </button>
                {!readOnly && (
                  <button type="button" className="button-link" onClick={() => deleteVersion(conn.doc, v.id)}>
                    Delete<span className="visually-hidden"> {v.name}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      {comparing && <DiffSummary name={comparing.name} diff={comparing.diff} onClose={() => setComparing(null)} />}
    </section>
  );
});

function DiffSummary({ name, diff, onClose }: { name: string; diff: MapDiff; onClose: () => void }) {
  const rows: [string, string[]][] = [
    ['Elements added', diff.addedElements.map((e) => e.label)],
    ['Elements removed', diff.removedElements.map((e) => e.label)],
    ['Elements changed', diff.changedElements.map((c) => `${c.after.label}: ${c.changes.map((f) => `${f.field} “${f.before}” → “${f.after}”`).join('; ')}`)],
    ['Connections added', diff.addedConnections.map((c) => c.id)],
    ['Connections removed', diff.removedConnections.map((c) => c.id)],
    ['Connections changed', diff.changedConnections.map((c) => c.changes.map((f) => `${f.field} “${f.before}” → “${f.after}”`).join('; '))],
  ];
  return (
    <div className="diff" role="region" aria-label={`Changes since ${name}`}>
      <h4>Since “{name}”</h4>
      {diffIsEmpty(diff) ? (
        <p>Nothing has changed.</p>
      ) : (
        <dl data-testid="diff">
          {rows
            .filter(([, items]) => items.length > 0)
            .map(([label, items]) => (
              <div key={label}>
                <dt>
                  {label} ({items.length})
                </dt>
                {items.map((item, i) => (
                  <dd key={i}>{item}</dd>
                ))}
              </div>
            ))}
        </dl>
      )}
      <button type="button" className="button-link" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
