import { useEffect } from 'react';

const APP = 'Systems Leadership Workspace';

/** Sets the tab title; screen readers announce it on navigation, so every page has its own. */
export function useDocumentTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} – ${APP}` : APP;
  }, [title]);
}
