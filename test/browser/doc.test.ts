/**
 * Documents in real browsers: two people writing at once, templates, export and import, a
 * mention of a map element that follows its rename, and a viewer who reads but cannot write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialog } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addElement, readMap, updateElement } from '../../shared/map/doc.js';
import { browserSuite, seriousAxeViolations } from '../helpers/browser.js';
import { connectClient, createPerson, createRoom, tempDir, type Person } from '../helpers/server.js';
import { DocPage } from './docPages.js';
import { RoomPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });

describe('documents in a real browser', { timeout: 120_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1300, height: 900 }, acceptDownloads: true });
  let council: Person;
  let police: Person;
  let viewer: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
    police = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Pat Police', organisation: 'Devon and Cornwall Police' });
    viewer = await createPerson(suite.ws, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' });
  }, 90_000);

  async function openDoc(person: Person, roomId: string, title: string): Promise<DocPage> {
    const page = await suite.people.page(person);
    const room = new RoomPage(page);
    await room.open(suite.ws.url, roomId, title);
    await room.waitForConnection('Live');
    const doc = new DocPage(page);
    await doc.waitUntilReady();
    return doc;
  }

  it('two people write in one document at once and converge; carets show who is where; undo takes back only your own typing', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Framing the issue');
    const [cal, pat] = await Promise.all([openDoc(council, roomId, 'Framing the issue'), openDoc(police, roomId, 'Framing the issue')]);

    await cal.focusEnd();
    await cal.type('Shops are closing.');
    await poll(() => pat.text()).toBe('Shops are closing.');
    await pat.focusEnd();
    await pat.page.keyboard.press('Enter');

    // Both type at the same moment, in different places.
    await Promise.all([cal.type(' Footfall is falling.'), pat.type('People with dementia avoid the town centre.')]);
    const expected = 'Shops are closing. Footfall is falling.\nPeople with dementia avoid the town centre.';
    await poll(() => cal.text()).toBe(expected);
    await poll(() => pat.text()).toBe(expected);

    // Each sees the other's caret, with name and agency.
    await poll(() => cal.caretLabels()).toEqual(['Pat Police · Devon and Cornwall Police']);
    await poll(() => pat.caretLabels()).toEqual(['Cal Council · Torbay Council']);

    // Cal's undo removes Cal's last typing, never Pat's.
    await cal.editor.press('Control+z');
    await poll(() => pat.text()).not.toContain('Footfall is falling.');
    expect(await pat.text()).toContain('People with dementia avoid the town centre.');
    await poll(() => cal.text()).toBe(await pat.text());
  });

  it('formats with the toolbar and the keyboard, starts from a template, exports Markdown and HTML and imports Markdown', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Action learning set 3');
    const cal = await openDoc(council, roomId, 'Action learning set 3');

    // A heading from the keyboard and bold from the toolbar.
    await cal.focusEnd();
    await cal.page.keyboard.press('Control+Alt+2');
    await cal.type('What we noticed');
    await cal.page.keyboard.press('Enter');
    await cal.tool('Bold');
    await cal.type('Trust grew');
    await poll(() => cal.headings()).toEqual(['What we noticed']);
    expect(await cal.editor.locator('strong', { hasText: 'Trust grew' }).count()).toBe(1);
    // Ctrl+K links the selected words; an unsafe address is refused.
    await cal.page.keyboard.press('Shift+Home');
    const answers = ['javascript:alert(1)', 'https://www.torbay.gov.uk'];
    const alerts: string[] = [];
    const answer = (d: Dialog) => {
      if (d.type() === 'prompt') void d.accept(answers.shift());
      else {
        alerts.push(d.message());
        void d.accept();
      }
    };
    cal.page.on('dialog', answer);
    await cal.page.keyboard.press('Control+k');
    await poll(() => alerts).toEqual([expect.stringContaining('Links must start with')]);
    expect(await cal.editor.locator('a').count()).toBe(0);
    await cal.page.keyboard.press('Control+k');
    await poll(() => cal.editor.locator('a[href="https://www.torbay.gov.uk"]').innerText()).toBe('Trust grew');
    cal.page.off('dialog', answer);

    // A template goes in after what is already written.
    await cal.insertTemplate('Action learning set session');
    await poll(() => cal.headings()).toContain('Check-in');
    expect((await cal.headings())[0]).toBe('What we noticed');
    expect(await cal.editor.locator('table').count()).toBeGreaterThan(0);
    expect(await cal.editor.locator('ul[data-type="taskList"]').count()).toBeGreaterThan(0);

    const [md] = await Promise.all([cal.page.waitForEvent('download'), cal.page.getByRole('button', { name: 'Download Markdown' }).click()]);
    const markdown = readFileSync((await md.path())!, 'utf8');
    expect(markdown).toContain('## What we noticed');
    expect(markdown).toContain('**Trust grew**');
    expect(markdown).toMatch(/- \[ \] /);
    expect(markdown).toContain('(https://www.torbay.gov.uk)');

    const [html] = await Promise.all([cal.page.waitForEvent('download'), cal.page.getByRole('button', { name: 'Download HTML' }).click()]);
    const page = readFileSync((await html.path())!, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<title>Action learning set 3</title>');
    expect(page).toContain('<strong>Trust grew</strong>');

    // Import a Markdown file at the end.
    const dir = tempDir('slw-md-');
    const file = join(dir, 'notes.md');
    writeFileSync(file, '# Imported notes\n\n- first point\n- second point\n\n> a quote\n');
    await cal.page.getByTestId('markdown-import').setInputFiles(file);
    await cal.page.getByText('Imported notes.md at the end', { exact: false }).waitFor();
    expect(await cal.headings()).toContain('Imported notes');
    expect(await cal.editor.locator('blockquote', { hasText: 'a quote' }).count()).toBe(1);
    expect(await seriousAxeViolations(cal.page)).toEqual([]);
  });

  it('a mention of a map element shows its current label, follows a rename and opens the map at it', async () => {
    const mapId = await createRoom(suite.ws, council, 'torbay', 'map', 'High street map');
    const docId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Notes on the high street');
    // The map is drawn by another tool over the real sync protocol.
    const mapClient = connectClient(suite.ws.url.replace(/^http/, 'ws') + '/sync', mapId, council.token);
    try {
      await mapClient.synced;
      const calActor = { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council' };
      addElement(mapClient.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, calActor);
      const cal = await openDoc(council, docId, 'Notes on the high street');
      await cal.focusEnd();
      await cal.type('We keep coming back to ');
      // The server indexes the map within a second or so; the menu finds it by prefix.
      await poll(async () => {
        await cal.type('@Foot');
        const found = await cal.page.getByRole('option', { name: /Footfall/ }).isVisible();
        if (!found) for (let i = 0; i < 5; i++) await cal.page.keyboard.press('Backspace');
        return found;
      }, 15_000).toBe(true);
      await cal.page.keyboard.press('Enter');
      await poll(() => cal.mentions().allInnerTexts()).toEqual([expect.stringContaining('Footfall')]);

      updateElement(mapClient.doc, 'footfall', { label: 'Footfall on Fleet Street' }, calActor);
      await poll(() => cal.mentions().allInnerTexts(), 20_000).toEqual([expect.stringContaining('Footfall on Fleet Street')]);
      expect(readMap(mapClient.doc).elements.map((e) => e.label)).toEqual(['Footfall on Fleet Street']);

      await cal.mentions().first().click();
      await cal.page.waitForURL(/\/rooms\/.+\?select=footfall/);
      await cal.page.getByRole('heading', { name: 'High street map', level: 1 }).waitFor();
      // The map opens with the mentioned element selected.
      await poll(() => cal.page.locator('.react-flow__node.selected').allInnerTexts()).toEqual([expect.stringContaining('Footfall on Fleet Street')]);
    } finally {
      mapClient.destroy();
    }
  });

  it('comments on selected words: another person replies and resolves; the words stay marked as the text changes', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Board paper draft');
    const [cal, pat] = await Promise.all([openDoc(council, roomId, 'Board paper draft'), openDoc(police, roomId, 'Board paper draft')]);
    await cal.focusEnd();
    await cal.type('Three agencies hold this budget today.');
    // Select "hold this budget" with the keyboard: from the end, back over " today." then the words.
    await cal.page.keyboard.press('End');
    for (let i = 0; i < ' today.'.length; i++) await cal.page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 'hold this budget'.length; i++) await cal.page.keyboard.press('Shift+ArrowLeft');
    await poll(() => cal.selectedText()).toBe('hold this budget');
    await cal.page.getByLabel('Comment on the selected words').fill('Is this still true after April?');
    await cal.page.getByRole('button', { name: 'Comment', exact: true }).click();
    await poll(() => pat.editor.locator('.doc-comment').allInnerTexts()).toEqual(['hold this budget']);
    await poll(() => pat.page.locator('.doc-comments .thread-quote').allInnerTexts()).toEqual(['“hold this budget”']);

    // Pat replies and resolves; Cal sees both.
    await pat.page.locator('.doc-comments').getByPlaceholder('Reply…').fill('Yes, until the pooled budget starts.');
    await pat.page.locator('.doc-comments').getByRole('button', { name: 'Reply' }).click();
    await poll(() => cal.page.locator('.doc-comments .thread-text').allInnerTexts()).toEqual(['Is this still true after April?', 'Yes, until the pooled budget starts.']);
    await pat.page.locator('.doc-comments').getByRole('button', { name: 'Resolve' }).click();
    await poll(() => cal.page.locator('.doc-comments h3').innerText()).toBe('Comments (0 open)');

    // Typing before the range moves it; the comment stays on the same words.
    await cal.editor.click();
    await cal.page.keyboard.press('Control+Home');
    await cal.type('Today, ');
    await poll(() => pat.editor.locator('.doc-comment').allInnerTexts()).toEqual(['hold this budget']);
  });

  it('saves named versions, compares them, and restores one for everyone (and back, from the version saved before)', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Shared vision');
    const [cal, pat] = await Promise.all([openDoc(council, roomId, 'Shared vision'), openDoc(police, roomId, 'Shared vision')]);
    await cal.focusEnd();
    await cal.type('A town centre where people with dementia feel welcome.');
    await cal.page.getByLabel('Save the text as a version named').fill('First draft');
    await cal.page.getByRole('button', { name: 'Save version' }).click();
    await poll(() => pat.page.locator('.version-list strong').allInnerTexts()).toEqual(['First draft']);

    await pat.focusEnd();
    await pat.page.keyboard.press('Enter');
    await pat.type('Shops, transport and police trained together.');
    // All of it, to the full stop: compared half-way through typing, the added text can come
    // out as more than one run.
    await poll(() => cal.text()).toContain('Shops, transport and police trained together.');
    await cal.page.getByRole('button', { name: 'Compare “First draft” with now' }).click();
    const diff = cal.page.getByRole('region', { name: 'Differences' });
    await diff.locator('.diff-added', { hasText: 'Shops, transport and police trained together.' }).waitFor();
    expect(await diff.locator('.diff-unchanged').allInnerTexts()).toEqual(['A town centre where people with dementia feel welcome.']);
    // The comparison with now follows what is written after it was opened.
    await pat.type(' Benches every 100 m.');
    await diff.locator('.diff-added', { hasText: 'trained together. Benches every 100 m.' }).waitFor();

    cal.page.once('dialog', (dialog) => void dialog.accept());
    await cal.page.getByRole('button', { name: 'Restore “First draft”' }).click();
    await poll(() => pat.text()).toBe('A town centre where people with dementia feel welcome.');
    // The server saved the text as it was first: restoring that version brings Pat's paragraph back, for both.
    await poll(() => pat.page.locator('.version-list strong').allInnerTexts()).toEqual(['Before restoring “First draft”', 'First draft']);
    pat.page.once('dialog', (dialog) => void dialog.accept());
    await pat.page.getByRole('button', { name: 'Restore “Before restoring “First draft””' }).click();
    await poll(() => cal.text()).toContain('trained together. Benches every 100 m.');
  });

  it('cleans what is pasted from Word: keeps bold, headings and lists, drops styles, scripts and Office markup', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Pasted notes');
    const cal = await openDoc(council, roomId, 'Pasted notes');
    await cal.focusEnd();
    const word = [
      '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{mso-style-parent:"";}</style></head><body>',
      '<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->',
      '<h2 style="mso-outline-level:2"><span style="font-family:Calibri">Actions agreed</span></h2>',
      '<p class="MsoNormal" style="margin:0cm;mso-line-height-rule:exactly"><b><span style="font-size:12pt">Trust grew</span></b><span style="color:red"> across agencies</span><o:p></o:p></p>',
      '<ul><li>Fund benches</li><li>Train staff</li></ul>',
      '<p><img src="x" onerror="window.__pwned = true">Unsafe <a href="javascript:alert(1)">link</a> and <a href="https://www.torbay.gov.uk">safe link</a></p>',
      '<script>window.__pwned = true</script></body></html>',
    ].join('');
    await cal.editor.evaluate((el, html) => {
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', 'fallback');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, word);
    await poll(() => cal.headings()).toEqual(['Actions agreed']);
    const html = await cal.editor.innerHTML();
    expect(html).toContain('<strong>Trust grew</strong>');
    expect(await cal.editor.locator('li').allInnerTexts()).toEqual(['Fund benches', 'Train staff']);
    expect(html).not.toMatch(/style=|class="Mso|o:p|<img|onerror|javascript:|<script/i);
    expect(await cal.editor.locator('a[href="https://www.torbay.gov.uk"]').count()).toBe(1);
    expect(await cal.page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned ?? false)).toBe(false);
    // Parsing the pasted HTML (even in an inert document) makes Chromium check its inline
    // styles and its onerror handler against the page's Content-Security-Policy, which blocks
    // and reports them; the cleaner still reads the style attributes. Those reports are
    // expected here, and only those.
    const reported: string[] = [];
    await poll(() => {
      reported.push(...suite.people.takeErrors(/Content Security Policy/));
      return reported.some((r) => /inline event handler/.test(r));
    }).toBe(true);
    expect(reported.filter((r) => !/Applying inline style|Executing inline event handler/.test(r))).toEqual([]);
  });

  it('a viewer reads the document live but cannot change it', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'doc', 'Theory of change');
    const [cal, vic] = await Promise.all([openDoc(council, roomId, 'Theory of change'), openDoc(viewer, roomId, 'Theory of change')]);
    await cal.focusEnd();
    await cal.type('If agencies share data, then');
    await poll(() => vic.text()).toBe('If agencies share data, then');
    expect(await vic.editable()).toBe(false);
    expect(await vic.page.getByRole('toolbar', { name: 'Formatting' }).count()).toBe(0);
    await vic.editor.click();
    await vic.page.keyboard.type('viewer typing');
    await vic.page.waitForTimeout(300);
    expect(await vic.text()).toBe('If agencies share data, then');
    expect(await cal.text()).toBe('If agencies share data, then');
  });
});
