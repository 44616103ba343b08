/**
 * No silent loss: two people change one field at once in two real browsers, and the one whose
 * words were replaced is told by whom and to what, and chooses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/browser.js';
import { createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('editing one field at once', { timeout: 90_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 } });
  let council: Person;
  let chris: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    chris = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Chris Carer', organisation: 'Torbay Carers Service' });
  }, 90_000);

  const openMap = async (person: Person, roomId: string, title: string) => MapPage.open(await suite.people.page(person), suite.ws.url, roomId, title);

  it('tells the person typing who changed the label to what, and lets them put theirs back or keep the other', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Renaming');
    const [cal, chr] = await Promise.all([openMap(council, roomId, 'Renaming'), openMap(chris, roomId, 'Renaming')]);
    await cal.addElement('Carer stress');
    await chr.node('Carer stress').waitFor();
    await cal.select('Carer stress');
    await chr.select('Carer stress');

    // Cal is typing a new label when Chris commits another.
    const calLabel = cal.page.locator('.inspector').getByLabel('Label', { exact: true });
    await calLabel.fill('Carer strain');
    const chrLabel = chr.page.locator('.inspector').getByLabel('Label', { exact: true });
    await chrLabel.fill('Unpaid carer stress');
    await chrLabel.press('Enter');
    const notice = cal.page.getByTestId('field-conflict');
    await poll(() => notice.textContent()).toContain('Chris Carer (Torbay Carers Service) changed this to “Unpaid carer stress” while you were editing it. Yours was “Carer strain”.');
    // Cal's words are still in the field: nothing is lost while they decide.
    expect(await calLabel.inputValue()).toBe('Carer strain');
    await notice.getByRole('button', { name: 'Put yours back' }).click();
    await poll(() => chr.labels()).toEqual(['Carer strain']);
    await poll(() => notice.count()).toBe(0);

    // The other way: Chris is told Cal's label replaced theirs, and keeps Cal's.
    await chrLabel.fill('Carer burnout');
    await calLabel.fill('Carer wellbeing');
    await calLabel.press('Enter');
    const chrNotice = chr.page.getByTestId('field-conflict');
    await poll(() => chrNotice.textContent()).toContain('Cal Council (Torbay Council) changed this to “Carer wellbeing”');
    await chrNotice.getByRole('button', { name: 'Keep theirs' }).click();
    expect(await chrLabel.inputValue()).toBe('Carer wellbeing');
    await poll(() => cal.labels()).toEqual(['Carer wellbeing']);
  });
});
