/**
 * The storage side of the sync benchmark (issue 18), run by `npm run bench:sync -- --cold-load |
 * --idle | --kill | --suite` against this server, the reference and Hocuspocus with its SQLite
 * extension (bench/syncTargets.ts):
 *
 * - cold load: one room gets a history of `--history` updates (100,000) through the server, as
 *   clients would make them; the server is stopped and started again (the reference, which keeps
 *   nothing, serves it from memory), and the time from a fresh client connecting to it holding
 *   the whole document is measured `--loads` times;
 * - idle rooms: `--idle-rooms` rooms, each with a little content and one connected client doing
 *   nothing; the server's resident memory before and after, per room;
 * - kill -9: `--rooms` × `--clients` clients editing at `--rate` for `--seconds`, then SIGKILL.
 *   An edit counts as lost if another client had received it (so its author and others saw it
 *   made) and storage lacks it afterwards. This server promises none.
 *
 * It prints figures; it asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { currentRssMb, fmt, median, procStats, ratio, sleep, table } from './common.js';
import type { SuiteRow } from './sync.js';
import {
  EDIT_ROOT,
  MessageCounts,
  connect,
  hocuspocusServer,
  providerFor,
  referenceServer,
  thisServer,
  withTimeout,
  type ClientConnection,
  type StartedTarget,
  type Target,
  type TargetOptions,
} from './syncTargets.js';

export type StorageWorkload = 'cold-load' | 'idle' | 'kill';

export interface StorageOptions extends TargetOptions {
  clients: number;
  rate: number;
  seconds: number;
  history: number;
  loads: number;
  idleRooms: number;
}

const TARGETS: Target[] = [thisServer, referenceServer, hocuspocusServer];

/** A client of `target` in `room`, with its doc and the first sync awaited. */
async function client(target: Target, started: StartedTarget, room: string, timeoutMs = 60_000): Promise<{ doc: Y.Doc; connection: ClientConnection }> {
  const doc = new Y.Doc();
  const connection = connect(providerFor(target), {
    wsUrl: started.wsUrl,
    room,
    doc,
    params: started.params,
    counts: new MessageCounts(),
    ownPresenceOnly: true,
  });
  await withTimeout(connection.synced, timeoutMs, `first sync with ${target.name} in ${room}`);
  return { doc, connection };
}

function close(c: { doc: Y.Doc; connection: ClientConnection }): void {
  c.connection.destroy();
  c.doc.destroy();
}

/** Waits until `doc` holds everything `clientId` wrote up to `clock`. */
async function caughtUp(doc: Y.Doc, clientId: number, clock: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (Y.getState(doc.store, clientId) < clock) {
    if (performance.now() > deadline) throw new Error(`${what}: ${Y.getState(doc.store, clientId)} of ${clock} after ${timeoutMs} ms`);
    await sleep(5);
  }
}

// ---- cold load -------------------------------------------------------------------------------

interface ColdLoad {
  target: Target;
  writeSeconds: number;
  docBytes: number;
  loadsMs: number[];
  rssAfterLoadMb: (number | null)[];
}

/**
 * The history: `n` transactions, each setting one of 1,000 keys to a new number, so the document
 * holds 1,000 live values over `n - 1000` overwritten ones, as a long-edited map does.
 */
async function writeHistory(target: Target, started: StartedTarget, room: string, n: number): Promise<{ seconds: number; writer: Y.Doc }> {
  const writer = await client(target, started, room);
  const observer = await client(target, started, room);
  const map = writer.doc.getMap<number>(EDIT_ROOT);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    map.set(`k${i % 1000}`, i);
    // Let the socket drain now and then, as a person typing would.
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  const clock = Y.getState(writer.doc.store, writer.doc.clientID);
  // What another client has received the server has relayed (this server: stored before relaying).
  await caughtUp(observer.doc, writer.doc.clientID, clock, 600_000, `${target.name}: history reaching a second client`);
  const seconds = (performance.now() - t0) / 1000;
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer.doc));
  close(writer);
  close(observer);
  return { seconds, writer: copy };
}

