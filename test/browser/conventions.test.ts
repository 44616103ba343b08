/**
 * Causal loop diagram conventions on the live canvas, in real browsers: links curve from the
 * facing sides of their elements, the polarity sits by the arrowhead, a delayed link carries a
 * ‖ mark, and a loop's marker (B1 with its circular arrow) is switched on and off from the
 * loops panel for everyone, and is in the exported SVG by default.
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addConnection, addElement, type Actor } from '../../shared/map/doc.js';
import { browserSuite } from '../helpers/browser.js';
import { connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Opens one of the map's side panels from the rail of panel buttons when the page has one (the
 * layout is moving the panels into a dock) and the panel is not on screen already.
 */
async function openPanel(page: Page, name: string, heading: RegExp): Promise<void> {
  if (await page.getByRole('heading', { name: heading }).isVisible()) return;
  const rail = page.getByRole('toolbar', { name: 'Panels' });
  if ((await rail.count()) === 0) return;
  await rail.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}

/** An element's box in map units, from React Flow's transform and the node's laid-out size. */
async function nodeBox(map: MapPage, label: string): Promise<Box> {
  const { x, y } = await map.position(label);
  const { width, height } = await map.node(label).evaluate((el) => ({ width: (el as HTMLElement).offsetWidth, height: (el as HTMLElement).offsetHeight }));
  return { x, y, width, height };
}

