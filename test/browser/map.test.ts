/**
 * Live mapping in two real browsers: add, connect, set polarity, move, delete, undo; and a
 * viewer who sees it all but cannot change it.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signInContext, startWorkspace } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage, RoomPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('system maps in a real browser', { timeout: 90_000 }, () => {
  let browser: Browser;
  let ws: Awaited<ReturnType<typeof startWorkspace>>;
  let council: Person;
  let police: Person;
  let viewer: Person;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [ws, browser] = await Promise.all([startWorkspace(), launchBrowser()]);
    council = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    police = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Pat Police', organisation: 'Devon and Cornwall Police' });
    viewer = await createPerson(ws, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' });
  }, 90_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await ws?.dispose();
  });

  async function openMap(person: Person, roomId: string, title: string): Promise<MapPage> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    await signInContext(context, ws, person.email, person.password);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${person.email}: ${error.message}`));
    const room = new RoomPage(page);
    await room.open(ws.url, roomId, title);
    await room.waitForConnection('Live');
    await page.locator('.react-flow').waitFor();
    return new MapPage(page);
  }

  it('two people map together live: add, connect, set polarity, move, delete and undo', async () => {
    const roomId = await createRoom(ws, council, 'torbay', 'map', 'High street loops');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'High street loops'), openMap(police, roomId, 'High street loops')]);

    await cal.addElement('Footfall');
    await pat.addElement('Empty shop units');
    await poll(() => cal.labels()).toEqual(['Empty shop units', 'Footfall']);
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall']);

    await cal.connect('Footfall', 'Empty shop units', '-');
    await pat.connect('Empty shop units', 'Footfall', '?');
    await poll(() => pat.polarities()).toEqual(['?', '−']);
    await poll(() => cal.polarities()).toEqual(['?', '−']);

    // Pat settles the unknown polarity from the connection's own panel.
    await pat.select('Empty shop units');
    await pat.page.locator('.inspector').getByRole('button', { name: /→ Footfall/ }).click();
    await pat.page.getByRole('radio', { name: '− opposite direction' }).check();
    await poll(() => cal.polarities()).toEqual(['−', '−']);

    // A drag shows for the other person.
    const before = await pat.position('Footfall');
    await cal.drag('Footfall', 160, 90);
    await poll(async () => {
      const now = await pat.position('Footfall');
      return Math.round(Math.hypot(now.x - before.x, now.y - before.y));
    }).toBeGreaterThan(50);
    await poll(async () => JSON.stringify(await pat.position('Footfall'))).toBe(JSON.stringify(await cal.position('Footfall')));

    // Deleting an element takes its connections with it, for both.
    await cal.select('Empty shop units');
    await cal.page.getByRole('button', { name: 'Delete element' }).click();
    await poll(() => pat.labels()).toEqual(['Footfall']);
    await poll(() => pat.polarities()).toEqual([]);

    // Undo brings back Cal's own deletion (and only that).
    await cal.page.getByRole('toolbar', { name: 'Map tools' }).getByRole('button', { name: 'Undo' }).click();
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall']);
    await poll(() => pat.polarities()).toEqual(['−', '−']);
  });

  it('shows each person where the others are pointing and what they have selected, with name and agency', async () => {
    const roomId = await createRoom(ws, council, 'torbay', 'map', 'Pointing');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Pointing'), openMap(police, roomId, 'Pointing')]);
    await cal.addElement('Lonely older people');
    await pat.node('Lonely older people').waitFor();
    await cal.select('Lonely older people');
    await poll(() => pat.page.locator('.map-node-selected-by').allInnerTexts()).toEqual(['Cal Council']);

    const box = (await cal.page.locator('.map-canvas').boundingBox())!;
    await cal.page.mouse.move(box.x + 50, box.y + 60);
    await cal.page.mouse.move(box.x + 80, box.y + 90);
    const cursor = pat.page.locator('.remote-cursor', { hasText: 'Cal Council · Torbay Council' });
    await cursor.waitFor();
    // The pointer leaves the map: the cursor goes for the others.
    await cal.page.mouse.move(box.x - 40, box.y - 40);
    await cursor.waitFor({ state: 'detached' });
  });

  it('can be drawn by keyboard alone: add, edit, connect, move and delete', async () => {
    const roomId = await createRoom(ws, council, 'torbay', 'map', 'Keyboard map');
    const cal = await openMap(council, roomId, 'Keyboard map');
    const page = cal.page;
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { text: el?.textContent?.trim() ?? '', id: el?.id ?? '', node: el?.classList.contains('react-flow__node') ?? false, label: el?.getAttribute('aria-label') ?? '' };
    });
    async function tabTo(match: (f: Awaited<ReturnType<typeof focused>>) => boolean, key = 'Tab') {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press(key);
        if (match(await focused())) return;
      }
      throw new Error(`never reached by ${key}`);
    }

    for (const label of ['Footfall', 'Empty shops']) {
      await tabTo((f) => f.text === 'Add element');
      await page.keyboard.press('Enter');
      await poll(async () => (await focused()).text === '' && (await page.evaluate(() => (document.activeElement as HTMLInputElement).value))).toMatch(/^New factor$/);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(label);
      await page.keyboard.press('Enter');
      await cal.node(label).waitFor();
    }
    // "Empty shops" is selected: connect it to Footfall with a negative link from the form.
    await tabTo((f) => f.label === '' && f.text.startsWith('Choose an element'));
    await page.keyboard.type('Foot');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo((f) => f.text === 'Connect');
    await page.keyboard.press('Enter');
    await poll(() => cal.polarities()).toEqual(['−']);

    // Move a node with the arrow keys, then delete it, all from the keyboard.
    const before = await cal.position('Footfall');
    await page.locator('.react-flow__node', { hasText: 'Footfall' }).focus();
    await page.keyboard.press('Enter');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await poll(async () => (await cal.position('Footfall')).x).toBeGreaterThan(before.x);
    await page.keyboard.press('Delete');
    await poll(() => cal.labels()).toEqual(['Empty shops']);
    await poll(() => cal.polarities()).toEqual([]);
  });

  it('a viewer sees the map change live but gets no way to change it', async () => {
    const roomId = await createRoom(ws, council, 'torbay', 'map', 'For the board');
    const [cal, vic] = await Promise.all([openMap(council, roomId, 'For the board'), openMap(viewer, roomId, 'For the board')]);
    await cal.addElement('Dementia-friendly businesses');
    await poll(() => vic.labels()).toEqual(['Dementia-friendly businesses']);
    expect(await vic.page.getByRole('toolbar', { name: 'Map tools' }).count()).toBe(0);
    await vic.select('Dementia-friendly businesses');
    expect(await vic.page.locator('.inspector').getByLabel('Label', { exact: true }).isDisabled()).toBe(true);
    expect(await vic.page.getByRole('button', { name: 'Delete element' }).count()).toBe(0);
    const before = await vic.position('Dementia-friendly businesses');
    await vic.drag('Dementia-friendly businesses', 120, 60);
    expect(await vic.position('Dementia-friendly businesses')).toEqual(before);
    await vic.page.keyboard.press('Delete');
    await poll(() => cal.labels()).toEqual(['Dementia-friendly businesses']);
    expect(await vic.labels()).toEqual(['Dementia-friendly businesses']);
  });
});
