/**
 * In a real browser: a fast double click creates one room (and joins through an invite once),
 * and a person sees where they are signed in and signs the other places out by keyboard.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { api, createPerson } from '../helpers/server.js';
import { AccountPage, SitePage } from './pages.js';

/** Counts the page's requests matching `method` and `path` from now on. */
function countRequests(page: Page, method: string, path: RegExp): { readonly count: number } {
  const seen = { count: 0 };
  page.on('request', (r) => {
    if (r.method() === method && path.test(new URL(r.url()).pathname)) seen.count++;
  });
  return seen;
}

describe('forms and sessions in a real browser', { timeout: 60_000 }, () => {
  const suite = browserSuite();

  it('a fast double click on “Create room” creates one room', async () => {
    const facilitator = await createPerson(suite.ws, { site: 'york', role: 'facilitator' });
    const page = await suite.people.page(facilitator);
    const site = new SitePage(page);
    await site.open(suite.ws.url, 'york');
    const posts = countRequests(page, 'POST', /^\/api\/sites\/york\/rooms$/);

    await site.createRoomWithDoubleClick('System map', 'Discharge delays');
    await site.createRoomWithDoubleClick('Document', 'Framing the issue', { sameTask: true });

    // A second request would have been sent on the second click, before the first answer
    // listed the room; so by now it would be counted.
    expect(posts.count).toBe(2);
    const york = await suite.ws.storage.getSite('york');
    const titles = (await suite.ws.storage.listRooms(york!.id, { includeArchived: true })).map((r) => r.title);
    expect(titles.filter((t) => t === 'Discharge delays')).toHaveLength(1);
    expect(titles.filter((t) => t === 'Framing the issue')).toHaveLength(1);
  });

  it('a double click on “Create account and join” makes one account and joins', async () => {
    const facilitator = await createPerson(suite.ws, { site: 'york', role: 'facilitator' });
    const created = await api(suite.ws, '/api/sites/york/invites', { token: facilitator.token, body: { role: 'member' } });
    const { token } = created.body as { token: string };
    const page = await suite.people.page(null);
    const accepts = countRequests(page, 'POST', /\/accept$/);
    await page.goto(`${suite.ws.url}/invite#token=${token}`);
    await page.getByRole('heading', { name: 'Join York' }).waitFor();
    await page.getByLabel('Email').fill('dana@york.gov.uk');
    await page.getByLabel('Your name').fill('Dana');
    await page.getByLabel('Organisation').fill('City of York Council');
    await page.getByLabel(/Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Create account and join' }).dblclick();

    await page.getByRole('heading', { name: 'York', level: 1, exact: true }).waitFor();
    expect(accepts.count).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    const users = await suite.ws.storage.listUsers();
    expect(users.filter((u) => u.email === 'dana@york.gov.uk')).toHaveLength(1);
  });

  it('lists where you are signed in and ends another session, then all others, from the keyboard', async () => {
    const person = await createPerson(suite.ws, { site: 'york', role: 'member', name: 'Sam Sessions' });
    // Two more browsers of the same person, and a script's token.
    const laptop = await suite.people.page(person);
    const phone = await suite.people.page(person);
    const script = await api(suite.ws, '/api/tokens', { token: person.token, body: { name: 'weekly export' } });
    const scriptToken = (script.body as { token: string }).token;
    const signedIn = async (p: Page) => (await p.context().request.get(`${suite.ws.url}/api/auth/me`)).status() === 200;

    await laptop.goto(`${suite.ws.url}/`);
    const account = new AccountPage(laptop);
    await account.openFromMasthead();
    // createPerson's own session, the two browsers, and the token; this one is marked.
    await expect.poll(() => account.sessionNames()).toHaveLength(4);
    const names = await account.sessionNames();
    expect(names.filter((n) => n.includes('(this session)'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('Browser session'))).toHaveLength(3);
    expect(names).toContain('API token “weekly export”');
    // The current session has no End button: Sign out does that.
    expect(await account.endButtons.count()).toBe(3);
    expect(await seriousAxeViolations(laptop)).toEqual([]);

    // End the script's token, by keyboard.
    await account.sessions.getByRole('button', { name: 'End api token “weekly export”', exact: false }).focus();
    await laptop.keyboard.press('Enter');
    await expect.poll(() => account.endButtons.count()).toBe(2);
    expect((await api(suite.ws, '/api/auth/me', { token: scriptToken })).status).toBe(401);
    expect(await account.sessionNames()).not.toContain('API token “weekly export”');
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(phone)).toBe(true);

    // Then everything else: the phone and createPerson's session.
    await account.signOutEverywhereElse.focus();
    await laptop.keyboard.press('Enter');
    await expect.poll(() => account.sessionNames()).toEqual(['Browser session (this session)']);
    await laptop.getByRole('status').filter({ hasText: '2 other sessions ended.' }).waitFor();
    expect(await account.signOutEverywhereElse.isDisabled()).toBe(true);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(laptop)).toBe(true);
    expect((await api(suite.ws, '/api/auth/me', { token: person.token })).status).toBe(401);
  });
});
