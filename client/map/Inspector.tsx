/**
 * The side panel for what is selected: edit an element or a connection, connect elements by
 * keyboard, delete. Every change goes through the named helpers in `shared/map/doc.ts`.
 */
import { memo, useId, useMemo, useState } from 'react';
import { newId } from '../../shared/ids.js';
import {
  addConnection,
  removeConnections,
  removeElements,
  removeGroup,
  updateGroup,
  setPolarityView,
  updateConnection,
  updateElement,
  type Actor,
} from '../../shared/map/doc.js';
import {
  CONFIDENCES,
  ELEMENT_KINDS,
  ELEMENT_KIND_LABELS,
  MAP_LIMITS,
  POLARITIES,
  polarityDisputed,
  type Attribution,
  type Confidence,
  type ElementKind,
  type MapConnection,
  type MapData,
  type MapElement,
  type MapGroup,
  type Polarity,
} from '../../shared/map/model.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { containingGroup } from '../../shared/map/placement.js';
import { CommentsSection } from './CommentsSection.js';
import { CommitField } from './CommitField.js';
import { MAX_TARGET_OPTIONS } from './listLimits.js';
import { compareText } from '../../shared/compareText.js';

export const POLARITY_LABELS: Record<Polarity, string> = {
  '+': '+ same direction',
  '-': '− opposite direction',
  '?': '? not known yet',
};

/**
 * Memoised: it renders again only when its props change. `map` is read for labels and links
 * only (never positions), so the editor may pass one that lags behind moves; the selected
 * element itself must be current (its position decides the frame it sits in).
 */
export const Inspector = memo(function Inspector({
  map,
  selectedElement,
  selectedConnection,
  readOnly,
  actor,
  onSelect,
  focusLabelOf,
  selectedGroup = null,
}: {
  focusLabelOf?: string | null;
  selectedGroup?: MapGroup | null;
  map: MapData;
  selectedElement: MapElement | null;
  selectedConnection: MapConnection | null;
  readOnly: boolean;
  actor: Actor;
  onSelect: (selection: { element?: string; connection?: string }) => void;
}) {
  if (selectedElement) {
    return (
      <ElementInspector
        key={selectedElement.id}
        element={selectedElement}
        map={map}
        readOnly={readOnly}
        actor={actor}
        onSelect={onSelect}
        focusLabel={focusLabelOf === selectedElement.id}
      />
    );
  }
  if (selectedGroup) {
    return <GroupInspector key={selectedGroup.id} group={selectedGroup} readOnly={readOnly} actor={actor} onSelect={onSelect} />;
  }
  if (selectedConnection) {
    return <ConnectionInspector key={selectedConnection.id} connection={selectedConnection} map={map} readOnly={readOnly} actor={actor} onSelect={onSelect} />;
  }
  return (
    <section className="inspector" aria-labelledby="inspector-heading">
      <h2 id="inspector-heading">Details</h2>
      <p className="hint">Select an element or a connection to see and change its details.</p>
    </section>
  );
});

function Attributed({ what }: { what: MapElement | MapConnection }) {
  return (
    <p className="hint">
      Added by {what.created.name}
      {what.created.organisation && ` (${what.created.organisation})`}; last changed by {what.updated.name}
      {what.updated.organisation && ` (${what.updated.organisation})`}.
    </p>
  );
}

