import { Link, useParams } from 'react-router';
import { roleAtLeast } from '../../shared/roles.js';
import { ApiError, messageOf } from '../api/http.js';
import { useSite } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { roleName } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { NotFoundPage } from './NotFoundPage.js';
import { InvitesSection } from './site/InvitesSection.js';
import { MembersSection } from './site/MembersSection.js';
import { RoomsSection } from './site/RoomsSection.js';
import { SearchSection } from './site/SearchSection.js';
import { WorkshopsSection } from './site/WorkshopsSection.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';

export function SitePage() {
  const { slug = '' } = useParams();
  const site = useSite(slug);
  useDocumentTitle(site.data?.name);

  if (site.isPending) return <Status>Loading the site…</Status>;
  if (site.isError) {
    if (site.error instanceof ApiError && (site.error.status === 404 || site.error.status === 400)) return <NotFoundPage what="site" />;
    return <ErrorMessage>{messageOf(site.error)}</ErrorMessage>;
  }
  const s = site.data;
  const isFacilitator = roleAtLeast(s.role, 'facilitator');

  return (
    <>
      <Breadcrumb trail={[{ to: '/', label: 'Sites' }]} current={s.name} />
      <h1>{s.name}</h1>
      <dl className="site-facts">
        <dt>The issue</dt>
        <dd className="lead">{s.issue}</dd>
        <dt>Sponsor</dt>
        <dd>{s.sponsor}</dd>
        <dt>Your role</dt>
        <dd>{roleName(s.role)}</dd>
      </dl>
      {s.role === null ? (
        <p className="notice">You are not a member of this site. Ask one of its facilitators for an invite to see its rooms.</p>
      ) : (
        <>
          <SearchSection slug={s.slug} />
          <p>
            <Link to={`/sites/${s.slug}/log`}>Open the learning log</Link> – what this site tried, what happened and what it learned.
          </p>
          <RoomsSection slug={s.slug} role={s.role} />
          <WorkshopsSection slug={s.slug} role={s.role} />
          <MembersSection slug={s.slug} members={s.members} canManage={isFacilitator} />
          {isFacilitator && <InvitesSection slug={s.slug} />}
        </>
      )}
    </>
  );
}
