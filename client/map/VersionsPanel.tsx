/**
 * Named versions: save the map as it is now ("after workshop 3"), look at any version
 * read-only, see what changed between a version and now, and restore one for everyone. The
 * server keeps the versions (`client/room/versions.tsx`); the live map never holds them.
 */
import { memo, useId, useState } from 'react';
import type { Version } from '../../shared/api.js';
import type { MapData } from '../../shared/map/model.js';
import { describeDiff, diffIsEmpty, diffMaps, type MapDiff } from '../../shared/map/versions.js';
import { messageOf } from '../api/http.js';
import { SaveVersionForm, useRoomVersions, VersionByline } from '../room/versions.js';
import { ErrorMessage } from '../ui/Notice.js';

export interface ViewedVersion {
  id: string;
  name: string;
  map: MapData;
}

/**
 * Memoised, so it takes the live map as a function read when comparing: the map changes with
 * every move, the panel need not.
 */
export const VersionsPanel = memo(function VersionsPanel({
  getLiveMap,
  readOnly,
  viewing,
  onView,
}: {
  getLiveMap: () => MapData;
  readOnly: boolean;
  viewing: ViewedVersion | null;
  onView: (version: ViewedVersion | null) => void;
}) {
  const { versions, canDelete, error, fetchVersion, restore, restoring, remove } = useRoomVersions('the map');
  const [comparing, setComparing] = useState<{ name: string; diff: MapDiff; before: MapData; after: MapData } | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [fetchError, setFetchError] = useState<string | null>(null);
  const id = useId();

  /** Fetches the version's map (once: versions never change), then hands it on. */
  async function withMap(v: Version, then: (map: MapData) => void) {
    setLoading(v.id);
    setFetchError(null);
    try {
      const { content } = await fetchVersion(v.id);
      if (content.kind === 'map') then(content.map);
    } catch (e) {
      setFetchError(messageOf(e));
    } finally {
      setLoading(null);
    }
  }

  return (
    <section className="versions" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Versions</h3>
      {!readOnly && <SaveVersionForm label="Save the map as it is now, as" placeholder="after workshop 3" />}
      <ErrorMessage>{fetchError ?? error}</ErrorMessage>
      {versions.length === 0 ? (
        <p className="empty">No versions saved yet.</p>
      ) : (
        <ol className="version-list" reversed>
          {versions.map((v) => (
            <li key={v.id}>
              <strong>{v.name}</strong>
              <VersionByline version={v} />
              <div className="inline-row">
                <button
                  type="button"
                  className="button-link"
                  aria-pressed={viewing?.id === v.id}
                  disabled={loading === v.id}
                  onClick={() => (viewing?.id === v.id ? onView(null) : void withMap(v, (map) => onView({ id: v.id, name: v.name, map })))}
                >
                  {viewing?.id === v.id ? 'Back to live' : 'View'}
                  <span className="visually-hidden"> {v.name}</span>
                </button>
                <button
                  type="button"
                  className="button-link"
                  disabled={loading === v.id}
                  onClick={() =>
                    void withMap(v, (map) => {
                      const live = getLiveMap();
                      setComparing({ name: v.name, diff: diffMaps(map, live), before: map, after: live });
                    })
                  }
                >
                  Compare with now<span className="visually-hidden"> ({v.name})</span>
                </button>
                {!readOnly && (
                  <button type="button" className="button-link" disabled={restoring} onClick={() => restore(v, () => onView(null))}>
                    Restore<span className="visually-hidden"> {v.name}</span>
                  </button>
                )}
                {canDelete && (
                  <button type="button" className="button-link" onClick={() => remove(v)}>
                    Delete<span className="visually-hidden"> {v.name}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      {comparing && <DiffSummary {...comparing} onClose={() => setComparing(null)} />}
    </section>
  );
});

function DiffSummary({ name, diff, before, after, onClose }: { name: string; diff: MapDiff; before: MapData; after: MapData; onClose: () => void }) {
  const rows = describeDiff(diff, before, after).map((s): [string, string[]] => [s.heading, s.lines]);
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
