/**
 * The client's routes. Readable URLs: `/`, `/sites/:slug`, `/rooms/:id`, `/workshops/:id`, `/account`,
 * `/admin/themes`, plus `/signin`, `/setup` and `/invite` whose secrets travel in the URL fragment
 * (never sent to servers or written to logs).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from '../api/http.js';
import { AccountPage } from '../pages/AccountPage.js';
import { GuestPage } from '../pages/GuestPage.js';
import { InvitePage } from '../pages/InvitePage.js';
import { NotFoundPage } from '../pages/NotFoundPage.js';
import { SetupPage } from '../pages/SetupPage.js';
import { SignInPage } from '../pages/SignInPage.js';
import { SitePage } from '../pages/SitePage.js';
import { SitesPage } from '../pages/SitesPage.js';
import { ThemesPage } from '../pages/ThemesPage.js';
import { Layout } from './Layout.js';
import { RequireSession } from './RequireSession.js';
import { Status } from '../ui/Notice.js';

// The room brings Yjs, the sync provider and (soon) the editors: load it when a room opens.
const RoomPage = lazy(() => import('../pages/RoomPage.js').then((m) => ({ default: m.RoomPage })));
// The log shares the editors' code (Tiptap, Yjs) with rooms: loaded on demand like them.
const LogPage = lazy(() => import('../log/LogPage.js').then((m) => ({ default: m.LogPage })));

// A workshop opens its room (Yjs, sync) like a room does.
const WorkshopPage = lazy(() => import('../pages/WorkshopPage.js').then((m) => ({ default: m.WorkshopPage })));

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again; a network error might.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 3,
        refetchOnWindowFocus: true,
        staleTime: 10_000,
      },
    },
  });
}

export function App({ client = createQueryClient() }: { client?: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/setup" element={<SetupPage />} />
            <Route path="/invite" element={<InvitePage />} />
            {/* Before `/workshops/:id`, and outside RequireSession: a guest has no session yet. */}
            <Route path="/workshops/guest" element={<GuestPage />} />
            <Route element={<RequireSession />}>
              <Route index element={<SitesPage />} />
              <Route path="/sites/:slug" element={<SitePage />} />
              <Route path="/account" element={<AccountPage />} />
              {/* Anyone signed in may read the themes; the page offers the editor to administrators only, as the API does. */}
              <Route path="/admin/themes" element={<ThemesPage />} />
              <Route
                path="/sites/:slug/log"
                element={
                  <Suspense fallback={<Status>Opening the learning log…</Status>}>
                    <LogPage />
                  </Suspense>
                }
              />
              <Route
                path="/rooms/:id"
                element={
                  <Suspense fallback={<Status>Opening the room…</Status>}>
                    <RoomPage />
                  </Suspense>
                }
              />
              <Route
                path="/workshops/:id"
                element={
                  <Suspense fallback={<Status>Opening the workshop…</Status>}>
                    <WorkshopPage />
                  </Suspense>
                }
              />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
