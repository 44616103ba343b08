/**
 * `npm run bench:versions`: what a new client downloads on opening a map of 2,000 elements and
 * 6,000 connections with 20 saved versions, against the same map with none; the target is at
 * most 1.05 times as much. Against a real server on a fresh data folder, three rooms hold the
 * same map:
 *
 * - `none`: no versions;
 * - `server`: 20 versions saved through the API (kept beside the room, as now);
 * - `in-doc`: 20 versions kept inside the doc, as releases before this one did (written by the
 *   server, since clients may no longer write that root), then the same room again after the
 *   server has moved them out (`server/versions/inDoc.ts`).
 *
 * "Downloaded" is every byte a y-websocket client receives on its socket from connecting until
 * the server's sync step 2 (the whole room) has arrived, plus, where the versions panel shows
 * any, the JSON of `GET /api/rooms/:id/versions` that the open panel fetches. Also timed: saving
 * a version (the server's snapshot), reading one back (what View and Compare fetch) and a restore.
 */
import { performance } from 'node:perf_hooks';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { addMapData, readMap, type Actor } from '../shared/map/doc.js';
import { gridMap } from '../shared/map/fixtures/gridMap.js';
import { VERSIONS_ROOT } from '../shared/map/versions.js';
import { paths } from '../shared/routes.js';
import { moveRoomVersions } from '../server/versions/inDoc.js';
import { createDocReader } from '../server/ydoc/reader.js';
import { api, connectClient, createPerson, createRoom, startTestServer, type Person, type TestServer } from '../test/helpers/server.js';
import { numberOption, percentile } from './common.js';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1] ?? ''] as const));
const elements = numberOption('elements', args.get('--elements') ?? '2000', 10, 10_000);
const connections = numberOption('connections', args.get('--connections') ?? '6000', 0, 30_000);
const versionCount = numberOption('versions', args.get('--versions') ?? '20', 1, 50);
const TARGET_RATIO = 1.05;
const SITE = 'torbay';
const MB = 1024 * 1024;

const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

/** Bytes received from connecting until the whole room (sync step 2) has arrived. */
async function downloadBytes(server: TestServer, roomId: string, token: string): Promise<number> {
  const ws = new WebSocket(`${server.wsUrl}/${encodeURIComponent(roomId)}?token=${encodeURIComponent(token)}`);
  return new Promise<number>((resolve, reject) => {
    let bytes = 0;
    ws.on('open', () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeSyncStep1(encoder, new Y.Doc());
      ws.send(encoding.toUint8Array(encoder));
    });
    ws.on('message', (data: Buffer) => {
      bytes += data.byteLength;
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2) {
        ws.close();
        resolve(bytes);
      }
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`closed with ${code} before the room arrived`)));
  });
}

/** Bytes of the versions list the open panel fetches. */
async function listBytes(server: TestServer, roomId: string, person: Person): Promise<number> {
  const res = await fetch(`${server.url}${paths.roomVersions(roomId)}`, { headers: { authorization: `Bearer ${person.token}` } });
  return (await res.arrayBuffer()).byteLength;
}

/** A room holding the map, written by a real client; resolves once the server has stored it. */
async function roomWithMap(server: TestServer, person: Person, actor: Actor, title: string): Promise<string> {
  const roomId = await createRoom(server, person, SITE, 'map', title);
  const client = connectClient(server.wsUrl, roomId, person.token);
  await client.synced;
  addMapData(client.doc, gridMap(elements, connections, 7), actor, new Date('2026-11-22T00:00:00.000Z'));
  // Another client seeing it all means the server stored it (it stores before relaying).
  const check = connectClient(server.wsUrl, roomId, person.token);
  await check.synced;
  for (;;) {
    const map = readMap(check.doc);
    if (map.elements.length === elements && map.connections.length === connections) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check.destroy();
  client.destroy();
  return roomId;
}

function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  return run().then((value) => [value, performance.now() - started]);
}