async function coldLoad(target: Target, opts: StorageOptions): Promise<ColdLoad> {
  console.log(`\n▶ cold load: ${target.label}`);
  const started = await target.start({ ...opts, rooms: 1 });
  try {
    const room = started.roomNames[0]!;
    const { seconds, writer } = await writeHistory(target, started, room, opts.history);
    const expected = Y.getState(writer.store, writer.clientID);
    const docBytes = Y.encodeStateAsUpdate(writer).byteLength;
    console.log(`  ${opts.history} updates written and relayed in ${seconds.toFixed(1)} s; the document is ${(docBytes / 1024).toFixed(0)} kB`);
    if (target.persists) {
      // Its own shutdown stores what it holds; then what it stored must be the whole history.
      await started.stop();
      const stored = await started.readStored(room);
      const got = stored ? Y.getState(stored.store, writer.clientID) : 0;
      stored?.destroy();
      if (got < expected) throw new Error(`${target.name} stored ${got} of ${expected} updates before the cold load`);
    }
    const loadsMs: number[] = [];
    const rss: (number | null)[] = [];
    for (let i = 0; i < opts.loads; i++) {
      if (target.persists) await started.restart();
      const t0 = performance.now();
      const reader = await client(target, started, room);
      await caughtUp(reader.doc, writer.clientID, expected, 60_000, `${target.name}: cold load`);
      loadsMs.push(performance.now() - t0);
      rss.push(currentRssMb(started.server.child.pid));
      close(reader);
      if (target.persists) await started.stop();
    }
    writer.destroy();
    console.log(`  loads: ${loadsMs.map((ms) => ms.toFixed(0)).join(', ')} ms (${target.persists ? 'each after a restart' : 'from memory: it keeps nothing across a restart'})`);
    return { target, writeSeconds: seconds, docBytes, loadsMs, rssAfterLoadMb: rss };
  } finally {
    await started.dispose();
  }
}

// ---- idle rooms ------------------------------------------------------------------------------

interface IdleRooms {
  target: Target;
  rooms: number;
  rssBeforeMb: number | null;
  rssAfterMb: number | null;
}

async function idleRooms(target: Target, opts: StorageOptions): Promise<IdleRooms> {
  console.log(`\n▶ idle rooms: ${target.label}`);
  const started = await target.start({ ...opts, rooms: opts.idleRooms });
  const clients: { doc: Y.Doc; connection: ClientConnection }[] = [];
  try {
    await sleep(2000);
    const rssBeforeMb = currentRssMb(started.server.child.pid);
    // A few at a time, as people arrive; each room gets 20 values, then its client sits idle.
    for (let i = 0; i < started.roomNames.length; i += 25) {
      const batch = await Promise.all(started.roomNames.slice(i, i + 25).map((room) => client(target, started, room)));
      for (const c of batch) {
        const map = c.doc.getMap<number>(EDIT_ROOT);
        for (let k = 0; k < 20; k++) map.set(`k${k}`, k);
      }
      clients.push(...batch);
    }
    // Past every server's debounce (Hocuspocus stores 2 s after the last change), so all is quiet.
    await sleep(5000);
    const rssAfterMb = currentRssMb(started.server.child.pid);
    console.log(`  ${clients.length} rooms loaded, one idle client each: RSS ${fmt(rssBeforeMb, 0)} → ${fmt(rssAfterMb, 0)} MB`);
    return { target, rooms: clients.length, rssBeforeMb, rssAfterMb };
  } finally {
    for (const c of clients) close(c);
    await started.dispose();
  }
}

function perRoomKb(r: IdleRooms): number | null {
  return r.rssBeforeMb === null || r.rssAfterMb === null ? null : ((r.rssAfterMb - r.rssBeforeMb) * 1024) / r.rooms;
}

// ---- kill -9 ---------------------------------------------------------------------------------