function ElementInspector({
  element,
  map,
  readOnly,
  actor,
  onSelect,
  focusLabel,
}: {
  focusLabel: boolean;
  element: MapElement;
  map: MapData;
  readOnly: boolean;
  actor: Actor;
  onSelect: (selection: { element?: string; connection?: string }) => void;
}) {
  const conn = useRoomConnection();
  const { error, attempt } = useAttempt();
  const id = useId();
  const [target, setTarget] = useState('');
  const [polarity, setPolarity] = useState<Polarity>('+');
  const update = (patch: Parameters<typeof updateElement>[2]) => attempt(() => updateElement(conn.doc, element.id, patch, actor));
  // Sorting thousands of labels by locale takes milliseconds: only when the elements change,
  // not each time this one is moved.
  const others = useMemo(
    () => map.elements.filter((e) => e.id !== element.id).sort((a, b) => compareText(a.label, b.label)),
    [map.elements, element.id],
  );
  const outgoing = useMemo(() => map.connections.filter((c) => c.from === element.id), [map.connections, element.id]);
  const incoming = useMemo(() => map.connections.filter((c) => c.to === element.id), [map.connections, element.id]);
  // A large map lists at most MAX_TARGET_OPTIONS, narrowed by a search box: a list of thousands
  // helps nobody choose, and the browser measures every option's text again whenever one
  // changes (a remote rename cost tens of ms of layout for a list that was not even open).
  const [find, setFind] = useState('');
  const large = others.length > MAX_TARGET_OPTIONS;
  const matching = useMemo(() => {
    const q = find.trim().toLocaleLowerCase('en-GB');
    return q ? others.filter((e) => e.label.toLocaleLowerCase('en-GB').includes(q)) : others;
  }, [others, find]);
  const listed = useMemo(() => {
    const first = matching.slice(0, MAX_TARGET_OPTIONS);
    // The element already chosen stays choosable while the search changes.
    const chosen = target && !first.some((e) => e.id === target) ? others.find((e) => e.id === target) : undefined;
    return chosen ? [chosen, ...first] : first;
  }, [matching, others, target]);
  // The same elements, so React skips the options when this element re-renders.
  const targetOptions = useMemo(
    () =>
      listed.map((e) => (
        <option key={e.id} value={e.id}>
          {e.label}
        </option>
      )),
    [listed],
  );
  const labelOf = (eid: string) => map.elements.find((e) => e.id === eid)?.label ?? '?';
  // Derived from where it sits: its stakeholder quadrant, iceberg level or horizon.
  const frame = containingGroup(element, map.groups);
  const changedBy = otherPerson(element.updated, actor);

  return (
    <section className="inspector" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{ELEMENT_KIND_LABELS[element.kind]}: {element.label}</h2>
      <ErrorMessage>{error}</ErrorMessage>
      <fieldset disabled={readOnly}>
        <legend className="visually-hidden">Element details</legend>
        <CommitField label="Label" value={element.label} maxLength={MAP_LIMITS.labelMax} onCommit={(label) => update({ label })} autoFocus={focusLabel} changedBy={changedBy} />
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={element.kind} onChange={(e) => update({ kind: e.target.value as ElementKind })}>
            {ELEMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ELEMENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <CommitField label="Agency" hint="The agency that owns or speaks for it" value={element.agency} maxLength={MAP_LIMITS.agencyMax} onCommit={(agency) => update({ agency })} changedBy={changedBy} />
        <CommitField
          label="Tags"
          hint="Separate tags with commas"
          value={element.tags.join(', ')}
          onCommit={(tags) => update({ tags: tags.split(',').map((t) => t.trim()).filter(Boolean) })}
        />
        <CommitField label="Description" multiline value={element.description} maxLength={MAP_LIMITS.descriptionMax} onCommit={(description) => update({ description })} changedBy={changedBy} />
      </fieldset>
      {frame && (
        <p className="frame-note">
          Sits in: <strong>{frame.label}</strong>
        </p>
      )}
      <Attributed what={element} />

      <h3>Connections</h3>
      {outgoing.length + incoming.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <ul className="inspector-links">
          {outgoing.map((c) => (
            <li key={c.id}>
              <button type="button" className="button-link" onClick={() => onSelect({ connection: c.id })}>
                → {labelOf(c.to)} ({c.polarity === '-' ? '−' : c.polarity})
              </button>
            </li>
          ))}
          {incoming.map((c) => (
            <li key={c.id}>
              <button type="button" className="button-link" onClick={() => onSelect({ connection: c.id })}>
                ← {labelOf(c.from)} ({c.polarity === '-' ? '−' : c.polarity})
              </button>
            </li>
          ))}
        </ul>
      )}
      {!readOnly && others.length > 0 && (
        <form
          className="connect-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!target) return;
            const cid = newId();
            attempt(() => addConnection(conn.doc, { id: cid, from: element.id, to: target, polarity }, actor));
            setTarget('');
          }}
        >
          <fieldset>
            <legend>Connect to another element</legend>
            {large && (
              <div className="field">
                <label htmlFor={`${id}-find`}>Find by label</label>
                <input id={`${id}-find`} type="search" value={find} onChange={(e) => setFind(e.target.value)} aria-describedby={`${id}-find-hint`} />
                <p className="hint" id={`${id}-find-hint`} aria-live="polite">
                  {matching.length > MAX_TARGET_OPTIONS
                    ? `${MAX_TARGET_OPTIONS} of ${matching.length} listed: type part of a label to narrow the list.`
                    : `${matching.length} ${matching.length === 1 ? 'element matches' : 'elements match'}.`}
                </p>
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-target`}>Affects</label>
              <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">Choose an element…</option>
                {targetOptions}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-polarity`}>Polarity</label>
              <select id={`${id}-polarity`} value={polarity} onChange={(e) => setPolarity(e.target.value as Polarity)}>
                <PolarityOptions />
              </select>
            </div>
            <button type="submit" disabled={!target}>
              Connect
            </button>
          </fieldset>
        </form>
      )}
      <CommentsSection target={{ kind: 'element', id: element.id }} readOnly={readOnly} actor={actor} />
      {!readOnly && <DeleteButton label="Delete element" onDelete={() => removeElements(conn.doc, [element.id])} onSelect={onSelect} />}
    </section>
  );
}

