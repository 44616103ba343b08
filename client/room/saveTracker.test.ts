import { describe, expect, it } from 'vitest';
import { SaveTracker } from './saveTracker.js';

/** Sockets are only compared by identity. */
const first = { name: 'first socket' };
const second = { name: 'second socket' };

/** A local edit sent at once as an update, as the provider does while connected. */
function editSent(saves: SaveTracker, socket: object): void {
  saves.edit();
  saves.sent(socket, 'update');
}

describe('SaveTracker', () => {
  it('counts an edit until the update that carried it is acknowledged', () => {
    const saves = new SaveTracker();
    expect(saves.count).toBe(0);
    expect(saves.anySaved).toBe(false);
    editSent(saves, first);
    expect(saves.count).toBe(1);
    expect(saves.saved(first, 1)).toBe(true);
    expect(saves.count).toBe(0);
    expect(saves.anySaved).toBe(true);
  });

  it('acknowledges each update on its own: a later one does not save an earlier, dropped one', () => {
    const saves = new SaveTracker();
    editSent(saves, first); // message 1: the server dropped it (waiting for what it lacked)
    editSent(saves, first); // message 2
    expect(saves.saved(first, 2)).toBe(true);
    expect(saves.count).toBe(1);
    // Message 1 will never be acknowledged now; the sync step 2 the server asks for covers it.
    expect(saves.saved(first, 1)).toBe(false);
    saves.sent(first, 'step2');
    expect(saves.saved(first, 3)).toBe(true);
    expect(saves.count).toBe(0);
  });

  it('counts edits made offline, and saves them all with the sync step 2 sent on reconnecting', () => {
    const saves = new SaveTracker();
    editSent(saves, first);
    saves.saved(first, 1);
    // Offline: edits are made but nothing is sent.
    saves.edit();
    saves.edit();
    saves.edit();
    expect(saves.count).toBe(3);
    // A new socket numbers its messages from 1 again, as the server does.
    saves.sent(second, 'step2');
    expect(saves.saved(second, 1)).toBe(true);
    expect(saves.count).toBe(0);
  });

  it('keeps edits in flight when their socket dropped, and ignores acknowledgements from an old socket', () => {
    const saves = new SaveTracker();
    editSent(saves, first);
    editSent(saves, first);
    saves.sent(second, 'step2'); // reconnected before either was acknowledged
    expect(saves.saved(first, 1)).toBe(false);
    expect(saves.count).toBe(2);
    editSent(saves, second); // message 2 on the new socket
    expect(saves.saved(second, 2)).toBe(true);
    expect(saves.count).toBe(2);
    expect(saves.saved(second, 1)).toBe(false); // forgotten: the server handles in order
    saves.sent(second, 'step2');
    expect(saves.saved(second, 3)).toBe(true);
    expect(saves.count).toBe(0);
  });

  it('saves with a sync step 2 only the edits made before it was written', () => {
    const saves = new SaveTracker();
    saves.edit(); // made while connecting: not sent as an update
    saves.sent(first, 'step2'); // message 1
    editSent(saves, first); // message 2
    expect(saves.saved(first, 1)).toBe(true);
    expect(saves.count).toBe(1);
    expect(saves.saved(first, 2)).toBe(true);
    expect(saves.count).toBe(0);
  });

  it('does not count an update that carried no edit made here', () => {
    const saves = new SaveTracker();
    saves.edit(); // offline
    saves.notEdit(); // then the offline copy loads something else, which the provider sends on
    saves.sent(first, 'update');
    expect(saves.saved(first, 1)).toBe(false);
    expect(saves.count).toBe(1);
    expect(saves.anySaved).toBe(false);
  });

  it('never counts a message twice, nor one it did not send', () => {
    const saves = new SaveTracker();
    editSent(saves, first);
    expect(saves.saved(first, 5)).toBe(false);
    expect(saves.saved(first, 1)).toBe(true);
    expect(saves.saved(first, 1)).toBe(false);
    // Without an edit of its own, an update sent after one that was carries nothing.
    saves.sent(first, 'update');
    expect(saves.saved(first, 2)).toBe(false);
  });

  it('keeps an edit sent on a dropped connection pending across many more', () => {
    const saves = new SaveTracker();
    for (let i = 0; i < 100; i++) editSent(saves, first);
    for (let seq = 2; seq <= 100; seq++) saves.saved(first, seq);
    expect(saves.count).toBe(1);
  });
});
