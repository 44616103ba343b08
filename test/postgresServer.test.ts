/**
 * The whole server on PostgreSQL (`DATABASE_URL`): people sign in, two clients edit one map
 * live and converge, a summary is published and read signed out, and after a restart on the same
 * database everything is there. Skipped, saying why, without DATABASE_URL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addElement, readMap, type Actor } from '../shared/map/doc.js';
import { addSummaryItem, setSummaryField } from '../shared/summaries/doc.js';
import { DATABASE_URL, NO_DATABASE, dropSchema, openTestPostgres, testSchema } from './helpers/postgres.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, tempDir, type TestServer } from './helpers/server.js';

const run = DATABASE_URL ? describe : describe.skip;

run(`the server on PostgreSQL${DATABASE_URL ? '' : ` (${NO_DATABASE})`}`, () => {
  const schema = testSchema();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.dispose();
    await dropSchema(schema);
  });

  it('syncs, publishes and keeps everything across a restart', { timeout: 60_000 }, async () => {
    server = await startTestServer({ SEED_SITES: 'true' }, tempDir(), { storage: await openTestPostgres({ schema, keep: true }) });
    expect(server.storage.kind).toBe('postgres');
    const fay = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fay', organisation: 'Torbay Council' });
    const mapId = await createRoom(server, fay, 'torbay', 'map', 'On PostgreSQL');
    const a = connectClient(server.wsUrl, mapId, fay.token);
    const b = connectClient(server.wsUrl, mapId, fay.token);
    await Promise.all([a.synced, b.synced]);
    const actor: Actor = { userId: fay.id, name: 'Fay', organisation: 'Torbay Council' };
    for (let i = 0; i < 20; i++) addElement((i % 2 ? a : b).doc, { id: `e${i}`, kind: 'variable', label: `Element ${i}`, x: i * 10, y: 0 }, actor);
    await eventually(() => {
      expect(readMap(a.doc).elements).toHaveLength(20);
      expect(readMap(b.doc).elements).toHaveLength(20);
    });

    const summaryId = await createRoom(server, fay, 'torbay', 'summary', 'Lessons');
    const c = connectClient(server.wsUrl, summaryId, fay.token);
    await c.synced;
    setSummaryField(c.doc, 'title', 'Stored in PostgreSQL');
    addSummaryItem(c.doc, 'lesson', { text: 'Several processes can share one database.', themes: ['governance'] });
    const want = Buffer.from(Y.encodeStateVector(c.doc)).toString('hex');
    await eventually(async () => {
      const stored = await server!.storage.loadDoc(summaryId);
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(Buffer.from(Y.encodeStateVector(doc)).toString('hex')).toBe(want);
    });
    const published = await api(server, `/api/rooms/${summaryId}/summary/publish`, { token: fay.token, method: 'POST' });
    expect(published.status).toBe(201);
    for (const client of [a, b, c]) client.destroy();
    const dataDir = server.dataDir;
    await server.close();
    await server.storage.close();
    server = undefined;

    // A new process on the same database.
    server = await startTestServer({ SEED_SITES: 'true' }, dataDir, { storage: await openTestPostgres({ schema, keep: true }) });
    // The session is in the database too: the same token works on the new process.
    const again = connectClient(server.wsUrl, mapId, fay.token);
    await again.synced;
    expect(readMap(again.doc).elements.map((e) => e.label).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `Element ${i}`).sort());
    again.destroy();
    const page = await fetch(`${server.url}/learning/torbay/stored-in-postgresql`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Several processes can share one database.');
  });
});
