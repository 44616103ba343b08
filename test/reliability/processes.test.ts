/**
 * Issue 13's reliability suite, on the server as `npm start` runs it (its own process):
 * repeated kill -9 under write load, a reconnect storm after a restart, and a soak of mixed
 * load with the server's memory sampled. Figures are printed; the assertions are what the
 * issue promises (nothing relayed is lost, the database is intact, every client resyncs,
 * memory stays bounded and stops growing once steady).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashPassword } from '../../server/auth/passwords.js';
import { openStorage } from '../../server/main.js';
import { replayStoredDoc } from '../../server/ydoc/replay.js';
import { bundleDir, rssMb, spawnServer, type Child } from '../helpers/process.js';
import { connectClient, eventually, freePort, tempDir, type SyncClient } from '../helpers/server.js';
import { deleteNotes, docRoomList, docRoomMap, insertNotes, notesLength, notesText, updateFrame } from '../helpers/sync.js';
import { Rng, hostileAwareness, hostileUpdate, targetDoc } from './hostile.js';

const children: Child[] = [];
const dirs: string[] = [];
const clients: SyncClient[] = [];
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

function report(line: string): void {
  // Figures for the person reading the CI log; the assertions below are what pass or fail.
  process.stdout.write(`[reliability] ${line}\n`);
}

/** An account with a member role and `rooms` rooms, made before the server starts. */
async function prepare(rooms: number): Promise<{ dataDir: string; email: string; password: string; roomIds: string[] }> {
  const dataDir = tempDir('slw-rel-');
  dirs.push(dataDir);
  const email = `rel-${Date.now()}@example.org`;
  const password = 'correct horse battery staple';
  const storage = await openStorage({ dataDir, seedSites: true });
  const user = await storage.createUser({ email, name: 'Rel Iable', organisation: 'Torbay Council', isAdmin: false, passwordHash: await hashPassword(password) });
  const site = (await storage.getSite('torbay'))!;
  await storage.setRole(site.id, user.id, 'member');
  const roomIds: string[] = [];
  for (let i = 0; i < rooms; i++) {
    roomIds.push((await storage.createRoom({ siteId: site.id, kind: 'doc', title: `Room ${i}`, createdBy: user.id })).id);
  }
  await storage.close();
  return { dataDir, email, password, roomIds };
}

