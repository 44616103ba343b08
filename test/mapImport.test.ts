/**
 * The map import API, `POST /api/sites/:slug/rooms/import`, through the real server: each
 * format becomes a room whose live document holds the map; bad files get clear errors and create
 * nothing; the size limit answers 413; the CLI's `map import` does the same for an operator.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMap } from '../shared/map/doc.js';
import { newId } from '../shared/ids.js';
import { exportMapJson } from '../shared/map/json.js';
import { exportKumuXlsx, importKumuCsv } from '../shared/map/kumuCsv.js';
import { loopyLink } from '../shared/map/loopy.js';
import type { MapData } from '../shared/map/model.js';
import { withoutStores } from './helpers/process.js';
import { api, connectClient, createPerson, startTestServer, tempDir, type Person, type TestServer } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (path: string) => readFileSync(join(root, 'shared/map/fixtures', path));
const by = { userId: 'u1', name: 'Dee', organisation: 'Torbay Council', at: '2026-12-07T10:00:00.000Z' };

/** The demo's Torbay map, read from its Kumu CSV fixtures. */
function torbayMap(): MapData {
  const result = importKumuCsv(
    { elements: fixture('torbay-dementia-elements.csv').toString('utf8'), connections: fixture('torbay-dementia-connections.csv').toString('utf8') },
    { newId, by },
  );
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.map;
}

