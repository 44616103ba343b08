/**
 * Breakouts in headless Chromium against the real server: the facilitator splits the people
 * here into groups; a participant opens their group's copy of the map and adds to it; the
 * facilitator compares the group's work with the map as it was and merges it into the main map.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addElement, readMap, type Actor } from '../../shared/map/doc.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { api, connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const shots = process.env.SCREENSHOT_DIR ?? '/tmp';

async function openWorkshop(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/workshops/${id}`);
  await page.getByRole('heading', { name: 'Rounds' }).waitFor();
}

describe('breakouts in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('splits people into groups, each on its own copy of the map, and merges a group’s work after comparing it', async () => {
    const { ws, people } = suite;
    const fran: Person = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator' });
    const mo: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member' });
    const pat: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Pat Participant' });
    const mapId = await createRoom(ws, fran, 'torbay', 'map', 'Town centre');
    const seeder = connectClient(ws.url.replace(/^http/, 'ws') + '/sync', mapId, fran.token);
    await seeder.synced;
    const actor: Actor = { userId: fran.id, name: 'Fran Facilitator', organisation: 'Test Council' };
    addElement(seeder.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
    const w = (
      await api(ws, '/api/sites/torbay/workshops', {
        token: fran.token,
        body: { title: 'Breakout session', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'In groups', kind: 'breakout', minutes: 20, roomId: mapId }] },
      })
    ).body as Workshop;

    const [franPage, moPage, patPage] = await Promise.all([people.page(fran), people.page(mo), people.page(pat)]);
    await Promise.all([franPage, moPage, patPage].map((p) => openWorkshop(p, ws.url, w.id)));
    // The facilitator sees the split of the people here before starting.
    const form = franPage.getByRole('form', { name: 'Start breakouts' });
    await poll(() => form.locator('.breakout-preview').innerText()).toMatch(/Group 1: (Mo Member|Pat Participant) · Group 2: (Mo Member|Pat Participant)/);
    await form.getByRole('button', { name: 'Start breakouts' }).dblclick();

    // Each participant is told their group and opens its map: a copy of the main one.
    const moGroup = moPage.locator('.breakout-mine');
    await moGroup.waitFor();
    const groupName = (await moGroup.locator('strong').innerText()).trim();
    expect(await patPage.locator('.breakout-mine strong').innerText()).not.toBe(groupName);
    expect(await franPage.locator('.breakout-groups > li').count()).toBe(2);
    // On a phone the participant's page shows their group first and never scrolls sideways.
    await moPage.setViewportSize({ width: 390, height: 844 });
    await moPage.screenshot({ path: `${shots}/workshop-breakout-390.png`, fullPage: true });
    expect(await moPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await moPage.setViewportSize({ width: 1280, height: 800 });
    await moGroup.getByRole('link', { name: 'open your group’s map' }).click();
    await moPage.locator('.react-flow').waitFor();
    const groupMap = new MapPage(moPage);
    await groupMap.node('Footfall').waitFor();
    await groupMap.addElement('Bus routes cut');

    // The facilitator compares Mo's group with the map as it was, and merges it.
    const group = franPage.locator('.breakout-groups > li', { hasText: groupName });
    await group.getByText('Compare and merge').click();
    const changes = group.getByRole('list', { name: `What ${groupName} changed` });
    await poll(() => changes.locator('li').allInnerTexts()).toEqual([expect.stringMatching(/Added element: Bus routes cut/)]);
    await franPage.setViewportSize({ width: 1920, height: 1080 });
    await franPage.screenshot({ path: `${shots}/workshop-breakouts-1920.png`, fullPage: true });
    await group.getByRole('button', { name: 'Choose all' }).click();
    await group.getByRole('button', { name: 'Merge 1 chosen into the main map' }).click();
    await group.getByText('Merged 1 change.').waitFor();
    await poll(() => readMap(seeder.doc).elements.map((e) => e.label).sort()).toEqual(['Bus routes cut', 'Footfall']);
    // The main map's page shows it too.
    const mainPage = await people.page(fran);
    const main = await MapPage.open(mainPage, ws.url, mapId, 'Town centre');
    await main.node('Bus routes cut').waitFor();
    await mainPage.close();

    // Closing locks the groups' maps.
    await franPage.getByRole('button', { name: 'Close breakouts (lock the groups’ maps)' }).click();
    await franPage.getByText(/closed: their maps are locked/).waitFor();
    await moPage.getByText(/locked/i).first().waitFor();
    expect(await seriousAxeViolations(franPage)).toEqual([]);
    seeder.destroy();
  });
});
