// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { SiteRole } from '../../shared/roles.js';
import type { SummarySources, SummaryStatus } from '../../shared/summaries/api.js';
import { addSummaryItem, readSummaryDraft, setSummaryField } from '../../shared/summaries/doc.js';
import type { RoomConnection, RoomStatus } from '../room/RoomConnection.js';
import { RoomContext } from '../room/RoomProvider.js';
import { mapOffset } from './LiveText.js';
import { SummaryRoom } from './SummaryRoom.js';

const me = { id: 'u-me', name: 'Me', organisation: 'Torbay Council' };

const sources: SummarySources = {
  maps: [
    {
      roomId: 'm1',
      title: 'Hospital discharge',
      elements: [
        { id: 'e1', label: 'Beds free', kind: 'variable' },
        { id: 'e2', label: 'Delayed discharges', kind: 'variable' },
        { id: 'e3', label: 'Care home places', kind: 'variable' },
      ],
      loops: [{ key: 'e1>e2', name: 'Bed squeeze', type: 'balancing', elementIds: ['e1', 'e2'] }],
    },
  ],
  logEntries: [
    { roomId: 'log1', entryId: 'x1', title: 'Discharge huddle', date: '2025-03-03', learned: 'Daily huddles cut delays.', behaviours: ['across-boundaries'] },
  ],
  documents: [{ roomId: 'd1', title: 'Terms of reference' }],
  workshopRecords: [],
  themes: [{ id: 'prevention', label: 'Prevention and early help', description: '' }],
  behaviours: [{ id: 'across-boundaries', label: 'Working across boundaries', description: '' }],
  archetypes: [{ id: 'fixes-that-fail', label: 'Fixes that fail', description: '' }],
  agencyTypes: [{ id: 'nhs', label: 'NHS', description: '' }],
};

let status: SummaryStatus;
let calls: { method: string; url: string }[];

