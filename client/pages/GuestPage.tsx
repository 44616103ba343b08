/**
 * Joining a workshop as a guest, by the link a facilitator sent (`/workshops/guest#token=…`):
 * the page says which workshop it is, asks for a name and an organisation (how the others will
 * see the guest), and opens the workshop. No account, no password.
 */
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { LIMITS } from '../../shared/api.js';
import { ApiError, messageOf } from '../api/http.js';
import { useGuestInviteInfo, useJoinAsGuest } from '../api/guestQueries.js';
import { useMe } from '../api/queries.js';
import { Field } from '../ui/Field.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { formatDate, formatDateTime } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { tokenFromHash } from './personForm.js';

/** What a guest is told when the link cannot be used: the server's words for expired or ended ones. */
function linkProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'This guest link is not valid. Check that you copied all of it, or ask the facilitator for a new one.';
  return messageOf(error);
}

export function GuestPage() {
  useDocumentTitle('Join a workshop');
  const token = tokenFromHash(useLocation().hash);
  const info = useGuestInviteInfo(token);
  const me = useMe();
  const join = useJoinAsGuest();
  const joinOnce = useSubmitOnce(join);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [organisation, setOrganisation] = useState('');

  if (!token) {
    return (
      <div className="narrow">
        <h1>Join a workshop</h1>
        <ErrorMessage>This page needs the guest link you were sent, in full.</ErrorMessage>
      </div>
    );
  }
  if (info.isPending) return <Status>Checking your link…</Status>;
  if (info.isError) {
    return (
      <div className="narrow">
        <h1>Join a workshop</h1>
        <ErrorMessage>{linkProblem(info.error)}</ErrorMessage>
      </div>
    );
  }
  const { workshop, expiresAt } = info.data;
  // Joined already on this device (a reload, or the link opened again): straight in.
  if (me.data?.guestOf === workshop.id) return <Navigate to={`/workshops/${workshop.id}`} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    joinOnce({ token, name, organisation }, { onSuccess: () => navigate(`/workshops/${workshop.id}`, { replace: true }) });
  }

  return (
    <div className="narrow">
      <h1>Join “{workshop.title}”</h1>
      <p className="lead">
        A workshop of {workshop.siteName}, starting <time dateTime={workshop.startsAt}>{formatDateTime(workshop.startsAt)}</time>.
      </p>
      <p>
        You are invited as a guest: you take part in this workshop only, and your access ends when it does. This link works until{' '}
        {formatDate(expiresAt)}.
      </p>
      {me.data && me.data.guestOf === null && (
        <p className="notice">
          You are signed in as {me.data.name}. If you are a member of {workshop.siteName}, <Link to={`/workshops/${workshop.id}`}>open the workshop</Link>{' '}
          with your account instead: joining as a guest signs you out on this device.
        </p>
      )}
      <ErrorMessage>{join.isError ? linkProblem(join.error) : null}</ErrorMessage>
      <form className="card form" onSubmit={submit}>
        <Field label="Your name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={LIMITS.nameMax} />
        <Field
          label="Organisation"
          hint="Your agency, as the others will see it: for example Devon and Somerset Fire and Rescue."
          autoComplete="organization"
          value={organisation}
          onChange={(e) => setOrganisation(e.target.value)}
          required
          maxLength={LIMITS.organisationMax}
        />
        <button type="submit" disabled={join.isPending}>
          {join.isPending ? 'Please wait…' : 'Join the workshop'}
        </button>
      </form>
    </div>
  );
}
