/**
 * The side panel for what is selected: edit an element or a connection (its custom fields and,
 * for a connection, its direction too), connect elements by keyboard, delete. Every change goes
 * through the named helpers in `shared/map/doc.ts`.
 */
import { Fragment, memo, useId, useMemo, useState } from 'react';
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
  type FieldsPatch,
} from '../../shared/map/doc.js';
import { KUMU_ID_FIELD, KUMU_TYPE_FIELD } from '../../shared/map/kumuVocabulary.js';
import {
  CONFIDENCES,
  ELEMENT_KINDS,
  ELEMENT_KIND_LABELS,
  MAP_LIMITS,
  POLARITIES,
  connectionDirection,
  polarityDisputed,
  type Attribution,
  type Confidence,
  type CustomFields,
  type Direction,
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

/** How a connection's heading and lists show its direction. */
const ARROWS: Record<Direction, string> = { directed: '→', mutual: '↔', undirected: '—' };

const DIRECTION_CHOICES: readonly [Direction, string][] = [
  ['directed', 'One way (From → To)'],
  ['mutual', 'Both ways (mutual)'],
  ['undirected', 'No direction (undirected)'],
];

/** Hints for the two custom fields Kumu imports set, which export writes back to Kumu. */
const FIELD_HINTS: Record<string, string> = {
  [KUMU_TYPE_FIELD]: 'The type in Kumu; written back when you export to Kumu, so Kumu finds its own element again.',
  [KUMU_ID_FIELD]: 'The ID in Kumu; written back when you export to Kumu.',
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
      <CustomFieldsSection fields={element.fields} readOnly={readOnly} changedBy={changedBy} onChange={(fields) => update({ fields })} />
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
                {ARROWS[connectionDirection(c)]} {labelOf(c.to)} ({c.polarity === '-' ? '−' : c.polarity})
              </button>
            </li>
          ))}
          {incoming.map((c) => (
            <li key={c.id}>
              <button type="button" className="button-link" onClick={() => onSelect({ connection: c.id })}>
                {connectionDirection(c) === 'directed' ? '←' : ARROWS[connectionDirection(c)]} {labelOf(c.from)} ({c.polarity === '-' ? '−' : c.polarity})
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
  const direction = connectionDirection(connection);
  const changedBy = otherPerson(connection.updated, actor);

  return (
    <section className="inspector" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        Connection: {labelOf(connection.from)} {ARROWS[direction]} {labelOf(connection.to)}
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
        <div className="field">
          <label htmlFor={`${id}-direction`}>Direction</label>
          <select
            id={`${id}-direction`}
            value={direction}
            aria-describedby={direction === 'directed' ? undefined : `${id}-direction-hint`}
            onChange={(e) => update({ direction: e.target.value as Direction })}
          >
            {DIRECTION_CHOICES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
          {direction !== 'directed' && (
            <p className="hint" id={`${id}-direction-hint`}>
              As Kumu has it, and written back when you export to Kumu. On this map the link is drawn, and loops are found, from {labelOf(connection.from)} to{' '}
              {labelOf(connection.to)}.
            </p>
          )}
        </div>
        <CommitField label="Label" value={connection.label} maxLength={MAP_LIMITS.labelMax} onCommit={(label) => update({ label })} changedBy={changedBy} />
        <CommitField label="Evidence" multiline hint="Sources, data or lived experience behind this link" value={connection.evidence} maxLength={MAP_LIMITS.evidenceMax} onCommit={(evidence) => update({ evidence })} changedBy={changedBy} />
      </fieldset>
      <CustomFieldsSection fields={connection.fields} readOnly={readOnly} changedBy={changedBy} onChange={(fields) => update({ fields })} />

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

/**
 * Custom fields (a Kumu sheet's other columns, or added here): each edited in place or removed,
 * and a form to add one. A change names only the field it changes, so two people editing
 * different fields at once both keep theirs. Read-only, a plain list.
 */
function CustomFieldsSection({
  fields,
  readOnly,
  changedBy,
  onChange,
}: {
  fields: CustomFields | undefined;
  readOnly: boolean;
  changedBy: string | null;
  /** Writes the change; false (with the error shown by the panel) when it was refused. */
  onChange: (patch: FieldsPatch) => boolean;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const entries = Object.entries(fields ?? {});
  if (readOnly && entries.length === 0) return null;

  function add() {
    const trimmed = name.trim();
    const same = entries.find(([n]) => n.toLowerCase() === trimmed.toLowerCase());
    if (same) {
      setProblem(`There is already a field '${same[0]}': change its value above.`);
      return;
    }
    setProblem(null);
    if (onChange({ [trimmed]: value })) {
      setName('');
      setValue('');
    }
  }

  return (
    <section className="custom-fields" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Custom fields</h3>
      {entries.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : readOnly ? (
        <dl>
          {entries.map(([n, v]) => (
            <Fragment key={n}>
              <dt>{n}</dt>
              <dd>{v}</dd>
            </Fragment>
          ))}
        </dl>
      ) : (
        entries.map(([n, v]) => (
          <div key={n} className="custom-field">
            <CommitField label={n} value={v} hint={FIELD_HINTS[n]} maxLength={MAP_LIMITS.fieldValueMax} onCommit={(next) => onChange({ [n]: next.trim() === '' ? null : next })} changedBy={changedBy} />
            <button type="button" className="button-link" aria-label={`Remove the field ${n}`} onClick={() => onChange({ [n]: null })}>
              Remove
            </button>
          </div>
        ))
      )}
      {!readOnly && entries.length < MAP_LIMITS.fieldsMax && (
        <form
          className="connect-form"
          onSubmit={(event) => {
            event.preventDefault();
            add();
          }}
        >
          <fieldset>
            <legend>Add a field</legend>
            <div className="field">
              <label htmlFor={`${id}-name`}>Name</label>
              <input id={`${id}-name`} value={name} maxLength={MAP_LIMITS.fieldNameMax} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-value`}>Value</label>
              <input id={`${id}-value`} value={value} maxLength={MAP_LIMITS.fieldValueMax} onChange={(e) => setValue(e.target.value)} />
            </div>
            <ErrorMessage>{problem}</ErrorMessage>
            <button type="submit" disabled={name.trim() === '' || value.trim() === ''}>
              Add field
            </button>
          </fieldset>
        </form>
      )}
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