async function signIn(child: Child, email: string, password: string): Promise<string> {
  const res = await fetch(`${child.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('reliability', () => {
  it('kill -9 under full write load, five times: everything another client saw is stored, and the database is intact', { timeout: 180_000 }, async () => {
    const { dataDir, email, password, roomIds } = await prepare(1);
    const roomId = roomIds[0]!;
    const writer = new Y.Doc();
    const written: string[] = [];
    let token = '';
    for (let round = 0; round < 5; round++) {
      const server = await spawnServer(dataDir);
      children.push(server);
      token = await signIn(server, email, password);
      // The writer keeps its doc across rounds: reconnecting uploads what a kill cut off.
      const a = connectClient(server.wsUrl, roomId, token, { doc: writer });
      const b = connectClient(server.wsUrl, roomId, token);
      await Promise.all([a.synced, b.synced]);
      const items = docRoomList<string>(writer);
      const before = items.length;
      for (let i = 0; i < 300; i++) {
        const item = `r${round}-${i}`;
        items.push([item]);
        written.push(item);
        if (i % 50 === 49) await new Promise<void>((r) => setImmediate(r));
      }
      await eventually(() => expect(docRoomList(b.doc).length).toBeGreaterThanOrEqual(before + 100), 10_000, 1);
      server.process.kill('SIGKILL');
      const seenByB = docRoomList<string>(b.doc).toArray();
      expect((await server.exited).signal).toBe('SIGKILL');
      a.provider.destroy();
      b.destroy();

      const db = new Database(join(dataDir, 'workspace.db'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const storage = await openStorage({ dataDir, seedSites: false });
      const { doc, problems } = replayStoredDoc(await storage.loadDoc(roomId));
      await storage.close();
      expect(problems).toEqual([]);
      const recovered = docRoomList<string>(doc).toArray();
      expect(recovered.slice(0, seenByB.length)).toEqual(seenByB);
      report(`kill -9 round ${round + 1}: ${seenByB.length} items seen by another client, ${recovered.length} stored, ${written.length} written`);
    }
    // A last server gets the rest from the writer, and holds everything.
    const last = await spawnServer(dataDir);
    children.push(last);
    token = await signIn(last, email, password);
    const a = connectClient(last.wsUrl, roomId, token, { doc: writer });
    const fresh = connectClient(last.wsUrl, roomId, token);
    clients.push(fresh);
    await eventually(() => expect(docRoomList<string>(fresh.doc).toArray()).toEqual(written), 15_000);
    a.provider.destroy();
  });

  it('a reconnect storm: 1,000 clients reconnecting at once after a restart all resync, with bounded memory', { timeout: 180_000 }, async () => {
    const ROOMS = 20;
    const PER_ROOM = 50;
    const { dataDir, email, password, roomIds } = await prepare(ROOMS);
    const port = await freePort();
    const env = { MAX_CONNECTIONS_PER_ADDRESS: '5000' };
    const first = await spawnServer(dataDir, env, port);
    children.push(first);
    const token = await signIn(first, email, password);
    const storm: SyncClient[] = [];
    for (const roomId of roomIds) {
      for (let i = 0; i < PER_ROOM; i++) storm.push(connectClient(first.wsUrl, roomId, token));
    }
    clients.push(...storm);
    await Promise.all(storm.map((c) => c.synced));
    for (const [r, roomId] of roomIds.entries()) insertNotes(storm[r * PER_ROOM]!.doc, 0, `room ${roomId} before`);
    await eventually(() => {
      for (let r = 0; r < ROOMS; r++) expect(notesLength(storm[r * PER_ROOM + PER_ROOM - 1]!.doc)).toBeGreaterThan(0);
    }, 20_000);
    const rssBefore = rssMb(first.process.pid!);

    first.process.kill('SIGTERM');
    await first.exited;
    const started = Date.now();
    const second = await spawnServer(dataDir, env, port);
    children.push(second);
    let peak = rssMb(second.process.pid!);
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(second.process.pid!));
      } catch {
        // the process may have gone; the assertions below say so
      }
    }, 100);
    try {
      // Every client is connected and synced with the new server, and edits flow again.
      await eventually(() => expect(storm.filter((c) => c.provider.wsconnected && c.provider.synced).length).toBe(storm.length), 60_000, 100);
      const resynced = Date.now() - started;
      for (const [r, roomId] of roomIds.entries()) docRoomMap(storm[r * PER_ROOM + 1]!.doc).set('restart', roomId);
      await eventually(() => {
        for (const [r, roomId] of roomIds.entries()) expect(docRoomMap(storm[r * PER_ROOM + PER_ROOM - 1]!.doc).get('restart')).toBe(roomId);
      }, 30_000);
      const health = (await (await fetch(`${second.url}/api/health`)).json()) as { connections: number; queuedBytes: number };
      expect(health.connections).toBe(storm.length);
      report(
        `reconnect storm: ${storm.length} clients in ${ROOMS} rooms resynced ${resynced} ms after the restart; ` +
          `server RSS ${rssBefore} MB before, peak ${peak} MB during, ${rssMb(second.process.pid!)} MB after; ${health.queuedBytes} bytes queued`,
      );
      expect(peak).toBeLessThan(512);
    } finally {
      clearInterval(sampler);
      for (const c of storm) c.destroy();
      clients.splice(0);
    }
  });

  const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
  it('a soak of mixed load for a fixed time: the server stops growing once steady', { timeout: (SOAK_SECONDS + 120) * 1000 }, async () => {
    const SECONDS = SOAK_SECONDS;
    const { dataDir, email, password, roomIds } = await prepare(4);
    const server = await spawnServer(dataDir);
    children.push(server);
    const token = await signIn(server, email, password);
    const rng = new Rng(7);
    const target = targetDoc();
    const peers: SyncClient[] = [];
    for (const roomId of roomIds) for (let i = 0; i < 5; i++) peers.push(connectClient(server.wsUrl, roomId, token));
    clients.push(...peers);
    await Promise.all(peers.map((p) => p.synced));

    const samples: { t: number; mb: number }[] = [];
    const started = Date.now();
    let ops = 0;
    let attacks = 0;
    let reconnects = 0;
    while (Date.now() - started < SECONDS * 1000) {
      // Edits that overwrite rather than grow: the doc's size settles, so memory should too.
      for (const [n, peer] of peers.entries()) {
        if (notesLength(peer.doc) > 400) deleteNotes(peer.doc, 0, 40);
        insertNotes(peer.doc, notesLength(peer.doc), `${n}:${ops % 100} `);
        docRoomMap(peer.doc).set(`e${ops % 30}`, { label: `Element ${ops % 97}`, x: ops % 500 });
        peer.provider.awareness.setLocalStateField('cursor', { x: ops % 800, y: n });
        ops++;
      }
      // Now and then a hostile frame, and a client that drops and comes back.
      if (ops % 40 === 0) {
        const raw = new (await import('ws')).default(`${server.wsUrl}/${rng.pick(roomIds)}?token=${token}`);
        raw.on('error', () => undefined);
        raw.on('open', () => {
          raw.send(rng.chance(0.5) ? updateFrame(hostileUpdate(rng, target)) : hostileAwareness(rng, []));
          setTimeout(() => raw.terminate(), 200);
        });
        attacks++;
      }
      if (ops % 100 === 0) {
        const peer = rng.pick(peers);
        peer.provider.disconnect();
        peer.provider.connect();
        reconnects++;
      }
      await new Promise((r) => setTimeout(r, 25));
      const t = (Date.now() - started) / 1000;
      if (samples.length === 0 || t - samples[samples.length - 1]!.t >= 2) samples.push({ t, mb: rssMb(server.process.pid!) });
    }
    // Peers converge after the load stops.
    await eventually(() => {
      for (let r = 0; r < roomIds.length; r++) {
        const texts = peers.slice(r * 5, r * 5 + 5).map((p) => notesText(p.doc));
        expect(new Set(texts).size).toBe(1);
      }
    }, 20_000);
    // Steady state: the second half of the run. Growth is the fitted slope over it.
    const steady = samples.filter((s) => s.t >= SECONDS / 2);
    const n = steady.length;
    const mt = steady.reduce((s, x) => s + x.t, 0) / n;
    const mm = steady.reduce((s, x) => s + x.mb, 0) / n;
    const slope = steady.reduce((s, x) => s + (x.t - mt) * (x.mb - mm), 0) / steady.reduce((s, x) => s + (x.t - mt) ** 2, 0);
    const growth = slope * (steady[n - 1]!.t - steady[0]!.t);
    report(
      `soak: ${SECONDS} s, ${ops} edits, ${attacks} hostile frames, ${reconnects} reconnects; server RSS ` +
        `${samples.map((s) => Math.round(s.mb)).join(' ')} MB; fitted growth over the steady half ${growth.toFixed(1)} MB`,
    );
    expect(n).toBeGreaterThanOrEqual(5);
    // Allowing for the garbage collector's sawtooth, but not for a leak.
    expect(growth).toBeLessThan(25);
    for (const p of peers) p.destroy();
    clients.splice(0);
  });
});
