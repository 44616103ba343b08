// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../shared/api.js';
import { DEFAULT_THEMES, type VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { ThemesPage, themeIdFor } from './ThemesPage.js';

const admin: User = { id: 'u-admin', email: 'ada@example.org', name: 'Ada', organisation: 'Programme team', isAdmin: true, createdAt: '2025-01-01T00:00:00Z', guestOf: null };
const member: User = { ...admin, id: 'u-member', name: 'Mo', isAdmin: false };

let me: User;
let stored: VocabularyTerm[];
let puts: unknown[];
/** What the next PUT answers instead of saving, as the server refuses an invalid list. */
let refusal: { status: number; message: string } | null;

beforeEach(() => {
  me = admin;
  stored = DEFAULT_THEMES.map((t) => ({ ...t }));
  puts = [];
  refusal = null;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const json = (body: unknown, code = 200) => new Response(JSON.stringify(body), { status: code, headers: { 'content-type': 'application/json' } });
      if (url === '/api/auth/me') return json({ user: me });
      if (url === '/api/learning/themes' && method === 'GET') return json({ themes: stored });
      if (url === '/api/learning/themes' && method === 'PUT') {
        const body = JSON.parse(String(init?.body)) as { themes: VocabularyTerm[] };
        puts.push(body);
        // Slow enough for a second click to arrive while the first is in flight.
        await new Promise((r) => setTimeout(r, 20));
        if (refusal) return json({ error: { code: 'bad_request', message: refusal.message } }, refusal.status);
        stored = body.themes;
        return json({ themes: stored });
      }
      return json({ error: { code: 'not_found', message: 'No such thing.' } }, 404);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/admin/themes']}>
          <ThemesPage />
        </MemoryRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}

/** The labels in the list, in order. */
function listedLabels(): string[] {
  return within(screen.getByRole('list', { name: /^Themes/ })).getAllByRole('group').map((g) => (within(g).getByRole('textbox', { name: 'Label' }) as HTMLInputElement).value);
}

describe('themeIdFor', () => {
  it('makes lower-case words joined by hyphens, no longer than an id may be', () => {
    expect(themeIdFor('Housing & homelessness')).toBe('housing-homelessness');
    expect(themeIdFor('  Élan vital ')).toBe('elan-vital');
    expect(themeIdFor('???')).toBe('');
    const long = themeIdFor(`${'word '.repeat(11)}x`);
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('-')).toBe(false);
  });
});

describe('ThemesPage', () => {
  it('renames, adds, removes and moves themes, then saves the whole list once', async () => {
    renderPage();
    const workforce = await screen.findByRole('group', { name: 'Workforce and roles' });
    expect(listedLabels()).toEqual(DEFAULT_THEMES.map((t) => t.label));
    expect(screen.queryByText('You have unsaved changes', { exact: false })).toBeNull();

    // A saved theme's id stays as it is when its label changes.
    fireEvent.change(within(workforce).getByRole('textbox', { name: 'Label' }), { target: { value: 'Workforce, roles and skills' } });
    const renamed = screen.getByRole('group', { name: 'Workforce, roles and skills' });
    expect(within(renamed).getByText('workforce')).toBeTruthy();
    expect(screen.getByText('You have unsaved changes', { exact: false })).toBeTruthy();

    // A new theme's id comes from its label.
    const addForm = screen.getByRole('form', { name: 'Add theme' });
    fireEvent.change(within(addForm).getByRole('textbox', { name: 'Label' }), { target: { value: 'Housing & homelessness' } });
    fireEvent.change(within(addForm).getByRole('textbox', { name: 'Description' }), { target: { value: 'Somewhere safe to live.' } });
    expect(within(addForm).getByText('Its id will be “housing-homelessness”.')).toBeTruthy();
    fireEvent.click(within(addForm).getByRole('button', { name: 'Add theme' }));
    const added = screen.getByRole('group', { name: 'Housing & homelessness' });
    expect(within(added).getByText('housing-homelessness')).toBeTruthy();
    expect((within(addForm).getByRole('textbox', { name: 'Label' }) as HTMLInputElement).value).toBe('');

    // A label whose id is taken is refused, saying which theme has it.
    fireEvent.change(within(addForm).getByRole('textbox', { name: 'Label' }), { target: { value: 'Shared purpose!' } });
    fireEvent.click(within(addForm).getByRole('button', { name: 'Add theme' }));
    expect(within(addForm).getByText(/“Shared purpose” already has the id “shared-purpose”/)).toBeTruthy();
    expect(listedLabels()).toHaveLength(11);

    fireEvent.click(screen.getByRole('button', { name: 'Remove “Funding and commissioning”' }));
    expect(screen.queryByRole('group', { name: 'Funding and commissioning' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Move up “Housing & homelessness”' }));
    expect(listedLabels().slice(-2)).toEqual(['Housing & homelessness', 'Measuring what matters']);
    // The moved theme's button keeps focus, so pressing it again moves it again.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Move up “Housing & homelessness”'));

    // A double click saves once.
    const saveButton = screen.getByRole('button', { name: 'Save themes' });
    fireEvent.click(saveButton);
    fireEvent.click(saveButton);
    expect(await screen.findByText('Saved 10 themes.')).toBeTruthy();
    expect(puts).toHaveLength(1);
    const expected = DEFAULT_THEMES.filter((t) => t.id !== 'funding').map((t) => (t.id === 'workforce' ? { ...t, label: 'Workforce, roles and skills' } : t));
    expected.splice(expected.length - 1, 0, { id: 'housing-homelessness', label: 'Housing & homelessness', description: 'Somewhere safe to live.' });
    expect(puts[0]).toEqual({ themes: expected });
    expect(screen.queryByText('You have unsaved changes', { exact: false })).toBeNull();
    // Saved, the new theme's id is fixed.
    expect(within(screen.getByRole('group', { name: 'Housing & homelessness' })).getByText('(kept by published summaries)', { exact: false })).toBeTruthy();
  });

  it('shows the server’s refusal and keeps the edits', async () => {
    renderPage();
    const place = await screen.findByRole('group', { name: 'Place-based working' });
    fireEvent.change(within(place).getByRole('textbox', { name: 'Description' }), { target: { value: 'Neighbourhoods first.' } });
    refusal = { status: 400, message: 'The theme id “place” appears twice.' };
    fireEvent.click(screen.getByRole('button', { name: 'Save themes' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The theme id “place” appears twice.');
    expect(screen.getByText('You have unsaved changes', { exact: false })).toBeTruthy();
    expect((within(place).getByRole('textbox', { name: 'Description' }) as HTMLTextAreaElement).value).toBe('Neighbourhoods first.');
  });

  it('will not send a theme without a label', async () => {
    renderPage();
    const prevention = await screen.findByRole('group', { name: 'Prevention and early help' });
    fireEvent.change(within(prevention).getByRole('textbox', { name: 'Label' }), { target: { value: '  ' } });
    expect(screen.getByText('Give the theme a label; its id stays “prevention”.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save themes' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Correct the theme marked above/);
    expect(puts).toEqual([]);
  });

  it('shows someone who is not an administrator the list, and no way to change it', async () => {
    me = member;
    renderPage();
    expect(await screen.findByText('Workforce and roles')).toBeTruthy();
    expect(screen.getByText('Only administrators of the workspace change the programme’s themes.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save themes' })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
  });
});
