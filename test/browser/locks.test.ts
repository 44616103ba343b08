/**
 * Locking a room, in headless Chromium against the real server: the facilitator locks a map,
 * a member's page says who locked it and stops offering edits (the server drops them), and
 * unlocking gives the member their edits back without a reload.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { RoomPage, SitePage, openPanel } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('locking a room', { timeout: 60_000 }, () => {
  const suite = browserSuite();
  let facilitator: Person;
  let member: Person;

  beforeAll(async () => {
    facilitator = await createPerson(suite.ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    member = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Devon and Cornwall Police' });
  }, 90_000);

  async function liveIn(person: Person, roomId: string, title: string): Promise<RoomPage> {
    const room = new RoomPage(await suite.people.page(person));
    await room.open(suite.ws.url, roomId, title);
    await room.waitForConnection('Live');
    return room;
  }

  it('a member’s page says who locked the map and offers no edits; unlocking gives them back', async () => {
    const roomId = await createRoom(suite.ws, member, 'torbay', 'map', 'Presented map');
    const [fran, mo] = await Promise.all([liveIn(facilitator, roomId, 'Presented map'), liveIn(member, roomId, 'Presented map')]);
    await openPanel(mo.page, 'Parking lot');
    await mo.page.getByLabel('New note').waitFor();
    // Members are not offered the lock.
    expect(await mo.page.getByRole('button', { name: 'Lock editing' }).count()).toBe(0);

    await fran.page.getByRole('button', { name: 'Lock editing' }).click();
    await mo.page.getByTestId('room-lock').getByText('Locked by Fran Facilitator (Torbay Council)').waitFor();
    expect(await mo.page.getByTestId('room-lock').textContent()).toMatch(/your edits are off until a facilitator unlocks it/);
    await poll(() => mo.page.getByLabel('New note').count()).toBe(0);
    expect(await mo.page.getByRole('button', { name: 'Add element' }).count()).toBe(0);
    expect(await mo.connectionState()).toBe('Live');
    // The site's list of rooms says so too.
    const site = new SitePage(await suite.people.page(member));
    await site.open(suite.ws.url, 'torbay');
    await poll(() => site.rooms.locator('li', { hasText: 'Presented map' }).locator('.room-locked').count()).toBe(1);

    // The facilitator still edits, and the member sees it live.
    expect(await fran.page.getByTestId('room-lock').textContent()).toMatch(/Only facilitators can edit it now/);
    await fran.addNote('Agreed in the room');
    await poll(() => mo.notes()).toEqual(['Agreed in the room']);

    await fran.page.getByRole('button', { name: 'Unlock editing' }).click();
    await mo.page.getByLabel('New note').waitFor();
    expect(await mo.page.getByTestId('room-lock').count()).toBe(0);
    await mo.addNote('After the unlock');
    await poll(() => fran.notes()).toEqual(['Agreed in the room', 'After the unlock']);
    await poll(() => mo.saveState()).toBe('Saved');
  });
});