async function upload(
  server: TestServer,
  person: Person | null,
  file: { name: string; bytes: Uint8Array | string; type?: string } | null,
  fields: Record<string, string> = {},
  site = 'torbay',
) {
  const form = new FormData();
  // A copy in a plain ArrayBuffer: what Blob takes.
  if (file) form.set('file', new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await fetch(`${server.url}/api/sites/${site}/rooms/import`, {
    method: 'POST',
    headers: person ? { authorization: `Bearer ${person.token}` } : {},
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: { code: string; message: string; details?: { issues?: string[] } } } };
}

/** The map the server holds for a room, read as a live client would. */
async function liveMap(server: TestServer, roomId: string, person: Person): Promise<MapData> {
  const client = connectClient(server.wsUrl, roomId, person.token);
  try {
    await client.synced;
    return readMap(client.doc);
  } finally {
    client.destroy();
  }
}

async function roomCount(server: TestServer, person: Person): Promise<number> {
  const res = await api(server, '/api/sites/torbay/rooms', { token: person.token });
  return (res.body as { total: number }).total;
}

describe('map import API', () => {
  let server: TestServer;
  let member: Person;
  let viewer: Person;
  beforeAll(async () => {
    server = await startTestServer();
    member = await createPerson(server, { site: 'torbay', role: 'member', name: 'Dee Member' });
    viewer = await createPerson(server, { site: 'torbay', role: 'viewer' });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('makes a map room from a Kumu workbook, whose live document holds every element and connection', async () => {
    const source = torbayMap();
    const bytes = await exportKumuXlsx(source);
    const res = await upload(server, member, { name: 'Torbay dementia.xlsx', bytes }, { title: 'Dementia-friendly Torbay (from Kumu)' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.format).toBe('kumu-xlsx');
    expect(res.body.elements).toBe(source.elements.length);
    expect(res.body.connections).toBe(source.connections.length);
    const room = res.body.room as { id: string; kind: string; title: string; createdBy: string };
    expect(room).toMatchObject({ kind: 'map', title: 'Dementia-friendly Torbay (from Kumu)', createdBy: member.id });
    const map = await liveMap(server, room.id, member);
    expect(map.elements.map((e) => e.label).sort()).toEqual(source.elements.map((e) => e.label).sort());
    expect(map.connections).toHaveLength(source.connections.length);
    // Attributed to the person who imported it, not to whoever made the file.
    expect(new Set(map.elements.map((e) => e.created.name))).toEqual(new Set(['Dee Member']));
  });

  it('reads our own JSON, a connections-only Kumu sheet, a LOOPY link and a Vensim model', async () => {
    const source = torbayMap();
    const json = await upload(server, member, { name: 'torbay.json', bytes: exportMapJson(source) });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(json.body).toMatchObject({ format: 'slw-json', elements: source.elements.length });
    expect((json.body.room as { title: string }).title).toBe('torbay');

    const connections = await upload(server, member, { name: 'links.csv', bytes: 'From,To,Type\nLoneliness,Visits to the GP,+\nVisits to the GP,Loneliness,-\n' });
    expect(connections.status, JSON.stringify(connections.body)).toBe(201);
    expect(connections.body).toMatchObject({ format: 'kumu-csv', elements: 2, connections: 2 });
    expect((connections.body.warnings as string[]).length).toBeGreaterThan(0);
    const linked = await liveMap(server, (connections.body.room as { id: string }).id, member);
    expect(linked.connections.map((c) => c.polarity).sort()).toEqual(['+', '-']);

    const { url } = loopyLink(source);
    const loopy = await upload(server, member, { name: 'loopy.txt', bytes: url });
    expect(loopy.status, JSON.stringify(loopy.body)).toBe(201);
    expect(loopy.body).toMatchObject({ format: 'loopy', elements: source.elements.length });

    const vensim = await upload(server, member, { name: 'social-care.mdl', bytes: fixture('vensim/social-care.mdl') });
    expect(vensim.status, JSON.stringify(vensim.body)).toBe(201);
    expect(vensim.body.format).toBe('vensim');
    expect(vensim.body.connections as number).toBeGreaterThan(0);
  });

  it('refuses a file in no known format, and one that does not import, creating nothing', async () => {
    const before = await roomCount(server, member);
    const png = await upload(server, member, { name: 'photo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) });
    expect(png.status).toBe(400);
    expect(png.body.error?.code).toBe('unsupported_format');
    expect(png.body.error?.message).toMatch(/Kumu workbook.*Vensim/);

    // A connection to an element the Elements sheet does not have: every problem names where it is.
    const bad = await upload(server, member, { name: 'elements.csv', bytes: 'Label,Type,X\nLoneliness,Factor,not a number\n' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('validation_failed');
    expect(bad.body.error?.details?.issues?.[0]).toMatch(/Elements sheet, row 2, column X/);

    const empty = await upload(server, member, { name: 'empty.csv', bytes: '' });
    expect(empty.status).toBe(400);
    const missing = await upload(server, member, null, { title: 'No file' });
    expect(missing.status).toBe(400);
    expect(missing.body.error?.message).toMatch(/file/);
    expect(await roomCount(server, member)).toBe(before);
  });

  it('lets members import and nobody else', async () => {
    const file = { name: 'one.csv', bytes: 'Label\nLoneliness\n' };
    expect((await upload(server, null, file)).status).toBe(401);
    expect((await upload(server, viewer, file)).status).toBe(403);
    const outsider = await createPerson(server, { site: 'wirral', role: 'member' });
    expect((await upload(server, outsider, file)).status).toBe(403);
    expect((await upload(server, member, file, {}, 'no-such-site')).status).toBe(404);
  });

  it('is described in the OpenAPI document as a multipart upload', async () => {
    const res = await api(server, '/api/openapi.json');
    const op = (res.body as { paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }> }).paths['/api/sites/{slug}/rooms/import'];
    expect(op?.post?.requestBody?.content?.['multipart/form-data']).toBeDefined();
  });
});

describe('map import from the CLI', () => {
  it('makes a room an operator can then list, and explains a bad file line by line', async () => {
    const server = await startTestServer();
    try {
      const person = await createPerson(server, { site: 'torbay', role: 'member', name: 'Ola Operator' });
      const dir = tempDir();
      const good = join(dir, 'isolation.csv');
      writeFileSync(good, '\uFEFFLabel,Type\r\nLoneliness,Factor\r\nLunch clubs,Intervention\r\n');
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'Label,X\nA,left\nB,right\n');
      const cli = promisify(execFile);
      const env = { ...withoutStores(process.env), DATA_DIR: server.dataDir };
      const { stdout } = await cli(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'map', 'import', '--site', 'torbay', '--file', good, '--by', person.email, '--json'], { cwd: root, env });
      const result = JSON.parse(stdout) as { room: string; format: string; elements: number };
      expect(result).toMatchObject({ format: 'kumu-csv', elements: 2 });
      const map = await liveMap(server, result.room, person);
      expect(map.elements.map((e) => e.label).sort()).toEqual(['Loneliness', 'Lunch clubs']);
      expect(map.elements[0]!.created.name).toBe('Ola Operator');

      const failed = await cli(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'map', 'import', '--site', 'torbay', '--file', bad], { cwd: root, env }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect((failed as { code: number }).code).toBe(2);
      expect((failed as { stderr: string }).stderr).toMatch(/row 2, column X[\s\S]*row 3, column X/);
    } finally {
      await server.dispose();
    }
  });
});

/**
 * A multipart upload through node:http, which hands over the response even when the server
 * answers before the whole body is sent and closes the connection (as it does for a 413: it
 * never reads more than the limit), where fetch reports only "other side closed".
 */
async function rawUpload(server: TestServer, person: Person, name: string, text: string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const boundary = `----slw${Date.now()}`;
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${text}\r\n--${boundary}--\r\n`,
  );
  const url = new URL(`${server.url}/api/sites/torbay/rooms/import`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${person.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
    });
    req.on('response', (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as { error?: { code: string; message: string } } }));
    });
    // Writing the rest of a refused body fails once the server has closed: the answer is what counts.
    req.on('error', (error) => setTimeout(() => reject(error), 1000));
    req.end(body);
  });
}

// Last, on a server of its own: it answers 413 and closes the connection mid-upload.
describe('map import size limit', () => {
  it('answers 413 beyond MAX_IMPORT_BYTES, creating nothing', async () => {
    // Other requests keep their own, smaller limit; an import may be larger than it.
    const server = await startTestServer({ MAX_IMPORT_BYTES: 200_000, MAX_REQUEST_BYTES: 16_384 });
    try {
      const member = await createPerson(server, { site: 'torbay', role: 'member' });
      const before = await roomCount(server, member);
      const big = `Label\n${'A long element label that repeats\n'.repeat(8000)}`;
      const res = await rawUpload(server, member, 'big.csv', big);
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe('payload_too_large');
      expect(res.body.error?.message).toMatch(/MAX_IMPORT_BYTES/);
      expect(await roomCount(server, member)).toBe(before);
      // Over MAX_REQUEST_BYTES but within MAX_IMPORT_BYTES: imported.
      const rows = Array.from({ length: 2000 }, (_, i) => `Element number ${i}`).join('\n');
      expect(rows.length).toBeGreaterThan(16_384);
      const within = await upload(server, member, { name: 'within.csv', bytes: `Label\n${rows}\n` });
      expect(within.status, JSON.stringify(within.body)).toBe(201);
      expect(within.body.elements).toBe(2000);
    } finally {
      await server.dispose();
    }
  });
});
