/**
 * A learning summary, drafted live by a site's members in a room of kind `summary`: a title,
 * the issue, and one part per section (agencies, diagrams, … contributors), each a list of
 * items. The room's Y.Doc is the draft; this page reads it through `useSummaryDraft` and writes
 * it only through the helpers of `shared/summaries/doc.ts`. Publishing is the server's: the
 * panel at the top previews, publishes and withdraws.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import type { SummarySources } from '../../shared/summaries/api.js';
import {
  SUMMARY_LIMITS,
  SUMMARY_SECTIONS,
  SUMMARY_SECTION_LABELS,
  addSummaryItem,
  moveSummaryItem,
  observeSummary,
  removeSummaryItem,
  setSummaryField,
  type SummaryItem,
  type SummarySection,
} from '../../shared/summaries/doc.js';
import { messageOf } from '../api/http.js';
import { summaryKeys, useSummarySources, useSummaryStatus } from '../api/queries.js';
import { ConnectionStatus } from '../room/ConnectionStatus.js';
import { PresenceList } from '../room/PresenceList.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { useRoomStatus } from '../room/hooks.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { FromLog } from './FromLog.js';
import { LiveText } from './LiveText.js';
import { PublishPanel } from './PublishPanel.js';
import { SummaryItemEditor, moveButtonId } from './SummaryItemEditor.js';
import { SECTION_HINT, SECTION_NOUN, useSummaryDraft, useSummaryUndo, vocabularyOf, type Vocabulary } from './useSummary.js';

/**
 * How long the draft must be still before the server is asked again which items cannot be
 * published as they are. The notes are the server's (it holds the maps and the log); asking on
 * every keystroke of every person in the room would be a request per keystroke each.
 */
const NOTES_QUIET_MS = 2000;

const NO_NOTES: readonly string[] = [];