const server = await startTestServer({ MAX_VERSION_BYTES: 64 * MB, MAX_MESSAGE_BYTES: 256 * MB, LOG_LEVEL: 'silent' });
try {
  const cal = await createPerson(server, { site: SITE, role: 'member', name: 'Bench Council', organisation: 'Torbay Council' });
  const actor: Actor = { userId: cal.id, name: 'Bench Council', organisation: 'Torbay Council' };
  console.log(`map of ${elements} elements and ${connections} connections; ${versionCount} versions`);

  const none = await roomWithMap(server, cal, actor, 'No versions');
  const withServer = await roomWithMap(server, cal, actor, 'Versions on the server');
  const inDoc = await roomWithMap(server, cal, actor, 'Versions in the doc');

  const saveMs: number[] = [];
  for (let i = 1; i <= versionCount; i++) {
    const [res, ms] = await timed(() => api(server, paths.roomVersions(withServer), { token: cal.token, body: { name: `after workshop ${i}` } }));
    if (res.status !== 201) throw new Error(`saving a version answered ${res.status}: ${JSON.stringify(res.body)}`);
    saveMs.push(ms);
  }
  const versions = (await api(server, paths.roomVersions(withServer), { token: cal.token })).body as { versions: { id: string; bytes: number }[] };
  const viewMs: number[] = [];
  for (const v of versions.versions.slice(0, 5)) viewMs.push((await timed(() => api(server, paths.roomVersion(withServer, v.id), { token: cal.token })))[1]);

  // As releases before this one saved a version: the map as a JSON string under `mapVersions`.
  for (let i = 1; i <= versionCount; i++) {
    await server.sync.writeAsServer(
      inDoc,
      (doc) => {
        const saved = { userId: cal.id, name: 'Bench Council', organisation: 'Torbay Council', at: new Date(Date.UTC(2026, 10, 22, 10, i)).toISOString() };
        doc.getMap(VERSIONS_ROOT).set(`old-${i}`, { name: `after workshop ${i}`, saved, map: JSON.stringify(readMap(doc)) });
      },
      cal.id,
    );
  }

  const noneBytes = (await downloadBytes(server, none, cal.token)) + (await listBytes(server, none, cal));
  const serverSync = await downloadBytes(server, withServer, cal.token);
  const serverList = await listBytes(server, withServer, cal);
  const serverBytes = serverSync + serverList;
  const inDocBytes = await downloadBytes(server, inDoc, cal.token);

  const docs = createDocReader({ store: server.storage, liveDoc: (roomId) => server.sync.liveDoc(roomId) });
  const [moved, moveMs] = await timed(() =>
    moveRoomVersions(
      { directory: server.storage, docs, writeAsServer: server.sync.writeAsServer.bind(server.sync), versions: server.versions, log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } },
      { id: inDoc, kind: 'map' },
    ),
  );
  const movedBytes = (await downloadBytes(server, inDoc, cal.token)) + (await listBytes(server, inDoc, cal));

  const [, restoreMs] = await timed(() => api(server, paths.roomVersionRestore(withServer, versions.versions.at(-1)!.id), { token: cal.token, method: 'POST' }));

  const ratio = serverBytes / noneBytes;
  const row = (label: string, bytes: number, note: string) =>
    console.log(`  ${label.padEnd(40)} ${mb(bytes).padStart(9)} ${`(${bytes.toLocaleString('en-GB')} B)`.padStart(16)}   ${note}`);
  console.log('\nbytes a new client downloads on opening the map');
  row('no versions', noneBytes, '(the room, and an empty versions list)');
  row(`${versionCount} versions kept by the server`, serverBytes, `${ratio.toFixed(3)}× — target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (the room ${mb(serverSync)}, the list ${(serverList / 1024).toFixed(1)} KB)`);
  row(`${versionCount} versions inside the doc (before)`, inDocBytes, `${(inDocBytes / noneBytes).toFixed(2)}×`);
  row('the same room once they were moved out', movedBytes, `${(movedBytes / noneBytes).toFixed(3)}× (${moved} versions moved in ${(moveMs / 1000).toFixed(1)} s)`);
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
  console.log('\ntimes (ms)');
  console.log(`  save a version (POST, the server's snapshot)   p50 ${percentile(sorted(saveMs), 50).toFixed(0).padStart(5)}   max ${Math.max(...saveMs).toFixed(0).padStart(5)}   (${mb(versions.versions[0]!.bytes)} each)`);
  console.log(`  read one back (GET, for View and Compare)       p50 ${percentile(sorted(viewMs), 50).toFixed(0).padStart(5)}   max ${Math.max(...viewMs).toFixed(0).padStart(5)}`);
  console.log(`  restore the oldest (saving the room first)          ${restoreMs.toFixed(0).padStart(5)}`);
} finally {
  await server.dispose();
}
