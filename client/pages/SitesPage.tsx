import { useDeferredValue, useId, useState } from 'react';
import { Link } from 'react-router';
import type { Site } from '../../shared/api.js';
import { messageOf } from '../api/http.js';
import { useMe, useSites } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { roleName } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';

/** Case- and accent-insensitive words, so "cornwall" finds "Cornwall" and "Isles of Scilly". */
function normalise(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export function matchesSite(site: Site, query: string): boolean {
  const haystack = normalise(`${site.name} ${site.issue}`);
  return normalise(query).split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}

export function SitesPage() {
  useDocumentTitle('Sites');
  const sites = useSites();
  const isAdmin = useMe().data?.isAdmin === true;
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const searchId = useId();

  if (sites.isPending) return <Status>Loading sites…</Status>;
  if (sites.isError) return <ErrorMessage>{messageOf(sites.error)}</ErrorMessage>;

  const shown = sites.data.filter((site) => matchesSite(site, deferred));
  const mine = shown.filter((site) => site.role !== null);
  const others = shown.filter((site) => site.role === null);

  return (
    <>
      <h1>Sites</h1>
      <p className="lead">
        The Systems Leadership – Local Vision sites, each working on a local issue no single agency can solve.
      </p>
      {isAdmin && (
        <nav aria-label="Administration" className="themes-admin-link">
          <Link to="/admin/themes">Programme themes</Link>
          <span className="hint"> – the vocabulary that every site’s learning summaries tag lessons with.</span>
        </nav>
      )}
      <div className="search" role="search">
        <label htmlFor={searchId}>Search sites</label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="A place or an issue, e.g. dementia" />
      </div>
      <p role="status" className="hint" data-testid="site-count">
        {deferred ? `${shown.length} of ${sites.data.length} sites match “${deferred}”.` : `${sites.data.length} sites.`}
      </p>
      {mine.length > 0 && <SiteList heading="Your sites" sites={mine} />}
      {others.length > 0 && <SiteList heading={mine.length > 0 ? 'Other sites' : 'All sites'} sites={others} />}
      {shown.length === 0 && <p className="empty">No site matches. Try fewer words.</p>}
    </>
  );
}

function SiteList({ heading, sites }: { heading: string; sites: Site[] }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      <ul className="sites">
        {sites.map((site) => (
          <li key={site.slug} className="site-card">
            <h3>
              <Link to={`/sites/${site.slug}`}>{site.name}</Link>
            </h3>
            <p className="site-issue">{site.issue}</p>
            {site.role && <p className="badge">{roleName(site.role)}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