interface KillRun {
  target: Target;
  edits: number;
  /** Edits at least one other client had applied before the kill. */
  relayed: number;
  /** Of those, the ones storage lacks after the kill. */
  lostRelayed: number;
  /** Edits no other client had received that storage lacks (not promised by anyone). */
  lostUnrelayed: number;
  cpuSeconds: number | null;
}

async function killRun(target: Target, opts: StorageOptions): Promise<KillRun> {
  console.log(`\n▶ kill -9: ${target.label}`);
  const started = await target.start(opts);
  const relayed = new Set<string>();
  const made = new Map<string, string>(); // edit key → room
  const clients: { doc: Y.Doc; connection: ClientConnection; timer?: NodeJS.Timeout }[] = [];
  try {
    for (const [r, room] of started.roomNames.entries()) {
      const inRoom = await Promise.all(Array.from({ length: opts.clients }, () => client(target, started, room)));
      for (const [c, peer] of inRoom.entries()) {
        const map = peer.doc.getMap<number>(EDIT_ROOT);
        map.observe((event, transaction) => {
          if (!transaction.local) for (const key of event.keysChanged) relayed.add(key);
        });
        let seq = 0;
        const entry: (typeof clients)[number] = { ...peer };
        // Open loop from a random phase, as in the live-editing workload.
        const interval = 1000 / opts.rate;
        entry.timer = setTimeout(function tick() {
          const key = `r${r}c${c}.${++seq}`;
          made.set(key, room);
          map.set(key, seq);
          entry.timer = setTimeout(tick, interval);
        }, Math.random() * interval);
        clients.push(entry);
      }
    }
    console.log(`  ${clients.length} clients editing for ${opts.seconds} s, then SIGKILL`);
    const cpuBefore = procStats(started.server.child.pid);
    await sleep(opts.seconds * 1000);
    const cpuAfter = procStats(started.server.child.pid);
    await started.kill();
    // At once, before any provider reconnects to send its edits again (which would hide the loss).
    for (const c of clients) {
      clearTimeout(c.timer);
      close(c);
    }
    const relayedCopy = new Set(relayed);
    const stored = new Map<string, Set<string>>();
    for (const room of started.roomNames) {
      const doc = await started.readStored(room);
      stored.set(room, new Set(doc ? doc.getMap(EDIT_ROOT).keys() : []));
      doc?.destroy();
    }
    let lostRelayed = 0;
    let lostUnrelayed = 0;
    for (const [key, room] of made) {
      if (stored.get(room)!.has(key)) continue;
      if (relayedCopy.has(key)) lostRelayed++;
      else lostUnrelayed++;
    }
    const result = {
      target,
      edits: made.size,
      relayed: relayedCopy.size,
      lostRelayed,
      lostUnrelayed,
      cpuSeconds: cpuBefore && cpuAfter ? cpuAfter.cpuSeconds - cpuBefore.cpuSeconds : null,
    };
    console.log(
      target.persists
        ? `  ${result.edits} edits, ${result.relayed} received by another client; lost: ${lostRelayed} of those, ${lostUnrelayed} not yet received by anyone`
        : `  ${result.edits} edits; it stores nothing, so all ${result.edits} are gone after a restart`,
    );
    return result;
  } finally {
    for (const c of clients) {
      clearTimeout(c.timer);
      close(c);
    }
    await started.dispose();
  }
}

// ---- the run and its report --------------------------------------------------------------------

