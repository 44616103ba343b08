/**
 * Workshops in headless Chromium against the real server: a facilitator creates one from a
 * template on the site page and runs it; participants in their own profiles (one with a clock
 * ten minutes fast) see the same step and the same seconds, from the server's clock.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { createPerson, type Person } from '../helpers/server.js';
import { SitePage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const shots = process.env.SCREENSHOT_DIR ?? '/tmp';

/** "12:05" or "1:02:03" as seconds. */
function seconds(text: string | null): number {
  return (text ?? '').split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
}

class WorkshopView {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, id: string) {
    await this.page.goto(`${baseUrl}/workshops/${id}`);
    await this.page.locator('.connection-state', { hasText: 'Live' }).waitFor();
  }

  currentStep(): Promise<string | null> {
    return this.page.locator('.workshop-agenda li[aria-current="step"] .agenda-title').textContent();
  }

  async timeLeft(): Promise<number> {
    return seconds(await this.page.getByRole('timer', { name: 'Time left' }).textContent());
  }

  press(name: string) {
    return this.page.getByRole('button', { name, exact: true }).click();
  }

  /** Waits until no control is waiting for the server. */
  async settled() {
    await poll(() => this.page.getByRole('button', { name: '+1 min' }).isEnabled()).toBe(true);
  }
}

/** Every page's time left, read at once. */
const timesLeft = (views: WorkshopView[]) => Promise.all(views.map((v) => v.timeLeft()));
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

