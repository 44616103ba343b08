import { describe, expect, it } from 'vitest';
import { saveState } from './ConnectionStatus.js';
import type { RoomStatus } from './RoomConnection.js';

describe('saveState', () => {
  const live: RoomStatus = { connection: 'live', synced: true, localCopy: 'ready', pendingEdits: 0, anySaved: false, closed: null, serverReadOnly: false };

  it('says nothing before the first edit, "Saving…" until the server stored it, then "Saved"', () => {
    expect(saveState(live)).toBe('');
    expect(saveState({ ...live, pendingEdits: 1 })).toBe('Saving…');
    expect(saveState({ ...live, pendingEdits: 2, anySaved: true })).toBe('Saving…');
    expect(saveState({ ...live, anySaved: true })).toBe('Saved');
  });

  it('counts the edits not yet saved while they cannot be sent', () => {
    expect(saveState({ ...live, connection: 'offline', pendingEdits: 1 })).toBe('1 edit not yet saved');
    expect(saveState({ ...live, connection: 'offline', pendingEdits: 3, anySaved: true })).toBe('3 edits not yet saved');
    expect(saveState({ ...live, connection: 'connecting', pendingEdits: 2 })).toBe('2 edits not yet saved');
    expect(saveState({ ...live, serverReadOnly: true, pendingEdits: 2 })).toBe('2 edits not yet saved');
    const closed = { code: 4401, reason: '', message: 'You have been signed out.' };
    expect(saveState({ ...live, connection: 'closed', closed, pendingEdits: 4 })).toBe('4 edits not yet saved');
  });

  it('does not say "Saved" while disconnected, even with nothing pending', () => {
    expect(saveState({ ...live, connection: 'offline', anySaved: true })).toBe('');
  });
});
