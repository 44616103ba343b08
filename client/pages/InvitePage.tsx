import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError, messageOf } from '../api/http.js';
import { useAcceptInvite, useInviteInfo } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { roleName, formatDate } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { PersonForm, tokenFromHash } from './personForm.js';

function inviteProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'This invite link is not valid. Check that you copied all of it.';
  if (error instanceof ApiError && error.status === 410) {
    return `${error.message} Ask the facilitator who invited you for a new link.`;
  }
  return messageOf(error);
}

/** Accepting an invite: the invitee chooses name, organisation and password, and joins the site. */
export function InvitePage() {
  useDocumentTitle('Join a site');
  const token = tokenFromHash(useLocation().hash);
  const info = useInviteInfo(token);
  const accept = useAcceptInvite(token);
  const acceptOnce = useSubmitOnce(accept);
  const navigate = useNavigate();
  const [existing, setExisting] = useState(false);

  if (!token) {
    return (
      <div className="narrow">
        <h1>Join a site</h1>
        <ErrorMessage>This page needs the invite link you were sent, in full.</ErrorMessage>
      </div>
    );
  }
  if (info.isPending) return <Status>Checking your invite…</Status>;
  if (info.isError) {
    return (
      <div className="narrow">
        <h1>Join a site</h1>
        <ErrorMessage>{inviteProblem(info.error)}</ErrorMessage>
        <p>
          <Link to="/signin">Sign in</Link> if you already have an account.
        </p>
      </div>
    );
  }
  const invite = info.data;
  return (
    <div className="narrow">
      <h1>Join {invite.site.name}</h1>
      <p className="lead">{invite.site.issue}</p>
      <p>
        You are invited as <strong>{roleName(invite.role)}</strong>. The invite is valid until {formatDate(invite.expiresAt)}.
      </p>
      <div className="field-check">
        <input id="existing-account" type="checkbox" checked={existing} onChange={(e) => setExisting(e.target.checked)} />
        <label htmlFor="existing-account">I already have an account</label>
      </div>
      <ErrorMessage>{accept.isError ? inviteProblem(accept.error) : null}</ErrorMessage>
      <PersonForm
        key={existing ? 'existing' : 'new'}
        submitLabel={existing ? 'Sign in and join' : 'Create account and join'}
        busy={accept.isPending}
        fixedEmail={invite.email}
        existingAccount={existing}
        onSubmit={(details) =>
          acceptOnce(existing ? { email: details.email, password: details.password } : details, {
            onSuccess: () => navigate(`/sites/${invite.site.slug}`, { replace: true }),
          })
        }
      />
    </div>
  );
}
