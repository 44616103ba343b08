/**
 * Drawing a connection by dragging, in a real browser: the handles are big enough to grab at
 * every zoom, a drop anywhere on the target's body connects, a drop on the element itself says
 * so, and a drop on empty canvas offers a new element there, connected, in one undo step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('dragging connections in a real browser', { timeout: 90_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 } });
  let council: Person;
  let viewer: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    viewer = await createPerson(suite.ws, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' });
  }, 90_000);

  const tool = (map: MapPage, name: string) => map.page.getByRole('toolbar', { name: 'Map tools' }).getByRole('button', { name, exact: true });
  const counts = (map: MapPage) => map.page.locator('.map-count').innerText();
  const zoom = (map: MapPage) =>
    map.page.locator('.react-flow__viewport').evaluate((el) => Number(/scale\(([\d.]+)\)/.exec((el as HTMLElement).style.transform)?.[1]));
  const centre = async (map: MapPage, label: string) => {
    const box = (await map.node(label).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  /** The on-screen size of a shown handle, in pixels: its smaller side. */
  const handleSize = async (map: MapPage, label: string) => {
    await map.node(label).hover();
    const box = (await map.handle(label).boundingBox())!;
    return Math.min(box.width, box.height);
  };

  let roomId = '';
  async function openTwoElements(title: string): Promise<MapPage> {
    roomId = await createRoom(suite.ws, council, 'torbay', 'map', title);
    const cal = await MapPage.open(await suite.people.page(council), suite.ws.url, roomId, title);
    await cal.addElement('Carer stress');
    await cal.addElement('Hospital admissions');
    await cal.page.getByRole('button', { name: 'Fit view' }).click();
    await cal.viewSettled();
    return cal;
  }

  it('a drag from a handle dropped in the middle of the target’s body connects them, with polarity ?', async () => {
    const cal = await openTwoElements('Drag to connect');
    expect(await handleSize(cal, 'Carer stress')).toBeGreaterThanOrEqual(10);
    await cal.node('Carer stress').hover();
    await cal.page.screenshot({ path: process.env.CONNECTING_SCREENSHOT ?? '/tmp/connecting-handles.png', clip: await clipAround(cal, 'Carer stress') });

    await cal.dragConnection('Carer stress', await centre(cal, 'Hospital admissions'));
    await poll(() => counts(cal)).toBe('2 elements · 1 connections');
    await poll(() => cal.polarities()).toEqual(['?']);

    // Back again, dropped on the body away from its middle and from every handle. (The new
    // link's details opened beside the canvas: the elements are brought out from under them.)
    await cal.bringIntoReach('Hospital admissions');
    const target = (await cal.node('Carer stress').boundingBox())!;
    await cal.dragConnection('Hospital admissions', { x: target.x + target.width * 0.3, y: target.y + target.height * 0.3 }, 'bottom');
    await poll(() => counts(cal)).toBe('2 elements · 2 connections');

    // Dropped back on the element it started from: nothing is connected, and the page says why.
    await cal.dragConnection('Hospital admissions', await centre(cal, 'Hospital admissions'), 'top');
    await poll(() => cal.page.getByRole('status').filter({ hasText: 'drop on another element' }).count()).toBe(1);
    expect(await counts(cal)).toBe('2 elements · 2 connections');
  });

  it('a drag dropped on empty canvas offers a new element there, connected, in one undo step', async () => {
    const cal = await openTwoElements('Drop on the canvas');
    // 220 px below the source, measured just before each drag (the page may scroll between).
    const below = async () => {
      const from = await centre(cal, 'Carer stress');
      return { x: from.x, y: from.y + 220 };
    };

    // Escape withdraws the offer.
    await cal.dragConnection('Carer stress', await below(), 'bottom');
    const offer = cal.page.getByRole('dialog', { name: 'Add a connected element' });
    await offer.waitFor();
    expect(await offer.innerText()).toContain('Add a factor here, connected from “Carer stress”?');
    await cal.page.keyboard.press('Escape');
    await offer.waitFor({ state: 'detached' });
    expect(await counts(cal)).toBe('2 elements · 0 connections');

    await cal.dragConnection('Carer stress', await below(), 'bottom');
    await offer.getByRole('button', { name: 'Add' }).click();
    await poll(() => counts(cal)).toBe('3 elements · 1 connections');
    await poll(() => cal.polarities()).toEqual(['?']);
    // Where it was dropped, 220 px below the source's centre.
    const [added, source] = [await centre(cal, 'New factor'), await centre(cal, 'Carer stress')];
    expect(Math.hypot(added.x - source.x, added.y - source.y - 220)).toBeLessThan(60);

    await tool(cal, 'Undo').click();
    await poll(() => counts(cal)).toBe('2 elements · 0 connections');
  });

  it('handles show on keyboard focus, stay at least 10 px on screen at half zoom, and are not shown read-only', async () => {
    const cal = await openTwoElements('Handle size');
    // Focused from the keyboard, with the pointer elsewhere: its handles show, and so does the focus.
    await cal.page.mouse.move(5, 5);
    await cal.page.keyboard.press('Shift');
    await cal.node('Hospital admissions').focus();
    expect(await cal.handle('Hospital admissions').evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    expect(await cal.node('Hospital admissions').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await cal.page.screenshot({ path: process.env.CONNECTING_FOCUS_SCREENSHOT ?? '/tmp/connecting-focus.png', clip: await clipAround(cal, 'Hospital admissions') });

    for (let i = 0; i < 10 && (await zoom(cal)) > 0.55; i++) await cal.page.getByRole('button', { name: 'Zoom Out' }).click();
    await cal.viewSettled();
    expect(await zoom(cal)).toBeLessThanOrEqual(0.55);
    expect(await handleSize(cal, 'Carer stress')).toBeGreaterThanOrEqual(10);

    // Someone who may only look has nothing to grab.
    const vic = await MapPage.open(await suite.people.page(viewer), suite.ws.url, roomId, 'Handle size');
    await vic.node('Carer stress').hover();
    expect(await vic.handle('Carer stress').isVisible()).toBe(false);
  });
});

async function clipAround(map: MapPage, label: string) {
  const box = (await map.node(label).boundingBox())!;
  return { x: box.x - 30, y: box.y - 30, width: box.width + 60, height: box.height + 60 };
}