describe('workshops in a real browser', { timeout: 90_000 }, () => {
  const suite = browserSuite();

  it('a facilitator creates one from a template and runs it; every participant sees the same step and time, whatever their clock', async () => {
    const { ws, people } = suite;
    const fran: Person = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator' });
    const mo: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member' });
    const sam: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Sam Skewed' });

    const franPage = await people.page(fran);
    const site = new SitePage(franPage);
    await site.open(ws.url, 'torbay');
    const form = franPage.getByRole('group', { name: 'New workshop' });
    await form.getByLabel('Start the agenda from a template').selectOption({ label: 'Map the system in 90 minutes (90 min)' });
    await form.getByLabel('Title', { exact: true }).fill('Spring mapping session');
    await form.getByLabel('Date and time').fill('2026-03-02T10:00');
    expect(await form.getByLabel('Step title').count()).toBe(6);
    // Reorder: the second step goes first.
    await form.getByRole('button', { name: 'Move up step 2' }).click();
    expect(await form.getByLabel('Step title').first().inputValue()).toBe('Who and what is in the system');
    await form.getByRole('button', { name: 'Move down step 1' }).click();
    await franPage.setViewportSize({ width: 390, height: 844 });
    await form.screenshot({ path: `${shots}/workshop-form-390.png` });
    // The form fits a phone, and the site page does not scroll sideways (its members table
    // scrolls inside its own box).
    expect(await form.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= 390)).toBe(true);
    expect(await franPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await franPage.setViewportSize({ width: 1280, height: 720 });
    await form.getByRole('button', { name: 'Create workshop' }).dblclick();
    const list = franPage.getByRole('list', { name: 'Workshops' });
    await list.getByRole('link', { name: 'Spring mapping session' }).waitFor();
    // The double click made one workshop.
    expect(await list.getByRole('listitem').count()).toBe(1);
    expect(await list.textContent()).toContain('6 steps');

    await list.getByRole('link', { name: 'Spring mapping session' }).click();
    const facilitator = new WorkshopView(franPage);
    await franPage.getByRole('heading', { name: 'Spring mapping session', level: 1 }).waitFor();
    await franPage.locator('.connection-state', { hasText: 'Live' }).waitFor();
    const id = new URL(franPage.url()).pathname.split('/').pop()!;

    const member = new WorkshopView(await people.page(mo));
    await member.open(ws.url, id);
    // Sam's clock runs ten minutes fast: the page must go by the server's.
    const skewedPage = await people.page(sam);
    await skewedPage.addInitScript(() => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + 10 * 60_000;
    });
    const skewed = new WorkshopView(skewedPage);
    await skewed.open(ws.url, id);
    expect(await skewedPage.evaluate(() => Date.now() - new Date().getTime())).toBeGreaterThan(9 * 60_000);
    const all = [facilitator, member, skewed];

    for (const v of all) await poll(() => v.currentStep()).toBe('Welcome and the question we are mapping');
    expect(await member.page.getByRole('button', { name: 'Next step' }).count()).toBe(0);
    expect(await member.page.getByRole('group', { name: 'Timer' }).count()).toBe(0);

    await facilitator.press('Next step');
    for (const v of all) await poll(() => v.currentStep()).toBe('Who and what is in the system');
    // Next step starts its timebox (20 min) for everyone, counting down in server time.
    for (const v of all) await poll(() => v.timeLeft()).toBeLessThanOrEqual(20 * 60);
    const running = await timesLeft(all);
    expect(spread(running), `time left: ${running.join(', ')}`).toBeLessThanOrEqual(1);
    expect(Math.min(...running)).toBeGreaterThan(19 * 60);
    await poll(async () => (await member.timeLeft()) < running[1]!).toBe(true);

    await facilitator.press('Pause');
    for (const v of all) await poll(() => v.page.getByRole('status').filter({ hasText: 'Paused' }).count()).toBe(1);
    await facilitator.settled();
    const paused = await timesLeft(all);
    expect(spread(paused), `paused: ${paused.join(', ')}`).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await timesLeft(all)).toEqual(paused);

    await facilitator.press('+1 min');
    for (const v of all) await poll(() => v.timeLeft()).toBe(paused[0]! + 60);

    await facilitator.press('Start');
    await facilitator.settled();
    await poll(() => franPage.getByRole('button', { name: 'Pause', exact: true }).isVisible()).toBe(true);
    const resumed = await timesLeft(all);
    expect(spread(resumed), `resumed: ${resumed.join(', ')}`).toBeLessThanOrEqual(1);

    // A member who reloads finds the same step and the same time.
    await member.page.reload();
    await member.page.locator('.connection-state', { hasText: 'Live' }).waitFor();
    expect(await member.currentStep()).toBe('Who and what is in the system');
    await poll(async () => spread(await timesLeft(all))).toBeLessThanOrEqual(1);

    expect(await seriousAxeViolations(member.page)).toEqual([]);
    expect(await seriousAxeViolations(franPage)).toEqual([]);

    // Readable on a projector and on a phone, with no sideways scroll on the phone.
    await franPage.setViewportSize({ width: 1920, height: 1080 });
    await franPage.evaluate(() => window.scrollTo(0, 0));
    await franPage.screenshot({ path: `${shots}/workshop-1920x1080.png` });
    const timerHeight = await franPage.getByRole('timer').evaluate((el) => el.getBoundingClientRect().height);
    expect(timerHeight).toBeGreaterThan(200);
    await member.page.setViewportSize({ width: 390, height: 844 });
    await member.page.screenshot({ path: `${shots}/workshop-390x844.png`, fullPage: true });
    expect(await member.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await franPage.setViewportSize({ width: 390, height: 844 });
    expect(await franPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Taking the time away ends it: everyone sees "Time's up", and the sound does not break the page.
    await member.page.getByLabel('Sound at the end').check();
    for (let i = 0; i < 25; i++) {
      if ((await facilitator.timeLeft()) === 0) break;
      await facilitator.press('−1 min');
      await facilitator.settled();
    }
    for (const v of all) await poll(() => v.page.getByRole('status').filter({ hasText: "Time's up" }).count()).toBe(1);
    await franPage.setViewportSize({ width: 1920, height: 1080 });
    await franPage.evaluate(() => window.scrollTo(0, 0));
    await franPage.screenshot({ path: `${shots}/workshop-time-up-1920x1080.png` });
  });

  it('opening the workshop room leads to the workshop page', async () => {
    const { ws, people } = suite;
    const fran = await createPerson(ws, { site: 'torbay', role: 'facilitator' });
    const res = await fetch(`${ws.url}/api/sites/torbay/workshops`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fran.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Quick round', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'Round', kind: 'round', minutes: 5 }] }),
    });
    const workshop = (await res.json()) as { id: string; roomId: string };
    const page = await people.page(fran);
    await page.goto(`${ws.url}/rooms/${workshop.roomId}`);
    await poll(() => new URL(page.url()).pathname).toBe(`/workshops/${workshop.id}`);
    await page.getByRole('heading', { name: 'Quick round', level: 1 }).waitFor();
  });
});
