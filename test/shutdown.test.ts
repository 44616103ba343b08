import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/closeCodes.js';
import { hashPassword } from '../server/auth/passwords.js';
import { openStorage } from '../server/main.js';
import { bundleDir, spawnServer, type Child } from './helpers/process.js';
import { connectClient, eventually, tempDir, type SyncClient } from './helpers/server.js';
import { docRoomList, storedDoc } from './helpers/sync.js';

describe('SIGTERM (a redeploy)', () => {
  const dataDir = tempDir();
  const children: Child[] = [];
  const clients: SyncClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('stores the last edit, closes sync sockets with 1012, logs JSON and exits 0', async () => {
    // The account and room exist before the server starts, as after `npm run cli -- user add`.
    const email = 'sigterm@example.org';
    const password = 'correct horse battery staple';
    const storage = await openStorage({ dataDir, seedSites: true });
    const user = await storage.createUser({ email, name: 'Terry Term', organisation: 'Torbay Council', isAdmin: false, passwordHash: await hashPassword(password) });
    const site = (await storage.getSite('torbay'))!;
    await storage.setRole(site.id, user.id, 'member');
    const room = await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Redeploy', createdBy: user.id });
    await storage.close();

    const server = await spawnServer(dataDir, { LOG_LEVEL: 'info' });
    children.push(server);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const a = connectClient(server.wsUrl, room.id, token);
    clients.push(a);
    await a.synced;

    // The edit goes out and the signal follows at once: no "saved" has come back yet.
    docRoomList<string>(a.doc).push(['written just before SIGTERM']);
    server.process.kill('SIGTERM');

    expect(await server.exited).toEqual({ code: 0, signal: null });
    await eventually(() => expect(a.closeCodes).toContain(CloseCode.ServiceRestart));
    // The client goes on trying to reconnect (to the next instance); this test has no other.
    a.provider.disconnect();

    const after = await openStorage({ dataDir, seedSites: false });
    const { doc } = await storedDoc(after, room.id);
    await after.close();
    expect(docRoomList<string>(doc).toArray()).toEqual(['written just before SIGTERM']);

    // Shutdown is logged as JSON lines, from the signal to the end.
    const logged = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; signal?: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 'info', msg: 'shutting down', signal: 'SIGTERM' }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 'info', msg: 'workspace stopped' }));
  });
});
