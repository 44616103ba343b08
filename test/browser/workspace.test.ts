/**
 * The workspace end to end in headless Chromium against the real server: sign-in, sites,
 * rooms, presence, live edits, offline, read-only viewers, invites, keyboard use and axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_VISION_SITES } from '../../server/seed/sites.js';
import { BrowserPeople, launchBrowser, seriousAxeViolations, startWorkspace } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { RoomPage, SignInPage, SitePage, SitesPage, openPanel } from './pages.js';

type Workspace = Awaited<ReturnType<typeof startWorkspace>>;

/** Remote changes take a moment to arrive; poll for them (not sleep) for up to 10 s. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('the workspace in a real browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let ws: Workspace;
  let facilitator: Person;
  let member: Person;
  let viewer: Person;
  let people: BrowserPeople;

  beforeAll(async () => {
    [ws, browser] = await Promise.all([startWorkspace(), launchBrowser()]);
    people = new BrowserPeople(browser, ws);
    facilitator = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    member = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Devon and Cornwall Police' });
    viewer = await createPerson(ws, { site: 'torbay', role: 'viewer', name: 'Vi Viewer', organisation: 'Torbay and South Devon NHS Foundation Trust' });
  }, 90_000);

  afterEach(async () => {
    // An uncaught error in any page fails the test.
    expect(await people.closeAll()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await ws?.dispose();
  });

  /** A fresh browser profile (its own cookies and IndexedDB), signed in as `person` unless null. */
  const personPage = (person: Person | null): Promise<Page> => people.page(person);

  /** `person` in their own browser, with the room open and live. */
  async function liveIn(person: Person, roomId: string, title: string): Promise<RoomPage> {
    const room = new RoomPage(await personPage(person));
    await room.open(ws.url, roomId, title);
    await room.waitForConnection('Live');
    return room;
  }

  it('signs in with a clear message for a wrong password, lists every site with yours first, and filters them', async () => {
    const page = await personPage(null);
    const signIn = new SignInPage(page);
    await signIn.open(ws.url);
    await signIn.signIn(member.email, 'not the password');
    await poll(() => signIn.error.textContent()).toMatch(/do not match/);

    await signIn.signIn(member.email, member.password);
    const sites = new SitesPage(page);
    await sites.waitUntilShown();
    const names = await sites.siteNames();
    expect(names).toHaveLength(LOCAL_VISION_SITES.length);
    expect(names[0]).toBe('Torbay');
    expect(await sites.section('Your sites').locator('.site-card').count()).toBe(1);
    expect(await page.getByTestId('who').textContent()).toBe('Mo Member, Devon and Cornwall Police');
    // Each site shows its wicked issue in its own words.
    expect(await sites.section('Other sites').textContent()).toContain('a multi-agency response to social isolation');

    await sites.search('dementia');
    await poll(() => sites.siteNames()).toEqual(['Torbay']);
    await sites.search('cheshire ISOLATION');
    await poll(() => sites.siteNames()).toEqual(['West Cheshire']);
    await sites.search('no such place anywhere');
    await poll(() => sites.siteNames()).toEqual([]);
    expect(await page.getByText('No site matches').isVisible()).toBe(true);
  });

  it('keeps the session over a reload, has readable URLs, and back and forward work', async () => {
    const roomId = await createRoom(ws, member, 'torbay', 'map', 'Journey to the high street');
    const page = await personPage(member);
    const sites = new SitesPage(page);
    await sites.open(ws.url);
    await sites.openSite('Torbay');
    expect(new URL(page.url()).pathname).toBe('/sites/torbay');
    await new SitePage(page).openRoom('Journey to the high street');
    expect(new URL(page.url()).pathname).toBe(`/rooms/${roomId}`);

    await page.reload();
    await new RoomPage(page).waitUntilShown('Journey to the high street');
    await page.goBack();
    await page.getByRole('heading', { name: 'Torbay', level: 1 }).waitFor();
    await page.goBack();
    await sites.waitUntilShown();
    await page.goForward();
    await page.getByRole('heading', { name: 'Torbay', level: 1 }).waitFor();

    // Signed out, a deep link goes to sign-in and comes back after it.
    const stranger = await personPage(null);
    await stranger.goto(`${ws.url}/rooms/${roomId}`);
    const signIn = new SignInPage(stranger);
    await stranger.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn.signIn(member.email, member.password);
    await new RoomPage(stranger).waitUntilShown('Journey to the high street');
  });

  it('two people from different agencies see each other present and see each other’s edits live', async () => {
    const roomId = await createRoom(ws, facilitator, 'torbay', 'map', 'Live mapping');
    const [fran, mo] = await Promise.all([liveIn(facilitator, roomId, 'Live mapping'), liveIn(member, roomId, 'Live mapping')]);

    const both = ['Fran Facilitator|Torbay Council', 'Mo Member|Devon and Cornwall Police'];
    await poll(() => fran.people()).toEqual(both);
    await poll(() => mo.people()).toEqual(both);

    await fran.addNote('Who owns the bus timetable?');
    await poll(() => mo.notes()).toEqual(['Who owns the bus timetable?']);
    await mo.addNote('Police community support officers walk the high street daily');
    await poll(() => fran.notes()).toEqual(['Who owns the bus timetable?', 'Police community support officers walk the high street daily']);

    // Undo takes back only your own change.
    await mo.undo();
    await poll(() => fran.notes()).toEqual(['Who owns the bus timetable?']);
    expect(await mo.notes()).toEqual(['Who owns the bus timetable?']);

    // Leaving removes your presence for the others.
    await mo.page.goto(`${ws.url}/`);
    await poll(() => fran.people()).toEqual(['Fran Facilitator|Torbay Council']);
  });

  it('keeps working offline and merges on reconnect with no loss and no duplicate', async () => {
    const roomId = await createRoom(ws, facilitator, 'torbay', 'doc', 'Offline notes');
    const [fran, mo] = await Promise.all([liveIn(facilitator, roomId, 'Offline notes'), liveIn(member, roomId, 'Offline notes')]);
    const franPage = fran.page;
    await fran.addNote('Before the drop');
    await poll(() => mo.notes()).toEqual(['Before the drop']);

    await franPage.context().setOffline(true);
    await fran.waitForConnection('Offline');
    await fran.addNote('Written on the train');
    await fran.addNote('Also offline');
    await fran.removeNote('Before the drop');
    await poll(() => fran.saveState()).toBe('3 edits not yet saved');
    await mo.addNote('Meanwhile, in the office');
    // Nothing of Fran's reaches Mo while she is offline.
    await poll(() => mo.notes()).toEqual(['Before the drop', 'Meanwhile, in the office']);

    await franPage.context().setOffline(false);
    await fran.waitForConnection('Live');
    const expected = ['Written on the train', 'Also offline', 'Meanwhile, in the office'];
    await poll(async () => [...(await fran.notes())].sort()).toEqual([...expected].sort());
    await poll(async () => mo.notes()).toEqual(await fran.notes());
    // Saved once the server acknowledged storing the edits the reconnection sent.
    await poll(() => fran.saveState()).toBe('Saved');

    // Reloading does not bring anything back twice: the server and the offline copy agree.
    await franPage.reload();
    await fran.waitForConnection('Live');
    await poll(async () => fran.notes()).toEqual(await mo.notes());

    // Signing out deletes the offline copies from this browser and ends the session.
    const copies = () => franPage.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('slw-room:')));
    expect(await copies()).toHaveLength(1);
    await franPage.getByRole('button', { name: 'Sign out' }).click();
    await franPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await poll(copies).toEqual([]);
    await franPage.goto(`${ws.url}/rooms/${roomId}`);
    await franPage.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a viewer sees changes live but cannot change the room', async () => {
    const roomId = await createRoom(ws, member, 'torbay', 'map', 'For viewing');
    const [vi, mo] = await Promise.all([liveIn(viewer, roomId, 'For viewing'), liveIn(member, roomId, 'For viewing')]);

    await mo.addNote('Visible to viewers');
    await poll(() => vi.notes()).toEqual(['Visible to viewers']);
    expect(await vi.page.getByText('You can read this room but not change it').isVisible()).toBe(true);
    expect(await vi.page.getByLabel('New note').count()).toBe(0);
    expect(await vi.page.getByRole('button', { name: /Remove note/ }).count()).toBe(0);
    // Presence still works for viewers.
    await poll(() => mo.people()).toContain('Vi Viewer|Torbay and South Devon NHS Foundation Trust');
  });

  it('someone whose role is lowered in the middle of a session stops being offered edits; someone removed is told why', async () => {
    const dee = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Dee Demoted', organisation: 'Torbay Council' });
    const roomId = await createRoom(ws, facilitator, 'torbay', 'map', 'Changing roles');
    const room = await liveIn(dee, roomId, 'Changing roles');
    await openPanel(room.page, 'Parking lot');
    await room.page.getByLabel('New note').waitFor();

    const asFacilitator = (method: 'PUT' | 'DELETE', body?: object) =>
      fetch(`${ws.url}/api/sites/torbay/members/${dee.id}`, {
        method,
        headers: { authorization: `Bearer ${facilitator.token}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    expect((await asFacilitator('PUT', { role: 'viewer' })).status).toBe(200);
    await room.page.getByText('You can read this room but not change it').waitFor();
    expect(await room.page.getByLabel('New note').count()).toBe(0);
    expect(await room.connectionState()).toBe('Live');

    expect((await asFacilitator('DELETE')).status).toBe(204);
    await room.waitForConnection('Disconnected');
    expect(await room.page.getByTestId('connection').textContent()).toMatch(/no longer have access/);
  });

  it('a facilitator creates, renames and archives rooms, and invites someone who joins through the link', async () => {
    const page = await personPage(facilitator);
    const site = new SitePage(page);
    await site.open(ws.url, 'torbay');
    await site.createRoom('System map', 'Draft map');
    await site.renameRoom('Draft map', 'High street system map');
    await site.createRoom('Document', 'Framing the issue');
    await site.archiveRoom('Framing the issue');
    await page.getByLabel('Show archived rooms').check();
    await page.getByRole('list', { name: 'Archived rooms' }).getByRole('link', { name: 'Framing the issue' }).waitFor();

    const email = `newcomer-${Date.now()}@torbay.gov.uk`;
    const link = await site.createInvite('Member', email);
    expect(link).toMatch(/\/invite#token=/);
    await page.locator('.invites li', { hasText: email }).waitFor();

    const newcomer = await personPage(null);
    await newcomer.goto(link.replace(/^https?:\/\/[^/]+/, ws.url));
    await newcomer.getByRole('heading', { name: 'Join Torbay' }).waitFor();
    expect(await newcomer.getByLabel('Email').inputValue()).toBe(email);
    await newcomer.getByLabel('Your name').fill('Nia Newcomer');
    await newcomer.getByLabel('Organisation').fill('Torbay Community Development Trust');
    await newcomer.getByLabel(/^Password/).fill('a long enough passphrase');
    await newcomer.getByRole('button', { name: 'Create account and join' }).click();
    await newcomer.getByRole('heading', { name: 'Torbay', level: 1 }).waitFor();
    await newcomer.getByRole('link', { name: 'High street system map' }).waitFor();

    // The facilitator sees the newcomer as a member and can make them a viewer; the link is spent.
    await page.reload();
    await poll(() => site.members.allInnerTexts()).toContainEqual(expect.stringContaining('Nia Newcomer'));
    await page.getByLabel('Role of Nia Newcomer').selectOption({ label: 'Viewer' });
    await poll(async () => {
      const res = await page.context().request.get(`${ws.url}/api/sites/torbay/members`);
      return ((await res.json()) as { name: string; role: string }[]).find((m) => m.name === 'Nia Newcomer')?.role;
    }).toBe('viewer');
    expect(await page.locator('.invites li', { hasText: email }).count()).toBe(0);
    const again = await personPage(null);
    await again.goto(link.replace(/^https?:\/\/[^/]+/, ws.url));
    await poll(() => again.getByRole('alert').textContent()).toMatch(/already been used.*new link/);
  });

  it('works by keyboard alone: skip to content, then add a note without the mouse', async () => {
    const roomId = await createRoom(ws, member, 'torbay', 'doc', 'Keyboard room');
    const page = await personPage(member);
    const room = new RoomPage(page);
    await room.open(ws.url, roomId, 'Keyboard room');
    await room.waitForConnection('Live');

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    let reached = false;
    // Past the header, the editor's toolbar and the Files panel (Markdown, HTML and Word, in and out).
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'new-note');
    }
    expect(reached).toBe(true);
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await poll(() => room.notes()).toEqual(['Typed without a mouse']);
    // Focus is visible: the focused control draws an outline.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
  });

  it('has no serious or critical axe-core violations on the main pages', async () => {
    const roomId = await createRoom(ws, facilitator, 'torbay', 'map', 'Axe room');
    const anonymous = await personPage(null);
    await new SignInPage(anonymous).open(ws.url);
    expect(await seriousAxeViolations(anonymous)).toEqual([]);

    const invite = await personPage(null);
    const res = await (await personPage(facilitator)).context().request.post(`${ws.url}/api/sites/torbay/invites`, { data: { role: 'viewer' } });
    const { url } = (await res.json()) as { url: string };
    await invite.goto(url.replace(/^https?:\/\/[^/]+/, ws.url));
    await invite.getByRole('heading', { name: 'Join Torbay' }).waitFor();
    expect(await seriousAxeViolations(invite)).toEqual([]);

    const page = await personPage(facilitator);
    await new SitesPage(page).open(ws.url);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await new SitePage(page).open(ws.url, 'torbay');
    await page.getByRole('heading', { name: 'Open invites' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const room = new RoomPage(page);
    await room.open(ws.url, roomId, 'Axe room');
    await room.waitForConnection('Live');
    await room.addNote('A note so the list is scanned too');
    await poll(() => room.notes()).toHaveLength(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
