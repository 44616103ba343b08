/**
 * A guest in headless Chromium against the real server: someone from another agency opens the
 * link a facilitator sent, gives a name and an organisation, lands on the workshop, votes, and is
 * told when the workshop ends; a link that is not valid says so before asking for anything.
 */
import { describe, expect, it } from 'vitest';
import { addElement, type Actor } from '../../shared/map/doc.js';
import type { Workshop } from '../../shared/workshops/api.js';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { api, connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';

describe('workshop guests in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('joins by the link with a name and an organisation, votes, and is told when the workshop ends', async () => {
    const { ws, people } = suite;
    const fran: Person = await createPerson(ws, { site: 'torbay', role: 'facilitator', name: 'Fran Facilitator', organisation: 'Torbay Council' });
    const mapId = await createRoom(ws, fran, 'torbay', 'map', 'Lonely high street');
    const seeder = connectClient(ws.url.replace(/^http/, 'ws') + '/sync', mapId, fran.token);
    await seeder.synced;
    const actor: Actor = { userId: fran.id, name: 'Fran Facilitator', organisation: 'Torbay Council' };
    addElement(seeder.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
    const workshop = (
      await api(ws, '/api/sites/torbay/workshops', {
        token: fran.token,
        body: { title: 'Partners morning', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'What matters most', kind: 'vote', minutes: 15, roomId: mapId }] },
      })
    ).body as Workshop;
    // The facilitator makes the link on the workshop page and copies it from there.
    const franPage = await people.page(fran);
    await franPage.goto(`${ws.url}/workshops/${workshop.id}`);
    await franPage.getByText('Guests from other agencies…').click();
    await franPage.getByLabel('Who the link is for (optional)').fill('Fire and Rescue');
    await franPage.getByRole('button', { name: 'Make a guest link' }).click();
    const link = { url: await franPage.getByLabel('Send this link (it is shown only now):').inputValue() };
    expect(link.url).toMatch(new RegExp(`^${ws.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/workshops/guest#token=`));
    await franPage.getByRole('list', { name: 'Guest links' }).getByRole('button', { name: 'Stop the link “Fire and Rescue”' }).waitFor();

    const page = await people.page(null);
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Join “Partners morning”' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Both fields are needed: the browser says so before anything is sent.
    await page.getByRole('button', { name: 'Join the workshop' }).click();
    expect(await page.getByLabel('Your name').evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
    await page.getByLabel('Your name').fill('Gita Guest');
    await page.getByLabel('Organisation').fill('Devon and Somerset Fire and Rescue');
    await page.getByRole('button', { name: 'Join the workshop' }).click();

    await page.getByRole('heading', { name: 'Partners morning', level: 1 }).waitFor();
    await page.locator('.workshop .connection-state', { hasText: 'Live' }).first().waitFor();
    expect(await page.getByTestId('who').innerText()).toBe('Gita Guest, Devon and Somerset Fire and Rescue (guest)');
    expect(new URL(page.url()).pathname).toBe(`/workshops/${workshop.id}`);

    // The facilitator opens a vote; the guest takes part like a member.
    const opened = await api(ws, `/api/workshops/${workshop.id}/rounds`, { token: fran.token, body: { kind: 'vote', prompt: 'Which matters most?', roomId: mapId, votesPerPerson: 1 } });
    expect(opened.status).toBe(201);
    const round = page.getByRole('article', { name: /Which matters most/ });
    await round.getByRole('button', { name: 'Add a dot to “Footfall”' }).click();
    await round.getByRole('button', { name: 'Save my votes' }).click();
    await round.getByText('Your votes are saved.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The workshop ends: the page says so, and the guest's connection is closed with thanks.
    expect((await api(ws, `/api/workshops/${workshop.id}/end`, { token: fran.token, body: {} })).status).toBe(200);
    await page.getByText('The workshop has ended, and your access as its guest with it. Thank you for taking part.').first().waitFor();
    seeder.destroy();

    // The same link, now: it says why it no longer works, and asks for nothing.
    await franPage.close();
    const late = await people.page(null);
    await late.goto(link.url);
    await late.getByRole('alert').filter({ hasText: 'The workshop “Partners morning” has ended, so its guest link no longer works.' }).waitFor();
    expect(await late.getByLabel('Your name').count()).toBe(0);
    await late.goto(`${ws.url}/workshops/guest#token=${'x'.repeat(43)}`);
    await late.getByRole('alert').filter({ hasText: 'This guest link is not valid.' }).waitFor();
  });
});
