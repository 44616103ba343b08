/**
 * Fuzzing a live room: a real server, two honest y-websocket clients editing all the while, and
 * attackers (a member and a viewer) on raw sockets sending hostile frames from a seeded
 * generator. Used by the reliability suite (a fixed seed) and `npm run fuzz` (any seed, any
 * length). It checks what the issue promises: no crash, honest clients never closed, they
 * converge, and after unload and restart the stored room holds every honest edit.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createLogger } from '../../server/logger.js';
import { replayStoredDoc } from '../../server/ydoc/replay.js';
import { connectClient, createPerson, createRoom, eventually, startTestServer, tempDir, type SyncClient, type TestServer } from '../helpers/server.js';
import {
  SYNC_STEP2,
  SYNC_UPDATE,
  awarenessJsonFrame,
  deleteNotes,
  docRoomMap,
  insertNotes,
  notesLength,
  notesText,
  step1Frame,
  syncFrame,
  updateFrame,
} from '../helpers/sync.js';
import { FUZZ_ROOM_KIND, Rng, hostileAwareness, hostileUpdate, mutateBytes, targetDoc } from './hostile.js';

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Attacker sockets open at once. */
  sockets?: number;
  /** Where to write frames that broke something (the regression corpus). */
  corpusDir?: string;
  progress?: (line: string) => void;
}

export interface FuzzResult {
  frames: number;
  /** Frames after which the server closed the attacker's socket. */
  attackerClosed: number;
  reconnects: number;
  honestEdits: number;
  /** Updates the room applied and then refused by its rules, and of those, refused for their root alone. */
  refusedByRules: number;
  refusedForRoot: number;
  /** Everything that went wrong; empty when the room survived. */
  failures: string[];
  ms: number;
}

/** One frame of the kinds an attacker sends, named for the corpus. */
function nextFrame(rng: Rng, target: Y.Doc, honestFrames: Uint8Array[], victims: number[], own: Y.Doc): { kind: string; frame: Uint8Array } {
  const roll = rng.int(100);
  if (roll < 35) return { kind: 'hostile-update', frame: syncFrame(rng.chance(0.2) ? SYNC_STEP2 : SYNC_UPDATE, hostileUpdate(rng, target)) };
  if (roll < 55 && honestFrames.length > 0) return { kind: 'mutated-frame', frame: mutateBytes(rng, rng.pick(honestFrames)) };
  if (roll < 70) return { kind: 'hostile-awareness', frame: hostileAwareness(rng, victims) };
  if (roll < 78) {
    const bytes = new Uint8Array(1 + rng.int(64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    return { kind: 'random-bytes', frame: bytes };
  }
  if (roll < 85) {
    // Valid headers over garbage, and huge claimed lengths.
    const garbage = new Uint8Array(rng.int(40));
    for (let i = 0; i < garbage.length; i++) garbage[i] = rng.int(256);
    const head = rng.pick([
      [0, 0],
      [0, 1],
      [0, 2],
      [1],
      [0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f],
      [1, 0xff, 0xff, 0xff, 0x7f],
    ]);
    return { kind: 'header-over-garbage', frame: Uint8Array.from([...head, ...garbage]) };
  }
  // A valid edit from the attackers' own doc (one doc, so the room does not gather a new client
  // id per frame): accepted from the member, dropped from the viewer, never disturbing others.
  const sv = Y.encodeStateVector(own);
  docRoomMap(own).set(`k${rng.int(1000)}`, rng.int(1000));
  return { kind: 'valid-update', frame: updateFrame(Y.encodeStateAsUpdate(own, sv)) };
}

/**
 * An attacker's socket that sends one frame at a time and learns whether the server handled
 * it: each frame is followed by a sync step 1, which the room answers (with step 2) only after
 * every message before it, and never once it has refused the connection.
 */
class Attacker {
  readonly ws: WebSocket;
  readonly open: Promise<boolean>;
  closed = false;
  private waiting: ((closed: boolean) => void) | null = null;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.open = new Promise<boolean>((resolve) => {
      this.ws.once('open', () => resolve(true));
      this.ws.once('close', () => resolve(false));
    });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => {
      // [0, 1, ...]: sync step 2, the answer to our probe.
      if (data[0] === 0 && data[1] === 1) this.settle(false);
    });
    this.ws.on('close', () => {
      this.closed = true;
      this.settle(true);
    });
  }

  private settle(closed: boolean): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(closed);
  }

  /**
   * Sends a frame; resolves true when the server closed the socket for it. The probe's state
   * vector should be close to the room's, so the answer stays small.
   */
  send(frame: Uint8Array, stateVector: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      this.waiting = resolve;
      this.ws.send(frame);
      this.ws.send(step1Frame(stateVector));
    });
  }
}

