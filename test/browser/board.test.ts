/**
 * The canvas is the room, in a real browser at a laptop's, a projector's and a phone's size:
 * the map fills the window under one slim bar, tools and panels float over it, panels open
 * from a rail and close again (by button and by Escape, focus going back to the rail), and a
 * phone never scrolls sideways, with panels as bottom sheets.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BrowserPeople, browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

interface Layout {
  canvas: { x: number; y: number; width: number; height: number };
  share: number;
  scrollWidth: number;
  scrollHeight: number;
  innerWidth: number;
  innerHeight: number;
}

const layout = (page: Page): Promise<Layout> =>
  page.evaluate(() => {
    const r = document.querySelector('.map-canvas')!.getBoundingClientRect();
    // Only what is inside the window counts.
    const width = Math.min(r.right, innerWidth) - Math.max(r.left, 0);
    const height = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
    return {
      canvas: { x: r.x, y: r.y, width: r.width, height: r.height },
      share: (Math.max(0, width) * Math.max(0, height)) / (innerWidth * innerHeight),
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
      innerWidth,
      innerHeight,
    };
  });

describe('the map room is the canvas', { timeout: 90_000 }, () => {
  const suite = browserSuite();
  let cal: Person;
  let roomId: string;

  beforeAll(async () => {
    cal = await createPerson(suite.ws, { site: 'torbay', role: 'facilitator', name: 'Cal Council', organisation: 'Torbay Council' });
    roomId = await createRoom(suite.ws, cal, 'torbay', 'map', 'Dementia-aware high street');
  }, 90_000);

  async function openAt(width: number, height: number): Promise<{ map: MapPage; people: BrowserPeople }> {
    const people = new BrowserPeople(suite.browser, suite.ws, { viewport: { width, height } });
    const map = await MapPage.open(await people.page(cal), suite.ws.url, roomId, 'Dementia-aware high street');
    return { map, people };
  }

  for (const [width, height] of [
    [1440, 900],
    [1920, 1080],
  ] as const) {
    it(`at ${width}×${height} the canvas takes at least 85% of the window with no panel open, and a panel floats over it`, async () => {
      const { map, people } = await openAt(width, height);
      try {
        const page = map.page;
        const before = await layout(page);
        expect(before.share).toBeGreaterThanOrEqual(0.85);
        // Nothing scrolls: the page is the window.
        expect(before.scrollHeight).toBeLessThanOrEqual(height);
        expect(before.scrollWidth).toBeLessThanOrEqual(width);
        // The bar is slim, and holds the title, connection, people, export and full screen.
        const bar = (await page.locator('.room-bar').boundingBox())!;
        expect(bar.height).toBeLessThanOrEqual(60);
        await page.locator('.room-bar').getByRole('heading', { level: 1, name: 'Dementia-aware high street' }).waitFor();
        expect(await page.locator('.room-bar .connection-state').textContent()).toBe('Live');
        expect(await page.locator('.room-bar .presence-list .person-name').allTextContents()).toEqual(['Cal Council (you)']);
        await page.locator('.room-bar').getByRole('button', { name: 'Export' }).waitFor();
        await page.locator('.room-bar').getByRole('button', { name: 'Full screen' }).waitFor();

        // The loops panel is one press away, and opening it leaves the canvas as it was.
        const rail = page.getByRole('toolbar', { name: 'Panels' });
        const loops = rail.getByRole('button', { name: /^Loops/ });
        expect(await loops.getAttribute('aria-expanded')).toBe('false');
        await loops.click();
        await page.locator('.loops').waitFor();
        expect(await loops.getAttribute('aria-expanded')).toBe('true');
        expect((await layout(page)).share).toBeCloseTo(before.share, 5);
        // The panel is over the canvas, beside the rail, inside the window.
        const dock = (await page.locator('.panel-dock').boundingBox())!;
        const railBox = (await rail.boundingBox())!;
        expect(dock.x + dock.width).toBeLessThanOrEqual(railBox.x);
        expect(dock.y + dock.height).toBeLessThanOrEqual(height);
        expect(await seriousAxeViolations(page)).toEqual([]);

        // Escape inside the panel closes it and gives focus back to its button.
        await page.locator('.dock-panel-loops').focus();
        await page.keyboard.press('Escape');
        await poll(() => page.locator('.loops').isVisible()).toBe(false);
        expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Loops/);
        // The Export button opens the import and export panel; its close button closes it.
        await page.locator('.room-bar').getByRole('button', { name: 'Export' }).click();
        await page.getByRole('button', { name: 'Export SVG' }).waitFor();
        await page.getByRole('button', { name: 'Close import and export' }).click();
        await poll(() => page.getByRole('button', { name: 'Export SVG' }).isVisible()).toBe(false);
        await page.screenshot({ path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/board-${width}x${height}.png` });
      } finally {
        expect(await people.closeAll()).toEqual([]);
      }
    });
  }

  it('at 390×844 (a phone) the page never scrolls sideways, the canvas is the first thing seen, and panels are bottom sheets', async () => {
    const { map, people } = await openAt(390, 844);
    try {
      const page = map.page;
      const seen = await layout(page);
      expect(seen.scrollWidth).toBeLessThanOrEqual(390);
      expect(seen.canvas.width).toBe(390);
      // Under the bar only: the canvas starts in the first tenth of the screen and fills most of it.
      expect(seen.canvas.y).toBeLessThan(844 * 0.12);
      expect(seen.share).toBeGreaterThan(0.7);
      // The empty map's templates and the tools float over the canvas, inside the window.
      for (const selector of ['.map-toolbar', '.map-empty', '.panel-rail']) {
        const box = (await page.locator(selector).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390.5);
      }
      // Adding an element works from the floating tools.
      await map.addElement('Footfall');
      // Details open as a sheet along the bottom, the full width, over the lower half at most.
      const sheet = (await page.locator('.panel-dock').boundingBox())!;
      expect(sheet.width).toBeGreaterThan(380);
      expect(sheet.y).toBeGreaterThan(844 * 0.4);
      expect((await layout(page)).scrollWidth).toBeLessThanOrEqual(390);
      await page.getByRole('button', { name: 'Close details' }).click();
      await poll(() => page.locator('.panel-dock').isVisible()).toBe(false);
      await page.getByRole('toolbar', { name: 'Panels' }).getByRole('button', { name: /^Loops/ }).click();
      await page.locator('.loops').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/board-390x844.png` });
    } finally {
      expect(await people.closeAll()).toEqual([]);
    }
  });

  it('goes full screen with its bar, tools and panels, for a projector, and back', async () => {
    const { map, people } = await openAt(1400, 900);
    try {
      const page = map.page;
      const button = page.getByRole('button', { name: 'Full screen' });
      await button.click();
      await poll(() => page.evaluate(() => document.fullscreenElement?.classList.contains('map-editor') ?? false)).toBe(true);
      await poll(() => button.getAttribute('aria-pressed')).toBe('true');
      // Still the whole screen but the bar, and still editable.
      expect((await layout(page)).share).toBeGreaterThanOrEqual(0.85);
      const count = await page.locator('.react-flow__node-element').count();
      await page.getByRole('toolbar', { name: 'Map tools' }).getByRole('button', { name: 'Add element' }).click();
      await poll(() => page.locator('.react-flow__node-element').count()).toBe(count + 1);
      await page.locator('.panel-dock .inspector').waitFor();
      await button.click();
      await poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);
      await poll(() => button.getAttribute('aria-pressed')).toBe('false');
    } finally {
      expect(await people.closeAll()).toEqual([]);
    }
  });
});
