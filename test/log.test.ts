/**
 * The site's learning log over the real server: one `log` room per site, made on first ask,
 * readable by every member (viewers read-only over sync), absent from the rooms list, and
 * impossible to rename, archive or create by hand.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../shared/routes.js';
import { addEntry, readEntries } from '../shared/log/doc.js';
import { api, connectClient, createPerson, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let viewer: Person;
let member: Person;
let facilitator: Person;
let admin: Person;
let outsider: Person;
const clients: SyncClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  [viewer, member, facilitator, admin, outsider] = await Promise.all([
    createPerson(server, { site: 'torbay', role: 'viewer' }),
    createPerson(server, { site: 'torbay', role: 'member', name: 'Mo Member', organisation: 'Torbay Council' }),
    createPerson(server, { site: 'torbay', role: 'facilitator' }),
    createPerson(server, { admin: true }),
    createPerson(server, { site: 'york', role: 'member' }),
  ]);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await server.dispose();
});

const logOf = (slug: string, person: Person) => api(server, paths.siteLog(slug), { token: person.token });

describe('GET /api/sites/:slug/log', () => {
  it('makes the log once: concurrent first calls and every later one get the same room', async () => {
    const first = await Promise.all([viewer, member, facilitator, admin].map((p) => logOf('leeds', p).then((r) => r)));
    // Only the admin is on every site; the others are not members of leeds.
    expect(first.map((r) => r.status)).toEqual([403, 403, 403, 200]);

    const calls = await Promise.all([viewer, member, facilitator, admin, member, viewer].map((p) => logOf('torbay', p)));
    for (const res of calls) expect(res.status).toBe(200);
    const ids = new Set(calls.map((r) => (r.body as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(calls[0]!.body).toEqual({ id: [...ids][0], kind: 'log', title: 'Learning log' });
    expect((await logOf('torbay', member)).body).toEqual(calls[0]!.body);
    const site = (await server.storage.getSite('torbay'))!;
    const logs = (await server.storage.listRooms(site.id, { includeArchived: true })).filter((r) => r.kind === 'log');
    expect(logs.map((r) => r.id)).toEqual([...ids]);
  });

  it('refuses people who are not on the site (403), signed-out callers (401) and unknown sites (404)', async () => {
    expect((await logOf('torbay', outsider)).status).toBe(403);
    expect((await api(server, paths.siteLog('torbay'))).status).toBe(401);
    expect((await logOf('no-such-site', member)).status).toBe(404);
  });

  it('is not in the rooms list, nor counted, and is not a kind people can create', async () => {
    const log = (await logOf('torbay', member)).body as { id: string };
    const map = await api(server, paths.siteRooms('torbay'), { token: member.token, body: { kind: 'map', title: 'A map' } });
    expect(map.status).toBe(201);
    for (const archived of ['false', 'true']) {
      const list = await api(server, `${paths.siteRooms('torbay')}?archived=${archived}`, { token: member.token });
      const rooms = (list.body as { rooms: { id: string; kind: string }[] }).rooms;
      expect(rooms.map((r) => r.id)).toContain((map.body as { id: string }).id);
      expect(rooms.some((r) => r.id === log.id || r.kind === 'log')).toBe(false);
    }
    const site = await api(server, paths.site('torbay'), { token: member.token });
    expect((site.body as { roomCount: number }).roomCount).toBe(1);
    const made = await api(server, paths.siteRooms('torbay'), { token: member.token, body: { kind: 'log', title: 'Another log' } });
    expect(made.status).toBe(400);
  });

  it('cannot be renamed or archived, with a message saying why', async () => {
    const log = (await logOf('torbay', member)).body as { id: string };
    for (const [person, body] of [
      [member, { title: 'Our log' }],
      [facilitator, { archived: true }],
      [admin, { title: 'Renamed', archived: true }],
    ] as const) {
      const res = await api(server, paths.room(log.id), { method: 'PATCH', token: person.token, body });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/learning log.*cannot be renamed or archived/i) } });
    }
    expect(await server.storage.getRoom(log.id)).toMatchObject({ title: 'Learning log', archived: false });
    // Viewers are refused before that, as for any room.
    expect((await api(server, paths.room(log.id), { method: 'PATCH', token: viewer.token, body: { title: 'x' } })).status).toBe(403);
  });
});

describe('the log room over sync', () => {
  it('members co-edit entries live; a viewer reads them but their edits are dropped', async () => {
    const logId = ((await logOf('torbay', member)).body as { id: string }).id;
    const connect = (person: Person) => {
      const c = connectClient(server.wsUrl, logId, person.token);
      clients.push(c);
      return c;
    };
    const writer = connect(member);
    const reader = connect(viewer);
    await Promise.all([writer.synced, reader.synced]);

    const actor = { userId: member.id, name: 'Mo Member', organisation: 'Torbay Council' };
    addEntry(writer.doc, { id: 'entry-by-member', date: '2026-03-04', title: 'Walked the high street with carers', text: { learned: 'Benches matter.' } }, actor);
    await eventually(() => expect(readEntries(reader.doc).map((e) => e.id)).toEqual(['entry-by-member']));
    expect(readEntries(reader.doc)[0]).toMatchObject({ learned: 'Benches matter.', created: { name: 'Mo Member' } });

    // The viewer's edit, then a presence marker on the same socket: once the writer sees the
    // marker, it would have had the edit too, had the server accepted it.
    addEntry(reader.doc, { id: 'entry-by-viewer', date: '2026-03-05', title: 'Should not arrive' }, { userId: viewer.id, name: 'V', organisation: 'O' });
    reader.provider.awareness.setLocalStateField('marker', 'after-viewer-edit');
    await eventually(() => {
      const markers = [...writer.provider.awareness.getStates().values()].map((s) => s.marker);
      expect(markers).toContain('after-viewer-edit');
    });
    expect(readEntries(writer.doc).map((e) => e.id)).toEqual(['entry-by-member']);
    await eventually(() => expect(reader.permissionDenied).toContain('read-only'));

    const { doc: stored } = await storedDoc(server.storage, logId);
    expect(readEntries(stored).map((e) => e.id)).toEqual(['entry-by-member']);
  });

  it('closes a connection to the log of a site the person is not on (4403)', async () => {
    const logId = ((await logOf('torbay', member)).body as { id: string }).id;
    const c = connectClient(server.wsUrl, logId, outsider.token);
    clients.push(c);
    await eventually(() => expect(c.closeCodes).toContain(4403));
  });
});
