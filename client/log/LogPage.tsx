/**
 * A site's learning log: entries of what people tried, what happened, what they learned and
 * which leadership behaviours it showed, co-edited live in the site's `log` room. Filters by
 * behaviour, agency, date and linked map element narrow the list; `?entry=ID` (a search result)
 * opens one entry.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { LogRoomSchema } from '../../shared/api.js';
import { mayWriteRoom } from '../../shared/rooms/kinds.js';
import { paths } from '../../shared/routes.js';
import { listBehaviours, observeBehaviours } from '../../shared/log/behaviours.js';
import { observeLog, readEntries } from '../../shared/log/doc.js';
import { filterEntries, logOrganisations, type LogFilter } from '../../shared/log/filter.js';
import { messageOf, request } from '../api/http.js';
import { useMe, useSite } from '../api/queries.js';
import { ConnectionStatus } from '../room/ConnectionStatus.js';
import { PresenceList } from '../room/PresenceList.js';
import { refusesEdits } from '../room/RoomConnection.js';
import { RoomProvider, useRoomConnection } from '../room/RoomProvider.js';
import { useExternalValue, useRoomStatus } from '../room/hooks.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { NewEntryForm } from './NewEntryForm.js';
import { LogEntryView } from './LogEntryView.js';
import { BehaviourVocabulary } from './BehaviourVocabulary.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';

export function LogPage() {
  const { slug = '' } = useParams();
  const me = useMe();
  const site = useSite(slug);
  const log = useQuery({
    queryKey: ['sites', slug, 'log'],
    queryFn: ({ signal }) => request(paths.siteLog(slug), { schema: LogRoomSchema, signal }),
    enabled: slug !== '',
  });
  useDocumentTitle(site.data ? `Learning log – ${site.data.name}` : 'Learning log');

  if (site.isError) return <ErrorMessage>{messageOf(site.error)}</ErrorMessage>;
  if (log.isError) return <ErrorMessage>{messageOf(log.error)}</ErrorMessage>;
  if (!site.data || !log.data || !me.data) return <Status>Opening the learning log…</Status>;
  const s = site.data;
  return (
    <div className="room log-page">
      <Breadcrumb trail={[{ to: '/', label: 'Sites' }, { to: `/sites/${s.slug}`, label: s.name }]} current="Learning log" />
      <h1>Learning log</h1>
      <p className="room-meta">What {s.name} tried, what happened, what was learned, and the leadership it took.</p>
      <RoomProvider roomId={log.data.id} title={`Learning log – ${s.name}`} user={me.data}>
        <LogBody readOnlyByRole={!mayWriteRoom('log', s.role, { locked: false })} />
      </RoomProvider>
    </div>
  );
}

function LogBody({ readOnlyByRole }: { readOnlyByRole: boolean }) {
  const conn = useRoomConnection();
  const status = useRoomStatus();
  const synced = status.synced;
  // As in a map or document room: no edits once the server drops them or has closed for good.
  const readOnly = readOnlyByRole || refusesEdits(status);
  const entries = useExternalValue((onChange) => observeLog(conn.doc, onChange), () => readEntries(conn.doc), [conn]);
  const behaviours = useExternalValue((onChange) => observeBehaviours(conn.doc, onChange), () => listBehaviours(conn.doc), [conn]);
  const [params, setParams] = useSearchParams();
  const focusEntry = params.get('entry');
  const [filter, setFilter] = useState<LogFilter>({});
  const [editing, setEditing] = useState<string | null>(null);
  const id = useId();

  const organisations = useMemo(() => logOrganisations(entries), [entries]);
  const linkTargets = useMemo(() => {
    const byKey = new Map<string, { roomId: string; targetId: string; label: string }>();
    for (const e of entries) for (const l of e.links) byKey.set(`${l.roomId}:${l.targetId}`, { roomId: l.roomId, targetId: l.targetId, label: l.label });
    return [...byKey.values()].sort((a, b) => a.label.localeCompare(b.label));
  }, [entries]);
  const shown = useMemo(() => {
    const filtered = filterEntries(entries, filter);
    return focusEntry ? filtered.filter((e) => e.id === focusEntry) : filtered;
  }, [entries, filter, focusEntry]);
  const behaviourLabel = useMemo(() => new Map(behaviours.map((b) => [b.id, b.label])), [behaviours]);
  const active = Object.values(filter).some((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v)));

  return (
    <div className="room-layout">
      <div className="room-main">
        {!readOnly && <NewEntryForm onAdded={(entryId) => setEditing(entryId)} />}
        <section className="panel" aria-labelledby={`${id}-filters`}>
          <h2 id={`${id}-filters`}>Find entries</h2>
          <div className="log-filters">
            <div className="field">
              <label htmlFor={`${id}-text`}>Words</label>
              <input id={`${id}-text`} type="search" value={filter.text ?? ''} onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-behaviour`}>Behaviour</label>
              <select
                id={`${id}-behaviour`}
                value={filter.behaviours?.[0] ?? ''}
                onChange={(e) => setFilter((f) => ({ ...f, behaviours: e.target.value ? [e.target.value] : [] }))}
              >
                <option value="">Any</option>
                {behaviours.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-org`}>Agency</label>
              <select id={`${id}-org`} value={filter.organisation ?? ''} onChange={(e) => setFilter((f) => ({ ...f, organisation: e.target.value }))}>
                <option value="">Any</option>
                {organisations.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-from`}>From</label>
              <input id={`${id}-from`} type="date" value={filter.from ?? ''} onChange={(e) => setFilter((f) => ({ ...f, from: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>To</label>
              <input id={`${id}-to`} type="date" value={filter.to ?? ''} onChange={(e) => setFilter((f) => ({ ...f, to: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-linked`}>Linked to</label>
              <select
                id={`${id}-linked`}
                value={filter.linkedTo ? `${filter.linkedTo.roomId}:${filter.linkedTo.targetId}` : ''}
                onChange={(e) => {
                  const picked = linkTargets.find((t) => `${t.roomId}:${t.targetId}` === e.target.value);
                  setFilter((f) => ({ ...f, linkedTo: picked ? { roomId: picked.roomId, targetId: picked.targetId } : undefined }));
                }}
              >
                <option value="">Anything</option>
                {linkTargets.map((t) => (
                  <option key={`${t.roomId}:${t.targetId}`} value={`${t.roomId}:${t.targetId}`}>
                    {t.label}
                  </option>
                ))}
              </select>
            </div>
            {active && (
              <button type="button" className="button-secondary" onClick={() => setFilter({})}>
                Clear filters
              </button>
            )}
          </div>
        </section>
        <section className="panel" aria-labelledby={`${id}-entries`}>
          <h2 id={`${id}-entries`}>Entries</h2>
          {focusEntry && (
            <p className="notice">
              Showing one entry.{' '}
              <button
                type="button"
                className="button-link"
                onClick={() =>
                  setParams((p) => {
                    const next = new URLSearchParams(p);
                    next.delete('entry');
                    return next;
                  })
                }
              >
                Show the whole log
              </button>
            </p>
          )}
          <p className="hint" aria-live="polite">
            {!synced && entries.length === 0
              ? 'Loading the log…'
              : entries.length === 0
                ? 'No entries yet.'
                : active
                  ? `${shown.length} of ${entries.length} entries match.`
                  : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, newest first.`}
          </p>
          <ol className="log-entries">
            {shown.map((entry) => (
              <LogEntryView
                key={entry.id}
                entry={entry}
                behaviours={behaviours}
                behaviourLabel={behaviourLabel}
                readOnly={readOnly}
                editing={editing === entry.id}
                onEdit={(on) => setEditing(on ? entry.id : null)}
              />
            ))}
          </ol>
        </section>
        <BehaviourVocabulary behaviours={behaviours} entries={entries} readOnly={readOnly} />
      </div>
      <aside className="room-side" aria-label="Log status">
        <ConnectionStatus />
        <PresenceList />
      </aside>
    </div>
  );
}
