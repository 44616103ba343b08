import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../server/main.js';
import { faultyStorage, type FaultyStorage } from './helpers/faultyStorage.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  tempDir,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { writeNote } from './helpers/sync.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the first sample named `name` whose labels include `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const TOKEN = 'metrics-token-for-tests-0123456789';

async function scrape(server: { url: string }, token = TOKEN): Promise<Sample[]> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe('/metrics', () => {
  let server: TestServer;
  let faulty: FaultyStorage;
  const clients: SyncClient[] = [];
  beforeAll(async () => {
    const dataDir = tempDir();
    faulty = faultyStorage(await openStorage({ dataDir, seedSites: true }));
    server = await startTestServer({ METRICS_TOKEN: TOKEN }, dataDir, { storage: faulty.storage });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.dispose();
  });

  it('counts the open connection, the stored edit and how long storing it took', async () => {
    const alice = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, alice, 'torbay', 'doc');
    const a = connectClient(server.wsUrl, roomId, alice.token);
    clients.push(a);
    await a.synced;
    writeNote(a.doc, 0, 'Footfall is falling.');

    await eventually(async () => {
      const samples = await scrape(server);
      expect(valueOf(samples, 'workspace_sync_connections')).toBe(1);
      expect(valueOf(samples, 'workspace_rooms_loaded')).toBe(1);
      expect(valueOf(samples, 'workspace_updates_stored_total')).toBeGreaterThanOrEqual(1);
      expect(valueOf(samples, 'workspace_storage_duration_seconds_count', { operation: 'appendUpdate', backend: 'sqlite' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(samples, 'workspace_storage_duration_seconds_count', { operation: 'loadDoc', backend: 'sqlite' })).toBeGreaterThanOrEqual(1);
    });
    const samples = await scrape(server);
    expect(valueOf(samples, 'workspace_sync_queued_bytes')).toBeGreaterThanOrEqual(0);
    // Node's process metrics come with them.
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts a room that failed to load, and the storage error that failed it', async () => {
    const bob = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, bob, 'torbay', 'doc');
    faulty.set('loadDoc', 'fail');
    try {
      const b = connectClient(server.wsUrl, roomId, bob.token);
      clients.push(b);
      await eventually(async () => {
        const samples = await scrape(server);
        expect(valueOf(samples, 'workspace_rooms_failed_total')).toBeGreaterThanOrEqual(1);
        expect(valueOf(samples, 'workspace_storage_errors_total', { operation: 'loadDoc', backend: 'sqlite' })).toBeGreaterThanOrEqual(1);
        expect(valueOf(samples, 'workspace_errors_logged_total', { component: 'sync' })).toBeGreaterThanOrEqual(1);
      });
      b.destroy();
    } finally {
      faulty.set('loadDoc', null);
    }
  });

  it('counts 5xx responses by status', async () => {
    const carol = await createPerson(server, { site: 'torbay', role: 'member' });
    faulty.set('listSites', 'fail');
    faulty.set('getSetting', 'fail');
    try {
      expect((await fetch(`${server.url}/api/sites`, { headers: { authorization: `Bearer ${carol.token}` } })).status).toBe(500);
      expect((await fetch(`${server.url}/api/ready`)).status).toBe(503);
    } finally {
      faulty.set('listSites', null);
      faulty.set('getSetting', null);
    }
    const samples = await scrape(server);
    expect(valueOf(samples, 'workspace_http_server_errors_total', { status: '500' })).toBe(1);
    expect(valueOf(samples, 'workspace_http_server_errors_total', { status: '503' })).toBe(1);
    expect(valueOf(samples, 'workspace_errors_logged_total', { component: 'server' })).toBeGreaterThanOrEqual(1);
  });

  it('with METRICS_TOKEN set, refuses a scrape without the token or with another one', async () => {
    const without = await fetch(`${server.url}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await without.text()).not.toContain('workspace_');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  it('is served to anyone who reaches it', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(valueOf(parseExposition(await res.text()), 'workspace_sync_connections')).toBe(0);
    } finally {
      await server.dispose();
    }
  });
});