/** A map's content as JSON with its keys sorted: the order of a map's keys is not content. */
function mapJson(doc: Y.Doc): string {
  const json = docRoomMap(doc).toJSON() as Record<string, unknown>;
  return JSON.stringify(Object.keys(json).sort().map((k) => [k, json[k]]));
}

/** Runs the fuzz and reports; never throws for what it finds (the caller asserts). */
export async function fuzzRoom(options: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const failures: string[] = [];
  const dataDir = tempDir('slw-fuzz-');
  // Counts the room's rule refusals: the hostile updates should mostly get past the check of
  // their root to Yjs and the guard, not be refused for naming a root the room does not have.
  let refusedByRules = 0;
  let refusedForRoot = 0;
  const log = createLogger('warn', (_level, line) => {
    if (!line.includes('breaks the room’s rules')) return;
    refusedByRules++;
    if (line.includes('room does not have')) refusedForRoot++;
  });
  let server: TestServer = await startTestServer({ ROOM_IDLE_MS: '100' }, dataDir, { log });
  const alice = await createPerson(server, { site: 'torbay', role: 'member' });
  const bob = await createPerson(server, { site: 'torbay', role: 'member' });
  const mallory = await createPerson(server, { site: 'torbay', role: 'member' });
  const vic = await createPerson(server, { site: 'torbay', role: 'viewer' });
  const roomId = await createRoom(server, alice, 'torbay', FUZZ_ROOM_KIND);
  const a = connectClient(server.wsUrl, roomId, alice.token);
  const b = connectClient(server.wsUrl, roomId, bob.token);
  const honest: SyncClient[] = [a, b];
  await Promise.all([a.synced, b.synced]);
  a.provider.awareness.setLocalStateField('cursor', { x: 1, y: 1 });

  // Real frames to mutate: what the honest clients send.
  const honestFrames: Uint8Array[] = [];
  a.doc.on('update', (u: Uint8Array) => {
    if (honestFrames.length < 200) honestFrames.push(updateFrame(u));
  });
  honestFrames.push(awarenessJsonFrame([{ clientID: a.doc.clientID, clock: 1, json: JSON.stringify({ cursor: { x: 1, y: 2 } }) }]));

  let honestEdits = 0;
  const edit = (client: SyncClient, n: number) => {
    const length = notesLength(client.doc);
    if (rng.chance(0.7) || length < 5) insertNotes(client.doc, rng.int(length + 1), `${n} `);
    else deleteNotes(client.doc, rng.int(length - 2), 2);
    docRoomMap(client.doc).set(`e${n % 50}`, { label: `Element ${n}` });
    honestEdits++;
  };
  for (let i = 0; i < 20; i++) edit(i % 2 ? a : b, i);

  const target = targetDoc();
  const attackerDoc = new Y.Doc();
  const victims = [a.doc.clientID, b.doc.clientID];
  const urls = [mallory, vic].map((p) => `${server.wsUrl}/${roomId}?token=${p.token}`);
  const sockets = options.sockets ?? 6;
  let attackerClosed = 0;
  let reconnects = 0;
  const corpus: { kind: string; frame: Uint8Array }[] = [];
  let taken = 0;
  let stop = false;

  // Each socket sends its next frame once the server has handled its last; frames are made in
  // one seeded sequence (which socket sends which varies with timing).
  const worker = async (slot: number): Promise<void> => {
    let attacker = new Attacker(urls[slot % urls.length]!);
    while (!stop && taken < options.frames) {
      if (attacker.closed || !(await attacker.open)) {
        reconnects++;
        attacker = new Attacker(urls[reconnects % urls.length]!);
        if (!(await attacker.open)) {
          failures.push(`an attacker could not reconnect after ${taken} frames`);
          stop = true;
          return;
        }
      }
      // (Checked again: another socket may have taken the last frame while this one reconnected.)
      if (taken >= options.frames) break;
      const i = taken++;
      const next = nextFrame(rng, target, honestFrames, victims, attackerDoc);
      corpus.push(next);
      if (corpus.length > 64) corpus.shift();
      if (i % 50 === 0) edit(rng.chance(0.5) ? a : b, 100 + i);
      if (await attacker.send(next.frame, Y.encodeStateVector(a.doc))) attackerClosed++;
      if (a.closeCodes.length > 0 || b.closeCodes.length > 0) {
        failures.push(`an honest client was closed (${[...a.closeCodes, ...b.closeCodes].join(', ')}) by frame ~${i}`);
        stop = true;
      }
      if (options.progress && i % 10_000 === 9_999) {
        options.progress(`${i + 1} frames, ${reconnects} reconnects, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    attacker.ws.terminate();
  };
  await Promise.all(Array.from({ length: sockets }, (_, slot) => worker(slot)));
  const sent = taken;

  // Honest clients converge with each other and with what the room stored.
  edit(a, 999_998);
  edit(b, 999_999);
  try {
    await eventually(() => {
      if (notesText(a.doc) !== notesText(b.doc)) throw new Error('notes differ');
      const ea = docRoomMap(a.doc).toJSON() as Record<string, unknown>;
      const eb = docRoomMap(b.doc).toJSON() as Record<string, unknown>;
      const differing = [...new Set([...Object.keys(ea), ...Object.keys(eb)])].filter((k) => JSON.stringify(ea[k]) !== JSON.stringify(eb[k]));
      if (differing.length > 0) {
        throw new Error(`elements differ: ${differing.slice(0, 3).map((k) => `${k}: ${JSON.stringify(ea[k])} / ${JSON.stringify(eb[k])}`).join('; ')}`);
      }
    }, 20_000);
  } catch (error) {
    failures.push(`honest clients did not converge: ${(error as Error).message}`);
  }
  if (a.closeCodes.length > 0 || b.closeCodes.length > 0) failures.push(`an honest client was closed: ${[...a.closeCodes, ...b.closeCodes].join(', ')}`);
  const expectedNotes = notesText(a.doc);
  const expectedElements = mapJson(a.doc);
  for (const c of honest) c.destroy();

  // Unload and restart: the stored room opens and holds every honest edit.
  await server.close();
  server = await startTestServer({}, dataDir);
  try {
    const { doc, problems } = replayStoredDoc(await server.storage.loadDoc(roomId));
    if (problems.length > 0) failures.push(`the stored room needed repairs: ${problems.join('; ')}`);
    if (notesText(doc) !== expectedNotes) failures.push('the stored notes differ from what the clients hold');
    if (mapJson(doc) !== expectedElements) failures.push('the stored elements differ from what the clients hold');
    const late = connectClient(server.wsUrl, roomId, alice.token);
    await Promise.race([late.synced, new Promise((r) => setTimeout(r, 10_000))]);
    if (notesText(late.doc) !== expectedNotes) failures.push('a client after the restart does not get the notes');
    late.destroy();
  } finally {
    await server.dispose();
  }

  if (failures.length > 0 && options.corpusDir) {
    // Keep the frames sent just before the failure, to be replayed as a regression case.
    if (!existsSync(options.corpusDir)) mkdirSync(options.corpusDir, { recursive: true });
    const file = join(options.corpusDir, `seed-${options.seed}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify({ seed: options.seed, failures, frames: corpus.map((c) => ({ kind: c.kind, hex: Buffer.from(c.frame).toString('hex') })) }, null, 1));
    failures.push(`the last ${corpus.length} frames are in ${file}`);
  }
  return { frames: sent, attackerClosed, reconnects, honestEdits, refusedByRules, refusedForRoot, failures, ms: Date.now() - started };
}
