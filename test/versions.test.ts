/**
 * Named versions over the real server: saved, listed, read, compared, restored and deleted
 * through the API, with the snapshots taken and the restores written by the server; and the
 * versions older releases kept inside rooms' docs moved out at start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RestoredVersion, Version, VersionList, VersionWithContent } from '../shared/api.js';
import { docContentJson, replaceDocContent } from '../shared/doc/content.js';
import { doc as docJson, heading, paragraph } from '../shared/doc/build.js';
import { normaliseDocJson } from '../shared/doc/extensions.js';
import { DOC_VERSIONS_ROOT, diffDocs } from '../shared/doc/versions.js';
import { addConnection, addElement, readMap, removeElements, type Actor } from '../shared/map/doc.js';
import { VERSIONS_ROOT, diffMaps } from '../shared/map/versions.js';
import { paths } from '../shared/routes.js';
import { IN_DOC_VERSIONS_MOVED } from '../server/versions/inDoc.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let fay: Person;
let cal: Person;
let pat: Person;
let vic: Person;
let outsider: Person;
const clients: SyncClient[] = [];

const actorOf = (person: Person, name: string, organisation: string): Actor => ({ userId: person.id, name, organisation });
let calActor: Actor;
let patActor: Actor;

/** Big enough for the small rooms here, small enough to refuse a long document. */
const MAX_VERSION_BYTES = 64 * 1024;

