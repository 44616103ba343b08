/**
 * A workshop's rounds in headless Chromium against the real server, with a facilitator and two
 * participants in their own browser profiles: a dot vote whose tallies nobody sees until it is
 * closed and which then sit on the map as scores (and size its elements), and a private round
 * whose notes no other participant's page has until they are revealed, then become elements.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addConnection, addElement, readMap, type Actor } from '../../shared/map/doc.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { api, connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const shots = process.env.SCREENSHOT_DIR ?? '/tmp';

async function openWorkshop(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/workshops/${id}`);
  await page.locator('.workshop .connection-state', { hasText: 'Live' }).first().waitFor();
  await page.getByRole('heading', { name: 'Rounds' }).waitFor();
}

/** The round card whose heading holds `title`. */
const card = (page: Page, title: string) => page.getByRole('article', { name: new RegExp(title) });

describe('workshop rounds in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('runs a dot vote and a private round with a facilitator and two participants, and the results land on the map', async () => {
    const { ws, people } = suite;
    const fran: Person = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    const mo: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Devon and Cornwall Police' });
    const pat: Person = await createPerson(ws, { site: 'torbay', role: 'member', name: 'Pat Participant', organisation: 'Torbay Hospital' });
    const mapId = await createRoom(ws, fran, 'torbay', 'map', 'Lonely high street');
    const seeder = connectClient(ws.url.replace(/^http/, 'ws') + '/sync', mapId, fran.token);
    await seeder.synced;
    const actor: Actor = { userId: fran.id, name: 'Fran Facilitator', organisation: 'Torbay Council' };
    seeder.doc.transact(() => {
      addElement(seeder.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
      addElement(seeder.doc, { id: 'benches', kind: 'intervention', label: 'Benches', x: 320, y: 0 }, actor);
      addElement(seeder.doc, { id: 'isolation', kind: 'variable', label: 'Isolation', x: 160, y: 220 }, actor);
      addConnection(seeder.doc, { id: 'bf', from: 'benches', to: 'footfall', polarity: '+' }, actor);
    });
    const made = await api(ws, '/api/sites/torbay/workshops', {
      token: fran.token,
      body: { title: 'Prioritising morning', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'What matters most', kind: 'vote', minutes: 15, roomId: mapId }] },
    });
    expect(made.status).toBe(201);
    const workshop = made.body as Workshop;

    const [franPage, moPage, patPage] = await Promise.all([people.page(fran), people.page(mo), people.page(pat)]);
    await Promise.all([franPage, moPage, patPage].map((p) => openWorkshop(p, ws.url, workshop.id)));

    // The facilitator opens a named vote, two dots each, on the step's map.
    const form = franPage.getByRole('form', { name: 'Open a round' });
    await form.getByLabel('New round').selectOption({ label: 'Dot vote' });
    await form.getByLabel('Question').fill('Which matter most?');
    await poll(() => form.getByLabel('Vote on the map').inputValue()).toBe(mapId);
    await form.getByLabel('Dots each').fill('2');
    await form.getByLabel('Anonymous').uncheck();
    await form.getByRole('button', { name: 'Open the round' }).dblclick();
    for (const page of [moPage, patPage]) await card(page, 'Which matter most').getByRole('button', { name: 'Add a dot to “Footfall”' }).waitFor();
    // A double click opened one round, not two.
    expect(await franPage.getByRole('article', { name: /Which matter most/ }).count()).toBe(1);

    // Mo puts both dots on Footfall; Pat one on Footfall, one on Benches.
    const vote = async (page: Page, labels: string[]) => {
      const round = card(page, 'Which matter most');
      for (const label of labels) await round.getByRole('button', { name: `Add a dot to “${label}”` }).click();
      expect(await round.getByRole('button', { name: /^Add a dot/ }).first().isDisabled()).toBe(true);
      await round.getByRole('button', { name: 'Save my votes' }).click();
      await round.getByText('Your votes are saved.').waitFor();
    };
    await vote(moPage, ['Footfall', 'Footfall']);
    await vote(patPage, ['Footfall', 'Benches']);
    // Everyone sees that two have voted; nobody's page shows anyone else's dots or a tally.
    for (const page of [franPage, moPage, patPage]) await card(page, 'Which matter most').getByText('2 people have voted').waitFor();
    const patDots = await card(patPage, 'Which matter most').locator('.ballot-dots').allInnerTexts();
    expect(patDots.join('')).toBe('●●');
    expect(await patPage.locator('.round-tallies').count()).toBe(0);
    await franPage.setViewportSize({ width: 1920, height: 1080 });
    await franPage.screenshot({ path: `${shots}/workshop-vote-open-1920.png`, fullPage: true });

    await card(franPage, 'Which matter most').getByRole('button', { name: 'Close the vote and show the results' }).click();
    for (const page of [franPage, moPage, patPage]) {
      const results = card(page, 'Which matter most').getByRole('list', { name: 'Results' });
      await poll(() => results.locator('li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Footfall\s*3 votes\s*\(Mo Member, Pat Participant\)$/),
        expect.stringMatching(/^Benches\s*1 vote\s*\(Pat Participant\)$/),
      ]);
    }
    await patPage.setViewportSize({ width: 390, height: 844 });
    await patPage.screenshot({ path: `${shots}/workshop-vote-results-390.png`, fullPage: true });
    expect(await patPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // On the map: the scores on the elements, and sizing by votes makes Footfall the largest.
    const mapPage = await people.page(fran);
    const map = await MapPage.open(mapPage, ws.url, mapId, 'Lonely high street');
    await poll(() => map.node('Footfall').getByTestId('votes').innerText()).toMatch(/3 votes/);
    await poll(() => map.node('Benches').getByTestId('votes').innerText()).toMatch(/1 vote$/);
    expect(await map.node('Isolation').getByTestId('votes').count()).toBe(0);
    await map.openPanel('Look at');
    await mapPage.getByLabel('Size elements by').selectOption({ label: 'Votes (from workshops’ dot votes)' });
    const width = (label: string) => map.node(label).boundingBox().then((b) => b?.width ?? 0);
    await poll(async () => (await width('Footfall')) > (await width('Benches')) && (await width('Benches')) > (await width('Isolation'))).toBe(true);
    await mapPage.screenshot({ path: `${shots}/workshop-votes-on-map.png` });
    await mapPage.close();

    // A private round: nobody else's page has a note until the facilitator reveals them.
    await franPage.setViewportSize({ width: 1280, height: 800 });
    await form.getByLabel('New round').selectOption({ label: 'Private notes' });
    await form.getByLabel('Question').fill('What keeps people at home?');
    await form.getByRole('button', { name: 'Open the round' }).click();
    const secret = 'The number 12 bus stopped running';
    const note = async (page: Page, text: string) => {
      const round = card(page, 'What keeps people at home');
      await round.getByLabel(/Your note/).fill(text);
      await round.getByRole('button', { name: 'Add note' }).click();
      await round.locator('.my-notes li', { hasText: text }).waitFor();
    };
    await note(moPage, secret);
    await note(patPage, 'Fear of falling on uneven pavements');
    await card(franPage, 'What keeps people at home').getByText('2 people have answered').waitFor();
    for (const page of [franPage, patPage]) expect(await page.content()).not.toContain('number 12 bus');

    await card(franPage, 'What keeps people at home').getByRole('button', { name: 'Reveal all notes' }).click();
    for (const page of [franPage, moPage, patPage]) {
      await card(page, 'What keeps people at home').locator('.revealed-notes li', { hasText: `${secret} — Mo Member, Devon and Cornwall Police` }).waitFor();
    }
    // The facilitator turns both into elements of the map, grouped.
    const revealed = card(franPage, 'What keeps people at home');
    await revealed.getByRole('button', { name: 'Choose all' }).click();
    await revealed.getByLabel('Group them as').fill('Staying in');
    await revealed.getByRole('button', { name: 'Add 2 chosen notes to the map' }).click();
    await revealed.getByText('Added 2 elements to the map.').waitFor();
    await poll(() => readMap(seeder.doc).elements.filter((e) => e.groupId !== null).map((e) => [e.label, e.agency])).toEqual(
      expect.arrayContaining([
        [secret, 'Devon and Cornwall Police'],
        ['Fear of falling on uneven pavements', 'Torbay Hospital'],
      ]),
    );
    expect(readMap(seeder.doc).groups.map((g) => g.label)).toEqual(['Staying in']);
    expect(await seriousAxeViolations(patPage)).toEqual([]);

    // The facilitator ends it with a decision and an action; every page says so and links the
    // record, which opens as a document with the votes and notes in it.
    await franPage.getByText('End the workshop…').click();
    await franPage.getByLabel('Decisions, one per line').fill('Benches on Fleet Street first');
    await franPage.getByLabel('Actions, one per line').fill('Mo to ask about a pilot');
    franPage.once('dialog', (dialog) => void dialog.accept());
    await franPage.getByRole('button', { name: 'End the workshop' }).click();
    for (const page of [franPage, moPage, patPage]) await page.getByRole('link', { name: 'Read the workshop record' }).waitFor();
    expect(await franPage.getByRole('button', { name: 'Next step' }).count()).toBe(0);
    await moPage.getByRole('link', { name: 'Read the workshop record' }).click();
    const record = moPage.locator('.ProseMirror');
    await record.getByRole('heading', { name: 'Workshop record: Prioritising morning' }).waitFor();
    await poll(() => record.innerText()).toMatch(/Footfall: 3 votes \(Mo Member, Pat Participant\)/);
    const text = await record.innerText();
    expect(text).toContain(`${secret} (Mo Member, Devon and Cornwall Police)`);
    expect(text).toContain('Benches on Fleet Street first');
    expect(text).toContain('Mo to ask about a pilot');
    await moPage.screenshot({ path: `${shots}/workshop-record.png` });
    seeder.destroy();
  });
});
