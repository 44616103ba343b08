// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParkingLotItem, readParkingLot } from '../../shared/doc/parkingLot.js';
import { ParkingLotPanel } from './ParkingLotPanel.js';
import type { RoomConnection } from './RoomConnection.js';
import { RoomContext } from './RoomProvider.js';

const me = { id: 'u-me', name: 'Me', organisation: 'Torbay Council', colour: '#1d4ed8' };

/** The panel needs only the room's doc and person from the connection. */
function renderPanel(doc: Y.Doc, readOnly = false) {
  const conn = { doc, user: me } as unknown as RoomConnection;
  // StrictMode runs effects twice, as the development build does: resources made in effects
  // must survive that.
  return render(
    <StrictMode>
      <RoomContext.Provider value={conn}>
        <ParkingLotPanel readOnly={readOnly} />
      </RoomContext.Provider>
    </StrictMode>,
  );
}

afterEach(cleanup);

describe('ParkingLotPanel', () => {
  it('adds a note through the form, shows remote notes, and undoes only its own change', async () => {
    const doc = new Y.Doc();
    renderPanel(doc);
    const undo = screen.getByRole('button', { name: 'Undo' }) as HTMLButtonElement;
    expect(undo.disabled).toBe(true);

    fireEvent.change(screen.getByLabelText('New note'), { target: { value: 'Mine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(readParkingLot(doc).map((n) => n.text)).toEqual(['Mine']);
    expect(await screen.findByText('Mine')).toBeTruthy();
    expect(undo.disabled).toBe(false);

    // A note from someone else arrives as a remote update.
    const other = new Y.Doc();
    addParkingLotItem(other, 'Theirs', { id: 'u-2', name: 'Them', organisation: 'Police' }, 'n-2');
    act(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), 'remote'));
    expect(await screen.findByText('Theirs')).toBeTruthy();

    fireEvent.click(undo);
    expect(readParkingLot(doc).map((n) => n.text)).toEqual(['Theirs']);
  });

  it('refuses an empty note with a message and writes nothing', async () => {
    const doc = new Y.Doc();
    renderPanel(doc);
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Write something/);
    expect(readParkingLot(doc)).toEqual([]);
  });

  it('offers no way to change anything to a viewer', () => {
    const doc = new Y.Doc();
    addParkingLotItem(doc, 'Read me', { id: 'u-2', name: 'Them', organisation: 'Police' }, 'n-1');
    renderPanel(doc, true);
    expect(screen.getByText('Read me')).toBeTruthy();
    expect(screen.queryByLabelText('New note')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
