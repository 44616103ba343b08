/**
 * Breakouts through the real server: groups work in their own copies of a map; the facilitator
 * sees what each group changed against the map as it was (not what others did to the main map
 * meanwhile), merges the chosen changes, and closing locks the copies.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addConnection, addElement, readMap, updateElement, type Actor } from '../shared/map/doc.js';
import type { Workshop } from '../shared/workshops/api.js';
import type { BreakoutChange } from '../shared/workshops/breakout.js';
import { readWorkshopLive, type WorkshopLive } from '../shared/workshops/live.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let fran: Person;
let mo: Person;
let pat: Person;
const clients: SyncClient[] = [];
const actor = (p: Person, name: string): Actor => ({ userId: p.id, name, organisation: 'Test Council' });

beforeAll(async () => {
  server = await startTestServer();
  fran = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran' });
  mo = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo' });
  pat = await createPerson(server, { site: 'torbay', role: 'member', name: 'Pat' });
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0, clients.length)) c.destroy();
});

async function connect(roomId: string, person: Person): Promise<SyncClient> {
  const c = connectClient(server.wsUrl, roomId, person.token);
  clients.push(c);
  await c.synced;
  return c;
}

const call = (path: string, by: Person, body?: unknown) => api(server, path, { token: by.token, body });
const stored = async (roomId: string) => readMap((await storedDoc(server.storage, roomId)).doc);

describe('breakouts', () => {
  it('gives each group a copy, compares each with the map as it was, merges the chosen changes and locks the copies when closed', async () => {
    const mapId = await createRoom(server, fran, 'torbay', 'map', 'High street');
    const main = await connect(mapId, fran);
    addElement(main.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor(fran, 'Fran'));
    addElement(main.doc, { id: 'benches', kind: 'intervention', label: 'Benches', x: 300, y: 0 }, actor(fran, 'Fran'));
    addConnection(main.doc, { id: 'bf', from: 'benches', to: 'footfall', polarity: '+' }, actor(fran, 'Fran'));
    await eventually(async () => expect((await stored(mapId)).connections).toHaveLength(1));
    const w = (await call('/api/sites/torbay/workshops', fran, { title: 'Breakout morning', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'Groups', kind: 'breakout', minutes: 20, roomId: mapId }] })).body as Workshop;

    // A guest from another agency, invited to this workshop alone, joins the health group.
    const link = (await call(`/api/workshops/${w.id}/guest-invites`, fran, {})).body as { token: string };
    const joined = (await api(server, '/api/guest-sessions', { body: { token: link.token, name: 'Gita', organisation: 'Fire and Rescue' } })).body as { token: string; user: { id: string } };
    const gita: Person = { id: joined.user.id, email: '', password: '', token: joined.token };
    const body = { roomId: mapId, groups: [{ name: 'Transport', userIds: [mo.id] }, { name: 'Health', userIds: [pat.id, gita.id] }] };
    expect((await call(`/api/workshops/${w.id}/breakouts`, mo, body)).status).toBe(403);
    expect((await call(`/api/workshops/${w.id}/breakouts`, fran, { ...body, groups: [{ name: 'Both', userIds: [mo.id, mo.id] }] })).status).toBe(400);
    const started = await call(`/api/workshops/${w.id}/breakouts`, fran, body);
    expect(started.status).toBe(200);
    const breakout = (started.body as WorkshopLive).breakout!;
    expect(breakout.groups.map((g) => [g.name, g.members.map((m) => m.name)])).toEqual([
      ['Transport', ['Mo']],
      ['Health', ['Pat', 'Gita']],
    ]);
    expect((await call(`/api/workshops/${w.id}/breakouts`, fran, body)).status).toBe(409);
    const [transport, health] = breakout.groups.map((g) => g.roomId) as [string, string];
    // Everyone's page knows the groups; each copy is the map with the same ids.
    const watcher = await connect(w.roomId, pat);
    expect(readWorkshopLive(watcher.doc).breakout?.groups.map((g) => g.roomId)).toEqual([transport, health]);
    const room = await call(`/api/rooms/${transport}`, mo);
    expect(room.body).toMatchObject({ kind: 'map', title: 'High street — Transport' });

    // The groups work; meanwhile the facilitator adds to the main map.
    const moCopy = await connect(transport, mo);
    expect(readMap(moCopy.doc).elements.map((e) => e.id).sort()).toEqual(['benches', 'footfall']);
    addElement(moCopy.doc, { id: 'bus', kind: 'variable', label: 'Bus routes', x: 600, y: 200 }, actor(mo, 'Mo'));
    addConnection(moCopy.doc, { id: 'busfoot', from: 'bus', to: 'footfall', polarity: '+' }, actor(mo, 'Mo'));
    updateElement(moCopy.doc, 'benches', { label: 'Benches every 100 m' }, actor(mo, 'Mo'));
    const patCopy = await connect(health, pat);
    addElement(patCopy.doc, { id: 'cafe', kind: 'intervention', label: 'Memory café', x: 0, y: 400 }, actor(pat, 'Pat'));
    addElement(main.doc, { id: 'library', kind: 'organisation', label: 'Library', x: 0, y: -300 }, actor(fran, 'Fran'));
    // The guest works in the group's copy as a member would.
    const gitaCopy = await connect(health, gita);
    addElement(gitaCopy.doc, { id: 'hydrants', kind: 'variable', label: 'Home fire checks', x: 300, y: 400 }, { userId: gita.id, name: 'Gita', organisation: 'Fire and Rescue' });
    await eventually(async () => expect((await stored(transport)).elements).toHaveLength(3));
    await eventually(async () => expect((await stored(health)).elements).toHaveLength(4));
    expect(gitaCopy.closeCodes).toEqual([]);

    const changes = async (groupRoomId: string) => ((await call(`/api/workshops/${w.id}/breakouts/${groupRoomId}/changes`, mo)).body as { changes: BreakoutChange[] }).changes;
    expect((await changes(transport)).map((c) => [c.change, c.id, c.fields])).toEqual([
      ['changed', 'benches', ['label']],
      ['added', 'bus', []],
      ['added', 'busfoot', []],
    ]);
    // The library added to the main map is not the health group's doing.
    expect((await changes(health)).map((c) => [c.change, c.id])).toEqual([
      ['added', 'cafe'],
      ['added', 'hydrants'],
    ]);

    // A connection whose end is not chosen is refused with the reason; then both go in, and the rename is left out.
    const merge = (groupRoomId: string, ids: string[], by = fran) => call(`/api/workshops/${w.id}/breakouts/${groupRoomId}/merge`, by, { ids });
    expect((await merge(transport, ['busfoot'], mo)).status).toBe(403);
    const refused = (await merge(transport, ['busfoot'])).body as { merged: number; skipped: { id: string; reason: string }[] };
    expect(refused).toEqual({ merged: 0, skipped: [{ id: 'busfoot', label: 'Bus routes → Footfall', reason: 'one of its ends is not on the main map: choose that element too' }] });
    expect(((await merge(transport, ['bus', 'busfoot'])).body as { merged: number }).merged).toBe(2);
    expect(((await merge(health, ['cafe'])).body as { merged: number }).merged).toBe(1);
    await eventually(async () => {
      const after = await stored(mapId);
      expect(after.elements.map((e) => [e.id, e.label]).sort()).toEqual([
        ['benches', 'Benches'],
        ['bus', 'Bus routes'],
        ['cafe', 'Memory café'],
        ['footfall', 'Footfall'],
        ['library', 'Library'],
      ]);
      expect(after.connections.map((c) => c.id).sort()).toEqual(['bf', 'busfoot']);
      expect(after.elements.find((e) => e.id === 'bus')).toMatchObject({ x: 600, y: 200 });
    });
    // Merging again adds nothing twice.
    expect(((await merge(health, ['cafe'])).body as { skipped: { reason: string }[] }).skipped.map((s) => s.reason)).toEqual(['it is on the main map already']);

    // Closing locks the copies; the work stays to compare; new breakouts can start.
    expect((await call(`/api/workshops/${w.id}/breakouts/close`, fran, {})).status).toBe(200);
    expect((await call(`/api/workshops/${w.id}/breakouts/close`, fran, {})).status).toBe(409);
    expect(((await call(`/api/rooms/${transport}`, mo)).body as { locked: boolean }).locked).toBe(true);
    await eventually(() => expect(moCopy.permissionDenied).toContain('locked'));
    expect((await changes(transport)).length).toBe(3);
    expect((await call(`/api/workshops/${w.id}/breakouts`, fran, { roomId: mapId, groups: [{ name: 'All', userIds: [mo.id, pat.id] }] })).status).toBe(200);
  });
});
