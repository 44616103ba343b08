import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type Invite } from '../../../shared/api.js';
import { SITE_ROLES, type SiteRole } from '../../../shared/roles.js';
import { messageOf } from '../../api/http.js';
import { useCreateInvite, usePendingInvites, useRevokeInvite } from '../../api/queries.js';
import { Field } from '../../ui/Field.js';
import { ErrorMessage, Status } from '../../ui/Notice.js';
import { formatDate, roleName } from '../../ui/format.js';
import { useSubmitOnce } from '../../ui/useSubmitOnce.js';

/** Facilitators invite people by link, see the invites still open, and withdraw them. */
export function InvitesSection({ slug }: { slug: string }) {
  const headingId = useId();
  const pending = usePendingInvites(slug);
  const revoke = useRevokeInvite(slug);

  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Invites</h2>
      <CreateInviteForm slug={slug} />
      <h3>Open invites</h3>
      {pending.isPending && <Status>Loading invites…</Status>}
      {pending.isError && <ErrorMessage>{messageOf(pending.error)}</ErrorMessage>}
      <ErrorMessage>{revoke.isError ? messageOf(revoke.error) : null}</ErrorMessage>
      {pending.data &&
        (pending.data.length === 0 ? (
          <p className="empty">No open invites.</p>
        ) : (
          <ul className="invites" aria-label="Open invites">
            {pending.data.map((invite) => {
              const who = invite.email ?? 'anyone with the link';
              return (
                <li key={invite.id}>
                  <span>
                    <strong>{roleName(invite.role)}</strong> for {who}, until {formatDate(invite.expiresAt)}
                    {invite.createdBy && <span className="hint"> · made by {invite.createdBy.name}</span>}
                  </span>
                  <button type="button" className="button-link" disabled={revoke.isPending} onClick={() => revoke.mutate(invite.id)}>
                    Withdraw<span className="visually-hidden"> the invite for {who}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        ))}
    </section>
  );
}

function CreateInviteForm({ slug }: { slug: string }) {
  const create = useCreateInvite(slug);
  const createOnce = useSubmitOnce(create);
  const [role, setRole] = useState<SiteRole>('member');
  const [email, setEmail] = useState('');
  const [days, setDays] = useState(7);
  const [created, setCreated] = useState<Invite | null>(null);
  const id = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    createOnce(
      { role, email: email.trim() || undefined, expiresInDays: days },
      {
        onSuccess: (invite) => {
          setCreated(invite);
          setEmail('');
        },
      },
    );
  }

  return (
    <form className="invite-form" onSubmit={submit}>
      <fieldset>
        <legend>Invite someone</legend>
        <div className="inline-row">
          <div className="field">
            <label htmlFor={`${id}-role`}>Role</label>
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as SiteRole)}>
              {SITE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          </div>
          <Field
            label="Only for this email (optional)"
            type="email"
            value={email}
            maxLength={LIMITS.emailMax}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Field
            label="Valid for (days)"
            type="number"
            min={1}
            max={LIMITS.inviteDaysMax}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            required
          />
          <button type="submit" disabled={create.isPending}>
            Create invite link
          </button>
        </div>
        <ErrorMessage>{create.isError ? messageOf(create.error) : null}</ErrorMessage>
      </fieldset>
      {created && <CreatedInvite invite={created} />}
    </form>
  );
}

function CreatedInvite({ invite }: { invite: Invite }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  return (
    <div className="created-invite" role="status">
      <label htmlFor={id}>
        Invite link for a {roleName(invite.role).toLowerCase()}
        {invite.email ? ` (${invite.email})` : ''}. Send it to them; it is shown only once.
      </label>
      <div className="inline-row">
        <input id={id} readOnly value={invite.url} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="button-secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(invite.url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}
