/**
 * The learning log in real browsers: an entry one person makes appears for another, both
 * write in it live, it is tagged and filtered by behaviour and agency, and site search finds it
 * and links straight to it. A viewer reads but cannot add.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { addElement } from '../../shared/map/doc.js';
import { api, connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { LogPage } from './docPages.js';

const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });

describe('the learning log in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1300, height: 1000 } });
  let council: Person;
  let health: Person;
  let viewer: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    health = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Hana Health', organisation: 'Torbay and South Devon NHS FT' });
    viewer = await createPerson(suite.ws, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' });
  }, 90_000);

  async function openLog(person: Person): Promise<LogPage> {
    const log = new LogPage(await suite.people.page(person));
    await log.open(suite.ws.url, 'torbay');
    await log.page.locator('.connection-state', { hasText: 'Live' }).waitFor();
    return log;
  }

  it('searching for the same words again finds what was indexed since', async () => {
    const hana = await openLog(health);
    await hana.page.goto(`${suite.ws.url}/sites/torbay`);
    const box = hana.page.getByLabel('Maps, documents and the learning log');
    await box.fill('bunting');
    await hana.page.getByRole('button', { name: 'Search' }).click();
    await hana.page.getByText('Nothing in this site matches “bunting”.').waitFor();

    // Someone adds it to a map; the index follows a moment later.
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Fleet Street');
    const client = connectClient(suite.ws.url.replace(/^http/, 'ws') + '/sync', roomId, council.token);
    try {
      await client.synced;
      addElement(client.doc, { id: 'bunting', kind: 'intervention', label: 'Bunting along Fleet Street', x: 0, y: 0 }, { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council' });
      await poll(async () => ((await api(suite.ws, '/api/sites/torbay/search?q=bunting', { token: health.token })).body as { results: unknown[] }).results.length).toBeGreaterThan(0);
      // The same words, searched again, are looked up again (not shown from the last answer).
      await hana.page.getByRole('button', { name: 'Search' }).click();
      await poll(() => hana.page.locator('.search-results li').allInnerTexts()).toEqual([expect.stringContaining('Bunting along Fleet Street')]);
    } finally {
      client.destroy();
    }
  });

  it('an entry made by one person appears for another, is written in together, filtered, and found by search', async () => {
    const [cal, hana] = await Promise.all([openLog(council), openLog(health)]);
    await cal.page.getByLabel('When').fill('2026-11-03');
    await cal.page.getByLabel('What happened, in a line').fill('Dementia-friendly walkabout on Fleet Street');
    await cal.page.getByRole('button', { name: 'Add entry' }).click();
    await poll(() => hana.entryTitles()).toEqual([expect.stringContaining('Dementia-friendly walkabout on Fleet Street')]);

    // Cal writes what was tried; Hana opens the same entry and adds what was learned.
    await cal.page.getByRole('textbox', { name: 'What we tried' }).click();
    await cal.page.keyboard.type('Walked the high street with carers and shop owners.', { delay: 10 });
    await hana.page.getByRole('button', { name: /Edit “Dementia-friendly walkabout/ }).click();
    await hana.page.getByRole('textbox', { name: 'What we learned' }).click();
    await hana.page.keyboard.type('Seating and toilets matter more than signage.', { delay: 10 });
    await poll(() => hana.page.getByRole('textbox', { name: 'What we tried' }).innerText()).toContain('Walked the high street with carers');
    await poll(() => cal.page.getByRole('textbox', { name: 'What we learned' }).innerText()).toContain('Seating and toilets matter');

    // Tag a behaviour; Hana's agency joins as an author.
    await cal.page.getByRole('checkbox', { name: 'Working across boundaries' }).check();
    await hana.page.getByRole('button', { name: 'Add me as an author' }).click();
    await cal.page.getByRole('button', { name: 'Done' }).click();
    await hana.page.getByRole('button', { name: 'Done' }).click();
    await poll(() => cal.page.locator('.log-entry .chip').allInnerTexts()).toContain('Working across boundaries');
    await poll(() => cal.page.locator('.log-authors').innerText()).toContain('Torbay and South Devon NHS FT');

    // Filters: by behaviour and by agency keep it; another behaviour hides it.
    await cal.page.getByLabel('Behaviour', { exact: true }).selectOption({ label: 'Working across boundaries' });
    expect(await cal.entries().count()).toBe(1);
    await cal.page.getByLabel('Agency', { exact: true }).selectOption('Torbay and South Devon NHS FT');
    expect(await cal.entries().count()).toBe(1);
    await cal.page.getByLabel('Behaviour', { exact: true }).selectOption({ index: 2 });
    await poll(() => cal.entries().count()).toBe(0);
    await cal.page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await cal.entries().count()).toBe(1);
    expect(await seriousAxeViolations(cal.page)).toEqual([]);

    // Site search finds the entry by what Hana learned, and the result opens it.
    await hana.page.goto(`${suite.ws.url}/sites/torbay`);
    await poll(
      async () => {
        await hana.page.getByLabel('Maps, documents and the learning log').fill('toilets');
        await hana.page.getByRole('button', { name: 'Search' }).click();
        return hana.page.locator('.search-results li').allInnerTexts();
      },
      15_000,
    ).toEqual([expect.stringContaining('Dementia-friendly walkabout')]);
    expect(await hana.page.locator('.search-results mark').first().innerText()).toMatch(/toilets/i);
    await hana.page.locator('.search-results a').first().click();
    await hana.page.waitForURL(/\/sites\/torbay\/log\?entry=/);
    await poll(() => hana.entryTitles()).toEqual([expect.stringContaining('Dementia-friendly walkabout on Fleet Street')]);
  });

  it('a viewer reads the log but cannot add or edit entries', async () => {
    const vic = await openLog(viewer);
    await poll(() => vic.entries().count()).toBeGreaterThan(0);
    expect(await vic.page.getByRole('button', { name: 'Add entry' }).count()).toBe(0);
    expect(await vic.page.getByRole('button', { name: /^Edit “/ }).count()).toBe(0);
  });
});
