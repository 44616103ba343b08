import { useNavigate, useLocation } from 'react-router';
import { messageOf } from '../api/http.js';
import { useSetup, useSetupNeeded } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';
import { PersonForm, tokenFromHash } from './personForm.js';

/** The first start: the one-time link printed by the server creates the first administrator. */
export function SetupPage() {
  useDocumentTitle('Set up the workspace');
  const token = tokenFromHash(useLocation().hash);
  const needed = useSetupNeeded();
  const setup = useSetup();
  const setupOnce = useSubmitOnce(setup);
  const navigate = useNavigate();

  return (
    <div className="narrow">
      <h1>Set up the workspace</h1>
      {needed.data?.needed === false && !setup.isSuccess && (
        <p className="notice">The workspace already has an administrator. Sign in, or ask them for an invite.</p>
      )}
      {needed.isPending && <Status>Checking…</Status>}
      <p>Create the first administrator account. You can then invite people to each site.</p>
      <ErrorMessage>
        {!token ? 'This page needs the one-time link the server printed when it started.' : setup.isError ? messageOf(setup.error) : null}
      </ErrorMessage>
      <PersonForm
        submitLabel="Create account"
        busy={setup.isPending}
        onSubmit={(details) => setupOnce({ token, ...details }, { onSuccess: () => navigate('/', { replace: true }) })}
      />
    </div>
  );
}
