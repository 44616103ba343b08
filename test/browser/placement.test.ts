/**
 * Where new elements go, in a real browser: five adds in a row never overlap or touch, even
 * after a long label has wrapped its box taller than the room once assumed for every box; and
 * "Add connected element" adds an element and its connection in one step, by button or keyboard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

const LONG_LABEL = 'Number of older people living alone without regular visits from family, friends or neighbours';

describe('placing new elements in a real browser', { timeout: 90_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 } });
  let council: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
  }, 90_000);

  async function openMap(title: string): Promise<MapPage> {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', title);
    return MapPage.open(await suite.people.page(council), suite.ws.url, roomId, title);
  }

  const tool = (map: MapPage, name: string) => map.page.getByRole('toolbar', { name: 'Map tools' }).getByRole('button', { name, exact: true });
  // From the toolbar: React Flow draws only what is in view, and the view follows a new element.
  const counts = (map: MapPage) => map.page.locator('.map-count').innerText();
  /** Fits the whole map in view, so React Flow draws every element. */
  async function fitAll(map: MapPage) {
    await map.page.getByRole('button', { name: 'Fit view' }).click();
    await map.viewSettled();
  }

  it('five Add element clicks after a long, wrapping label give five boxes that neither overlap nor touch', async () => {
    const cal = await openMap('Placement');
    await cal.addElement(LONG_LABEL);
    // Wrapped, the box is taller than the 90 px every box was once assumed to take.
    expect(await cal.node(LONG_LABEL).evaluate((el) => (el as HTMLElement).offsetHeight)).toBeGreaterThan(90);

    for (let i = 1; i <= 5; i++) {
      await tool(cal, 'Add element').click();
      await poll(() => counts(cal)).toBe(`${1 + i} elements · 0 connections`);
    }
    await fitAll(cal);
    await poll(() => cal.page.locator('.react-flow__node-element').count()).toBe(6);

    const boxes = await cal.page.locator('.react-flow__node-element').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        // The clear space between two boxes on screen: at most 0 when they touch or overlap.
        const clear = Math.max(b.left - a.right, a.left - b.right, b.top - a.bottom, a.top - b.bottom);
        expect(clear, `${JSON.stringify(a)} and ${JSON.stringify(b)}`).toBeGreaterThan(0);
      }
    }
    await cal.page.locator('.map-canvas').screenshot({ path: process.env.PLACEMENT_SCREENSHOT ?? '/tmp/placement-five-adds.png' });
  });

  it('an element added while the outline shows lands in the middle of the view, not in a far corner', async () => {
    const cal = await openMap('From the outline');
    await cal.addElement('Footfall');
    await fitAll(cal);
    // Nothing selected: the new element goes to the middle of the view.
    // Low in the middle: the tools float over the top, the zoom buttons and overview bottom left.
    const pane = (await cal.page.locator('.react-flow__pane').boundingBox())!;
    await cal.page.locator('.react-flow__pane').click({ position: { x: pane.width / 2, y: pane.height - 50 } });
    await cal.page.getByRole('button', { name: 'Outline', exact: true }).click();
    await tool(cal, 'Add element').click();
    await poll(() => counts(cal)).toBe('2 elements · 0 connections');
    await cal.page.getByRole('button', { name: 'Map', exact: true }).click();
    const canvas = (await cal.page.locator('.map-canvas').boundingBox())!;
    const added = (await cal.page.locator('.react-flow__node-element', { hasText: 'New factor' }).boundingBox())!;
    const footfall = (await cal.node('Footfall').boundingBox())!;
    expect(added.x).toBeGreaterThan(canvas.x);
    expect(added.y).toBeGreaterThan(canvas.y);
    expect(added.x + added.width).toBeLessThan(canvas.x + canvas.width);
    expect(added.y + added.height).toBeLessThan(canvas.y + canvas.height);
    const clear = Math.max(added.x - (footfall.x + footfall.width), footfall.x - (added.x + added.width), added.y - (footfall.y + footfall.height), footfall.y - (added.y + added.height));
    expect(clear).toBeGreaterThan(0);
  });

  it('Add connected element adds an element beside the selected one and connects them, in one undo step', async () => {
    const cal = await openMap('Connected');
    await cal.addElement('Footfall');
    await cal.select('Footfall');

    await tool(cal, 'Add connected element').click();
    await poll(() => counts(cal)).toBe('2 elements · 1 connections');
    // The new element is selected with its label ready to type over, and sits to the right.
    const field = cal.page.locator('.inspector').getByLabel('Label', { exact: true });
    await poll(() => cal.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('New factor');
    await field.fill('Shops open');
    await field.press('Enter');
    await fitAll(cal);
    await poll(() => cal.polarities()).toEqual(['?']);
    expect((await cal.position('Shops open')).x).toBeGreaterThan((await cal.position('Footfall')).x);

    // By keyboard: Ctrl+Enter on the selected element.
    await cal.node('Shops open').focus();
    await cal.page.keyboard.press('Control+Enter');
    await poll(() => counts(cal)).toBe('3 elements · 2 connections');

    // One undo takes back both the element and its connection.
    await tool(cal, 'Undo').click();
    await poll(() => counts(cal)).toBe('2 elements · 1 connections');
  });
});