beforeAll(async () => {
  server = await startTestServer({ MAX_VERSION_BYTES });
  [fay, cal, pat, vic, outsider] = await Promise.all([
    createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fay Facilitator', organisation: 'Torbay Council' }),
    createPerson(server, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' }),
    createPerson(server, { site: 'torbay', role: 'member', name: 'Pat Police', organisation: 'Devon and Cornwall Police' }),
    createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' }),
    createPerson(server, { site: 'york', role: 'member' }),
  ]);
  calActor = actorOf(cal, 'Cal Council', 'Torbay Council');
  patActor = actorOf(pat, 'Pat Police', 'Devon and Cornwall Police');
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await server.dispose();
});

async function join(roomId: string, person: Person): Promise<SyncClient> {
  const client = connectClient(server.wsUrl, roomId, person.token);
  clients.push(client);
  await client.synced;
  return client;
}

const list = async (roomId: string, person: Person) => {
  const res = await api(server, paths.roomVersions(roomId), { token: person.token });
  expect(res.status).toBe(200);
  return (res.body as VersionList).versions;
};
const save = (roomId: string, person: Person, name: string) => api(server, paths.roomVersions(roomId), { token: person.token, body: { name } });
const read = async (roomId: string, versionId: string, person: Person) => {
  const res = await api(server, paths.roomVersion(roomId, versionId), { token: person.token });
  expect(res.status).toBe(200);
  return res.body as VersionWithContent;
};
const restore = (roomId: string, versionId: string, person: Person) =>
  api(server, paths.roomVersionRestore(roomId, versionId), { token: person.token, method: 'POST' });
const remove = (roomId: string, versionId: string, person: Person) =>
  api(server, paths.roomVersion(roomId, versionId), { token: person.token, method: 'DELETE' });
const mapOf = (content: VersionWithContent['content']) => (content.kind === 'map' ? content.map : null)!;
const labels = (doc: Y.Doc) => readMap(doc).elements.map((e) => e.label);

/** A map room where Cal drew two elements and a connection, open for Cal and Pat. */
async function mapRoom(title: string) {
  const roomId = await createRoom(server, cal, 'torbay', 'map', title);
  const calClient = await join(roomId, cal);
  addElement(calClient.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, calActor);
  addElement(calClient.doc, { id: 'shops', kind: 'variable', label: 'Empty shops', x: 200, y: 0 }, calActor);
  addConnection(calClient.doc, { id: 'fs', from: 'footfall', to: 'shops', polarity: '-' }, calActor);
  const patClient = await join(roomId, pat);
  await eventually(() => expect(labels(patClient.doc)).toEqual(['Footfall', 'Empty shops']));
  return { roomId, calClient, patClient };
}

describe('versions of a map through the API', () => {
  it('saves the map as the server has it, lists it for everyone in the site, and shows its content', async () => {
    const { roomId, calClient } = await mapRoom('High street');

    const saved = await save(roomId, cal, '  after workshop 3 ');
    expect(saved.status).toBe(201);
    const version = saved.body as Version;
    expect(version).toMatchObject({
      roomId,
      name: 'after workshop 3',
      createdBy: { userId: cal.id, name: 'Cal Council', organisation: 'Torbay Council' },
      summary: { elements: 2, connections: 1 },
    });
    expect(version.bytes).toBeGreaterThan(100);
    // Saving is not an edit: the doc's state is what it was.
    expect(labels(calClient.doc)).toEqual(['Footfall', 'Empty shops']);

    for (const person of [cal, vic, fay]) expect(await list(roomId, person)).toEqual([version]);
    expect((await api(server, paths.roomVersions(roomId), { token: outsider.token })).status).toBe(404);
    expect((await api(server, paths.roomVersions(roomId))).status).toBe(401);

    const viewed = await read(roomId, version.id, vic);
    expect(viewed).toMatchObject({ ...version, content: { kind: 'map' } });
    expect(mapOf(viewed.content)).toEqual(readMap(calClient.doc));
    expect((await api(server, paths.roomVersion(roomId, 'nope'), { token: cal.token })).status).toBe(404);
  });

  it('compares a version with now, restores it for everyone with its attribution, and restores the version saved before to go back', async () => {
    const { roomId, calClient, patClient } = await mapRoom('Restore me');
    const first = (await save(roomId, cal, 'First')).body as Version;
    const firstMap = readMap(calClient.doc);

    // Pat removes Cal's element (and its connection) and adds one of his own.
    removeElements(patClient.doc, ['shops']);
    addElement(patClient.doc, { id: 'parking', kind: 'variable', label: 'Parking charges', x: 0, y: 200 }, patActor);
    await eventually(() => expect(labels(calClient.doc)).toEqual(['Footfall', 'Parking charges']));
    const patMap = readMap(calClient.doc);

    const diff = diffMaps(mapOf((await read(roomId, first.id, pat)).content), readMap(patClient.doc));
    expect(diff.addedElements.map((e) => e.label)).toEqual(['Parking charges']);
    expect(diff.removedElements.map((e) => e.label)).toEqual(['Empty shops']);
    expect(diff.removedConnections.map((c) => c.id)).toEqual(['fs']);

    expect((await restore(roomId, first.id, vic)).status).toBe(403);
    const restored = await restore(roomId, first.id, pat);
    expect(restored.status).toBe(200);
    const { before } = restored.body as RestoredVersion;
    expect(restored.body).toMatchObject({ restored: first, before: { name: 'Before restoring “First”', createdBy: { userId: pat.id }, summary: { elements: 2, connections: 0 } } });
    // Everyone gets the restore live; Cal's element comes back as Cal's.
    for (const client of [calClient, patClient]) await eventually(() => expect(readMap(client.doc)).toEqual(firstMap));
    expect(readMap(patClient.doc).elements.find((e) => e.id === 'shops')!.created.userId).toBe(cal.id);
    expect((await list(roomId, cal)).map((v) => v.name)).toEqual(['Before restoring “First”', 'First']);
    // It was stored, not only relayed.
    const stored = await storedDoc(server.storage, roomId);
    expect(readMap(stored.doc)).toEqual(firstMap);

    // Going back is restoring the version saved just before.
    expect((await restore(roomId, before.id, cal)).status).toBe(200);
    for (const client of [calClient, patClient]) await eventually(() => expect(readMap(client.doc)).toEqual(patMap));
  });

  it('lets only facilitators delete, and only people who may change the room save', async () => {
    const roomId = await createRoom(server, cal, 'torbay', 'map', 'Rules');
    const version = (await save(roomId, cal, 'v1')).body as Version;

    const refused = await save(roomId, vic, 'by a viewer');
    expect(refused.status).toBe(403);
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/Viewers of Torbay/);
    expect((await save(roomId, outsider, 'by an outsider')).status).toBe(404);
    expect((await save(roomId, cal, '   ')).status).toBe(400);
    expect((await save(roomId, cal, 'x'.repeat(121))).status).toBe(400);

    expect((await remove(roomId, version.id, cal)).status).toBe(403);
    expect((await remove(roomId, version.id, vic)).status).toBe(403);
    expect((await remove(roomId, version.id, fay)).status).toBe(204);
    expect((await remove(roomId, version.id, fay)).status).toBe(404);
    expect(await list(roomId, cal)).toEqual([]);

    // Locked by a facilitator: members may not save; facilitators may.
    await server.storage.updateRoom(roomId, { locked: true, lockedBy: fay.id });
    expect((await save(roomId, cal, 'while locked')).status).toBe(403);
    expect((await save(roomId, fay, 'while locked')).status).toBe(201);
    await server.storage.updateRoom(roomId, { locked: false });
    // Archived rooms are read-only: their versions are read, not made or restored.
    const archived = await api(server, paths.room(roomId), { token: fay.token, method: 'PATCH', body: { archived: true } });
    expect(archived.status).toBe(200);
    expect((await save(roomId, fay, 'archived')).status).toBe(409);
    expect((await list(roomId, vic)).map((v) => v.name)).toEqual(['while locked']);
  });

  it('keeps the newest 50 versions of a room', async () => {
    const roomId = await createRoom(server, cal, 'torbay', 'map', 'Many versions');
    for (let i = 1; i <= 52; i++) expect((await save(roomId, cal, `v${i}`)).status).toBe(201);
    const names = (await list(roomId, cal)).map((v) => v.name);
    expect(names).toHaveLength(50);
    expect([names[0], names.at(-1)]).toEqual(['v52', 'v3']);
  });

  it('are described in the OpenAPI document', async () => {
    const res = await api(server, paths.openapi);
    expect(res.status).toBe(200);
    const described = Object.keys((res.body as { paths: Record<string, unknown> }).paths).filter((p) => p.includes('/versions'));
    expect(described).toEqual(['/api/rooms/{id}/versions', '/api/rooms/{id}/versions/{versionId}', '/api/rooms/{id}/versions/{versionId}/restore']);
  });

  it('has no versions for a learning log', async () => {
    const log = (await api(server, paths.siteLog('torbay'), { token: cal.token })).body as { id: string };
    expect((await api(server, paths.roomVersions(log.id), { token: cal.token })).status).toBe(409);
    expect((await save(log.id, cal, 'log')).status).toBe(409);
  });
});

