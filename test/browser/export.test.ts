/**
 * Pictures people can hand out, in a real browser: Export SVG saves a vector drawing made from
 * the map's data (a path with an arrowhead per connection, polarity at the arrowheads, no
 * selection outline), and Export PNG draws that SVG at the chosen scale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import type { Download } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMapData } from '../../shared/map/doc.js';
import { instantiate } from '../../shared/map/templates.js';
import { browserSuite } from '../helpers/browser.js';
import { connectClient, createPerson, createRoom, type Person } from '../helpers/server.js';
import { MapPage } from './pages.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

function parseSvg(text: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`The exported SVG is not well-formed: ${message}`);
    },
  }).parseFromString(text, 'image/svg+xml');
}

const withClass = (doc: Document, tag: string, cls: string): Element[] =>
  Array.from(doc.getElementsByTagName(tag)).filter((e) => (e.getAttribute('class') ?? '').split(' ').includes(cls));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('map pictures in a real browser', { timeout: 90_000 }, () => {
  const suite = browserSuite({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  let council: Person;

  beforeAll(async () => {
    council = await createPerson(suite.ws, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' });
  }, 90_000);

  const openMap = async (roomId: string, title: string) => MapPage.open(await suite.people.page(council), suite.ws.url, roomId, title);

  async function save(map: MapPage, button: string): Promise<{ name: string; bytes: Buffer }> {
    await map.openPanel('Import and export');
    const [download] = (await Promise.all([map.page.waitForEvent('download'), map.page.getByRole('button', { name: button, exact: true }).click()])) as [Download, void];
    return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
  }

  it('exports an SVG with a path and arrowhead per connection and no selection, and a PNG of it at 2×', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Carers & hospitals');
    const map = await openMap(roomId, 'Carers & hospitals');
    await map.addElement('Carer stress');
    await map.addElement('Hospital admissions <A&E>');
    await map.addElement('Respite care', 'Intervention');
    // React Flow draws only what is in view, and the view follows each new element.
    await map.page.getByRole('button', { name: 'Fit view' }).click();
    await map.viewSettled();
    await map.connect('Carer stress', 'Hospital admissions <A&E>', '+');
    await map.connect('Respite care', 'Carer stress', '-');
    await poll(() => map.polarities()).toEqual(['+', '−']);
    // Selected on screen, so an outline would show if the picture were taken from the page.
    await map.select('Respite care');

    const svgFile = await save(map, 'Export SVG');
    expect(svgFile.name).toBe('carers-hospitals.svg');
    const text = svgFile.bytes.toString('utf8');
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text.length).toBeLessThan(50_000);
    const doc = parseSvg(text);
    const connections = withClass(doc, 'g', 'connection');
    expect(connections).toHaveLength(2);
    for (const g of connections) {
      const arrows = Array.from(g.getElementsByTagName('path')).filter((p) => p.getAttribute('marker-end') === 'url(#arrow)');
      expect(arrows).toHaveLength(1);
    }
    expect(withClass(doc, 'text', 'polarity').map((t) => t.textContent).sort()).toEqual(['+', '−']);
    const titles = withClass(doc, 'g', 'element').map((g) => g.getElementsByTagName('title')[0]?.textContent);
    expect(titles.sort()).toEqual(['Carer stress', 'Hospital admissions <A&E>', 'Respite care']);
    expect(text).not.toMatch(/selected|foreignObject|react-flow|map-handle|<style|style=/);
    // Nothing drawn in the focus colour of a selection.
    const focus = await map.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--focus').trim());
    if (focus) expect(text.toLowerCase()).not.toContain(focus.toLowerCase());

    const pngFile = await save(map, 'Export PNG');
    expect(pngFile.name).toBe('carers-hospitals.png');
    const width = Number(doc.documentElement!.getAttribute('width'));
    const height = Number(doc.documentElement!.getAttribute('height'));
    expect(pngSize(pngFile.bytes)).toEqual({ width: width * 2, height: height * 2 });
  });

  it('draws a template map as a causal loop diagram, with loop markers', async () => {
    const roomId = await createRoom(suite.ws, council, 'torbay', 'map', 'Fixes that fail');
    const seeder = connectClient(suite.ws.url.replace(/^http/, 'ws') + '/sync', roomId, council.token);
    try {
      await seeder.synced;
      let n = 0;
      const template = instantiate('fixes-that-fail', () => `t${n++}`, { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council', at: new Date().toISOString() });
      addMapData(seeder.doc, template, { userId: council.id, name: 'Cal Council', organisation: 'Torbay Council' });
      const map = await openMap(roomId, 'Fixes that fail');
      await poll(() => map.labels()).toHaveLength(3);
      await map.openPanel('Import and export');
      await map.page.getByLabel('Loop markers').selectOption({ label: 'Every loop' });
      await map.page.getByLabel('PNG size').selectOption({ label: '1×' });

      const doc = parseSvg((await save(map, 'Export SVG')).bytes.toString('utf8'));
      expect(withClass(doc, 'g', 'connection')).toHaveLength(template.connections.length);
      expect(withClass(doc, 'path', 'delay')).toHaveLength(1);
      expect(withClass(doc, 'g', 'loop-marker').map((g) => g.getAttribute('data-type')).sort()).toEqual(['balancing', 'reinforcing']);

      const png = await save(map, 'Export PNG');
      expect(pngSize(png.bytes)).toEqual({ width: Number(doc.documentElement!.getAttribute('width')), height: Number(doc.documentElement!.getAttribute('height')) });
      // For a person to look at: the picture as handed out.
      writeFileSync(process.env.EXPORT_PICTURE ?? '/tmp/export-fixes-that-fail.png', png.bytes);

      // The print view: the drawing alone on a landscape A3 page. The dialog itself cannot be
      // driven, so print() is stubbed and the page laid out for print as Chromium would.
      await map.page.evaluate(() => {
        window.print = () => {};
      });
      await map.page.getByLabel('Paper').selectOption({ label: 'A3 landscape' });
      await map.page.getByRole('button', { name: 'Print or save as PDF' }).click();
      await map.page.emulateMedia({ media: 'print' });
      const shown = await map.page.evaluate(() =>
        Array.from(document.body.children)
          .filter((e) => getComputedStyle(e).display !== 'none')
          .map((e) => e.className),
      );
      expect(shown).toEqual(['map-print']);
      expect(await map.page.locator('.map-print svg .connection').count()).toBe(template.connections.length);
      const box = (await map.page.locator('.map-print svg').boundingBox())!;
      expect(box.width / box.height).toBeCloseTo(400 / 275, 1);
      const pdf = await map.page.pdf({ preferCSSPageSize: true });
      // One page, A3 landscape: 1190.55 × 841.89 points (Chromium rounds to whole pixels).
      const pdfText = pdf.toString('latin1');
      expect(pdfText.match(/\/Type \/Page\b/g)).toHaveLength(1);
      const [, w, h] = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdfText) ?? [];
      expect(Number(w)).toBeCloseTo(1190.55, -1);
      expect(Number(h)).toBeCloseTo(841.89, -1);
      if (process.env.EXPORT_PRINT) writeFileSync(process.env.EXPORT_PRINT, pdf);
      await map.page.emulateMedia({ media: 'screen' });
    } finally {
      seeder.destroy();
    }
  });
});
