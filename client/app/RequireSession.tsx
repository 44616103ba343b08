import { Navigate, Outlet, useLocation } from 'react-router';
import { messageOf } from '../api/http.js';
import { useMe } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';

/** Pages below need a signed-in person; others are sent to sign in and brought back after. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Status>Loading…</Status>;
  if (me.isError) {
    return (
      <ErrorMessage>
        {messageOf(me.error)}{' '}
        <button type="button" className="button-secondary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </ErrorMessage>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Only same-site paths may be a sign-in's destination, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
