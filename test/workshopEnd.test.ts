/**
 * Ending a workshop through the real server: it ends once for everyone, the maps its steps
 * worked on are saved as versions, and the record — who came, the agenda as it ran, the rounds,
 * the decisions and actions — is written as a document the learning log points to.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docContentJson } from '../shared/doc/content.js';
import { jsonToMarkdown } from '../shared/doc/markdown.js';
import { entryField, readEntries } from '../shared/log/doc.js';
import { addElement, type Actor } from '../shared/map/doc.js';
import type { EndedWorkshop, Workshop } from '../shared/workshops/api.js';
import { readWorkshopLive } from '../shared/workshops/live.js';
import type { Round } from '../shared/workshops/rounds.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let fran: Person;
let mo: Person;
let pat: Person;
let mapId: string;
const clients: SyncClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  fran = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
  mo = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon and Cornwall Police' });
  pat = await createPerson(server, { site: 'torbay', role: 'member', name: 'Pat', organisation: 'Devon and Cornwall Police' });
  mapId = await createRoom(server, fran, 'torbay', 'map', 'High street map');
  const writer = connect(mapId, fran);
  await writer.synced;
  const actor: Actor = { userId: fran.id, name: 'Fran', organisation: 'Torbay Council' };
  addElement(writer.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
  addElement(writer.doc, { id: 'benches', kind: 'intervention', label: 'Benches', x: 300, y: 0 }, actor);
  await eventually(async () => expect((await storedDoc(server.storage, mapId)).doc.getMap('mapElements').size).toBe(2));
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0, clients.length)) c.destroy();
});

function connect(roomId: string, person: Person): SyncClient {
  const c = connectClient(server.wsUrl, roomId, person.token);
  clients.push(c);
  return c;
}

const call = (path: string, by: Person, body?: unknown, method?: string) => api(server, path, { token: by.token, body, method });

describe('ending a workshop', () => {
  it('ends once for everyone, saves its maps as versions and writes a record the learning log points to', async () => {
    const made = await call('/api/sites/torbay/workshops', fran, {
      title: 'Spring mapping',
      startsAt: '2026-03-02T10:00:00Z',
      steps: [
        { title: 'Check-in', kind: 'round', minutes: 10 },
        { title: 'Prioritise', kind: 'vote', minutes: 20, roomId: mapId },
        { title: 'Next steps', kind: 'discussion', minutes: 15 },
      ],
    });
    const w = made.body as Workshop;
    // Fran, Mo and Pat come (two of them from the police); Mo's second tab is still one person.
    const watchers = [connect(w.roomId, fran), connect(w.roomId, mo), connect(w.roomId, mo), connect(w.roomId, pat)];
    await Promise.all(watchers.map((c) => c.synced));

    expect((await call(`/api/workshops/${w.id}/timer`, fran, { action: 'start' })).status).toBe(200);
    expect((await call(`/api/workshops/${w.id}/step`, fran, { index: 1 })).status).toBe(200);
    const checkIn = (await call(`/api/workshops/${w.id}/rounds`, fran, { kind: 'check-in', prompt: 'How are you arriving?' })).body as Round;
    await call(`/api/workshops/${w.id}/rounds/${checkIn.id}/notes`, mo, { text: 'Curious' });
    await call(`/api/workshops/${w.id}/rounds/${checkIn.id}/reveal`, fran, {});
    const vote = (await call(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: mapId, votesPerPerson: 2 })).body as Round;
    await call(`/api/workshops/${w.id}/rounds/${vote.id}/votes`, pat, { targets: ['footfall', 'footfall'] }, 'PUT');
    await call(`/api/workshops/${w.id}/rounds/${vote.id}/votes`, mo, { targets: ['benches'] }, 'PUT');
    await call(`/api/workshops/${w.id}/rounds/${vote.id}/close`, fran, {});
    const stillOpen = (await call(`/api/workshops/${w.id}/rounds`, fran, { kind: 'private-notes' })).body as Round;
    expect((await call(`/api/workshops/${w.id}/step`, fran, { index: 2 })).status).toBe(200);

    expect((await call(`/api/workshops/${w.id}/end`, mo, {})).status).toBe(403);
    const bad = await call(`/api/workshops/${w.id}/end`, fran, { decisions: ['two\nlines'] });
    expect(bad.status).toBe(400);
    const [first, second] = await Promise.all([
      call(`/api/workshops/${w.id}/end`, fran, { decisions: ['Benches on Fleet Street first'], actions: ['Mo to ask the police about a pilot'] }),
      call(`/api/workshops/${w.id}/end`, fran, { decisions: ['A second end'] }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const ended = (first.status === 200 ? first : second).body as EndedWorkshop;
    expect(ended.workshop.endedAt).not.toBeNull();

    // Everyone sees it end, with the record.
    await eventually(() => {
      for (const c of watchers) expect(readWorkshopLive(c.doc)).toMatchObject({ endedAt: expect.any(Number), recordRoomId: ended.recordRoomId });
    });
    expect(readWorkshopLive(watchers[0]!.doc).timer.status).not.toBe('running');
    expect(readWorkshopLive(watchers[0]!.doc).history.map((h) => h.step)).toEqual([0, 1, 2]);
    // Nothing moves after the end: steps, time, rounds.
    expect((await call(`/api/workshops/${w.id}/step`, fran, { index: 0 })).status).toBe(409);
    expect((await call(`/api/workshops/${w.id}/timer`, fran, { action: 'start' })).status).toBe(409);
    expect((await call(`/api/workshops/${w.id}/rounds/${stillOpen.id}/notes`, mo, { text: 'late' })).status).toBe(409);
    expect((await call(`/api/workshops/${w.id}/rounds`, fran, { kind: 'check-in' })).status).toBe(409);

    // The map the steps worked on is saved as a named version.
    expect(ended.versions).toEqual([{ roomId: mapId, versionId: expect.any(String), name: 'End of “Spring mapping”' }]);
    const versions = (await call(`/api/rooms/${mapId}/versions`, mo)).body as { versions: { id: string; name: string }[] };
    expect(versions.versions.map((v) => v.name)).toContain('End of “Spring mapping”');

    // The record, as a document of the site anyone there can open.
    // The end that lost the race left no second record among the site's rooms in use.
    const inUse = (await call('/api/sites/torbay/rooms', mo)).body as { rooms: { id: string; title: string }[] };
    expect(inUse.rooms.filter((r) => r.title === 'Workshop record: Spring mapping').map((r) => r.id)).toEqual([ended.recordRoomId]);
    const room = await call(`/api/rooms/${ended.recordRoomId}`, mo);
    expect(room.body).toMatchObject({ kind: 'doc', title: 'Workshop record: Spring mapping', siteSlug: 'torbay' });
    const markdown = jsonToMarkdown(docContentJson((await storedDoc(server.storage, ended.recordRoomId)).doc));
    expect(markdown).toContain('# Workshop record: Spring mapping');
    expect(markdown).toContain('## Attendance (3)');
    const row = (...cells: string[]) => new RegExp(`\\|\\s*${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*\\|\\s*')}\\s*\\|`);
    expect(markdown).toMatch(row('Devon and Cornwall Police', '2', 'Mo, Pat'));
    expect(markdown).toMatch(row('Torbay Council', '1', 'Fran'));
    // Steps 1 and 2 ran (for moments, here), step 3 was current when it ended.
    expect(markdown).toMatch(row('1. Check-in', 'Round', '10 min', 'under 1 min'));
    expect(markdown).toMatch(row('3. Next steps', 'Discussion', '15 min', 'under 1 min'));
    expect(markdown).toContain('Check-in round: How are you arriving?');
    expect(markdown).toContain('Curious (Mo, Devon and Cornwall Police)');
    expect(markdown).toMatch(/Footfall.*: 2 votes/);
    expect(markdown).toMatch(/Benches.*: 1 vote\b/);
    expect(markdown).toContain('Benches on Fleet Street first');
    expect(markdown).toContain('- [ ] Mo to ask the police about a pilot');
    // The private round still open at the end was never revealed: nothing of it is in the record.
    expect(markdown).not.toContain('late');

    // The learning log points to it.
    const log = (await call('/api/sites/torbay/log', mo)).body as { id: string };
    const logDoc = (await storedDoc(server.storage, log.id)).doc;
    const entry = readEntries(logDoc).find((e) => e.id === ended.logEntryId);
    expect(entry).toMatchObject({ title: 'Workshop: Spring mapping' });
    expect(entry!.evidence).toBe('The workshop record: Workshop record: Spring mapping.');
    // The record's title is a link to it, at the workspace's address, so it works from an export too.
    // y-prosemirror keeps a mark as a formatting attribute of the text run; toString shows it as a tag.
    const evidence = entryField(logDoc, ended.logEntryId, 'evidence')!.toString();
    expect(evidence).toMatch(new RegExp(`<link [^>]*href="http://[^"]+/rooms/${ended.recordRoomId}"[^>]*>Workshop record: Spring mapping</link>`));
    expect(entry!.happened).toMatch(/3 people from 2 organisations took part; 2 rounds were run/);
  });
});
