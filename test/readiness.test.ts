import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../server/main.js';
import { faultyStorage, type FaultyStorage } from './helpers/faultyStorage.js';
import { api, startTestServer, tempDir, type TestServer } from './helpers/server.js';

describe('/api/ready', () => {
  let server: TestServer;
  let faulty: FaultyStorage;
  beforeAll(async () => {
    const dataDir = tempDir();
    faulty = faultyStorage(await openStorage({ dataDir, seedSites: true }));
    server = await startTestServer({}, dataDir, { storage: faulty.storage });
    // Its background work reads settings too; it is done before the store is broken.
    await server.versionsMoved;
  });
  afterAll(async () => {
    faulty.set('getSetting', null);
    await server.dispose();
  });

  it('is ready while the store answers', async () => {
    const res = await api(server, '/api/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is unavailable (503) when the store fails, while /api/health still says the process is alive', async () => {
    faulty.set('getSetting', 'fail');
    try {
      const res = await api(server, '/api/ready');
      expect(res.status).toBe(503);
      // The store's own error (which may name hosts) goes to the log, not to the caller.
      expect(res.body).toEqual({ status: 'unavailable', reason: 'storage failed' });
      expect((await api(server, '/api/health')).status).toBe(200);
    } finally {
      faulty.set('getSetting', null);
    }
  });

  it('is unavailable (503) when the store does not answer within 2 s', async () => {
    faulty.set('getSetting', 'stall');
    try {
      const started = Date.now();
      const res = await api(server, '/api/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', reason: 'storage did not answer within 2000 ms' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    } finally {
      faulty.set('getSetting', null);
    }
    expect((await api(server, '/api/ready')).status).toBe(200);
  });

  it('is described in the OpenAPI document with both answers', async () => {
    const doc = (await api(server, '/api/openapi.json')).body as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
    expect(Object.keys(doc.paths['/api/ready']!.get.responses).sort()).toEqual(['200', '503']);
  });
});
