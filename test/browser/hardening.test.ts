/**
 * What a room survives in a real browser: a strict Content-Security-Policy that no page
 * violates, a site with more rooms than one page shows, and a page opened at an address the
 * workspace does not serve, which is told where to go and stops offering edits.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPeople, browserSuite, launchBrowser, startWorkspace } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { DocPage } from './docPages.js';
import { MapPage, RoomPage, SitePage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });

/**
 * Records every `securitypolicyviolation` event of the page (from its first script on), so a
 * test can show exactly what was blocked; `BrowserPeople` also fails the test on the console
 * report of one.
 */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
}

describe('pages under a strict Content-Security-Policy', { timeout: 120_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1300, height: 900 } });
  let member: Person;

  beforeAll(async () => {
    member = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
  }, 90_000);

  it('the app shell carries the policy', async () => {
    const res = await fetch(`${suite.ws.url}/sites/torbay`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'; style-src 'self';/);
  });

  it('signing in, the sites, a site, a map, a document and the learning log load and work with nothing blocked', async () => {
    const signedOut = await suite.people.page(null);
    const signedOutViolations = await watchViolations(signedOut);
    await signedOut.goto(`${suite.ws.url}/signin`);
    await signedOut.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await signedOutViolations()).toEqual([]);

    const page = await suite.people.page(member);
    const violations = await watchViolations(page);
    await page.goto(`${suite.ws.url}/`);
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    expect(await violations()).toEqual([]);

    const site = new SitePage(page);
    await site.open(suite.ws.url, 'torbay');
    await site.createRoom('System map', 'Under policy');
    expect(await violations()).toEqual([]);

    // The map: React Flow's canvas, an element added through the toolbar, a note.
    const room = await site.openRoom('Under policy');
    await room.waitForConnection('Live');
    const map = new MapPage(page);
    await map.addElement('Footfall');
    await room.addNote('Nothing blocked');
    await poll(() => room.notes()).toEqual(['Nothing blocked']);
    expect(await violations()).toEqual([]);

    // The document: Tiptap's editor (which would inject a <style> unless told not to), a
    // table (whose columns get widths), bold text.
    const docId = await createRoom(suite.ws, member, 'torbay', 'doc', 'Policy document');
    await room.page.goto(`${suite.ws.url}/rooms/${docId}`);
    const docRoom = new RoomPage(page);
    await docRoom.waitUntilShown('Policy document');
    await docRoom.waitForConnection('Live');
    const doc = new DocPage(page);
    await doc.waitUntilReady();
    await doc.focusEnd();
    await doc.type('Plain words ');
    await doc.tool('Insert a table');
    await doc.type('cell');
    await poll(() => doc.editor.locator('table td, table th').count()).toBeGreaterThan(0);
    // ProseMirror's base styles came from the stylesheet: typed spaces are kept as typed.
    expect(await doc.editor.evaluate((el) => getComputedStyle(el).whiteSpace)).toMatch(/pre-wrap|break-spaces/);
    expect(await violations()).toEqual([]);

    await page.goto(`${suite.ws.url}/sites/torbay/log`);
    await page.getByRole('heading', { name: 'Learning log', level: 1 }).waitFor();
    await page.locator('.connection-state', { hasText: 'Live' }).waitFor();
    expect(await violations()).toEqual([]);
  });
});

describe('a site with more rooms than one page', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('shows the first 100, says how many there are, and "Show more" brings the rest', async () => {
    const member = await createPerson(suite.ws, { site: 'york', role: 'member' });
    const site = (await suite.ws.storage.getSite('york'))!;
    for (let i = 1; i <= 103; i++) await suite.ws.storage.createRoom({ siteId: site.id, kind: 'map', title: `York room ${i}`, createdBy: member.id });

    const page = await suite.people.page(member);
    const sitePage = new SitePage(page);
    await sitePage.open(suite.ws.url, 'york');
    await poll(() => sitePage.rooms.getByRole('listitem').count()).toBe(100);
    expect(await page.getByText('Showing 100 of 103').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Show more rooms' }).click();
    await poll(() => sitePage.rooms.getByRole('listitem').count()).toBe(103);
    expect(await page.getByRole('button', { name: 'Show more rooms' }).count()).toBe(0);
    const titles = await sitePage.rooms.getByRole('link').allInnerTexts();
    expect(new Set(titles).size).toBe(103);

    // A room created now appears (every page loaded is read again), and nothing twice.
    await sitePage.createRoom('System map', 'Newest of all');
    await poll(async () => new Set(await sitePage.rooms.getByRole('link').allInnerTexts()).size).toBe(104);
    expect(await sitePage.rooms.getByRole('listitem').count()).toBe(104);
  });
});

describe('a page opened at an address the workspace does not serve', { timeout: 120_000 }, () => {
  let ws: Awaited<ReturnType<typeof startWorkspace>>;
  let people: BrowserPeople;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    // The server says it is at another address than the one the browser uses (127.0.0.1).
    const [server, browser] = await Promise.all([startWorkspace({ PUBLIC_URL: 'http://workspace.invalid' }), launchBrowser()]);
    ws = server;
    people = new BrowserPeople(browser, ws);
    closeBrowser = () => browser.close();
  }, 90_000);
  afterEach(async () => {
    expect(await people.closeAll()).toEqual([]);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ws?.dispose();
  });

  it('says where the workspace is instead of "no access", and stops offering edits', async () => {
    const member = await createPerson(ws, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(ws, member, 'torbay', 'map', 'Wrong address');
    const page = await people.page(member);
    const room = new RoomPage(page);
    await room.open(ws.url, roomId, 'Wrong address');
    await room.waitForConnection('Disconnected');

    const status = page.getByTestId('connection');
    await poll(() => status.textContent()).toContain(`This page was opened at ${ws.url}, but the workspace is at http://workspace.invalid; open it there.`);
    expect(await status.textContent()).not.toMatch(/no longer have access/);
    const link = page.getByRole('link', { name: 'Open this room at http://workspace.invalid' });
    expect(await link.getAttribute('href')).toBe(`http://workspace.invalid/rooms/${roomId}`);
    // Nothing would reach the server, so nothing is offered: no element, no note, no retry.
    expect(await page.getByRole('button', { name: 'Add element' }).count()).toBe(0);
    expect(await page.getByLabel('New note').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again now' }).count()).toBe(0);
  });
});