const draft = docJson(heading(1, 'Actions'), paragraph('Meet in May'));

describe('versions of a document through the API', () => {
  it('shows a version as ProseMirror JSON, compares two, and restores one for everyone', async () => {
    const roomId = await createRoom(server, cal, 'torbay', 'doc', 'Vision');
    const calClient = await join(roomId, cal);
    replaceDocContent(calClient.doc, draft);
    const first = (await save(roomId, cal, 'First draft')).body as Version;
    expect(first.summary).toEqual({ words: 4 });
    const patClient = await join(roomId, pat);
    replaceDocContent(patClient.doc, docJson(heading(1, 'Actions'), paragraph('Meet in June'), paragraph('Invite the VCSE')));
    await eventually(() => expect(docContentJson(calClient.doc).content).toHaveLength(3));
    const second = (await save(roomId, pat, 'Second')).body as Version;

    const a = await read(roomId, first.id, vic);
    const b = await read(roomId, second.id, vic);
    expect(a.content).toEqual({ kind: 'doc', doc: normaliseDocJson(draft) });
    if (a.content.kind !== 'doc' || b.content.kind !== 'doc') throw new Error('not documents');
    expect(diffDocs(a.content.doc, b.content.doc).map((d) => d.kind)).toEqual(['unchanged', 'changed', 'added']);

    expect((await restore(roomId, first.id, pat)).status).toBe(200);
    for (const client of [calClient, patClient]) await eventually(() => expect(docContentJson(client.doc)).toEqual(normaliseDocJson(draft)));
    expect((await list(roomId, cal)).map((v) => v.name)).toEqual(['Before restoring “First draft”', 'Second', 'First draft']);
  });

  it('refuses to save a room larger than MAX_VERSION_BYTES, naming the setting', async () => {
    const roomId = await createRoom(server, cal, 'torbay', 'doc', 'Long');
    const calClient = await join(roomId, cal);
    const words = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
    replaceDocContent(calClient.doc, docJson(paragraph(words)));
    await eventually(async () => expect((await storedDoc(server.storage, roomId)).stored.updates.length).toBeGreaterThan(0));
    const refused = await save(roomId, cal, 'too big');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'limit_reached', details: { setting: 'MAX_VERSION_BYTES', limit: MAX_VERSION_BYTES } } });
    expect(await list(roomId, cal)).toEqual([]);
  });
});

