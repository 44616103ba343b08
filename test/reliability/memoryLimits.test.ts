/**
 * Issue 13: memory is bounded. Readers that stop reading are dropped once what waits for them
 * passes their share, and one address cannot open sockets without limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CloseCode } from '../../shared/closeCodes.js';
import {
  connectClient,
  createPerson,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';
import { docRoomMap, step1Frame } from '../helpers/sync.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.dispose();
});

/** Stops reading from the socket: the kernel buffers fill, then the server's queue does. */
function stopReading(ws: WebSocket): void {
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
}

describe('slow readers', () => {
  it('six viewers that stop reading while a member writes 150 × 200 KB are dropped; memory waiting for them stays bounded', async () => {
    const perRoom = 4 * 1024 * 1024;
    const server = await startTestServer({
      MAX_QUEUED_BYTES_PER_CONNECTION: String(1024 * 1024),
      MAX_QUEUED_BYTES_PER_ROOM: String(perRoom),
      MAX_MESSAGE_BYTES: String(1024 * 1024),
    });
    servers.push(server);
    const writer = await createPerson(server, { site: 'torbay', role: 'member' });
    const viewer = await createPerson(server, { site: 'torbay', role: 'viewer' });
    const roomId = await createRoom(server, writer, 'torbay', 'doc');
    const w = connectClient(server.wsUrl, roomId, writer.token);
    const reader = connectClient(server.wsUrl, roomId, viewer.token);
    await Promise.all([w.synced, reader.synced]);

    const stalled = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const raw = await rawSocket(`${server.wsUrl}/${roomId}?token=${viewer.token}`);
        raw.ws.send(step1Frame());
        await eventually(() => expect(raw.messages.length).toBeGreaterThan(0));
        stopReading(raw.ws);
        return raw;
      }),
    );

    // Sampled between the server's own work (it runs in this process) until the end.
    let maxQueued = 0;
    const sampler = setInterval(() => (maxQueued = Math.max(maxQueued, server.sync.budget.queued)), 1);
    const chunk = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 150; i++) {
      docRoomMap(w.doc).set(`b${i % 10}`, `${i}${chunk}`);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
    }
    // Every stalled reader was dropped by the server (they do not read, so they cannot see it:
    // the server's count of connections says so)...
    await eventually(() => expect(server.sync.stats().connections).toBe(2), 10_000);
    clearInterval(sampler);
    // (Something did wait for them: the measure can fail.)
    expect(maxQueued).toBeGreaterThan(1024 * 1024);
    // ...while the honest reader, who keeps reading, gets everything and stays connected.
    await eventually(() => expect((docRoomMap(reader.doc).get('b9') as string).startsWith('149')).toBe(true), 15_000);
    expect(reader.closeCodes).toEqual([]);
    expect(w.closeCodes).toEqual([]);
    // What waited for the stalled readers never passed the room's cap (plus one message).
    expect(maxQueued).toBeLessThanOrEqual(perRoom + 1024 * 1024);
    process.stdout.write(
      `[reliability] slow readers: 6 stalled viewers dropped while a member wrote 150 × 200 KB; ` +
        `at most ${(maxQueued / 1024 / 1024).toFixed(1)} MB waited (room cap ${perRoom / 1024 / 1024} MB, 1 MB a connection)\n`,
    );
    await eventually(() => expect(server.sync.budget.queued).toBe(0));
    w.destroy();
    reader.destroy();
    for (const s of stalled) s.ws.terminate();
  });
});

describe('connections per address', () => {
  it('refuses sockets past MAX_CONNECTIONS_PER_ADDRESS with 1013, and counts a closed one back', async () => {
    const server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '3' });
    servers.push(server);
    const alice = await createPerson(server, { site: 'torbay', role: 'member' });
    const roomId = await createRoom(server, alice, 'torbay');
    const url = `${server.wsUrl}/${roomId}?token=${alice.token}`;
    const open = await Promise.all([rawSocket(url), rawSocket(url), rawSocket(url)]);
    const refused = await rawSocket(url);
    const closed = await refused.closed;
    expect(closed.code).toBe(CloseCode.TryAgainLater);
    expect(closed.reason).toMatch(/too many connections/);

    open[0]!.ws.close();
    await open[0]!.closed;
    await eventually(async () => {
      const again = await rawSocket(url);
      again.ws.send(step1Frame());
      await eventually(() => expect(again.messages.length).toBeGreaterThan(0), 1000);
      again.ws.close();
    });
    for (const s of open.slice(1)) s.ws.close();
  });
});
