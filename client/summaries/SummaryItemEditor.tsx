/**
 * One item of a summary as a card: the fields its section has, whether it is published, and its
 * place in the section. Every change is written at once through the helpers of
 * `shared/summaries/doc.ts`; what the public then sees of it is `redact.ts`'s to decide, and the
 * card says what that means beside each choice.
 */
import { memo, useEffect, useId, useRef } from 'react';
import type { SummarySources } from '../../shared/summaries/api.js';
import { EVIDENCE_KINDS, SUMMARY_LIMITS, updateSummaryItem, type EvidenceKind, type SummaryItem, type SummaryItemPatch } from '../../shared/summaries/doc.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { Checks, Choice, optionsOf } from './controls.js';
import { DiagramPicker } from './DiagramPicker.js';
import { LiveText } from './LiveText.js';
import { entryLabel, itemName, type Vocabulary } from './useSummary.js';

export interface SummaryItemEditorProps {
  item: SummaryItem;
  /** 1-based place in its section. */
  position: number;
  count: number;
  sources: SummarySources | undefined;
  vocabulary: Vocabulary;
  /** Why the item, although public, cannot be published as it is (from the server). */
  notes: readonly string[];
  readOnly: boolean;
  /** Just added by this person: its first field takes the focus. */
  focusOnMount: boolean;
  onMove: (item: SummaryItem, direction: -1 | 1) => void;
  onRemove: (item: SummaryItem, name: string) => void;
}

/** The DOM id of an item's move button, for putting the focus back on it after a move. */
export const moveButtonId = (itemId: string, direction: -1 | 1) => `summary-item-${itemId}-${direction < 0 ? 'up' : 'down'}`;

const EVIDENCE_KIND_LABEL: Record<EvidenceKind, string> = { log: 'Log entry', document: 'Document', link: 'Link' };

