/**
 * Follow me, bring everyone here and raised hands, in headless Chromium against the real
 * server: a facilitator leads on a map and a participant's view follows (until they stop), a
 * summon takes a participant from the workshop page to the map, and hands go up in order.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addElement, type Actor } from '../../shared/map/doc.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { browserSuite } from '../helpers/browser.js';
import { api, connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const shots = process.env.SCREENSHOT_DIR ?? '/tmp';

/** The part of the map in view, in map coordinates, from React Flow's transform and the pane's size. */
function viewOf(page: Page): Promise<{ cx: number; cy: number; width: number }> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const pane = document.querySelector<HTMLElement>('.react-flow')!.getBoundingClientRect();
    const m = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
    const zoom = m.a;
    return { cx: (pane.width / 2 - m.e) / zoom, cy: (pane.height / 2 - m.f) / zoom, width: pane.width / zoom };
  });
}

describe('follow me, bring everyone here and hands', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('a participant’s view follows the facilitator’s until they stop; a summon brings them to the map; hands go up in order', async () => {
    const { ws, people } = suite;
    const fran: Person = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    const mo: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Devon and Cornwall Police' });
    const mapId = await createRoom(ws, fran, 'torbay', 'map', 'Wide map');
    const seeder = connectClient(ws.url.replace(/^http/, 'ws') + '/sync', mapId, fran.token);
    await seeder.synced;
    const actor: Actor = { userId: fran.id, name: 'Fran Facilitator', organisation: 'Torbay Council' };
    seeder.doc.transact(() => {
      // Far apart, so fitting one or the other moves the view a long way.
      addElement(seeder.doc, { id: 'west', kind: 'variable', label: 'West end', x: -3000, y: 0 }, actor);
      addElement(seeder.doc, { id: 'east', kind: 'variable', label: 'East end', x: 3000, y: 1500 }, actor);
    });
    const made = await api(ws, '/api/sites/torbay/workshops', {
      token: fran.token,
      body: {
        title: 'Follow session',
        startsAt: '2026-03-02T10:00:00Z',
        steps: [
          { title: 'Walk the map', kind: 'discussion', minutes: 10, roomId: mapId },
          { title: 'Hands off the map', kind: 'discussion', minutes: 5, roomId: mapId, lock: true },
        ],
      },
    });
    const w = made.body as Workshop;
    await api(ws, `/api/workshops/${w.id}/timer`, { token: fran.token, body: { action: 'start' } });

    const [franPage, moPage] = await Promise.all([people.page(fran), people.page(mo)]);
    const link = `${ws.url}/rooms/${mapId}?workshop=${w.id}`;
    await Promise.all([franPage.goto(link), moPage.goto(link)]);
    for (const page of [franPage, moPage]) {
      const strip = page.getByRole('region', { name: 'Workshop' });
      await strip.getByText('Walk the map').waitFor();
      await poll(() => strip.getByRole('timer', { name: 'Time left' }).innerText()).toMatch(/^(9|10):\d\d$/);
    }

    // Fran leads; Mo follows her view.
    await franPage.getByRole('button', { name: 'Everyone follow me' }).click();
    await moPage.getByRole('button', { name: 'Following Fran Facilitator · Stop' }).waitFor();
    const franView = () => viewOf(franPage);
    // Zoom in twice with React Flow's control and drag the canvas; Mo's view has the same centre and scale.
    await franPage.getByRole('button', { name: /zoom in/i }).click();
    await franPage.getByRole('button', { name: /zoom in/i }).click();
    await franPage.mouse.move(640, 400);
    await franPage.mouse.down();
    await franPage.mouse.move(300, 200, { steps: 8 });
    await franPage.mouse.up();
    const close = async () => {
      const [a, b] = await Promise.all([franView(), viewOf(moPage)]);
      return Math.abs(a.cx - b.cx) < a.width * 0.05 && Math.abs(a.cy - b.cy) < a.width * 0.05 && Math.abs(a.width - b.width) < a.width * 0.1;
    };
    await poll(close).toBe(true);
    await moPage.screenshot({ path: `${shots}/workshop-following.png` });
    // The strip fits a phone.
    await moPage.setViewportSize({ width: 390, height: 844 });
    await moPage.screenshot({ path: `${shots}/workshop-strip-390.png` });
    expect(await moPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await moPage.setViewportSize({ width: 1280, height: 720 });

    // Mo stops following: Fran's next moves leave Mo's view where it is.
    await moPage.getByRole('button', { name: 'Following Fran Facilitator · Stop' }).click();
    await moPage.getByRole('button', { name: 'Follow Fran Facilitator' }).waitFor();
    const moBefore = await viewOf(moPage);
    await franPage.getByRole('button', { name: /zoom out/i }).click();
    await franPage.waitForTimeout(600);
    const moAfter = await viewOf(moPage);
    expect(Math.abs(moAfter.width - moBefore.width)).toBeLessThan(1);
    expect(await close()).toBe(false);

    // Mo goes back to the workshop page; Fran brings everyone here.
    await moPage.goto(`${ws.url}/workshops/${w.id}`);
    await moPage.getByRole('heading', { name: 'Rounds' }).waitFor();
    await franPage.getByRole('button', { name: 'Bring everyone here' }).click();
    await poll(() => moPage.url()).toContain(`/rooms/${mapId}?workshop=${w.id}`);
    await moPage.getByRole('region', { name: 'Workshop' }).waitFor();
    // Brought to the part Fran has in view.
    await poll(close).toBe(true);

    // Hands: Mo raises from the map; Fran sees it on the workshop page and lowers it.
    await moPage.getByRole('button', { name: 'Raise my hand' }).click();
    await moPage.getByRole('button', { name: 'Lower my hand' }).waitFor();
    await franPage.goto(`${ws.url}/workshops/${w.id}`);
    const hands = franPage.getByRole('list', { name: 'Hands up, in order' });
    await poll(() => hands.locator('li').allInnerTexts()).toEqual([expect.stringContaining('Mo Member')]);
    await hands.getByRole('button', { name: /Lower/ }).click();
    await moPage.getByRole('button', { name: 'Raise my hand' }).waitFor();
    await poll(() => hands.count()).toBe(0);
    // The participant list names both, with organisations, connected.
    const everyone = franPage.getByRole('list', { name: 'Everyone who has joined' });
    await poll(() => everyone.locator('li.is-here').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('Mo Member'), expect.stringContaining('Fran Facilitator')]),
    );
    await franPage.screenshot({ path: `${shots}/workshop-people.png`, fullPage: true });

    // The next step locks the map: Mo's map page says so and offers no tools; moving on unlocks it.
    await expect(moPage.getByRole('button', { name: 'Add element' }).count()).resolves.toBe(1);
    await franPage.getByRole('button', { name: 'Next step' }).click();
    await moPage.locator('.room-lock-on', { hasText: 'Locked by Fran Facilitator' }).waitFor();
    await poll(() => moPage.getByRole('button', { name: 'Add element' }).count()).toBe(0);
    await moPage.getByRole('region', { name: 'Workshop' }).getByText('Hands off the map').waitFor();
    await franPage.getByRole('button', { name: 'Previous step' }).click();
    await poll(() => moPage.getByRole('button', { name: 'Add element' }).count()).toBe(1);
    seeder.destroy();
  });
});
