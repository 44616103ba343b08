import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ErrorCode } from '../../shared/errors.js';
import { ApiError, messageOf } from '../api/http.js';
import { useLogin, useMe } from '../api/queries.js';
import { safeNext } from '../app/RequireSession.js';
import { Field } from '../ui/Field.js';
import { ErrorMessage } from '../ui/Notice.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

function signInError(error: unknown): string {
  if (error instanceof ApiError && error.code === ErrorCode.TooManyAttempts && error.retryAfter) {
    const minutes = Math.ceil(error.retryAfter / 60);
    return `${error.message} Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`;
  }
  return messageOf(error);
}

export function SignInPage() {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const me = useMe();
  const login = useLogin();
  const loginOnce = useSubmitOnce(login);
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  if (me.data) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    loginOnce({ email, password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <p>Sign in to work with the other agencies on your site.</p>
      <form className="card form" onSubmit={submit} noValidate>
        <ErrorMessage>{login.isError ? signInError(login.error) : null}</ErrorMessage>
        <Field label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">No account? Ask a facilitator of your site for an invite link.</p>
    </div>
  );
}