describe('versions an older release kept inside the doc', () => {
  it('are moved out at start: stored as versions with their names, savers and times, and removed from the docs', async () => {
    const ann = { userId: cal.id, name: 'Cal Council', organisation: 'Torbay Council' };
    const mapRoom = await createRoom(server, cal, 'torbay', 'map', 'Old map');
    const docRoom = await createRoom(server, cal, 'torbay', 'doc', 'Old document');
    const plainRoom = await createRoom(server, cal, 'torbay', 'map', 'No versions');

    // Written straight into storage, as an older release left them (the rooms are not loaded).
    const oldMap = new Y.Doc();
    addElement(oldMap, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, ann);
    const savedMap = readMap(oldMap);
    addElement(oldMap, { id: 'later', kind: 'variable', label: 'Added later', x: 0, y: 100 }, ann);
    const versions = oldMap.getMap(VERSIONS_ROOT);
    versions.set('old-v1', { name: 'after workshop 3', saved: { ...ann, at: '2026-01-05T10:00:00.000Z' }, map: JSON.stringify(savedMap) });
    versions.set('old-v2', { name: 'after workshop 4', saved: { ...ann, at: '2026-02-05T10:00:00.000Z' }, map: JSON.stringify(readMap(oldMap)) });
    versions.set('broken', { name: 'broken', saved: { at: 'x' }, map: '{not json' });
    await server.storage.appendUpdate(mapRoom, Y.encodeStateAsUpdate(oldMap));

    const oldDoc = new Y.Doc();
    replaceDocContent(oldDoc, draft);
    oldDoc.getArray(DOC_VERSIONS_ROOT).push([
      { id: 'd1', name: 'First draft', at: '2026-03-01T09:00:00.000Z', by: { ...ann, at: '2026-03-01T09:00:00.000Z' }, json: normaliseDocJson(draft) },
    ]);
    await server.storage.appendUpdate(docRoom, Y.encodeStateAsUpdate(oldDoc));

    // The first start moved nothing (there was nothing); this data came later, so start again as if it had not run.
    await server.storage.setSetting(IN_DOC_VERSIONS_MOVED, null);
    const dataDir = server.dataDir;
    await server.close();
    server = await startTestServer({ MAX_VERSION_BYTES }, dataDir);
    expect(await server.versionsMoved).toEqual({ rooms: 2, versions: 3 });

    const mapVersions = await list(mapRoom, cal);
    expect(mapVersions.map((v) => [v.id, v.name, v.createdAt, v.createdBy.name, v.summary])).toEqual([
      ['old-v2', 'after workshop 4', '2026-02-05T10:00:00.000Z', 'Cal Council', { elements: 2, connections: 0 }],
      ['old-v1', 'after workshop 3', '2026-01-05T10:00:00.000Z', 'Cal Council', { elements: 1, connections: 0 }],
    ]);
    expect(mapOf((await read(mapRoom, 'old-v1', cal)).content)).toEqual(savedMap);
    expect((await read(docRoom, 'd1', cal)).content).toEqual({ kind: 'doc', doc: normaliseDocJson(draft) });
    expect(await list(plainRoom, cal)).toEqual([]);

    // Gone from the docs, as stored and as a client gets them; the content is untouched.
    for (const roomId of [mapRoom, docRoom]) {
      const { doc } = await storedDoc(server.storage, roomId);
      expect(doc.getMap(VERSIONS_ROOT).size + doc.getArray(DOC_VERSIONS_ROOT).length).toBe(0);
    }
    const client = await join(mapRoom, pat);
    expect(client.doc.getMap(VERSIONS_ROOT).size).toBe(0);
    expect(labels(client.doc)).toEqual(['Footfall', 'Added later']);

    // Recorded as done; and were it run again, nothing is moved twice.
    expect(await server.storage.getSetting(IN_DOC_VERSIONS_MOVED)).not.toBeNull();
    await server.storage.setSetting(IN_DOC_VERSIONS_MOVED, null);
    await server.close();
    server = await startTestServer({ MAX_VERSION_BYTES }, dataDir);
    expect(await server.versionsMoved).toEqual({ rooms: 0, versions: 0 });
    expect((await list(mapRoom, cal)).map((v) => v.id)).toEqual(['old-v2', 'old-v1']);
  });
});
