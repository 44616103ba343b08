/**
 * "Saved" means stored: with the server's storage held up, the page says "Saving…" and never
 * "Saved"; once storage goes on, it says "Saved".
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPeople, launchBrowser, startWorkspace } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { stallableStorage, type StallableStorage } from '../helpers/stallStorage.js';
import { RoomPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('saving, in a real browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let ws: Awaited<ReturnType<typeof startWorkspace>>;
  let people: BrowserPeople;
  let stallable: StallableStorage;
  let member: Person;

  beforeAll(async () => {
    [ws, browser] = await Promise.all([
      startWorkspace({}, {
        wrapStorage: (storage) => {
          stallable = stallableStorage(storage);
          return stallable.storage;
        },
      }),
      launchBrowser(),
    ]);
    people = new BrowserPeople(browser, ws);
    member = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Devon and Cornwall Police' });
  }, 90_000);

  afterEach(async () => {
    stallable.resume();
    expect(await people.closeAll()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await ws?.dispose();
  });

  it('says "Saved" only after the server stored the edit', async () => {
    const roomId = await createRoom(ws, member, 'torbay', 'map', 'Saved means stored');
    const room = new RoomPage(await people.page(member));
    await room.open(ws.url, roomId, 'Saved means stored');
    await room.waitForConnection('Live');
    expect(await room.saveState()).toBe('');

    await room.addNote('Stored straight away');
    await poll(() => room.saveState()).toBe('Saved');

    stallable.stall();
    const appends = stallable.appends.length;
    await room.addNote('Held up in storage');
    // The server has the edit and is waiting for storage to take it.
    await poll(() => stallable.appends.length).toBeGreaterThan(appends);
    expect(await room.saveState()).toBe('Saving…');
    // Nothing is coming until storage resolves: give the page time to show otherwise.
    await room.page.waitForTimeout(500);
    expect(await room.saveState()).toBe('Saving…');
    expect(await room.notes()).toContain('Held up in storage');

    stallable.resume();
    await poll(() => room.saveState()).toBe('Saved');
    // The status line announces it politely, without moving focus.
    expect(await room.page.locator('.connection-line').getAttribute('role')).toBe('status');
  });
});
