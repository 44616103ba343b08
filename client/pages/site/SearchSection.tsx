/**
 * Search across the site: its maps (labels, descriptions, comments, named loops), documents and
 * learning log, ranked by the server's index. The query lives in the address (`?q=`), so a
 * search can be shared and Back returns to it; each result links straight to the place.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { SearchResponseSchema, type SearchResult } from '../../../shared/api.js';
import { mapRefHref, paths } from '../../../shared/routes.js';
import { messageOf, request } from '../../api/http.js';
import { ErrorMessage } from '../../ui/Notice.js';

const TARGET_NAMES: Record<SearchResult['target'], string> = {
  room: 'Room',
  element: 'Map element',
  connection: 'Connection',
  loop: 'Loop',
  comment: 'Comment',
  block: 'Document',
  entry: 'Learning log',
};

/** Where a result leads: the room, with the element, section, thread or entry picked out. */
export function resultHref(slug: string, r: SearchResult): string {
  const id = encodeURIComponent(r.targetId);
  if (r.roomKind === 'log') return r.target === 'entry' ? `/sites/${encodeURIComponent(slug)}/log?entry=${id}` : `/sites/${encodeURIComponent(slug)}/log`;
  const room = `/rooms/${encodeURIComponent(r.roomId)}`;
  switch (r.target) {
    case 'room':
      return room;
    case 'block':
      return `${room}?block=${id}`;
    case 'comment':
      return `${room}?comment=${id}`;
    default:
      // Elements, connections and loops: the same address a mention of them opens.
      return mapRefHref(r);
  }
}

export function SearchSection({ slug }: { slug: string }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const search = useQuery({
    queryKey: ['sites', slug, 'search', q],
    queryFn: ({ signal }) => request(`${paths.siteSearch(slug)}?q=${encodeURIComponent(q)}&limit=20`, { schema: SearchResponseSchema, signal }),
    enabled: q.trim() !== '',
    placeholderData: keepPreviousData,
    staleTime: 2000,
  });

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Search this site</h2>
      <form
        role="search"
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          // The same words again: search again. The index follows edits a moment after they are
          // made, so a search run just before may have missed what is now there.
          if (text.trim() === q && q !== '') {
            void search.refetch();
            return;
          }
          setParams((p) => {
            const next = new URLSearchParams(p);
            if (text.trim()) next.set('q', text.trim());
            else next.delete('q');
            return next;
          });
        }}
      >
        <label htmlFor={`${id}-q`}>Maps, documents and the learning log</label>
        <div className="toolbar">
          <input id={`${id}-q`} type="search" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} placeholder="e.g. footfall, trust, loneliness" />
          <button type="submit">Search</button>
        </div>
      </form>
      {search.isError && <ErrorMessage>{messageOf(search.error)}</ErrorMessage>}
      {q && search.data && (
        <div aria-live="polite">
          <p className="hint">
            {search.data.results.length === 0
              ? `Nothing in this site matches “${q}”.`
              : `${search.data.results.length}${search.data.results.length === 20 ? '+' : ''} result${search.data.results.length === 1 ? '' : 's'} for “${q}”, best first.`}
          </p>
          <ol className="search-results">
            {search.data.results.map((r) => (
              <li key={`${r.roomId}:${r.target}:${r.targetId}`}>
                <Link to={resultHref(slug, r)} className="search-title">
                  {r.title || r.roomTitle}
                </Link>
                <span className="hint">
                  {' '}
                  · {r.roomKind === 'log' ? 'Learning log entry' : `${TARGET_NAMES[r.target]} in ${r.roomTitle}`}
                </span>
                <p className="search-snippet">
                  {r.snippet.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                </p>
              </li>
            ))}
          </ol>
        </div>
      )}
      {q && search.isFetching && !search.data && <p role="status">Searching…</p>}
    </section>
  );
}
