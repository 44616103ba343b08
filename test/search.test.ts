/**
 * Site-wide search and mentions against the real server, edited through the unmodified
 * y-websocket client: the index follows edits, renames, deletions and archiving, survives a
 * restart, and catches up on rooms changed while it was not looking.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MentionablesResponse, SearchResponse } from '../shared/api.js';
import { addElement, removeElements, setLoopNote, updateElement, type Actor } from '../shared/map/doc.js';
import { loopKey } from '../shared/map/loops.js';
import { paths } from '../shared/routes.js';
import { docContent } from '../shared/doc/content.js';
import { openSqliteStorage } from '../server/storage/sqlite/index.js';
import {
  api,
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  tempDir,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';

const SITE = 'torbay';
/** Ann's name and organisation, which her edits name with her account (the server refuses an attribution naming anyone else). */
const ANN = { name: 'Ann', organisation: 'Torbay Council' };
const actorOf = (person: Person): Actor => ({ userId: person.id, ...ANN });

describe('site search and mentions', () => {
  const servers: TestServer[] = [];
  const clients: SyncClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function start(dataDir = tempDir()): Promise<TestServer> {
    if (!dirs.includes(dataDir)) dirs.push(dataDir);
    const server = await startTestServer({}, dataDir);
    servers.push(server);
    return server;
  }

  async function connect(server: TestServer, roomId: string, person: Person): Promise<SyncClient> {
    const client = connectClient(server.wsUrl, roomId, person.token);
    clients.push(client);
    await client.synced;
    return client;
  }

  async function search(server: TestServer, person: Person, q: string, site = SITE) {
    return api(server, `${paths.siteSearch(site)}?q=${encodeURIComponent(q)}`, { token: person.token });
  }

  async function results(server: TestServer, person: Person, q: string) {
    const res = await search(server, person, q);
    expect(res.status).toBe(200);
    return (res.body as SearchResponse).results;
  }

  async function mentionables(server: TestServer, person: Person, query: string) {
    const res = await api(server, `${paths.siteMentionables(SITE)}?${query}`, { token: person.token });
    expect(res.status).toBe(200);
    return res.body as MentionablesResponse;
  }

  it('finds a map edit within seconds, with the match marked and the element as target', async () => {
    const server = await start();
    const ann = await createPerson(server, { site: SITE, role: 'member', ...ANN });
    const roomId = await createRoom(server, ann, SITE, 'map', 'Causes of obesity');
    const client = await connect(server, roomId, ann);
    addElement(client.doc, { id: 'hunger', kind: 'variable', label: 'Holiday hunger', x: 0, y: 0, description: 'Children without school meals' }, actorOf(ann));

    const hit = await eventually(async () => {
      const found = (await results(server, ann, 'holid')).find((r) => r.target === 'element');
      expect(found).toBeDefined();
      return found!;
    });
    expect(hit).toMatchObject({ roomId, roomKind: 'map', roomTitle: 'Causes of obesity', target: 'element', targetId: 'hunger', title: 'Holiday hunger' });
    expect(hit.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['Holiday']);
    expect(hit.snippet.map((p) => p.text).join('')).toContain('Holiday hunger');
    // The room itself is found by its title, from when it was created.
    expect((await results(server, ann, 'causes obesity')).map((r) => r.target)).toContain('room');
    // Words only in the description are found too.
    expect((await results(server, ann, 'school meals')).map((r) => r.targetId)).toEqual(['hunger']);
  });

  it('finds the text of a document room by its section', async () => {
    const server = await start();
    const ann = await createPerson(server, { site: SITE, role: 'member', ...ANN });
    const roomId = await createRoom(server, ann, SITE, 'doc', 'Framing');
    const client = await connect(server, roomId, ann);
    const heading = new Y.XmlElement('heading');
    const headingText = new Y.XmlText();
    headingText.insert(0, 'Dementia friendly high streets');
    heading.insert(0, [headingText]);
    const paragraph = new Y.XmlElement('paragraph');
    const paragraphText = new Y.XmlText();
    paragraphText.insert(0, 'Shopkeepers trained by the Alzheimer’s Society');
    paragraph.insert(0, [paragraphText]);
    docContent(client.doc).insert(0, [heading, paragraph]);

    const [hit] = await eventually(async () => {
      const found = await results(server, ann, 'shopkeepers');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(hit).toMatchObject({ roomId, roomKind: 'doc', target: 'block', targetId: '0', title: 'Dementia friendly high streets' });
  });

  it('mentionables follow a renamed element and report a deleted one as missing', async () => {
    const server = await start();
    const ann = await createPerson(server, { site: SITE, role: 'member', ...ANN });
    const roomId = await createRoom(server, ann, SITE, 'map', 'High street');
    const client = await connect(server, roomId, ann);
    addElement(client.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actorOf(ann));
    addElement(client.doc, { id: 'shops', kind: 'variable', label: 'Empty shops', x: 0, y: 0 }, actorOf(ann));
    setLoopNote(client.doc, loopKey(['footfall', 'shops']), { name: 'Decline spiral', note: '' }, actorOf(ann));

    const menu = await eventually(async () => {
      const found = await mentionables(server, ann, 'q=foot');
      expect(found.items).toHaveLength(1);
      return found;
    });
    expect(menu.items[0]).toEqual({ roomId, roomTitle: 'High street', targetKind: 'element', targetId: 'footfall', label: 'Footfall' });
    expect((await mentionables(server, ann, 'q=decl')).items.map((i) => i.targetKind)).toEqual(['loop']);

    const refs = [`${roomId}:footfall`, `${roomId}:shops`, `${roomId}:${loopKey(['footfall', 'shops'])}`].join(',');
    updateElement(client.doc, 'footfall', { label: 'Footfall on Fleet Street' }, actorOf(ann));
    removeElements(client.doc, ['shops']);
    await eventually(async () => {
      const resolved = await mentionables(server, ann, `refs=${encodeURIComponent(refs)}`);
      expect(resolved.items.map((i) => [i.targetId, i.label])).toEqual([
        ['footfall', 'Footfall on Fleet Street'],
        [loopKey(['footfall', 'shops']), 'Decline spiral'],
      ]);
      expect(resolved.missing).toEqual([{ roomId, targetId: 'shops' }]);
    });
    expect((await api(server, `${paths.siteMentionables(SITE)}?refs=nonsense`, { token: ann.token })).status).toBe(400);
  });

  it('lets members and viewers search, and no one else', async () => {
    const server = await start();
    const member = await createPerson(server, { site: SITE, role: 'member' });
    const viewer = await createPerson(server, { site: SITE, role: 'viewer' });
    const outsider = await createPerson(server, { site: 'york', role: 'member' });
    const admin = await createPerson(server, { admin: true });
    await createRoom(server, member, SITE, 'map', 'Loneliness map');
    await eventually(async () => expect(await results(server, viewer, 'loneliness')).toHaveLength(1));
    expect(await results(server, admin, 'loneliness')).toHaveLength(1);
    expect((await search(server, outsider, 'loneliness')).status).toBe(403);
    expect((await api(server, `${paths.siteMentionables(SITE)}?q=a`, { token: outsider.token })).status).toBe(403);
    expect((await api(server, `${paths.siteSearch(SITE)}?q=a`)).status).toBe(401);
    expect((await search(server, member, 'x', 'no-such-site')).status).toBe(404);
    // The outsider's own site has no such room.
    expect((await search(server, outsider, 'loneliness', 'york')).body).toEqual({ results: [] });
  });

  it('drops archived rooms from results and brings them back when restored', async () => {
    const server = await start();
    const facilitator = await createPerson(server, { site: SITE, role: 'facilitator' });
    const roomId = await createRoom(server, facilitator, SITE, 'map', 'Isolation map');
    await eventually(async () => expect(await results(server, facilitator, 'isolation')).toHaveLength(1));
    const archive = (archived: boolean) => api(server, paths.room(roomId), { method: 'PATCH', token: facilitator.token, body: { archived } });
    expect((await archive(true)).status).toBe(200);
    expect(await results(server, facilitator, 'isolation')).toEqual([]);
    expect((await archive(false)).status).toBe(200);
    expect(await results(server, facilitator, 'isolation')).toHaveLength(1);
    // A rename is followed too.
    expect((await api(server, paths.room(roomId), { method: 'PATCH', token: facilitator.token, body: { title: 'Connection map' } })).status).toBe(200);
    await eventually(async () => {
      expect(await results(server, facilitator, 'isolation')).toEqual([]);
      expect((await results(server, facilitator, 'connection')).map((r) => r.roomTitle)).toEqual(['Connection map']);
    });
  });

  it('answers punctuation and query syntax with results, never an error, and validates q and limit', async () => {
    const server = await start();
    const ann = await createPerson(server, { site: SITE, role: 'member', ...ANN });
    await createRoom(server, ann, SITE, 'map', 'Obesity AND poverty');
    await eventually(async () => expect(await results(server, ann, 'obesity')).toHaveLength(1));
    for (const q of ['"', '***', '(', ')', '-', ':', '^', '"*()-:^+', 'NEAR(obesity poverty)', 'title:obesity', 'obesity OR', 'AND', '"obesity']) {
      const res = await search(server, ann, q);
      expect(res.status, q).toBe(200);
    }
    expect(await results(server, ann, '"*()-:^+')).toEqual([]);
    expect(await results(server, ann, '')).toEqual([]);
    expect((await results(server, ann, 'obesity AND')).map((r) => r.target)).toEqual(['room']);
    expect((await search(server, ann, 'x'.repeat(201))).status).toBe(400);
    for (const limit of ['0', '51', 'many']) {
      expect((await api(server, `${paths.siteSearch(SITE)}?q=a&limit=${limit}`, { token: ann.token })).status, limit).toBe(400);
    }
    expect((await api(server, `${paths.siteSearch(SITE)}?limit=5`, { token: ann.token })).status).toBe(400);
  });

  it('keeps the index through a restart, and indexes rooms changed while it was down', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const ann = await createPerson(first, { site: SITE, role: 'member', ...ANN });
    const indexed = await createRoom(first, ann, SITE, 'map', 'Indexed map');
    const missed = await createRoom(first, ann, SITE, 'map', 'Missed map');
    const client = await connect(first, indexed, ann);
    addElement(client.doc, { id: 'e1', kind: 'variable', label: 'Social prescribing', x: 0, y: 0 }, actorOf(ann));
    await eventually(async () => expect(await results(first, ann, 'prescribing')).toHaveLength(1));
    await first.search.flush();
    await first.close();

    // A change the index never saw (as after a crash): written straight to storage.
    const storage = openSqliteStorage({ filename: join(dataDir, 'workspace.db') });
    const offline = new Y.Doc();
    const updates: Uint8Array[] = [];
    offline.on('update', (u: Uint8Array) => updates.push(u));
    addElement(offline, { id: 'e2', kind: 'variable', label: 'Warm spaces', x: 0, y: 0 }, actorOf(ann));
    for (const u of updates) await storage.appendUpdate(missed, u);
    expect(await storage.roomsToIndex()).toEqual([missed]);
    await storage.close();

    const second = await start(dataDir);
    expect((await results(second, ann, 'prescribing')).map((r) => r.roomId)).toEqual([indexed]);
    await eventually(async () => expect((await results(second, ann, 'warm spaces')).map((r) => [r.roomId, r.targetId])).toEqual([[missed, 'e2']]));
  });
});