export async function runStorageWorkloads(workloads: StorageWorkload[], all: StorageOptions & { only: string }): Promise<SuiteRow[]> {
  const targets = TARGETS.filter((t) => all.only === 'both' || t.name === all.only);
  const rows: SuiteRow[] = [];
  const pick = <T extends { target: Target }>(results: T[], target: Target, f: (r: T) => number | null) => {
    const r = results.find((x) => x.target === target);
    return r ? f(r) : null;
  };
  const add = <T extends { target: Target }>(workload: string, metric: string, results: T[], f: (r: T) => number | null) =>
    rows.push({ workload, metric, this: pick(results, thisServer, f), reference: pick(results, referenceServer, f), hocuspocus: pick(results, hocuspocusServer, f) });

  if (workloads.includes('cold-load')) {
    const results: ColdLoad[] = [];
    for (const t of targets) results.push(await coldLoad(t, all));
    console.log(`\n=== Cold load of a room with a ${all.history}-update history (${all.loads} loads each; median) ===`);
    console.log(
      table([
        ['', ...results.map((r) => r.target.name)],
        ['load, connect → whole document (ms), median', ...results.map((r) => fmt(median(r.loadsMs), 0))],
        ['load (ms), each', ...results.map((r) => r.loadsMs.map((ms) => ms.toFixed(0)).join(' '))],
        ['server RSS after the load (MB)', ...results.map((r) => fmt(median(r.rssAfterLoadMb.flatMap((x) => (x === null ? [] : [x]))), 0))],
        ['history written and relayed (updates/s)', ...results.map((r) => fmt(all.history / r.writeSeconds, 0))],
        ['document size (kB)', ...results.map((r) => fmt(r.docBytes / 1024, 0))],
        ['how it loads', ...results.map((r) => (r.target.persists ? 'from storage, after a restart' : 'from memory (keeps nothing)'))],
      ]),
    );
    add(`cold load, ${all.history}-update history`, 'ms, median', results, (r) => median(r.loadsMs));
  }
  if (workloads.includes('idle')) {
    const results: IdleRooms[] = [];
    for (const t of targets) results.push(await idleRooms(t, all));
    console.log(`\n=== Memory per idle loaded room (${all.idleRooms} rooms, one idle client each) ===`);
    console.log(
      table([
        ['', ...results.map((r) => r.target.name)],
        ['RSS before (MB)', ...results.map((r) => fmt(r.rssBeforeMb, 0))],
        ['RSS with the rooms loaded (MB)', ...results.map((r) => fmt(r.rssAfterMb, 0))],
        ['per room (kB)', ...results.map((r) => fmt(perRoomKb(r), 0))],
      ]),
    );
    add(`${all.idleRooms} idle loaded rooms`, 'RSS kB per room', results, perRoomKb);
  }
  if (workloads.includes('kill')) {
    const results: KillRun[] = [];
    for (const t of targets) results.push(await killRun(t, all));
    console.log(`\n=== kill -9 mid-run (${all.rooms} rooms × ${all.clients} clients, ${all.rate} edits/client/s, killed after ${all.seconds} s) ===`);
    console.log(
      table([
        ['', ...results.map((r) => r.target.name)],
        ['edits made', ...results.map((r) => String(r.edits))],
        ['received by another client before the kill', ...results.map((r) => String(r.relayed))],
        ['of those, lost (storage lacks them)', ...results.map((r) => (r.target.persists ? String(r.lostRelayed) : `${r.relayed} (stores nothing)`))],
        ['not yet received by anyone, lost', ...results.map((r) => (r.target.persists ? String(r.lostUnrelayed) : 'n/a'))],
        ['server CPU while editing (% of one core)', ...results.map((r) => fmt(r.cpuSeconds === null ? null : (r.cpuSeconds / all.seconds) * 100, 0))],
      ]),
    );
    const ours = results.find((r) => r.target === thisServer);
    if (ours) {
      console.log(
        `\nverdict: promise "no edit another client had received is lost on kill -9" ${ours.lostRelayed === 0 ? 'KEPT' : 'BROKEN'}: ` +
          `${ours.lostRelayed} of ${ours.relayed} lost`,
      );
    }
    add('kill -9 mid-run', 'received edits lost', results, (r) => (r.target.persists ? r.lostRelayed : r.relayed));
  }
  const hp = rows.filter((r) => r.this !== null && r.hocuspocus !== null);
  if (hp.length > 0) {
    console.log('');
    for (const r of hp) console.log(`${r.workload}: this/Hocuspocus ${ratio(r.this, r.hocuspocus)}, this/reference ${ratio(r.this, r.reference)}`);
  }
  return rows;
}