export function SummaryRoom({ roomId, siteSlug, role, readOnly }: { roomId: string; siteSlug: string; role: SiteRole | null; readOnly: boolean }) {
  const conn = useRoomConnection();
  const client = useQueryClient();
  const synced = useRoomStatus().synced;
  const draft = useSummaryDraft();
  // The site's maps, log and documents are for members; viewers read the draft as it is.
  const member = roleAtLeast(role, 'member');
  const sources = useSummarySources(roomId, member);
  const status = useSummaryStatus(roomId);
  const vocabulary = useMemo(() => vocabularyOf(sources.data), [sources.data]);
  const history = useSummaryUndo(!readOnly);
  const [justAdded, setJustAdded] = useState<string | null>(null);
  const { error, attempt } = useAttempt();

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = observeSummary(conn.doc, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void client.invalidateQueries({ queryKey: summaryKeys.status(roomId) }), NOTES_QUIET_MS);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [conn, client, roomId]);

  const notes = useMemo(() => {
    const byItem = new Map<string, string[]>();
    for (const n of status.data?.notes ?? []) byItem.set(n.itemId, [...(byItem.get(n.itemId) ?? []), n.message]);
    return byItem;
  }, [status.data]);
  const bySection = useMemo(() => {
    const out = new Map<SummarySection, SummaryItem[]>(SUMMARY_SECTIONS.map((s) => [s, []]));
    for (const item of draft.items) out.get(item.section)!.push(item);
    return out;
  }, [draft.items]);
  const loading = !synced && draft.items.length === 0 && !draft.title;

  return (
    <div className="room-layout summary-room">
      <div className="room-main">
        <PublishPanel roomId={roomId} siteSlug={siteSlug} draft={draft} facilitator={roleAtLeast(role, 'facilitator')} readOnly={readOnly} />
        <section className="panel summary-about" aria-labelledby="summary-about-heading">
          <div className="panel-head">
            <h2 id="summary-about-heading">The summary</h2>
            {!readOnly && (
              <div className="toolbar" role="toolbar" aria-label="Undo and redo">
                <button type="button" className="button-secondary" onClick={history.undo} disabled={!history.canUndo} aria-keyshortcuts="Control+Z Meta+Z">
                  Undo
                </button>
                <button type="button" className="button-secondary" onClick={history.redo} disabled={!history.canRedo} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
                  Redo
                </button>
              </div>
            )}
          </div>
          {readOnly ? (
            <p className="read-only-note">You can read this summary but not change it here.</p>
          ) : (
            <p className="hint">Everyone in the room sees changes as they are made. Only items marked Public are published.</p>
          )}
          {loading && <Status>Loading the summary…</Status>}
          <LiveText
            label="Title"
            hint="The heading of the public page."
            value={draft.title}
            maxLength={SUMMARY_LIMITS.titleMax}
            disabled={readOnly}
            onCommit={(title) => attempt(() => setSummaryField(conn.doc, 'title', title))}
          />
          <LiveText
            label="The issue"
            hint="What the site set out to change, in a few sentences. It opens the public page."
            multiline
            rows={5}
            value={draft.issue}
            maxLength={SUMMARY_LIMITS.issueMax}
            disabled={readOnly}
            onCommit={(issue) => attempt(() => setSummaryField(conn.doc, 'issue', issue))}
          />
          <ErrorMessage>{error}</ErrorMessage>
        </section>
        {member && sources.isPending && <Status>Loading the site’s maps, learning log and documents…</Status>}
        {sources.isError && <ErrorMessage>The site’s maps, log and documents could not be loaded: {messageOf(sources.error)}</ErrorMessage>}
        {SUMMARY_SECTIONS.map((section) => (
          <SectionView
            key={section}
            section={section}
            items={bySection.get(section)!}
            sources={sources.data}
            vocabulary={vocabulary}
            notes={notes}
            readOnly={readOnly}
            justAdded={justAdded}
            onAdded={setJustAdded}
          />
        ))}
      </div>
      <aside className="room-side" aria-label="Summary status">
        <ConnectionStatus />
        <PresenceList />
        <nav className="summary-contents" aria-label="Parts of the summary">
          <h2>Parts</h2>
          <ul>
            {SUMMARY_SECTIONS.map((section) => (
              <li key={section}>
                <a href={`#summary-${section}`}>{SUMMARY_SECTION_LABELS[section]}</a> <span className="count">({bySection.get(section)!.length})</span>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
    </div>
  );
}

function SectionView({
  section,
  items,
  sources,
  vocabulary,
  notes,
  readOnly,
  justAdded,
  onAdded,
}: {
  section: SummarySection;
  items: SummaryItem[];
  sources: SummarySources | undefined;
  vocabulary: Vocabulary;
  notes: ReadonlyMap<string, string[]>;
  readOnly: boolean;
  justAdded: string | null;
  onAdded: (itemId: string) => void;
}) {
  const conn = useRoomConnection();
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = `summary-${section}-heading`;
  const [said, setSaid] = useState('');
  /** A button to give the focus to once the list has been drawn again (after a move). */
  const [focusTo, setFocusTo] = useState<{ id: string; otherwise: string } | null>(null);
  const { error, attempt } = useAttempt();
  const noun = SECTION_NOUN[section];

  useEffect(() => {
    if (!focusTo) return;
    // A move to the top or bottom disables the button that made it: the other one takes the focus.
    const button = document.getElementById(focusTo.id) as HTMLButtonElement | null;
    if (button && !button.disabled) button.focus();
    else document.getElementById(focusTo.otherwise)?.focus();
  }, [focusTo]);

  const onMove = useCallback(
    (item: SummaryItem, direction: -1 | 1) => {
      if (attempt(() => moveSummaryItem(conn.doc, item.id, direction))) {
        setFocusTo({ id: moveButtonId(item.id, direction), otherwise: moveButtonId(item.id, direction === 1 ? -1 : 1) });
      }
    },
    [attempt, conn],
  );
  const onRemove = useCallback(
    (item: SummaryItem, name: string) => {
      if (attempt(() => removeSummaryItem(conn.doc, item.id))) {
        setSaid(`Removed ${name}. Undo brings it back.`);
        heading.current?.focus();
      }
    },
    [attempt, conn],
  );
  const added = (itemId: string) => {
    setSaid('');
    onAdded(itemId);
  };

  return (
    <section id={`summary-${section}`} className="panel summary-section" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {SUMMARY_SECTION_LABELS[section]}
      </h2>
      <p className="hint">{SECTION_HINT[section]}</p>
      {items.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <ol className="summary-items">
          {items.map((item, i) => (
            <SummaryItemEditor
              key={item.id}
              item={item}
              position={i + 1}
              count={items.length}
              sources={sources}
              vocabulary={vocabulary}
              notes={notes.get(item.id) ?? NO_NOTES}
              readOnly={readOnly}
              focusOnMount={item.id === justAdded}
              onMove={onMove}
              onRemove={onRemove}
            />
          ))}
        </ol>
      )}
      <p className="hint summary-said" role="status">
        {said}
      </p>
      {!readOnly && (
        <div className="summary-add">
          <button type="button" onClick={() => attempt(() => added(addSummaryItem(conn.doc, section)))}>
            Add {noun}
          </button>
          {sources && (section === 'evidence' || section === 'lesson') && <FromLog mode={section} sources={sources} items={items} onAdded={added} />}
        </div>
      )}
      <ErrorMessage>{error}</ErrorMessage>
    </section>
  );
}
