/**
 * Live mapping in two real browsers: add, connect, set polarity, move, delete, undo; and a
 * viewer who sees it all but cannot change it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download, Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { addMapData, readMap } from '../../shared/map/doc.js';
import { gridMap } from '../../shared/map/fixtures/gridMap.js';
import { LOOPS_PAGE, MAX_TARGET_OPTIONS } from '../../client/map/listLimits.js';
import { EDGE_LABELS_FROM, ZOOMED_OUT } from '../../client/map/zoomLevels.js';
import { connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage, RoomPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe('system maps in a real browser', { timeout: 90_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  let council: Person;
  let police: Person;
  let viewer: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    police = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Pat Police', organisation: 'Devon and Cornwall Police' });
    viewer = await createPerson(suite.ws, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' });
  }, 90_000);

  async function openMap(person: Person, roomId: string, title: string): Promise<MapPage> {
    const page = await suite.people.page(person);
    const room = new RoomPage(page);
    await room.open(suite.ws.url, roomId, title);
    await room.waitForConnection('Live');
    await page.locator('.react-flow').waitFor();
    return new MapPage(page);
  }

  it('two people map together live: add, connect, set polarity, move, delete and undo', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'High street loops');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'High street loops'), openMap(police, roomId, 'High street loops')]);

    await cal.addElement('Footfall');
    await pat.addElement('Empty shop units');
    await poll(() => cal.labels()).toEqual(['Empty shop units', 'Footfall']);
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall']);

    await cal.connect('Footfall', 'Empty shop units', '-');
    await pat.connect('Empty shop units', 'Footfall', '?');
    await poll(() => pat.polarities()).toEqual(['?', '−']);
    await poll(() => cal.polarities()).toEqual(['?', '−']);

    // Pat settles the unknown polarity from the connection's own panel.
    await pat.select('Empty shop units');
    await pat.page.locator('.inspector').getByRole('button', { name: /→ Footfall/ }).click();
    await pat.page.getByRole('radio', { name: '− opposite direction' }).check();
    await poll(() => cal.polarities()).toEqual(['−', '−']);

    // A drag shows for the other person.
    const before = await pat.position('Footfall');
    await cal.drag('Footfall', 160, 90);
    await poll(async () => {
      const now = await pat.position('Footfall');
      return Math.round(Math.hypot(now.x - before.x, now.y - before.y));
    }).toBeGreaterThan(50);
    await poll(async () => JSON.stringify(await pat.position('Footfall'))).toBe(JSON.stringify(await cal.position('Footfall')));

    // A rename, a new kind and an agency show for the other person: each node reads its own
    // element's words, and a rename of one changes no other node. The box keeps its width.
    const widthBefore = (await pat.node('Footfall').boundingBox())!.width;
    await cal.select('Footfall');
    const inspector = cal.page.locator('.inspector');
    await inspector.getByLabel('Label', { exact: true }).fill('Footfall in the centre');
    await inspector.getByLabel('Label', { exact: true }).press('Enter');
    await inspector.getByLabel('Kind', { exact: true }).selectOption({ label: 'Outcome' });
    await inspector.getByLabel('Agency', { exact: true }).fill('Torbay Council');
    await inspector.getByLabel('Agency', { exact: true }).press('Enter');
    const renamed = pat.node('Footfall in the centre');
    await poll(() => renamed.locator('.map-node-agency').innerText().catch(() => '')).toBe('Torbay Council');
    expect(await renamed.locator('.map-node-kind').innerText()).toMatch(/outcome/i);
    expect(await renamed.locator('.map-node').getAttribute('class')).toContain('kind-outcome');
    expect((await renamed.boundingBox())!.width).toBe(widthBefore);
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall in the centre']);
    // Renamed back, so the rest reads as before.
    await inspector.getByLabel('Label', { exact: true }).fill('Footfall');
    await inspector.getByLabel('Label', { exact: true }).press('Enter');
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall']);

    // Deleting an element takes its connections with it, for both.
    await cal.select('Empty shop units');
    await cal.page.getByRole('button', { name: 'Delete element' }).click();
    await poll(() => pat.labels()).toEqual(['Footfall']);
    await poll(() => pat.polarities()).toEqual([]);

    // Undo brings back Cal's own deletion (and only that).
    await cal.page.getByRole('toolbar', { name: 'Map tools' }).getByRole('button', { name: 'Undo' }).click();
    await poll(() => pat.labels()).toEqual(['Empty shop units', 'Footfall']);
    await poll(() => pat.polarities()).toEqual(['−', '−']);
  });

  it('shows each person where the others are pointing and what they have selected, with name and agency', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Pointing');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Pointing'), openMap(police, roomId, 'Pointing')]);
    await cal.addElement('Lonely older people');
    await pat.node('Lonely older people').waitFor();
    await cal.select('Lonely older people');
    await poll(() => pat.page.locator('.map-node-selected-by').allInnerTexts()).toEqual(['Cal Council']);

    // Low on the canvas, clear of the tools floating over its top.
    const box = (await cal.page.locator('.map-canvas').boundingBox())!;
    await cal.page.mouse.move(box.x + box.width / 3, box.y + box.height - 150);
    await cal.page.mouse.move(box.x + box.width / 3 + 30, box.y + box.height - 120);
    const cursor = pat.page.locator('.remote-cursor', { hasText: 'Cal Council · Torbay Council' });
    await cursor.waitFor();
    // The pointer leaves the map for the room's bar: the cursor goes for the others.
    await cal.page.mouse.move(box.x + box.width / 3, box.y - 20);
    await cursor.waitFor({ state: 'detached' });
  });

  it('can be drawn by keyboard alone: add, edit, connect, move and delete', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Keyboard map');
    const cal = await openMap(council, roomId, 'Keyboard map');
    const page = cal.page;
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { text: el?.textContent?.trim() ?? '', id: el?.id ?? '', node: el?.classList.contains('react-flow__node') ?? false, label: el?.getAttribute('aria-label') ?? '' };
    });
    async function tabTo(match: (f: Awaited<ReturnType<typeof focused>>) => boolean, key = 'Tab') {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press(key);
        if (match(await focused())) return;
      }
      throw new Error(`never reached by ${key}`);
    }

    for (const label of ['Footfall', 'Empty shops']) {
      await tabTo((f) => f.text === 'Add element');
      await page.keyboard.press('Enter');
      await poll(async () => (await focused()).text === '' && (await page.evaluate(() => (document.activeElement as HTMLInputElement).value))).toMatch(/^New factor$/);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(label);
      await page.keyboard.press('Enter');
      await cal.node(label).waitFor();
    }
    // "Empty shops" is selected: connect it to Footfall with a negative link from the form.
    await tabTo((f) => f.label === '' && f.text.startsWith('Choose an element'));
    await page.keyboard.type('Foot');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo((f) => f.text === 'Connect');
    await page.keyboard.press('Enter');
    await poll(() => cal.polarities()).toEqual(['−']);

    // Move a node with the arrow keys, then delete it, all from the keyboard.
    const before = await cal.position('Footfall');
    await page.locator('.react-flow__node', { hasText: 'Footfall' }).focus();
    await page.keyboard.press('Enter');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await poll(async () => (await cal.position('Footfall')).x).toBeGreaterThan(before.x);
    await page.keyboard.press('Delete');
    await poll(() => cal.labels()).toEqual(['Empty shops']);
    await poll(() => cal.polarities()).toEqual([]);
  });

  it('finds loops live, classifies them, highlights one on hover, and keeps a loop’s name through edits', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Loops');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Loops'), openMap(police, roomId, 'Loops')]);
    await cal.addElement('Visitors');
    await cal.addElement('Shops open');
    await cal.connect('Visitors', 'Shops open', '+');
    await cal.connect('Shops open', 'Visitors', '+');
    const counts = (m: MapPage) => m.page.getByTestId('loop-counts').textContent();
    await Promise.all([cal.openPanel('Loops'), pat.openPanel('Loops')]);
    await poll(() => pat.page.getByTestId('loop-counts').textContent()).toBe('1 reinforcing, 0 balancing');

    await cal.page.locator('.loop').first().hover();
    await poll(() => cal.page.locator('.map-node.is-highlighted').count()).toBe(2);
    await cal.page.getByRole('button', { name: /^Name this loop/ }).click();
    await cal.page.getByLabel('Name of the loop').fill('Virtuous circle of the high street');
    await cal.page.getByLabel('What it means').fill('More visitors keep more shops open, which bring more visitors.');
    await cal.page.getByRole('button', { name: 'Save', exact: true }).click();
    await pat.page.locator('.loop-title', { hasText: 'Virtuous circle of the high street' }).waitFor();

    // Moving an element and flipping a polarity keep the loop, and its name.
    await cal.drag('Visitors', 100, 40);
    await pat.select('Shops open');
    await pat.page.locator('.inspector').getByRole('button', { name: /→ Visitors/ }).click();
    await pat.page.getByRole('radio', { name: '− opposite direction' }).check();
    await poll(() => counts(cal)).toBe('0 reinforcing, 1 balancing');
    expect(await cal.page.locator('.loop-title').first().textContent()).toContain('Virtuous circle of the high street');

    // Deleting a connection breaks the loop; its note is kept and listed as broken.
    await pat.page.getByRole('button', { name: 'Delete connection' }).click();
    await poll(() => counts(cal)).toBe('0 reinforcing, 0 balancing');
    await cal.page.getByText('Notes on loops that were broken').waitFor();
  });

  it('starts a map from an archetype template, with its loops', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'From a template');
    const cal = await openMap(council, roomId, 'From a template');
    await cal.page.getByRole('group', { name: 'Start from a template' }).getByRole('button', { name: 'Fixes that fail' }).click();
    await poll(() => cal.labels()).toEqual(['Problem symptom', 'Quick fix', 'Unintended consequence']);
    await cal.openPanel('Loops');
    await poll(() => cal.page.getByTestId('loop-counts').textContent()).toBe('1 reinforcing, 1 balancing');
    await cal.page.getByRole('toolbar', { name: 'Map tools' }).getByLabel('Add a template').selectOption({ label: 'Iceberg' });
    await poll(() => cal.page.locator('.group-label').allInnerTexts()).toHaveLength(4);
    // The editor with a map, loops and a selection passes an axe-core scan, as does the outline.
    await cal.select('Quick fix');
    expect(await seriousAxeViolations(cal.page)).toEqual([]);
    await cal.page.getByRole('button', { name: 'Outline', exact: true }).click();
    await cal.page.locator('.outline').waitFor();
    expect(await cal.page.locator('.outline').textContent()).toContain('Feedback loops (2)');
    expect(await seriousAxeViolations(cal.page)).toEqual([]);
  });

  it('imports a Kumu CSV, exports CSV, JSON and pictures, and the export imports again to the same map', async () => {
    const fixtures = fileURLToPath(new URL('../../shared/map/fixtures/', import.meta.url));
    const first = await createRoom(suite.ws, council, 'torbay', 'map', 'Imported');
    const cal = await openMap(council, first, 'Imported');
    await cal.openPanel('Import and export');
    const input = cal.page.getByLabel('Import a map');

    // A connection to an element that is not in the Elements sheet: nothing is imported, the row is named.
    const broken = 'From,To,Polarity\nPeople with dementia visiting the high street,Footfal,+\n';
    const file = (name: string) => ({ name, mimeType: 'text/csv', buffer: readFileSync(join(fixtures, name)) });
    await input.setInputFiles([file('torbay-dementia-elements.csv'), { name: 'connections.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) }]);
    await poll(() => cal.page.getByRole('alert').textContent()).toMatch(/Nothing was imported.*row 2.*Footfal/s);
    expect(await cal.labels()).toEqual([]);

    await input.setInputFiles([file('torbay-dementia-elements.csv'), file('torbay-dementia-connections.csv')]);
    await cal.page.getByText(/^Imported \d+ elements and \d+ connections\.$/).waitFor();
    const labels = await cal.labels();
    expect(labels.length).toBeGreaterThan(10);
    const polarities = await cal.polarities();
    expect(polarities.length).toBeGreaterThan(10);

    const saved: Record<string, Buffer> = {};
    const downloads: Download[] = [];
    cal.page.on('download', (d) => downloads.push(d));
    async function save(button: string, count = 1) {
      downloads.length = 0;
      await cal.page.getByRole('button', { name: button }).click();
      await poll(() => downloads.length).toBe(count);
      for (const d of downloads) saved[d.suggestedFilename()] = readFileSync((await d.path())!);
    }
    // Zoomed in, most elements are off screen (and not drawn); the pictures still hold them all.
    for (let i = 0; i < 6; i++) await cal.page.locator('.react-flow__controls-zoomin').click();
    await poll(() => cal.page.locator('.react-flow__node-element').count()).toBeLessThan(labels.length);
    await save('Export CSV (Kumu)', 2);
    await save('Export JSON');
    await save('Export PNG');
    await save('Export SVG');
    expect(Object.keys(saved).sort()).toEqual(['imported-connections.csv', 'imported-elements.csv', 'imported.json', 'imported.png', 'imported.svg']);
    expect(saved['imported.png']!.subarray(1, 4).toString()).toBe('PNG');
    expect(saved['imported.png']!.length).toBeGreaterThan(5_000);
    expect(saved['imported.svg']!.toString()).toContain('<svg');
    const svg = saved['imported.svg']!.toString();
    for (const label of labels) expect(svg).toContain(label.replace(/&/g, '&amp;').replace(/</g, '&lt;'));

    // Round trips: the exported CSV and JSON each import into a fresh map as the same map.
    for (const [title, files] of [
      ['Round trip CSV', ['imported-elements.csv', 'imported-connections.csv']],
      ['Round trip JSON', ['imported.json']],
    ] as const) {
      const roomId = await createRoom(suite.ws, council, 'torbay', 'map', title);
      const again = await openMap(council, roomId, title);
      await again.openPanel('Import and export');
      await again.page.getByLabel('Import a map').setInputFiles(files.map((name) => ({ name, mimeType: 'text/plain', buffer: saved[name]! })));
      await poll(() => again.labels()).toEqual(labels);
      await poll(() => again.polarities()).toEqual(polarities);
    }
  });

  it('imports a Kumu workbook showing what was merged and kept, exports a workbook, and re-imports it without duplicates', async () => {
    const workbook = readFileSync(fileURLToPath(new URL('../../shared/map/fixtures/kumu/kumu-export.xlsx', import.meta.url)));
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'From Kumu');
    const cal = await openMap(council, roomId, 'From Kumu');
    await cal.openPanel('Import and export');
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await cal.page.getByLabel('Import a map').setInputFiles({ name: 'kumu-export.xlsx', mimeType: xlsx, buffer: workbook });
    const status = cal.page.locator('.import-export [role="status"]');
    await poll(() => status.textContent()).toMatch(/^Imported 6 elements and \d+ connections\./);
    // The summary says what Kumu's file held beyond elements and connections.
    const said = (await status.textContent()) ?? '';
    expect(said).toMatch(/merged into it, as Kumu does/);
    expect(said).toMatch(/Custom fields kept: .*Population/);
    expect(said).toMatch(/Company/);
    const labels = await cal.labels();
    expect(labels).toHaveLength(6);
    // A kept field shows in the details panel.
    await cal.select('Bay Area');
    await poll(() => cal.page.locator('.custom-fields').getByLabel('Population', { exact: true }).inputValue()).toBe('7760000');

    const downloads: Download[] = [];
    cal.page.on('download', (d) => downloads.push(d));
    await cal.page.getByRole('button', { name: 'Export Kumu workbook (.xlsx)' }).click();
    await poll(() => downloads.length).toBe(1);
    expect(downloads[0]!.suggestedFilename()).toBe('from-kumu.xlsx');
    const exported = readFileSync((await downloads[0]!.path())!);
    expect(exported.subarray(0, 2).toString()).toBe('PK');

    // The same workbook again: the page offers to update what is there rather than duplicate it.
    await cal.page.getByLabel('Import a map').setInputFiles({ name: 'from-kumu.xlsx', mimeType: xlsx, buffer: exported });
    await cal.page.getByRole('heading', { name: 'Some of this is already on the map' }).waitFor();
    await cal.page.getByRole('button', { name: /^Update 6 existing elements, add 0 new$/ }).click();
    await poll(() => status.textContent()).toMatch(/^Updated .* added 0 new elements and 0 new connections\./);
    expect((await cal.labels()).sort()).toEqual([...labels].sort());
  });

  it('lenses answer "what did the police add?", search finds elements, and a tidy layout moves them apart', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Lenses');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Lenses'), openMap(police, roomId, 'Lenses')]);
    await cal.addElement('Footfall');
    await pat.addElement('PCSO patrols');
    await cal.node('PCSO patrols').waitFor();
    await cal.openPanel('Look at');
    const lens = cal.page.locator('.lens');
    await lens.getByLabel('Added by').selectOption('Devon and Cornwall Police');
    await poll(() => cal.page.getByTestId('lens-matches').textContent()).toBe('1 element matches.');
    expect(await cal.node('Footfall').locator('.map-node.is-dimmed').count()).toBe(1);
    await lens.getByRole('button', { name: 'Hide the rest' }).click();
    await poll(() => cal.page.locator('.react-flow__node-element:visible').count()).toBe(1);
    await lens.getByRole('button', { name: 'Clear' }).click();
    await poll(() => cal.page.locator('.react-flow__node-element:visible').count()).toBe(2);
    await lens.getByLabel('Search the map').fill('foot');
    await poll(() => cal.page.getByTestId('lens-matches').textContent()).toBe('1 element matches.');
    // Pat's lens is Pat's own: nothing is dimmed for him.
    expect(await pat.page.locator('.map-node.is-dimmed').count()).toBe(0);

    await cal.connect('Footfall', 'PCSO patrols', '+');
    await cal.page.getByRole('button', { name: 'Tidy layout' }).click();
    // Pat's view did not move with the layout; fitting it brings both elements into view (only
    // what is in view is drawn).
    await poll(async () => {
      await pat.page.locator('.react-flow__controls-fitview').click();
      if ((await pat.node('Footfall').count()) === 0 || (await pat.node('PCSO patrols').count()) === 0) return false;
      const [a, b] = [await pat.position('Footfall'), await pat.position('PCSO patrols')];
      return a.x < b.x;
    }).toBe(true);
  });

  it('comment threads on an element: comment, see the badge, reply, resolve', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Comments');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Comments'), openMap(police, roomId, 'Comments')]);
    await cal.addElement('Footfall');
    await cal.page.getByLabel('New comment').fill('Where does this figure come from?');
    await cal.page.getByRole('button', { name: 'Comment', exact: true }).click();
    await poll(() => pat.node('Footfall').locator('.map-node-comments').textContent()).toContain('1');

    await pat.select('Footfall');
    await pat.page.getByPlaceholder('Reply…').fill('The BID footfall counter on Fleet Street');
    await pat.page.getByRole('button', { name: 'Reply', exact: true }).click();
    await cal.page.locator('.thread-text', { hasText: 'The BID footfall counter on Fleet Street' }).waitFor();
    expect(await cal.page.locator('.thread-meta', { hasText: 'Pat Police' }).textContent()).toContain('Devon and Cornwall Police');

    await cal.page.getByRole('button', { name: 'Resolve' }).click();
    await poll(() => pat.node('Footfall').locator('.map-node-comments').count()).toBe(0);
    await pat.page.getByRole('button', { name: 'Show 1 resolved' }).click();
    await pat.page.getByText('Resolved by Cal Council.').waitFor();
  });

  it('saves a named version that another person sees listed, shows it read-only, lists what changed since, and restores it', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Versions');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Versions'), openMap(police, roomId, 'Versions')]);
    await cal.addElement('Footfall');
    await Promise.all([cal.openPanel('Versions'), pat.openPanel('Versions')]);
    await cal.page.getByLabel('Save the map as it is now, as').fill('after workshop 3');
    await cal.page.getByRole('button', { name: 'Save version' }).click();
    // Pat, in a browser of his own, sees it listed without reloading, with who saved it.
    const listed = pat.page.locator('.version-list li', { hasText: 'after workshop 3' });
    await listed.waitFor();
    expect(await listed.locator('.hint').textContent()).toContain('by Cal Council · 1 element, 0 connections');
    await pat.addElement('Parking charges');

    await cal.node('Parking charges').waitFor();
    await cal.page.getByRole('button', { name: 'View after workshop 3' }).click();
    await poll(() => cal.labels()).toEqual(['Footfall']);
    expect(await cal.page.getByRole('toolbar', { name: 'Map tools' }).count()).toBe(0);
    // Viewing is private and read-only: the live map goes on for everyone else.
    expect(await pat.labels()).toEqual(['Footfall', 'Parking charges']);
    await cal.page.getByRole('button', { name: 'Back to the live map' }).click();
    await poll(() => cal.labels()).toEqual(['Footfall', 'Parking charges']);

    await cal.page.getByRole('button', { name: 'Compare with now (after workshop 3)' }).click();
    await poll(() => cal.page.getByTestId('diff').textContent()).toContain('Elements added (1)Parking charges');
    await cal.page.getByRole('button', { name: 'Close', exact: true }).last().click();
    // A connection is named by its ends' labels, never by an id.
    await cal.connect('Footfall', 'Parking charges', '+');
    await cal.page.getByRole('button', { name: 'Compare with now (after workshop 3)' }).click();
    await poll(() => cal.page.getByTestId('diff').textContent()).toContain('Connections added (1)Footfall → Parking charges (+)');

    // Pat restores it for both; the map as it was is saved first, to go back to.
    pat.page.once('dialog', (dialog) => void dialog.accept());
    await pat.page.getByRole('button', { name: 'Restore after workshop 3' }).click();
    await poll(() => cal.labels()).toEqual(['Footfall']);
    await poll(() => cal.page.locator('.version-list strong').allInnerTexts()).toEqual(['Before restoring “after workshop 3”', 'after workshop 3']);
  });

  it('ranks elements by connections, says which frame an element sits in, and remembers reduced motion', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Centrality');
    const cal = await openMap(council, roomId, 'Centrality');
    await cal.page.getByRole('group', { name: 'Start from a template' }).getByRole('button', { name: 'Tragedy of the commons' }).click();
    await cal.node('Total activity').waitFor();
    await cal.openPanel('Look at');
    await cal.page.locator('.lens').getByLabel('Size elements by').selectOption('degree');
    // Every element of this archetype has three connections.
    await poll(() => cal.page.getByTestId('ranking').locator('li').allInnerTexts()).toHaveLength(5);
    expect((await cal.page.getByTestId('ranking').locator('li').allInnerTexts()).every((t) => t.endsWith('(3)'))).toBe(true);
    await cal.page.locator('.lens').getByLabel('Size elements by').selectOption('betweenness');
    await poll(async () => (await cal.page.getByTestId('ranking').locator('li').first().textContent()) ?? '').toMatch(/^(Total activity|Shared resource available) /);
    const sizes = await cal.page.locator('.map-node').evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    expect(Math.max(...sizes)).toBeGreaterThan(Math.min(...sizes));

    await cal.page.getByRole('toolbar', { name: 'Map tools' }).getByLabel('Add a template').selectOption({ label: 'Stakeholder power and interest grid' });
    await poll(() => cal.page.locator('.group-label').count()).toBe(4);
    await cal.addElement('Town centre landlords', 'Actor');
    // Measured once the fit after the template has finished gliding.
    await cal.viewSettled();
    // Dragged into the "Manage closely" quadrant, the panel says that is where it sits.
    const quadrant = (await cal.page.locator('.group-label', { hasText: 'Manage closely' }).boundingBox())!;
    const node = (await cal.node('Town centre landlords').boundingBox())!;
    await cal.drag('Town centre landlords', quadrant.x + 60 + node.width / 2 - (node.x + node.width / 2), quadrant.y + 60 + node.height / 2 - (node.y + node.height / 2));
    await cal.select('Town centre landlords');
    await poll(() => cal.page.locator('.frame-note').textContent()).toBe('Sits in: Manage closely (high power, high interest)');

    await cal.page.getByLabel('Reduce motion').check();
    expect(await cal.page.evaluate(() => document.documentElement.classList.contains('reduce-motion'))).toBe(true);
    await cal.page.reload();
    await cal.page.locator('.react-flow').waitFor();
    expect(await cal.page.getByLabel('Reduce motion').isChecked()).toBe(true);
  });

  it('frames: add one, name it, move it, and delete it, live for the others', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Frames');
    const [cal, pat] = await Promise.all([openMap(council, roomId, 'Frames'), openMap(police, roomId, 'Frames')]);
    await cal.page.getByRole('button', { name: 'Add frame' }).click();
    const label = cal.page.locator('.inspector').getByLabel('Label', { exact: true });
    await label.fill('Night-time economy');
    await label.press('Enter');
    await pat.page.locator('.group-label', { hasText: 'Night-time economy' }).waitFor();
    const frame = (m: MapPage) => m.page.locator('.react-flow__node-group', { hasText: 'Night-time economy' });
    const before = await frame(pat).evaluate((el) => (el as HTMLElement).style.transform);
    const box = (await cal.page.locator('.group-label', { hasText: 'Night-time economy' }).boundingBox())!;
    await cal.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await cal.page.mouse.down();
    for (let i = 1; i <= 8; i++) await cal.page.mouse.move(box.x + box.width / 2 + i * 15, box.y + box.height / 2 + i * 10);
    await cal.page.mouse.up();
    await poll(() => frame(pat).evaluate((el) => (el as HTMLElement).style.transform)).not.toBe(before);
    await cal.page.getByRole('button', { name: 'Delete frame' }).click();
    await poll(() => pat.page.locator('.group-label').count()).toBe(0);
  });

  it('a large map zoomed out is drawn on one canvas; the element pointed at becomes a node to drag; zoomed in, all are nodes again', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Large map');
    const seeder = connectClient(suite.ws.url.replace(/^http/, 'ws') + '/sync', roomId, council.token);
    try {
      await seeder.synced;
      // Dense enough for well over a page of loops (147).
      const map = gridMap(400, 700, 7);
      addMapData(seeder.doc, map, { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council' });
      const cal = await openMap(council, roomId, 'Large map');
      // Fitted, 400 elements on a grid are drawn well below a quarter of full size: elements and
      // connections are on the canvas, none is a node or an edge.
      const canvas = cal.page.locator('canvas.map-canvas-far');
      await canvas.waitFor();
      await poll(() => cal.page.locator('.react-flow__node-element').count()).toBe(0);
      expect(await cal.page.locator('.react-flow__edge').count()).toBe(0);
      await poll(() => inkedPixels(canvas)).toBeGreaterThan(2000);

      // The element nearest the middle of the view, and where it is on screen (from its place on
      // the map and the view's transform): zoomed out, the DOM does not say.
      const picked = await cal.page.evaluate((places) => {
        const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
        const m = /translate\(([-\d.e]+)px, ?([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(
          document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform,
        )!;
        const at = ({ x, y }: { x: number; y: number }) => ({ x: pane.left + Number(m[1]) + (x + 20) * Number(m[3]), y: pane.top + Number(m[2]) + (y + 20) * Number(m[3]) });
        const centre = { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 };
        const distance = (p: { x: number; y: number }) => (p.x - centre.x) ** 2 + (p.y - centre.y) ** 2;
        const best = places.reduce((a, b) => (distance(at(a)) <= distance(at(b)) ? a : b));
        return { id: best.id, ...at(best) };
      }, map.elements.map(({ id, x, y }) => ({ id, x, y })));
      const target = map.elements.find((e) => e.id === picked.id)!;
      const spot = { x: picked.x, y: picked.y };
      await cal.page.mouse.move(spot.x, spot.y);
      const node = cal.page.locator(`.react-flow__node[data-id="${target.id}"]`);
      await node.waitFor();
      expect(await cal.page.locator('.react-flow__node-element').count()).toBe(1);
      // Dragged, it moves for everyone (the doc changes), and it is still one node.
      await cal.page.mouse.down();
      for (let i = 1; i <= 10; i++) await cal.page.mouse.move(spot.x + i * 6, spot.y + i * 3);
      await cal.page.mouse.up();
      const moved = () => readMap(seeder.doc).elements.find((e) => e.id === target.id)?.x;
      await poll(moved).toBeGreaterThan(target.x + 100);
      // Clicked, it is selected and stays a node when the pointer leaves it.
      await node.click();
      await poll(() => cal.page.locator('.inspector').getByLabel('Label', { exact: true }).inputValue()).toBe(target.label);
      await cal.page.mouse.move(5, 5);
      expect(await node.count()).toBe(1);

      // A large map lists the elements a new link could affect 100 at a time, with a search.
      const inspector = cal.page.locator('.inspector');
      const affects = inspector.getByLabel('Affects', { exact: true });
      expect(await affects.locator('option').count()).toBe(MAX_TARGET_OPTIONS + 1);
      await inspector.getByLabel('Find by label').fill('element 12');
      const matching = map.elements.filter((e) => e.id !== target.id && e.label.includes('Element 12'));
      await poll(() => affects.locator('option').count()).toBe(matching.length + 1);
      await affects.selectOption({ label: matching[0]!.label });
      await inspector.getByRole('button', { name: 'Connect', exact: true }).click();
      await poll(() => readMap(seeder.doc).connections.some((c) => c.from === target.id && c.to === matching[0]!.id)).toBe(true);

      // Hundreds of loops are listed a page at a time.
      await cal.openPanel('Loops');
      const heading = await cal.page.locator('.loops h3').textContent();
      const total = Number(/\((\d+)\)/.exec(heading ?? '')?.[1]);
      expect(total).toBeGreaterThan(LOOPS_PAGE);
      expect(await cal.page.locator('.loops .loop').count()).toBe(LOOPS_PAGE);
      await cal.page.getByRole('button', { name: /^Show \d+ more loops/ }).click();
      expect(await cal.page.locator('.loops .loop').count()).toBe(Math.min(total, 2 * LOOPS_PAGE));

      const zoomIn = cal.page.getByRole('button', { name: /zoom in/i });
      // In, past the zoom where labels become readable and elements are nodes again.
      // On the way, between the canvas and EDGE_LABELS_FROM, links are drawn without their labels.
      const zoom = async () => Number(/scale\(([-\d.e]+)\)/.exec(await cal.page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform))![1]);
      let unlabelled = 0;
      for (let i = 0; i < 11; i++) {
        await zoomIn.click();
        const now = await zoom();
        if (now >= ZOOMED_OUT.below + 0.02 && now < EDGE_LABELS_FROM - 0.02) {
          await poll(() => cal.page.locator('.react-flow__edge').count()).toBeGreaterThan(0);
          expect(await cal.page.locator('.map-edge-label').count()).toBe(0);
          unlabelled++;
        }
      }
      expect(unlabelled).toBeGreaterThan(0);
      expect(await zoom()).toBeGreaterThanOrEqual(EDGE_LABELS_FROM);
      await poll(() => cal.page.locator('.react-flow__edge').count()).toBeGreaterThan(0);
      await poll(() => cal.page.locator('.map-edge-label').count()).toBeGreaterThan(0);
      // Links passing across the view with both ends out of sight are plain curves, not edges.
      expect(await cal.page.locator('.map-through-links path').count()).toBeGreaterThan(0);
      expect(await cal.page.locator('.map-through-links path').first().getAttribute('d')).toMatch(/^M[-\d.]+,[-\d.]+ C/);
      // Zoomed in too, the view and those curves are layers of their own, so a pan or a drag
      // does not rasterise them again (bench:map, "pan/drag at zoom ~1").
      const layered = (selector: string) => cal.page.locator(selector).first().evaluate((el) => getComputedStyle(el).willChange);
      expect(await layered('.react-flow__viewport')).toBe('transform');
      expect(await layered('.map-through-links')).toBe('transform');
      // A click on one of those curves selects its link, which is then an edge with the inspector.
      const onCurve = await cal.page.evaluate(() => {
        const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
        for (const path of document.querySelectorAll<SVGPathElement>('.map-through-links path')) {
          const matrix = path.getScreenCTM()!;
          const length = path.getTotalLength();
          for (let at = 0; at < length; at += 7) {
            const p = path.getPointAtLength(at).matrixTransform(matrix);
            const inside = p.x > pane.left + 80 && p.x < pane.right - 80 && p.y > pane.top + 80 && p.y < pane.bottom - 80;
            if (inside && document.elementFromPoint(p.x, p.y)?.classList.contains('react-flow__pane')) return { x: p.x, y: p.y };
          }
        }
        return null;
      });
      expect(onCurve).not.toBeNull();
      await cal.page.mouse.click(onCurve!.x, onCurve!.y);
      await poll(() => cal.page.locator('.react-flow__edge.selected').count()).toBe(1);
      await cal.page.getByRole('heading', { name: /^Connection: .+ → .+/ }).waitFor();
      expect(await canvas.count()).toBe(0);
      expect(await cal.page.locator('.react-flow__node-element').count()).toBeGreaterThan(1);
      // A large map has the overview at every zoom, never React Flow's minimap of every node.
      expect(await cal.page.locator('.react-flow__minimap').count()).toBe(0);
      await poll(() => inkedPixels(cal.page.getByRole('img', { name: /Overview of the whole map/ }))).toBeGreaterThan(1000);

      // Fit view centres the whole map (as far as the smallest zoom allows), though React Flow
      // draws only part of it when zoomed out: the canvas holds the whole map. It centres it in
      // the part of the canvas the floating tools and panels leave open.
      await cal.page.getByRole('button', { name: 'Fit view' }).click();
      await canvas.waitFor();
      await cal.viewSettled();
      const offCentre = await cal.page.evaluate(() => {
        const c = document.querySelector('canvas.map-canvas-far')!.getBoundingClientRect();
        const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
        const right = Math.min(...[...document.querySelectorAll('.panel-rail, .panel-dock:not([hidden])')].map((el) => el.getBoundingClientRect().left));
        const top = document.querySelector('.map-toolbar')!.getBoundingClientRect().bottom;
        return { x: Math.abs(c.left + c.width / 2 - (pane.left + right) / 2), y: Math.abs(c.top + c.height / 2 - (top + pane.bottom) / 2) };
      });
      expect(offCentre.x).toBeLessThan(5);
      expect(offCentre.y).toBeLessThan(5);

      // Zoomed out, the overview draws the whole map (React Flow's minimap would show only the
      // few nodes it has), and pressing on it moves the view there.
      const overview = cal.page.getByRole('img', { name: /Overview of the whole map/ });
      await poll(() => inkedPixels(overview)).toBeGreaterThan(1000);
      const transform = () => cal.page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
      const fitted = await transform();
      const ob = (await overview.boundingBox())!;
      await cal.page.mouse.click(ob.x + 12, ob.y + ob.height / 2);
      await poll(transform).not.toBe(fitted);
      // A drag that began elsewhere and passes over the overview leaves the view alone.
      const panned = await transform();
      // (Begun on the room's title, in the bar above the canvas.)
      const title = (await cal.page.locator('.room-bar h1').boundingBox())!;
      await cal.page.mouse.move(title.x + 5, title.y + 5);
      await cal.page.mouse.down();
      for (let i = 1; i <= 5; i++) await cal.page.mouse.move(ob.x + (ob.width * i) / 6, ob.y + (ob.height * i) / 6);
      await cal.page.mouse.up();
      expect(await transform()).toBe(panned);
    } finally {
      seeder.destroy();
    }
  });

  it('a viewer sees the map change live but gets no way to change it', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'For the board');
    const [cal, vic] = await Promise.all([openMap(council, roomId, 'For the board'), openMap(viewer, roomId, 'For the board')]);
    await cal.addElement('Dementia-friendly businesses');
    await poll(() => vic.labels()).toEqual(['Dementia-friendly businesses']);
    expect(await vic.page.getByRole('toolbar', { name: 'Map tools' }).count()).toBe(0);
    await vic.select('Dementia-friendly businesses');
    expect(await vic.page.locator('.inspector').getByLabel('Label', { exact: true }).isDisabled()).toBe(true);
    expect(await vic.page.getByRole('button', { name: 'Delete element' }).count()).toBe(0);
    const before = await vic.position('Dementia-friendly businesses');
    await vic.drag('Dementia-friendly businesses', 120, 60);
    expect(await vic.position('Dementia-friendly businesses')).toEqual(before);
    await vic.page.keyboard.press('Delete');
    await poll(() => cal.labels()).toEqual(['Dementia-friendly businesses']);
    expect(await vic.labels()).toEqual(['Dementia-friendly businesses']);
  });
});

/** How many pixels of a canvas have been drawn on (not transparent). */
function inkedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]) n++;
    return n;
  });
}
