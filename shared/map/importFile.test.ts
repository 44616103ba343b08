import { describe, expect, it } from 'vitest';
import { importMapFile, detectMapFormat, UnknownMapFormatError } from './importFile.js';
import { exportMapJson } from './json.js';
import { exportKumuXlsx } from './kumuCsv.js';
import { fixtureBytes } from './fixtures/kumu/readFixture.js';
import { sampleMap } from './fixtures/sampleMap.js';

/** A fixture of shared/map/fixtures, by its path there. */
const fixture = (path: string) => fixtureBytes(`../${path}`);
const text = (s: string) => new TextEncoder().encode(s);
let n = 0;
const options = { newId: () => `id${++n}`, by: { userId: 'u', name: 'Ann', organisation: 'Torbay Council', at: '2026-12-07T10:00:00.000Z' } };

describe('importMapFile', () => {
  it('tells every format from its bytes and name', async () => {
    expect(detectMapFormat('map.xlsx', await exportKumuXlsx(sampleMap()))).toBe('kumu-xlsx');
    expect(detectMapFormat('export.json', text(exportMapJson(sampleMap())))).toBe('slw-json');
    expect(detectMapFormat('blueprint.json', text('{"elements":[{"_id":"a","attributes":{"label":"A"}}],"connections":[]}'))).toBe('kumu-json');
    expect(detectMapFormat('Elements.csv', await fixture('torbay-dementia-elements.csv'))).toBe('kumu-csv');
    expect(detectMapFormat('model.mdl', await fixture('vensim/high-street.mdl'))).toBe('vensim');
    expect(detectMapFormat('link.txt', await fixture('loopy/isolation-link.txt'))).toBe('loopy');
    expect(detectMapFormat('saved.loopy', await fixture('loopy/isolation.loopy'))).toBe('loopy');
    expect(detectMapFormat('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]))).toBeNull();
    expect(detectMapFormat('notes.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBeNull();
  });

  it('imports each format to a map, and names the format', async () => {
    const xlsx = await importMapFile({ name: 'map.xlsx', bytes: await exportKumuXlsx(sampleMap()) }, options);
    expect(xlsx.format).toBe('kumu-xlsx');
    expect(xlsx.ok && xlsx.map.elements.map((e) => e.label).sort()).toEqual(sampleMap().elements.map((e) => e.label).sort());
    const vensim = await importMapFile({ name: 'high-street.mdl', bytes: await fixture('vensim/high-street.mdl') }, options);
    expect(vensim.format).toBe('vensim');
    expect(vensim.ok && vensim.map.connections.length).toBeGreaterThan(0);
    const loopy = await importMapFile({ name: 'isolation.txt', bytes: await fixture('loopy/isolation-link.txt') }, options);
    expect(loopy.ok && loopy.map.elements.length).toBeGreaterThan(0);
    // A Connections sheet alone: its elements are made from the labels.
    const links = await importMapFile({ name: 'links.csv', bytes: text('From,To,Type\nA,B,++\nB,A,+-\n') }, options);
    expect(links.ok && links.map.connections.map((c) => c.polarity)).toEqual(['+', '-']);
  });

  it('reads a CSV Excel saved in the Windows code page, saying so', async () => {
    // "eBay’s" with the curly apostrophe as Windows-1252 writes it (0x92).
    const bytes = new Uint8Array([...text('Label\n'), ...text('eBay'), 0x92, ...text('s\n')]);
    const result = await importMapFile({ name: 'Elements.csv', bytes }, options);
    expect(result.ok && result.map.elements[0]!.label).toBe('eBay’s');
    expect(result.ok && result.warnings[0]!.message).toMatch(/UTF-8/);
  });

  it('refuses a file in no format it reads, listing those it does', async () => {
    await expect(importMapFile({ name: 'photo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]) }, options)).rejects.toThrow(UnknownMapFormatError);
    await expect(importMapFile({ name: 'photo.png', bytes: new Uint8Array([0xff, 0xfe]) }, options)).rejects.toThrow(/Kumu workbook.*LOOPY.*Vensim/);
  });
});
