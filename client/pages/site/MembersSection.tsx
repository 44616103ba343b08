import { useId } from 'react';
import type { Member } from '../../../shared/api.js';
import { SITE_ROLES, type SiteRole } from '../../../shared/roles.js';
import { messageOf } from '../../api/http.js';
import { useMe, useRemoveMember, useSetMemberRole } from '../../api/queries.js';
import { ErrorMessage } from '../../ui/Notice.js';
import { roleName } from '../../ui/format.js';

export function MembersSection({ slug, members, canManage }: { slug: string; members: Member[]; canManage: boolean }) {
  const headingId = useId();
  const setRole = useSetMemberRole(slug);
  const remove = useRemoveMember(slug);
  const me = useMe();
  const error = setRole.error ?? remove.error;

  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Members ({members.length})</h2>
      <ErrorMessage>{error ? messageOf(error) : null}</ErrorMessage>
      {/* On a narrow screen the table scrolls sideways inside its box, never the page. */}
      <div className="table-scroll" role="region" aria-label={`Members (${members.length})`} tabIndex={0}>
      <table className="members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Organisation</th>
            <th scope="col">Role</th>
            {canManage && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <th scope="row">
                {m.name}
                {canManage && <span className="member-email">{m.email}</span>}
              </th>
              <td>{m.organisation}</td>
              <td>
                {canManage && m.userId !== me.data?.id ? (
                  <select
                    aria-label={`Role of ${m.name}`}
                    value={m.role}
                    disabled={setRole.isPending}
                    onChange={(e) => setRole.mutate({ userId: m.userId, role: e.target.value as SiteRole })}
                  >
                    {SITE_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {roleName(r)}
                      </option>
                    ))}
                  </select>
                ) : (
                  roleName(m.role)
                )}
              </td>
              {canManage && (
                <td>
                  {m.userId !== me.data?.id && (
                    <button
                      type="button"
                      className="button-link"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Remove ${m.name} from this site? They lose access at once.`)) remove.mutate(m.userId);
                      }}
                    >
                      Remove<span className="visually-hidden"> {m.name}</span>
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}