function ItemEditor({ item, position, count, sources, vocabulary, notes, readOnly, focusOnMount, onMove, onRemove }: SummaryItemEditorProps) {
  const conn = useRoomConnection();
  const id = useId();
  const card = useRef<HTMLElement>(null);
  const { error, attempt } = useAttempt();
  const name = itemName(item, position, sources);
  const update = (patch: SummaryItemPatch) =>
    attempt(() => {
      if (!updateSummaryItem(conn.doc, item.id, patch)) throw new Error('Someone removed this item meanwhile; Undo brings it back if it was you.');
    });

  useEffect(() => {
    if (!focusOnMount) return;
    card.current?.querySelector<HTMLElement>('textarea, input:not([type="checkbox"]):not([type="radio"]), select')?.focus();
    // Only when the card first appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const fields = { item, sources, vocabulary, update, disabled: readOnly };
  return (
    <li className={`summary-item${item.publishable ? '' : ' is-private'}`}>
      <section ref={card} className="summary-card" aria-labelledby={`${id}-name`}>
        <div className="summary-item-head">
          <h3 id={`${id}-name`}>{name}</h3>
          {!item.publishable && <span className="summary-private">Private — not published</span>}
        </div>
        <div className="field-check summary-public">
          <input
            id={`${id}-public`}
            type="checkbox"
            checked={item.publishable}
            disabled={readOnly}
            aria-describedby={`${id}-public-hint`}
            onChange={(e) => update({ publishable: e.target.checked })}
          />
          <label htmlFor={`${id}-public`}>Public</label>
          <span className="hint" id={`${id}-public-hint`}>
            {item.publishable ? 'Published with the summary.' : 'Stays in the draft; tick Public to publish it.'}
          </span>
        </div>
        {item.publishable &&
          notes.map((note) => (
            <p key={note} className="notice notice-warning summary-note" role="status">
              Not published as it is: {note}
            </p>
          ))}
        <div className="summary-fields">
          {item.section === 'diagram' ? <DiagramPicker {...fields} /> : <SectionFields {...fields} />}
        </div>
        <ErrorMessage>{error}</ErrorMessage>
        {!readOnly && (
          <div className="toolbar summary-item-actions">
            <button type="button" id={moveButtonId(item.id, -1)} className="button-secondary" disabled={position <= 1} onClick={() => onMove(item, -1)}>
              Move up<span className="visually-hidden"> {name}</span>
            </button>
            <button type="button" id={moveButtonId(item.id, 1)} className="button-secondary" disabled={position >= count} onClick={() => onMove(item, 1)}>
              Move down<span className="visually-hidden"> {name}</span>
            </button>
            <button type="button" className="button-link summary-remove" onClick={() => onRemove(item, name)}>
              Remove<span className="visually-hidden"> {name}</span>
            </button>
          </div>
        )}
      </section>
    </li>
  );
}

/**
 * Renders again only when what it shows changes: every change to the draft makes a new item
 * object for every item, and a summary may hold hundreds.
 */
export const SummaryItemEditor = memo(ItemEditor, (a, b) => {
  for (const key of Object.keys(a) as (keyof SummaryItemEditorProps)[]) {
    if (key === 'item' || key === 'notes') continue;
    if (a[key] !== b[key]) return false;
  }
  return a.notes.join('\n') === b.notes.join('\n') && JSON.stringify(a.item) === JSON.stringify(b.item);
});

interface FieldsProps {
  item: SummaryItem;
  sources: SummarySources | undefined;
  vocabulary: Vocabulary;
  update: (patch: SummaryItemPatch) => void;
  disabled: boolean;
}

function SectionFields({ item, sources, vocabulary, update, disabled }: FieldsProps) {
  const L = SUMMARY_LIMITS;
  const text = (label: string, hint?: string, rows = 3) => (
    <LiveText label={label} hint={hint} multiline rows={rows} value={item.text} maxLength={L.textMax} disabled={disabled} onCommit={(t) => update({ text: t })} />
  );
  const person = (
    <>
      <div className="summary-row">
        <LiveText label="Name" value={item.name} maxLength={L.shortMax} disabled={disabled} onCommit={(name) => update({ name })} />
        <LiveText label="Organisation" value={item.organisation} maxLength={L.shortMax} disabled={disabled} onCommit={(organisation) => update({ organisation })} />
      </div>
      <Consent item={item} update={update} disabled={disabled} />
    </>
  );

  switch (item.section) {
    case 'agency':
      return (
        <div className="summary-row">
          <LiveText label="Agency name" value={item.text} maxLength={L.shortMax} disabled={disabled} onCommit={(t) => update({ text: t })} />
          <Choice
            label="Type of agency"
            value={item.agencyType}
            empty="Choose a type (published as Other)"
            options={optionsOf(vocabulary.agencyTypes)}
            disabled={disabled}
            onChange={(agencyType) => update({ agencyType })}
          />
        </div>
      );
    case 'intervention':
      return text('Intervention', 'What was changed or tried, and by whom.');
    case 'enabler':
      return text('Enabler', 'What helped, and why.');
    case 'barrier':
      return text('Barrier', 'What got in the way, and why.');
    case 'lesson':
      return (
        <>
          {text('Lesson', 'Written so another site could act on it.')}
          <Checks legend="Themes" options={optionsOf(vocabulary.themes)} chosen={item.themes} disabled={disabled} onChange={(themes) => update({ themes })} />
          <Checks
            legend="Leadership behaviours"
            options={optionsOf(vocabulary.behaviours)}
            chosen={item.behaviours}
            disabled={disabled}
            onChange={(behaviours) => update({ behaviours })}
          />
          <Choice
            label="Systems archetype"
            value={item.archetype}
            empty="None"
            options={optionsOf(vocabulary.archetypes)}
            disabled={disabled}
            onChange={(archetype) => update({ archetype })}
          />
        </>
      );
    case 'evidence':
      return <EvidenceFields item={item} sources={sources} vocabulary={vocabulary} update={update} disabled={disabled} />;
    case 'quotation':
      return (
        <>
          {text('Quotation', 'Their words as they said them.')}
          {person}
        </>
      );
    case 'contributor':
      return person;
    default:
      return null;
  }
}

function Consent({ item, update, disabled }: { item: SummaryItem; update: (patch: SummaryItemPatch) => void; disabled: boolean }) {
  const id = useId();
  const named = item.consent && item.name;
  const shownAs = item.publishable ? 'Shown in public as' : 'If published, shown as';
  const shown =
    item.section === 'quotation'
      ? `${shownAs} said by ${named ? item.name : item.organisation || '“A participant”'}.`
      : named
        ? `${shownAs} ${item.name}${item.organisation ? `, ${item.organisation}` : ''}.`
        : item.organisation
          ? `${shownAs} ${item.organisation}, without a name.`
          : item.name
            ? 'Without their agreement or an organisation nothing about them can be shown: add their organisation.'
            : 'Give a name or an organisation.';
  return (
    <div className="summary-consent">
      <div className="field-check">
        <input id={id} type="checkbox" checked={item.consent} disabled={disabled} aria-describedby={`${id}-hint`} onChange={(e) => update({ consent: e.target.checked })} />
        <label htmlFor={id}>They agreed to be named in public</label>
      </div>
      <p className="hint" id={`${id}-hint`}>
        Tick only when they have said yes. Otherwise only their organisation is shown, never their name. {shown}
      </p>
    </div>
  );
}

function EvidenceFields({ item, sources, update, disabled }: FieldsProps) {
  const id = useId();
  const L = SUMMARY_LIMITS;
  const entry = sources?.logEntries.find((e) => e.roomId === item.roomId && e.entryId === item.entryId);
  const entryKey = (e: { roomId: string; entryId: string }) => (e.roomId || e.entryId ? `${e.roomId}/${e.entryId}` : '');
  const fallbackTitle = { log: 'the entry’s title', document: 'the document’s title', link: 'the address' }[item.evidenceKind];
  return (
    <>
      <fieldset className="summary-kinds">
        <legend>Comes from</legend>
        <div className="summary-radios">
          {EVIDENCE_KINDS.map((kind) => (
            <div className="field-check" key={kind}>
              <input
                id={`${id}-${kind}`}
                type="radio"
                name={`${id}-kind`}
                checked={item.evidenceKind === kind}
                disabled={disabled}
                // What it pointed to belongs to the kind it was.
                onChange={() => update({ evidenceKind: kind, roomId: '', entryId: '' })}
              />
              <label htmlFor={`${id}-${kind}`}>{EVIDENCE_KIND_LABEL[kind]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {item.evidenceKind === 'log' && (
        <Choice
          label="Log entry"
          value={entryKey(item)}
          empty="Choose an entry"
          missing={sources ? 'An entry no longer in the log' : 'The chosen entry'}
          options={(sources?.logEntries ?? []).map((e) => ({ value: entryKey(e), label: entryLabel(e) }))}
          disabled={disabled}
          hint="Published with its date and its authors’ organisations, never their names or the log itself."
          onChange={(key) => {
            const picked = sources?.logEntries.find((e) => entryKey(e) === key);
            update({ roomId: picked?.roomId ?? '', entryId: picked?.entryId ?? '' });
          }}
        />
      )}
      {item.evidenceKind === 'document' && (
        <Choice
          label="Document"
          value={item.roomId}
          empty="Choose a document"
          missing={sources ? 'A document that is no longer one of the site’s' : 'The chosen document'}
          groups={[
            { label: 'Documents', options: (sources?.documents ?? []).map((d) => ({ value: d.roomId, label: d.title || 'Untitled document' })) },
            { label: 'Workshop records', options: (sources?.workshopRecords ?? []).map((d) => ({ value: d.roomId, label: d.title || 'Untitled record' })) },
          ]}
          disabled={disabled}
          hint="Published by its title and your note; the document itself stays private."
          onChange={(roomId) => update({ roomId, entryId: '' })}
        />
      )}
      {item.evidenceKind === 'link' && (
        <LiveText
          label="Address"
          type="url"
          hint="A web address starting https:// (or http://)."
          value={item.url}
          maxLength={L.urlMax}
          disabled={disabled}
          onCommit={(url) => update({ url })}
        />
      )}
      <LiveText
        label="Title (optional)"
        hint={`Leave empty to use ${fallbackTitle}.`}
        value={item.title}
        maxLength={L.titleMax}
        disabled={disabled}
        onCommit={(title) => update({ title })}
      />
      <LiveText
        label="Note"
        multiline
        rows={2}
        hint={item.evidenceKind === 'log' ? `What it shows. Leave empty to publish the entry’s “What we learned”${entry && !entry.learned.trim() ? ' (empty in this entry)' : ''}.` : 'What it shows.'}
        value={item.text}
        maxLength={L.textMax}
        disabled={disabled}
        onCommit={(text) => update({ text })}
      />
    </>
  );
}