/** The first point of a link's drawn path, in map units. */
async function pathStart(page: Page, id: string): Promise<{ x: number; y: number }> {
  const d = await page.locator(`.react-flow__edge[data-id="${id}"] path.map-edge`).getAttribute('d');
  const m = /^M(-?[\d.]+),(-?[\d.]+)/.exec(d ?? '');
  if (!m) throw new Error(`no start in ${d}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

const distanceToBox = (p: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }) =>
  Math.hypot(Math.max(b.x - p.x, 0, p.x - b.x - b.width), Math.max(b.y - p.y, 0, p.y - b.y - b.height));

describe('causal loop conventions on the canvas', { timeout: 120_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  let council: Person;
  let police: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    police = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Pat Police', organisation: 'Devon and Cornwall Police' });
  }, 90_000);

  it('draws curved links between facing sides with polarity by the arrowhead and a delay mark, and loop markers for everyone', async () => {
    const title = 'Carers and respite';
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', title);
    // A balancing loop: stress → admissions (+, delayed) → respite (+) → stress (−), laid out as
    // a triangle with stress and admissions side by side.
    const seeder = connectClient(suite.ws.url.replace(/^http/, 'ws') + '/sync', roomId, council.token);
    await seeder.synced;
    const actor: Actor = { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council' };
    seeder.doc.transact(() => {
      addElement(seeder.doc, { id: 'stress', kind: 'variable', label: 'Carer stress', x: 0, y: 0 }, actor);
      addElement(seeder.doc, { id: 'admissions', kind: 'variable', label: 'Hospital admissions', x: 420, y: 0 }, actor);
      addElement(seeder.doc, { id: 'respite', kind: 'intervention', label: 'Respite care', x: 210, y: 260 }, actor);
      addConnection(seeder.doc, { id: 'sa', from: 'stress', to: 'admissions', polarity: '+', delay: true }, actor);
      addConnection(seeder.doc, { id: 'ar', from: 'admissions', to: 'respite', polarity: '+' }, actor);
      addConnection(seeder.doc, { id: 'rs', from: 'respite', to: 'stress', polarity: '-' }, actor);
    });
    try {
      await checkConventions(roomId, title);
    } finally {
      seeder.destroy();
    }
  });

  async function checkConventions(roomId: string, title: string) {
    const page = (person: Person) => suite.people.page(person);
    const [cal, pat] = await Promise.all([
      page(council).then((p) => MapPage.open(p, suite.ws.url, roomId, title)),
      page(police).then((p) => MapPage.open(p, suite.ws.url, roomId, title)),
    ]);
    await poll(() => cal.polarities()).toEqual(['+', '+', '−']);
    await poll(() => pat.polarities()).toEqual(['+', '+', '−']);

    // The link between the side-by-side elements leaves the source's right-hand side and
    // arrives at the target's left-hand one (not React Flow's fixed handles).
    const stress = await nodeBox(cal, 'Carer stress');
    const admissions = await nodeBox(cal, 'Hospital admissions');
    const respite = await nodeBox(cal, 'Respite care');
    const start = await pathStart(cal.page, 'sa');
    expect(Math.abs(start.x - (stress.x + stress.width))).toBeLessThan(4);
    expect(start.y).toBeGreaterThan(stress.y);
    expect(start.y).toBeLessThan(stress.y + stress.height);
    // Respite → stress leaves respite's top, towards stress above and to the left, not its right.
    const up = await pathStart(cal.page, 'rs');
    expect(Math.abs(up.y - respite.y)).toBeLessThan(4);
    expect(up.x).toBeLessThan(respite.x + respite.width);
    // Each link has its own arrowhead.
    expect(await cal.page.locator('.react-flow__edge .map-edge-arrow').count()).toBe(3);

    // The polarity sits by the arrowhead: nearer the target's box than the source's, outside both.
    const toScreen = async (b: Box) => {
      const vp = await cal.page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).getBoundingClientRect());
      const zoom = Number(/scale\(([-\d.e]+)\)/.exec(await cal.page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform))![1]);
      return { x: vp.x + b.x * zoom, y: vp.y + b.y * zoom, width: b.width * zoom, height: b.height * zoom };
    };
    for (const [id, from, to] of [
      ['sa', stress, admissions],
      ['ar', admissions, respite],
      ['rs', respite, stress],
    ] as const) {
      const sign = (await cal.page.locator(`.map-edge-sign[data-for="${id}"]`).boundingBox())!;
      const centre = { x: sign.x + sign.width / 2, y: sign.y + sign.height / 2 };
      const source = await toScreen(from);
      const target = await toScreen(to);
      expect(distanceToBox(centre, target)).toBeLessThan(distanceToBox(centre, source));
      expect(distanceToBox(centre, target)).toBeGreaterThan(0);
      expect(distanceToBox(centre, target)).toBeLessThan(60);
    }
    // The delayed link, and only it, carries the delay mark.
    for (const map of [cal, pat]) {
      await poll(() => map.page.locator('.react-flow__edge[data-id="sa"] .map-edge-delay').count()).toBe(1);
      expect(await map.page.locator('.map-edge-delay').count()).toBe(1);
    }

    // Cal switches the loop's marker on in the loops panel: both canvases show B1.
    await openPanel(cal.page, 'Loops', /^Feedback loops/);
    await openPanel(pat.page, 'Loops', /^Feedback loops/);
    expect(await cal.page.locator('.map-loop-marker').count()).toBe(0);
    const markerSwitch = (map: MapPage) => map.page.getByRole('checkbox', { name: /^Show marker on the map/ });
    await markerSwitch(cal).check();
    for (const map of [cal, pat]) {
      await poll(() => map.page.locator('.map-loop-marker').count()).toBe(1);
      const marker = map.page.locator('.map-loop-marker');
      expect(await marker.getAttribute('data-type')).toBe('balancing');
      expect(await marker.locator('text').first().textContent()).toBe('B1');
      await poll(() => markerSwitch(map).isChecked()).toBe(true);
    }
    // At the loop's centre (the mean of its elements' centres), and the pointer goes through it.
    const marker = (await cal.page.locator('.map-loop-marker').boundingBox())!;
    const centres = await Promise.all([stress, admissions, respite].map(toScreen));
    const mean = {
      x: centres.reduce((s, b) => s + b.x + b.width / 2, 0) / 3,
      y: centres.reduce((s, b) => s + b.y + b.height / 2, 0) / 3,
    };
    expect(Math.abs(marker.x + marker.width / 2 - mean.x)).toBeLessThan(8);
    expect(Math.abs(marker.y + marker.height / 2 - mean.y)).toBeLessThan(8);
    expect(await cal.page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.map-loop-markers') ?? null, mean)).toBeNull();

    // Export SVG shows, by default, the loops shown on the map.
    await openPanel(cal.page, 'Import and export', /^Import and export/);
    const [download] = (await Promise.all([cal.page.waitForEvent('download'), cal.page.getByRole('button', { name: 'Export SVG', exact: true }).click()])) as [Download, void];
    const svg = new DOMParser().parseFromString(readFileSync((await download.path())!, 'utf8'), 'image/svg+xml');
    const exported = Array.from(svg.getElementsByTagName('g')).filter((g) => g.getAttribute('class') === 'loop-marker');
    expect(exported.map((g) => g.getAttribute('data-type'))).toEqual(['balancing']);
    expect(exported[0]!.getElementsByTagName('text')[0]!.textContent).toBe('B1');

    // Pat switches it off: gone from both canvases.
    await openPanel(pat.page, 'Loops', /^Feedback loops/);
    await markerSwitch(pat).uncheck();
    for (const map of [cal, pat]) await poll(() => map.page.locator('.map-loop-marker').count()).toBe(0);
  }
});