function ConnectionInspector({
  connection,
  map,
  readOnly,
  actor,
  onSelect,
}: {
  connection: MapConnection;
  map: MapData;
  readOnly: boolean;
  actor: Actor;
  onSelect: (selection: { element?: string; connection?: string }) => void;
}) {
  const conn = useRoomConnection();
  const { error, attempt } = useAttempt();
  const id = useId();
  const labelOf = (eid: string) => map.elements.find((e) => e.id === eid)?.label ?? '?';
  const update = (patch: Parameters<typeof updateConnection>[2]) => attempt(() => updateConnection(conn.doc, connection.id, patch, actor));
  const myView = connection.views.find((v) => v.organisation === actor.organisation)?.polarity ?? null;
  const disputed = polarityDisputed(connection);

  return (
    <section className="inspector" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        Connection: {labelOf(connection.from)} → {labelOf(connection.to)}
      </h2>
      <ErrorMessage>{error}</ErrorMessage>
      <fieldset disabled={readOnly} className="polarity-choice">
        <legend>Polarity</legend>
        {POLARITIES.map((p) => (
          <div className="field-check" key={p}>
            <input
              type="radio"
              id={`${id}-pol-${p === '-' ? 'minus' : p === '+' ? 'plus' : 'unknown'}`}
              name={`${id}-polarity`}
              checked={connection.polarity === p}
              onChange={() => update({ polarity: p })}
            />
            <label htmlFor={`${id}-pol-${p === '-' ? 'minus' : p === '+' ? 'plus' : 'unknown'}`}>{POLARITY_LABELS[p]}</label>
          </div>
        ))}
      </fieldset>
      <fieldset disabled={readOnly}>
        <legend className="visually-hidden">Connection details</legend>
        <div className="field-check">
          <input id={`${id}-delay`} type="checkbox" checked={connection.delay} onChange={(e) => update({ delay: e.target.checked })} />
          <label htmlFor={`${id}-delay`}>There is a delay before the effect shows</label>
        </div>
        <div className="field">
          <label htmlFor={`${id}-confidence`}>Confidence</label>
          <select
            id={`${id}-confidence`}
            value={connection.confidence ?? ''}
            onChange={(e) => update({ confidence: (e.target.value || null) as Confidence | null })}
          >
            <option value="">Not stated</option>
            {CONFIDENCES.map((c) => (
              <option key={c} value={c}>
                {c[0]!.toUpperCase() + c.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <CommitField label="Label" value={connection.label} maxLength={MAP_LIMITS.labelMax} onCommit={(label) => update({ label })} changedBy={otherPerson(connection.updated, actor)} />
        <CommitField label="Evidence" multiline hint="Sources, data or lived experience behind this link" value={connection.evidence} maxLength={MAP_LIMITS.evidenceMax} onCommit={(evidence) => update({ evidence })} changedBy={otherPerson(connection.updated, actor)} />
      </fieldset>

      <h3>What each agency thinks</h3>
      {disputed && <p className="notice notice-warning">Agencies disagree on this link’s polarity.</p>}
      {connection.views.length === 0 ? (
        <p className="empty">No agency has recorded a view.</p>
      ) : (
        <ul className="views">
          {connection.views.map((v) => (
            <li key={v.organisation}>
              <strong>{v.organisation}</strong>: {POLARITY_LABELS[v.polarity]} <span className="hint">({v.by.name})</span>
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="field">
          <label htmlFor={`${id}-view`}>{actor.organisation}’s view</label>
          <select
            id={`${id}-view`}
            value={myView ?? ''}
            onChange={(e) => attempt(() => setPolarityView(conn.doc, connection.id, (e.target.value || null) as Polarity | null, actor))}
          >
            <option value="">No view recorded</option>
            <PolarityOptions />
          </select>
        </div>
      )}
      <Attributed what={connection} />
      <CommentsSection target={{ kind: 'connection', id: connection.id }} readOnly={readOnly} actor={actor} />
      {!readOnly && <DeleteButton label="Delete connection" onDelete={() => removeConnections(conn.doc, [connection.id])} onSelect={onSelect} />}
    </section>
  );
}

function GroupInspector({
  group,
  readOnly,
  actor,
  onSelect,
}: {
  group: MapGroup;
  readOnly: boolean;
  actor: Actor;
  onSelect: (selection: { element?: string; connection?: string }) => void;
}) {
  const conn = useRoomConnection();
  const { error, attempt } = useAttempt();
  const id = useId();
  return (
    <section className="inspector" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Frame: {group.label || 'untitled'}</h2>
      <ErrorMessage>{error}</ErrorMessage>
      <fieldset disabled={readOnly}>
        <legend className="visually-hidden">Frame details</legend>
        <CommitField label="Label" value={group.label} maxLength={MAP_LIMITS.labelMax} onCommit={(label) => attempt(() => updateGroup(conn.doc, group.id, { label }, actor))} changedBy={otherPerson(group.updated, actor)} />
      </fieldset>
      <p className="hint">Drag the frame to move it; drag its corners to resize it. Elements stay where they are.</p>
      {!readOnly && <DeleteButton label="Delete frame" onDelete={() => removeGroup(conn.doc, group.id)} onSelect={onSelect} />}
    </section>
  );
}

function PolarityOptions() {
  return (
    <>
      {POLARITIES.map((p) => (
        <option key={p} value={p}>
          {POLARITY_LABELS[p]}
        </option>
      ))}
    </>
  );
}

/** Deletes what the panel shows, then clears the selection (the thing is gone). */
function DeleteButton({ label, onDelete, onSelect }: { label: string; onDelete: () => void; onSelect: (selection: object) => void }) {
  return (
    <button
      type="button"
      className="button-warning"
      onClick={() => {
        onDelete();
        onSelect({});
      }}
    >
      {label}
    </button>
  );
}

/** "Chris (Torbay Council)" when someone other than `me` made the latest change, else null. */
function otherPerson(updated: Attribution | undefined, me: Actor): string | null {
  if (!updated || updated.userId === me.userId) return null;
  return updated.organisation ? `${updated.name} (${updated.organisation})` : updated.name;
}
