/**
 * Publishing learning in headless Chromium against the real server: a member drafts a summary
 * from a map and the learning log on its page, previews it, a facilitator publishes it, and
 * someone signed out reads it — without the element kept private, in the page or its diagram.
 * Every public page passes axe; the matrix shows a theme two sites share; withdrawn, it is gone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addEntry } from '../../shared/log/doc.js';
import { addConnection, addElement, setLoopNote, type Actor } from '../../shared/map/doc.js';
import { findLoops } from '../../shared/map/loops.js';
import { readMap } from '../../shared/map/doc.js';
import { addSummaryItem, setSummaryField } from '../../shared/summaries/doc.js';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { api, connectClient, createPerson, createRoom, eventually, type Person } from '../helpers/server.js';
import { storedDoc } from '../helpers/sync.js';
import { SitePage } from './pages.js';

const shots = process.env.SCREENSHOT_DIR ?? '/tmp';
const SECRET = 'Confidential budget gap';

describe('publishing learning in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  /** Writes a room's doc as `person` over sync, and waits until the server has stored it. */
  async function write(roomId: string, person: Person, edit: (doc: Y.Doc) => void) {
    const client = connectClient(`${suite.ws.url.replace(/^http/, 'ws')}/sync`, roomId, person.token);
    try {
      await client.synced;
      edit(client.doc);
      const want = Buffer.from(Y.encodeStateVector(client.doc)).toString('hex');
      await eventually(async () => expect(Buffer.from(Y.encodeStateVector((await storedDoc(suite.ws.storage, roomId)).doc)).toString('hex')).toBe(want));
    } finally {
      client.destroy();
    }
  }

  /** No axe-core violation at all, of any impact, on a public page (at a laptop's and a phone's width). */
  async function axeClean(page: Page, path: string, status = 200) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const res = await page.goto(`${suite.ws.url}${path}`);
      expect({ path, status: res?.status() }).toEqual({ path, status });
      expect({ path, width, violations: await seriousAxeViolations(page, { all: true }) }).toEqual({ path, width, violations: [] });
      // Nothing scrolls sideways: a wide table scrolls inside its own region.
      expect({ path, width, scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ path, width, scrollWidth: width });
    }
  }

  it('a member drafts a summary from a map and the log, a facilitator publishes it, and the public reads it signed out', async () => {
    const { ws, people } = suite;
    const fran = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    const mo = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Torbay Dementia Action Alliance' });
    const wendy = await createPerson(ws, { site: 'west-cheshire', role: 'facilitator', name: 'Wendy', organisation: 'Age UK Cheshire' });
    const moActor: Actor = { userId: mo.id, name: 'Mo Member', organisation: 'Torbay Dementia Action Alliance' };

    // The site's map (a loop and an element to keep private) and a log entry, as members made them.
    const mapId = await createRoom(ws, mo, 'torbay', 'map', 'High street map');
    await write(mapId, mo, (doc) => {
      addElement(doc, { id: 'confidence', kind: 'variable', label: 'Confidence to go out', x: 0, y: 0 }, moActor);
      addElement(doc, { id: 'footfall', kind: 'variable', label: 'High street footfall', x: 320, y: 0 }, moActor);
      addElement(doc, { id: 'secret', kind: 'variable', label: SECRET, x: 160, y: 220 }, moActor);
      addConnection(doc, { id: 'c1', from: 'confidence', to: 'footfall', polarity: '+' }, moActor);
      addConnection(doc, { id: 'c2', from: 'footfall', to: 'confidence', polarity: '+' }, moActor);
      addConnection(doc, { id: 'c3', from: 'secret', to: 'footfall', polarity: '-' }, moActor);
      setLoopNote(doc, findLoops(readMap(doc)).loops[0]!.key, { name: 'The confidence loop', note: '' }, moActor);
    });
    const logId = ((await api(ws, '/api/sites/torbay/log', { token: mo.token })).body as { id: string }).id;
    await write(logId, mo, (doc) => {
      addEntry(doc, { id: 'walk', date: '2026-02-11', title: 'Listening walk on Union Street', text: { learned: 'The street matters more than the shops.' }, behaviours: ['giving-voice'] }, moActor);
    });

    // West Cheshire has published a lesson on lived experience already.
    const other = await createRoom(ws, wendy, 'west-cheshire', 'summary', 'Isolation');
    await write(other, wendy, (doc) => {
      setSummaryField(doc, 'title', 'Social isolation in West Cheshire');
      addSummaryItem(doc, 'lesson', { text: 'Ask lonely residents what keeps them at home before commissioning anything.', themes: ['lived-experience'] });
    });
    expect((await api(ws, `/api/rooms/${other}/summary/publish`, { token: wendy.token, method: 'POST' })).status).toBe(201);

    // Mo drafts on the page.
    const moPage = await people.page(mo);
    const site = new SitePage(moPage);
    await site.open(ws.url, 'torbay');
    await site.createRoom('Learning summary', 'What Torbay learned');
    await site.rooms.getByRole('link', { name: 'What Torbay learned' }).click();
    await moPage.locator('.connection-state', { hasText: 'Live' }).waitFor();
    await moPage.getByLabel('Title', { exact: true }).fill('Dementia-friendly high streets');
    await moPage.getByLabel('The issue').fill('People living with dementia stay away from the high street.');
    await moPage.getByLabel('The issue').press('Tab');

    const diagrams = moPage.getByRole('region', { name: 'Key loops and diagrams' });
    await diagrams.getByRole('button', { name: 'Add diagram' }).click();
    const diagram = diagrams.getByRole('region').first();
    await diagram.getByRole('combobox', { name: 'Map' }).selectOption({ label: 'High street map' });
    await diagram.getByRole('checkbox', { name: SECRET }).uncheck();
    await diagram.getByLabel('Diagram title').fill('How the street keeps people at home');
    await diagram.getByLabel('Diagram title').press('Tab');

    const lessons = moPage.getByRole('region', { name: 'Lessons', exact: true });
    await lessons.getByRole('button', { name: 'Add lesson' }).click();
    const lesson = lessons.getByRole('region').first();
    await lesson.getByLabel('Lesson', { exact: true }).fill('What keeps people at home is the street more than the shops.');
    await lesson.getByLabel('Lesson', { exact: true }).press('Tab');
    await lesson.getByRole('group', { name: 'Themes' }).getByRole('checkbox', { name: 'Lived experience' }).check();

    const evidence = moPage.getByRole('region', { name: 'Evidence and links' });
    await evidence.getByRole('combobox', { name: 'Log entry to add as evidence' }).selectOption({ index: 1 });
    await evidence.getByRole('button', { name: 'Add from the log' }).click();
    // Drawn from private work, it starts private: Mo makes it public.
    const cited = evidence.getByRole('region').first();
    await cited.getByText('Private — not published').waitFor();
    await cited.getByRole('checkbox', { name: 'Public', exact: true }).check();

    await moPage.setViewportSize({ width: 1440, height: 900 });
    await moPage.screenshot({ path: `${shots}/summary-editor-1440.png`, fullPage: false });
    await moPage.setViewportSize({ width: 390, height: 844 });
    expect(await moPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await moPage.screenshot({ path: `${shots}/summary-editor-390.png` });
    await moPage.setViewportSize({ width: 1280, height: 800 });

    // Members preview but do not publish.
    await moPage.getByText('A facilitator publishes summaries').waitFor();
    const summaryUrl = moPage.url();
    const preview = moPage.getByRole('link', { name: /Preview/ });
    const [previewPage] = await Promise.all([moPage.context().waitForEvent('page'), preview.click()]);
    await previewPage.waitForLoadState();
    await expect.poll(() => previewPage.locator('body').textContent(), { timeout: 10_000 }).toContain('What keeps people at home');
    expect(await previewPage.locator('body').textContent()).toMatch(/Preview/);
    expect(await previewPage.content()).not.toContain(SECRET);
    await previewPage.close();

    // Fran publishes.
    const franPage = await people.page(fran);
    await franPage.goto(summaryUrl);
    await franPage.locator('.connection-state', { hasText: 'Live' }).waitFor();
    await franPage.getByRole('button', { name: 'Publish', exact: true }).click();
    await franPage.getByRole('button', { name: 'Publish version 1' }).click();
    const published = franPage.getByRole('status').filter({ hasText: 'Published version 1' });
    await published.waitFor();
    const publicUrl = await published.getByRole('link').getAttribute('href');
    expect(publicUrl).toMatch(/\/learning\/torbay\/dementia-friendly-high-streets$/);
    const publicPath = new URL(publicUrl!, ws.url).pathname;

    // Signed out.
    const reader = await people.page(null);
    await reader.goto(`${ws.url}${publicPath}`);
    await reader.getByRole('heading', { level: 1, name: 'Dementia-friendly high streets' }).waitFor();
    const html = await reader.content();
    expect(html).toContain('What keeps people at home');
    expect(html).toContain('Listening walk on Union Street');
    expect(html).not.toContain(SECRET);
    const image = reader.locator('figure img').first();
    // The diagram is drawn (the SVG loaded and has a size), and it does not hold the private element.
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const svg = await (await reader.request.get(new URL((await image.getAttribute('src'))!, ws.url).href)).text();
    expect(svg).toContain('Confidence to go');
    expect(svg).not.toContain('Confidential');
    // The diagram in words lists what it shows.
    expect(await reader.locator('details.diagram-words').first().textContent()).toContain('High street footfall');
    for (const [width, height] of [[1440, 900], [1920, 1080], [390, 844]] as const) {
      await reader.setViewportSize({ width, height });
      expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await reader.screenshot({ path: `${shots}/learning-summary-${width}.png`, fullPage: true });
    }

    // The matrix of sites × themes lists lived experience for both sites.
    await reader.goto(`${ws.url}/learning/themes`);
    const column = reader.getByRole('columnheader', { name: /Lived experience/ });
    await column.waitFor();
    expect(await reader.getByRole('row', { name: /Torbay/ }).getByRole('link', { name: /1 lesson/ }).count()).toBeGreaterThan(0);
    expect(await reader.getByRole('row', { name: /West Cheshire/ }).getByRole('link', { name: /1 lesson/ }).count()).toBeGreaterThan(0);
    await reader.screenshot({ path: `${shots}/learning-themes-1440.png`, fullPage: true });
    await reader.getByRole('row', { name: /West Cheshire/ }).getByRole('link', { name: /1 lesson/ }).first().click();
    await reader.getByText('Ask lonely residents').waitFor();

    // axe on every public page.
    for (const path of ['/learning', '/learning/torbay', publicPath, `${publicPath}/v1`, '/learning/lessons', '/learning/lessons?theme=lived-experience', '/learning/themes', '/learning?theme=lived-experience']) {
      await axeClean(reader, path);
    }
    await axeClean(reader, '/learning/torbay/no-such-summary', 404);
    await reader.setViewportSize({ width: 1440, height: 900 });
    await reader.goto(`${ws.url}/learning/lessons?theme=lived-experience`);
    await reader.screenshot({ path: `${shots}/learning-lessons-1440.png`, fullPage: true });

    // Withdrawn: gone, with a notice, also to axe.
    await franPage.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await franPage.getByRole('button', { name: 'Withdraw the summary' }).click();
    await expect.poll(async () => (await reader.request.get(`${ws.url}${publicPath}`)).status(), { timeout: 10_000 }).toBe(410);
    const gone = await reader.goto(`${ws.url}${publicPath}`);
    expect(gone?.status()).toBe(410);
    expect(await reader.locator('main').textContent()).toMatch(/withdrawn/i);
    await axeClean(reader, publicPath, 410);
    await reader.goto(`${ws.url}/learning`);
    expect(await reader.content()).not.toContain('Dementia-friendly high streets');
  });
});