beforeEach(() => {
  status = { url: '/learning/torbay/discharge', publications: [{ version: 1, title: 'Discharge', publishedAt: '2025-03-01T10:00:00Z', publishedBy: 'Fran', withdrawnAt: null }], withdrawn: false, notes: [] };
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push({ method, url });
      const json = (body: unknown, code = 200) => new Response(JSON.stringify(body), { status: code, headers: { 'content-type': 'application/json' } });
      if (url.endsWith('/summary/sources')) return json(sources);
      if (url.endsWith('/summary/publish')) {
        // Slow enough for a second click to arrive while the first is in flight.
        await new Promise((r) => setTimeout(r, 20));
        status = { ...status, publications: [...status.publications, { version: 2, title: 'Discharge', publishedAt: '2025-03-02T10:00:00Z', publishedBy: 'Me', withdrawnAt: null }] };
        return json({ version: 2, url: '/learning/torbay/discharge' }, 201);
      }
      if (url.endsWith('/summary')) return json(status);
      return json({ error: { code: 'not_found', message: 'No such thing.' } }, 404);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderRoom(doc: Y.Doc, role: SiteRole, readOnly = role === 'viewer') {
  const roomStatus: RoomStatus = { connection: 'live', synced: true, localCopy: 'ready', pendingEdits: 0, anySaved: false, closed: null, serverReadOnly: false };
  const conn = {
    doc,
    user: me,
    awareness: new Awareness(doc),
    subscribe: () => () => {},
    getStatus: () => roomStatus,
    reconnect: () => {},
  } as unknown as RoomConnection;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <RoomContext.Provider value={conn}>
          <SummaryRoom roomId="r1" siteSlug="torbay" role={role} readOnly={readOnly} />
        </RoomContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

describe('mapOffset', () => {
  it('keeps a caret before an edit and shifts one after it', () => {
    expect(mapOffset('hello world', 'hello big world', 3)).toBe(3);
    expect(mapOffset('hello world', 'hello big world', 8)).toBe(12);
    expect(mapOffset('hello world', 'world', 11)).toBe(5);
  });
});

describe('SummaryRoom', () => {
  it('adds a lesson, writes its text on leaving the field, makes it private and undoes that', async () => {
    const doc = new Y.Doc();
    renderRoom(doc, 'member');
    fireEvent.click(screen.getByRole('button', { name: 'Add lesson' }));
    const text = screen.getByRole('textbox', { name: 'Lesson' });
    await waitFor(() => expect(document.activeElement).toBe(text));
    fireEvent.change(text, { target: { value: 'Start with the budget holders.  ' } });
    fireEvent.blur(text);
    expect(readSummaryDraft(doc).items[0]).toMatchObject({ section: 'lesson', text: 'Start with the budget holders.', publishable: true });

    const card = screen.getByRole('region', { name: /Lesson 1: Start with the budget holders/ });
    const pub = within(card).getByRole('checkbox', { name: 'Public' }) as HTMLInputElement;
    expect(pub.checked).toBe(true);
    fireEvent.click(pub);
    expect(readSummaryDraft(doc).items[0]!.publishable).toBe(false);
    expect(within(card).getByText('Private — not published')).toBeTruthy();

    fireEvent.click(within(card).getByRole('checkbox', { name: 'Prevention and early help' }));
    expect(readSummaryDraft(doc).items[0]!.themes).toEqual(['prevention']);

    // Undo takes back this person's last step: here everything, made within half a second.
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readSummaryDraft(doc).items).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Redo' }));
    expect(readSummaryDraft(doc).items[0]).toMatchObject({ themes: ['prevention'], publishable: false });
  });

  it('shows another person’s change in a field that is not being edited', async () => {
    const doc = new Y.Doc();
    renderRoom(doc, 'member');
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    setSummaryField(other, 'title', 'Getting people home');
    act(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), 'remote'));
    expect((screen.getByRole('textbox', { name: 'Title' }) as HTMLInputElement).value).toBe('Getting people home');
  });

  it('draws evidence and a lesson from the learning log in one step', async () => {
    const doc = new Y.Doc();
    renderRoom(doc, 'member');
    const evidence = await screen.findByRole('combobox', { name: 'Log entry to add as evidence' });
    fireEvent.change(evidence, { target: { value: 'log1/x1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add from the log' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Log entry to draw a lesson from' }), { target: { value: 'log1/x1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Draw a lesson from the log' }));
    const items = readSummaryDraft(doc).items;
    expect(items.find((i) => i.section === 'evidence')).toMatchObject({ evidenceKind: 'log', roomId: 'log1', entryId: 'x1', publishable: false });
    expect(items.find((i) => i.section === 'lesson')).toMatchObject({ text: 'Daily huddles cut delays.', behaviours: ['across-boundaries'] });
    expect(screen.getByRole('region', { name: /Evidence 1: Discharge huddle/ })).toBeTruthy();
  });

  it('keeps diagram elements private and shows the server’s notes beside an item', async () => {
    const doc = new Y.Doc();
    const id = addSummaryItem(doc, 'diagram', { mapRoomId: 'm1', title: 'Beds' });
    status.notes = [{ itemId: id, message: 'The loop it shows is not on the map any more.' }];
    renderRoom(doc, 'member');
    const card = screen.getByRole('region', { name: /Diagram 1: Beds/ });
    expect(await within(card).findByText(/The loop it shows is not on the map any more/)).toBeTruthy();
    fireEvent.click(await within(card).findByRole('checkbox', { name: /Care home places/ }));
    expect(readSummaryDraft(doc).items[0]!.hiddenElementIds).toEqual(['e3']);
    fireEvent.change(within(card).getByRole('combobox', { name: 'Shows' }), { target: { value: 'e1>e2' } });
    expect(within(card).queryByRole('checkbox', { name: /Care home places/ })).toBeNull();
  });

  it('shows a viewer everything and lets them change nothing', async () => {
    const doc = new Y.Doc();
    addSummaryItem(doc, 'quotation', { text: 'We stopped passing the parcel.', name: 'Sam', consent: true });
    renderRoom(doc, 'viewer');
    const card = screen.getByRole('region', { name: /Quotation 1: We stopped passing the parcel/ });
    expect((within(card).getByRole('textbox', { name: 'Quotation' }) as HTMLTextAreaElement).disabled).toBe(true);
    expect((within(card).getByRole('checkbox', { name: 'They agreed to be named in public' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: /Add / })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(screen.getByText('A facilitator publishes summaries.')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Preview/ }).getAttribute('href')).toBe('/api/rooms/r1/summary/preview');
    expect(calls.some((c) => c.url.endsWith('/sources'))).toBe(false);
  });

  it('asks before publishing and publishes once for a double click', async () => {
    const doc = new Y.Doc();
    renderRoom(doc, 'facilitator');
    expect(await screen.findByText(/Public at/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(screen.getByText(/Publish version 2\? It will be public at .*\/learning\/torbay\/discharge/)).toBeTruthy();
    const confirm = screen.getByRole('button', { name: 'Publish version 2' });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText(/Published version 2/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Withdraw' })).toBeTruthy();
  });
});
