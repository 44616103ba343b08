/**
 * DEMO=true (npm run demo): the worked example is there, people can sign in, and a restart
 * neither duplicates nor loses it.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readMap } from '../shared/map/doc.js';
import { findLoops } from '../shared/map/loops.js';
import { readParkingLot } from '../shared/doc/parkingLot.js';
import { readEntries } from '../shared/log/doc.js';
import { DEMO_MAP_TITLE, DEMO_PEOPLE } from '../server/seed/demo.js';
import { DEMO_PRIVATE_ELEMENT, DEMO_PRIVATE_ENTRY, DEMO_SUMMARY_TITLE } from '../server/seed/demoSummaries.js';
import { api, startTestServer, tempDir, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

describe('the worked example (DEMO=true)', () => {
  const dataDir = tempDir();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds two people and a Torbay map with named loops, once', { timeout: 30_000 }, async () => {
    server = await startTestServer({ DEMO: 'true' }, dataDir);
    expect(server.demo).not.toBeNull();
    expect(server.setupUrl).toBeNull();
    const login = await api(server, '/api/auth/login', { body: { email: DEMO_PEOPLE[1].email, password: DEMO_PEOPLE[1].password } });
    expect(login.status).toBe(200);
    const token = (login.body as { token: string }).token;
    const rooms = await api(server, '/api/sites/torbay/rooms', { token });
    expect((rooms.body as { rooms: { title: string }[] }).rooms.map((r) => r.title)).toContain(DEMO_MAP_TITLE);

    const { doc } = await storedDoc(server.storage, server.demo!.mapRoomId);
    const map = readMap(doc);
    expect(map.elements.length).toBeGreaterThan(10);
    expect(map.connections.length).toBeGreaterThan(10);
    expect(map.loopNotes.map((n) => n.name)).toContain('The confidence loop');
    const loopKeys = new Set(findLoops(map).loops.map((l) => l.key));
    for (const note of map.loopNotes) expect(loopKeys.has(note.key)).toBe(true);
    expect(readParkingLot(doc)).toHaveLength(1);

    // Two learning-log entries, linked to elements and named loops that are on the map.
    const log = await api(server, '/api/sites/torbay/log', { token });
    const entries = readEntries((await storedDoc(server.storage, (log.body as { id: string }).id)).doc);
    expect(entries.map((e) => e.date)).toEqual(['2026-02-11', '2026-01-20']);
    const elementIds = new Set(map.elements.map((e) => e.id));
    const noteKeys = new Set(map.loopNotes.map((n) => n.key));
    for (const entry of entries) {
      expect(entry.behaviours.length).toBeGreaterThan(0);
      expect(entry.learned).not.toBe('');
      expect(entry.links.filter((l) => l.targetKind === 'loop')).toHaveLength(1);
      for (const link of entry.links) {
        expect(link.roomId).toBe(server.demo!.mapRoomId);
        expect(link.targetKind === 'element' ? elementIds.has(link.targetId) : noteKeys.has(link.targetId)).toBe(true);
      }
    }

    const firstRoom = server.demo!.mapRoomId;
    await server.close();
    server = await startTestServer({ DEMO: 'true' }, dataDir);
    expect(server.demo!.mapRoomId).toBe(firstRoom);
    const relogin = await api(server, '/api/auth/login', { body: { email: DEMO_PEOPLE[0].email, password: DEMO_PEOPLE[0].password } });
    const again = await api(server, '/api/sites/torbay/rooms', { token: (relogin.body as { token: string }).token });
    expect((again.body as { rooms: { title: string }[] }).rooms.filter((r) => r.title === DEMO_MAP_TITLE)).toHaveLength(1);
    const logAgain = await api(server, '/api/sites/torbay/log', { token: (relogin.body as { token: string }).token });
    expect(readEntries((await storedDoc(server.storage, (logAgain.body as { id: string }).id)).doc)).toHaveLength(2);
  });

  it('publishes Torbay’s learning summary, keeping a map element and a log entry private', { timeout: 30_000 }, async () => {
    server ??= await startTestServer({ DEMO: 'true' }, dataDir);
    const get = (path: string) => fetch(`${server!.url}${path}`);
    const index = await (await get('/learning/torbay')).text();
    expect(index).toContain(DEMO_SUMMARY_TITLE);
    const path = /href="(\/learning\/torbay\/[a-z0-9-]+)"/.exec(index.slice(index.indexOf('<main')))?.[1];
    expect(path).toBeDefined();
    const page = await get(path!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('the street more than the shops');
    expect(html).toContain('Dementia Friends sessions in Paignton shops');
    expect(html).not.toContain(DEMO_PRIVATE_ENTRY);
    expect(html).not.toContain(DEMO_PRIVATE_ELEMENT);
    // Pat did not consent to be named: only the police force is.
    expect(html).not.toContain('Pat Partner');
    const svgPath = /src="([^"]+\.svg)"/.exec(html)?.[1];
    const svg = await (await get(svgPath!)).text();
    expect(svg).toContain('Confidence to go');
    expect(svg).not.toContain(DEMO_PRIVATE_ELEMENT.split(' ')[0]!);
    // A theme Torbay shares with West Cheshire shows as recurring.
    const matrix = (await api(server, '/api/public/matrix')).body as { themes: { id: string; sites: number }[] };
    expect(matrix.themes.find((t) => t.id === 'lived-experience')?.sites).toBe(2);
  });
});
