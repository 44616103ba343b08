import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type Session } from '../../shared/api.js';
import { messageOf } from '../api/http.js';
import { useChangePassword, useEndSession, useMe, useSessions, useSignOutOthers } from '../api/queries.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';
import { Field } from '../ui/Field.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

/** The signed-in person's account: where they are signed in, and their password. */
export function AccountPage() {
  useDocumentTitle('Your account');
  const me = useMe();
  return (
    <>
      <Breadcrumb trail={[{ to: '/', label: 'Sites' }]} current="Your account" />
      <h1>Your account</h1>
      {me.data && (
        <p>
          {me.data.name}, {me.data.organisation} · {me.data.email}
        </p>
      )}
      <SessionsSection />
      <PasswordSection />
    </>
  );
}

function describe(session: Session): string {
  return session.kind === 'api' ? `API token “${session.name}”` : 'Browser session';
}

function SessionsSection() {
  const headingId = useId();
  const sessions = useSessions();
  const end = useEndSession();
  const endOnce = useSubmitOnce(end);
  const others = useSignOutOthers();
  const signOutOthersOnce = useSubmitOnce(others);
  const list = sessions.data?.sessions ?? [];
  const otherCount = list.filter((s) => !s.current).length;
  const error = end.error ?? others.error;

  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Your sessions</h2>
      <p className="hint">
        Everywhere you are signed in: browsers, and API tokens for scripts. Ending one signs it out at once, and closes any room it
        has open.
      </p>
      {sessions.isPending && <Status>Loading your sessions…</Status>}
      {sessions.isError && <ErrorMessage>{messageOf(sessions.error)}</ErrorMessage>}
      <ErrorMessage>{error ? messageOf(error) : null}</ErrorMessage>
      {sessions.data && (
        <table className="members sessions" aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {describe(s)}
                  {s.current && <strong className="session-current"> (this session)</strong>}
                </th>
                <td>{formatDateTime(s.createdAt)}</td>
                {/* Recorded at most once a minute, so a fresh sign-in has none yet. */}
                <td>{s.lastUsedAt ? formatDateTime(s.lastUsedAt) : 'Not yet'}</td>
                <td>
                  {s.current ? (
                    <span className="hint">Use Sign out above</span>
                  ) : (
                    <button type="button" className="button-link" disabled={end.isPending} onClick={() => endOnce(s.id)}>
                      End
                      <span className="visually-hidden">
                        {' '}
                        {describe(s).toLowerCase()} signed in {formatDateTime(s.createdAt)}
                      </span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {sessions.data && (
        <p>
          <button
            type="button"
            className="button-secondary"
            disabled={others.isPending || otherCount === 0}
            onClick={() => signOutOthersOnce()}
          >
            Sign out everywhere else
          </button>
        </p>
      )}
      {others.isSuccess && (
        <Status>
          {others.data.ended === 1 ? 'One other session ended.' : `${others.data.ended} other sessions ended.`}
        </Status>
      )}
    </section>
  );
}

function PasswordSection() {
  const headingId = useId();
  const change = useChangePassword();
  const changeOnce = useSubmitOnce(change);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    changeOnce(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrentPassword('');
          setNewPassword('');
        },
      },
    );
  }

  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Change your password</h2>
      <p className="hint">This session stays signed in; every other session and API token of yours is signed out.</p>
      <form className="form narrow" onSubmit={submit}>
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          required
          maxLength={LIMITS.passwordMax}
        />
        <Field
          label={`New password (at least ${LIMITS.passwordMin} characters)`}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
          required
          minLength={LIMITS.passwordMin}
          maxLength={LIMITS.passwordMax}
        />
        <button type="submit" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
        <ErrorMessage>{change.isError ? messageOf(change.error) : null}</ErrorMessage>
        {change.isSuccess && (
          <Status>
            Password changed.{' '}
            {change.data.ended === 1 ? 'One other session was signed out.' : `${change.data.ended} other sessions were signed out.`}
          </Status>
        )}
      </form>
    </section>
  );
}
