import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { messageOf } from '../api/http.js';
import { useLogout, useMe } from '../api/queries.js';
import { forgetAllRooms, roomsWithPendingEdits } from '../room/offlineRegistry.js';
import { ErrorMessage } from '../ui/Notice.js';

export function Layout() {
  const me = useMe();
  const user = me.data ?? null;
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);

  // After a client-side navigation, move focus to the new page so keyboard and screen-reader
  // users start at its top, as they would after a full page load. (Compared with the last path
  // rather than skipping the first run, so a repeated effect cannot steal focus on load.)
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    mainRef.current?.focus();
  }, [location.pathname]);

  async function signOut() {
    if (!user) return;
    const unsent = roomsWithPendingEdits(user.id);
    if (
      unsent.length > 0 &&
      !window.confirm(
        `Edits in ${unsent.map((r) => `“${r.title}”`).join(', ')} have not reached the server yet. Signing out deletes them from this device. Sign out anyway?`,
      )
    ) {
      return;
    }
    await logout.mutateAsync().catch(() => undefined);
    // The offline copies belong to this person; a shared computer must not keep them.
    await forgetAllRooms(user.id);
    navigate('/signin', { replace: true });
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="masthead">
        {/* A guest's workspace is their one workshop: the sites list is not theirs to open. */}
        <Link to={user?.guestOf ? `/workshops/${user.guestOf}` : '/'} className="brand">
          Systems Leadership Workspace
        </Link>
        {user && (
          <nav aria-label="Account" className="account">
            <span className="who" data-testid="who">
              {user.name}, {user.organisation}
              {user.guestOf && ' (guest)'}
            </span>
            {!user.guestOf && (
              <Link to="/account" className="masthead-link">
                Your account
              </Link>
            )}
            <button type="button" className="button-masthead" onClick={() => void signOut()} disabled={logout.isPending}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {logout.isError && <ErrorMessage>{messageOf(logout.error)}</ErrorMessage>}
        <Outlet />
      </main>
    </>
  );
}
