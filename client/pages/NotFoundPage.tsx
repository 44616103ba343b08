import { Link } from 'react-router';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useDocumentTitle('Not found');
  return (
    <div className="narrow">
      <h1>No such {what}</h1>
      <p>It may have been moved, or you may not have access to it.</p>
      <p>
        <Link to="/">Go to the list of sites</Link>
      </p>
    </div>
  );
}
