import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../server/auth/passwords.js';
import { openStorage } from '../server/main.js';
import { bundleDir, spawnServer, type Child } from './helpers/process.js';
import { connectClient, eventually, tempDir, type SyncClient } from './helpers/server.js';
import { docRoomList, storedDoc } from './helpers/sync.js';

describe('kill -9 of the server process', () => {
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

  it('loses no update that another client has already seen', async () => {
    // The account and room exist before the server starts, as after `npm run cli -- user add`.
    const email = 'kill9@example.org';
    const password = 'correct horse battery staple';
    const storage = await openStorage({ dataDir, seedSites: true });
    const user = await storage.createUser({
      email,
      name: 'Kay Nine',
      organisation: 'Torbay Council',
      isAdmin: false,
      passwordHash: await hashPassword(password),
    });
    const site = (await storage.getSite('torbay'))!;
    await storage.setRole(site.id, user.id, 'member');
    const room = await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Crash test', createdBy: user.id });
    await storage.close();

    const server = await spawnServer(dataDir);
    children.push(server);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };

    const a = connectClient(server.wsUrl, room.id, token);
    const b = connectClient(server.wsUrl, room.id, token);
    clients.push(a, b);
    await Promise.all([a.synced, b.synced]);

    // Many small updates, each its own transaction and so its own message.
    const total = 300;
    const written: string[] = [];
    for (let i = 0; i < total; i++) {
      const item = `item-${i}`;
      docRoomList<string>(a.doc).push([item]);
      written.push(item);
      if (i % 50 === 49) await new Promise<void>((r) => setImmediate(r));
    }
    // Kill as soon as B has seen a good part of the stream, while the rest is still in flight.
    await eventually(() => expect(docRoomList(b.doc).length).toBeGreaterThanOrEqual(total / 3), 10_000, 1);
    server.process.kill('SIGKILL');
    const seenByB = docRoomList<string>(b.doc).toArray();
    const { signal } = await server.exited;
    expect(signal).toBe('SIGKILL');
    a.provider.disconnect();
    b.provider.disconnect();

    // Everything B saw was relayed, so it must have been stored before the kill.
    const after = await openStorage({ dataDir, seedSites: false });
    const { doc, stored } = await storedDoc(after, room.id);
    await after.close();
    expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0);
    const recovered = docRoomList<string>(doc).toArray();
    expect(recovered.slice(0, seenByB.length)).toEqual(seenByB);
    // Nothing was invented or reordered: the stored list is a prefix of what A wrote.
    expect(recovered).toEqual(written.slice(0, recovered.length));

    // The restarted server serves all of it to a client that has nothing.
    const restarted = await spawnServer(dataDir);
    children.push(restarted);
    const fresh = connectClient(restarted.wsUrl, room.id, token);
    clients.push(fresh);
    await fresh.synced;
    expect(docRoomList<string>(fresh.doc).toArray().slice(0, recovered.length)).toEqual(recovered);

    // A still holds every update it wrote; connecting it to the new server uploads what the
    // kill cut off, and the fresh client converges on the complete list.
    a.provider.destroy();
    const again = connectClient(restarted.wsUrl, room.id, token, { doc: a.doc });
    clients.push(again);
    await eventually(() => expect(docRoomList<string>(fresh.doc).toArray()).toEqual(written), 10_000);
  });
});
