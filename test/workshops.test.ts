/**
 * Workshops through the real server: facilitators create and run them, everyone in the site
 * reads them, and the live state (step, timer) is written by the server into the workshop's
 * room, so unmodified y-websocket clients receive it live, and it survives a restart.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/closeCodes.js';
import type { Workshop, WorkshopList } from '../shared/workshops/api.js';
import { readWorkshopLive, WORKSHOP_LIVE_ROOT, type WorkshopLive } from '../shared/workshops/live.js';
import {
  api,
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  tempDir,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let facilitator: Person;
let member: Person;
let viewer: Person;
let yorkViewer: Person;
let mapId: string;
const clients: SyncClient[] = [];

const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer();
  facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
  member = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon Police' });
  viewer = await createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vi', organisation: 'Healthwatch' });
  yorkViewer = await createPerson(server, { site: 'york', role: 'viewer', name: 'Yan', organisation: 'York CVS' });
  mapId = await createRoom(server, facilitator, 'torbay', 'map', 'High street map');
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

function connect(roomId: string, person: Person, on: TestServer = server): SyncClient {
  const c = connectClient(on.wsUrl, roomId, person.token);
  clients.push(c);
  return c;
}

const agenda = () => ({
  title: 'Mapping morning',
  startsAt: '2026-03-02T10:00:00+01:00',
  steps: [
    { title: 'Check-in', kind: 'round', minutes: 10 },
    { title: 'Map the causes', kind: 'brainstorm', minutes: 45, roomId: mapId },
    { title: 'Prioritise', kind: 'vote', minutes: 20 },
  ],
});

async function createWorkshop(on: TestServer = server, by: Person = facilitator): Promise<Workshop> {
  const res = await api(on, '/api/sites/torbay/workshops', { token: by.token, body: agenda() });
  if (res.status !== 201) throw new Error(`workshop create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Workshop;
}

/** Moves the workshop on as `by`, and returns the status and answer. */
function run(id: string, by: Person, action: 'step' | 'timer', body: unknown, on: TestServer = server) {
  return api(on, `/api/workshops/${id}/${action}`, { token: by.token, body });
}

describe('creating, listing and reading workshops', () => {
  it('lets a facilitator create one with its room, and everyone in the site list and read it', async () => {
    const made = await createWorkshop();
    expect(made).toMatchObject({
      siteSlug: 'torbay',
      title: 'Mapping morning',
      startsAt: '2026-03-02T09:00:00.000Z',
      createdBy: facilitator.id,
      endedAt: null,
      live: { step: 0, timer: { status: 'idle' }, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null },
    });
    expect(made.steps.map((s) => [s.title, s.kind, s.minutes, s.roomId])).toEqual([
      ['Check-in', 'round', 10, null],
      ['Map the causes', 'brainstorm', 45, mapId],
      ['Prioritise', 'vote', 20, null],
    ]);
    expect(new Set(made.steps.map((s) => s.id)).size).toBe(3);

    // Its room is of kind `workshop`, readable like any room of the site, but not among the site's rooms.
    const room = await api(server, `/api/rooms/${made.roomId}`, { token: member.token });
    expect(room.body).toMatchObject({ kind: 'workshop', title: 'Mapping morning', siteSlug: 'torbay' });
    const rooms = await api(server, '/api/sites/torbay/rooms', { token: member.token });
    expect((rooms.body as { rooms: { id: string }[] }).rooms.map((r) => r.id)).not.toContain(made.roomId);
    // It cannot be renamed, archived or locked on its own, nor versioned.
    expect((await api(server, `/api/rooms/${made.roomId}`, { method: 'PATCH', token: facilitator.token, body: { locked: true } })).status).toBe(409);
    expect((await api(server, `/api/rooms/${made.roomId}/versions`, { token: facilitator.token, body: { name: 'v' } })).status).toBe(409);

    for (const reader of [member, viewer]) {
      const list = await api(server, '/api/sites/torbay/workshops', { token: reader.token });
      expect(list.status).toBe(200);
      const listed = (list.body as WorkshopList).workshops.find((w) => w.id === made.id);
      const { live: _live, ...summary } = made;
      expect(listed).toEqual(summary);
      const one = await api(server, `/api/workshops/${made.id}`, { token: reader.token });
      expect(one.status).toBe(200);
      expect(one.body).toEqual(made);
    }
    const newer = await createWorkshop();
    const list = await api(server, '/api/sites/torbay/workshops', { token: viewer.token });
    expect((list.body as WorkshopList).workshops.map((w) => w.id).slice(0, 2)).toEqual([newer.id, made.id]);
  });

  it('refuses members and viewers the facilitator’s actions (403), and hides workshops from other sites (404)', async () => {
    const made = await createWorkshop();
    for (const who of [member, viewer]) {
      expect((await api(server, '/api/sites/torbay/workshops', { token: who.token, body: agenda() })).status).toBe(403);
      const step = await run(made.id, who, 'step', { index: 1 });
      expect(step.status).toBe(403);
      expect(step.body).toMatchObject({ error: { code: 'forbidden' } });
      expect((await run(made.id, who, 'timer', { action: 'start' })).status).toBe(403);
    }
    const hidden = await api(server, `/api/workshops/${made.id}`, { token: yorkViewer.token });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toMatchObject({ error: { code: 'not_found' } });
    expect((await run(made.id, yorkViewer, 'step', { index: 1 })).status).toBe(404);
    expect((await run(made.id, yorkViewer, 'timer', { action: 'pause' })).status).toBe(404);
    // Unknown and other sites' workshops answer alike.
    expect((await api(server, '/api/workshops/NoSuchWorkshop1', { token: yorkViewer.token })).status).toBe(404);
    expect((await api(server, '/api/sites/torbay/workshops', { token: yorkViewer.token })).status).toBe(403);
    expect((await api(server, `/api/workshops/${made.id}`)).status).toBe(401);
    // Nothing changed.
    expect(((await api(server, `/api/workshops/${made.id}`, { token: member.token })).body as Workshop).live).toEqual({ step: 0, timer: { status: 'idle' }, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null });
  });

  it('refuses bad input with 400 and a message that says what is wrong', async () => {
    const bad = async (body: unknown, message: RegExp) => {
      const res = await api(server, '/api/sites/torbay/workshops', { token: facilitator.token, body });
      expect(res.status).toBe(400);
      expect((res.body as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad({ ...agenda(), steps: [] }, /at least one step/);
    await bad({ ...agenda(), steps: Array.from({ length: 31 }, () => agenda().steps[0]) }, /at most 30 steps/);
    await bad({ ...agenda(), title: 'x'.repeat(201) }, /title/);
    await bad({ ...agenda(), title: 'Two\nlines' }, /title/);
    await bad({ ...agenda(), startsAt: 'next tuesday' }, /startsAt/);
    await bad({ ...agenda(), steps: [{ title: 'Long', kind: 'round', minutes: 0 }] }, /at least 1 minute/);
    await bad({ ...agenda(), steps: [{ title: 'Long', kind: 'round', minutes: 481 }] }, /minutes/);
    await bad({ ...agenda(), steps: [{ title: 'Odd', kind: 'dance', minutes: 5 }] }, /kind/);
    const yorkMap = (await server.storage.createRoom({ siteId: (await server.storage.getSite('york'))!.id, kind: 'map', title: 'York map', createdBy: null })).id;
    await bad({ ...agenda(), steps: [{ title: 'Elsewhere', kind: 'discussion', minutes: 5, roomId: yorkMap }] }, /Step 1 \("Elsewhere"\).*map or document of Torbay/);
    const log = (await api(server, '/api/sites/torbay/log', { token: facilitator.token }).then((r) => r.body)) as { id: string };
    await bad({ ...agenda(), steps: [{ title: 'The log', kind: 'discussion', minutes: 5, roomId: log.id }] }, /map or document/);

    const made = await createWorkshop();
    const step = await run(made.id, facilitator, 'step', { index: 3 });
    expect(step.status).toBe(400);
    expect((step.body as { error: { message: string } }).error.message).toMatch(/3 steps: give an index from 0 to 2/);
    expect((await run(made.id, facilitator, 'timer', { action: 'add', minutes: 61 })).status).toBe(400);
    expect((await run(made.id, facilitator, 'timer', { action: 'add' })).status).toBe(400);
    expect((await run(made.id, facilitator, 'timer', { action: 'stop' })).status).toBe(400);
    expect((await api(server, '/api/workshops/bad!', { token: facilitator.token })).status).toBe(400);
  });
});

describe('running a workshop live', () => {
  it('sends the step and the timer, in server time, to every connected client as the facilitator moves on', async () => {
    const made = await createWorkshop();
    const a = connect(made.roomId, facilitator);
    const b = connect(made.roomId, member);
    await Promise.all([a.synced, b.synced]);
    const bothSee = (check: (live: WorkshopLive) => void) =>
      eventually(() => {
        for (const c of [a, b]) check(readWorkshopLive(c.doc));
      });

    const before = Date.now();
    const moved = await run(made.id, facilitator, 'step', { index: 1 });
    const after = Date.now();
    expect(moved.status).toBe(200);
    const live = moved.body as WorkshopLive;
    expect(live.step).toBe(1);
    expect(live.timer).toMatchObject({ status: 'running', durationMs: 45 * MINUTE });
    const endsAt = live.timer.status === 'running' ? live.timer.endsAt : 0;
    expect(endsAt).toBeGreaterThanOrEqual(before + 45 * MINUTE);
    expect(endsAt).toBeLessThanOrEqual(after + 45 * MINUTE);
    await bothSee((l) => expect(l).toEqual(live));

    const paused = (await run(made.id, facilitator, 'timer', { action: 'pause' })).body as WorkshopLive;
    expect(paused.timer.status).toBe('paused');
    const left = paused.timer.status === 'paused' ? paused.timer.remainingMs : 0;
    expect(left).toBeGreaterThan(44 * MINUTE);
    expect(left).toBeLessThanOrEqual(45 * MINUTE);
    await bothSee((l) => expect(l).toEqual(paused));

    const added = (await run(made.id, facilitator, 'timer', { action: 'add', minutes: 2 })).body as WorkshopLive;
    expect(added.timer).toEqual({ status: 'paused', remainingMs: left + 2 * MINUTE, durationMs: 47 * MINUTE });
    await bothSee((l) => expect(l).toEqual(added));

    const t0 = Date.now();
    const resumed = (await run(made.id, facilitator, 'timer', { action: 'start' })).body as WorkshopLive;
    expect(resumed.timer.status).toBe('running');
    const resumedEnd = resumed.timer.status === 'running' ? resumed.timer.endsAt : 0;
    expect(resumedEnd).toBeGreaterThanOrEqual(t0 + left + 2 * MINUTE);
    expect(resumedEnd).toBeLessThanOrEqual(Date.now() + left + 2 * MINUTE);
    await bothSee((l) => expect(l).toEqual(resumed));

    // The read endpoint answers from the live room the same.
    expect(((await api(server, `/api/workshops/${made.id}`, { token: viewer.token })).body as Workshop).live).toEqual(resumed);
    // Stored like any update: a room loaded from storage reads it too.
    const { doc } = await storedDoc(server.storage, made.roomId);
    expect(readWorkshopLive(doc)).toEqual(resumed);
  });

  it('starts the current step’s timebox when the timer was never set, in a room nobody has open', async () => {
    const made = await createWorkshop();
    const t0 = Date.now();
    const started = (await run(made.id, facilitator, 'timer', { action: 'start' })).body as WorkshopLive;
    expect(started.step).toBe(0);
    expect(started.timer).toMatchObject({ status: 'running', durationMs: 10 * MINUTE });
    expect(started.timer.status === 'running' && started.timer.endsAt - t0).toBeGreaterThanOrEqual(10 * MINUTE);
    const late = connect(made.roomId, member);
    await late.synced;
    expect(readWorkshopLive(late.doc)).toEqual(started);
  });

  it('refuses a client that writes the live state itself (1008), facilitator or member, and stores none of it', async () => {
    const made = await createWorkshop();
    const set = (await run(made.id, facilitator, 'step', { index: 2 })).body as WorkshopLive;
    for (const person of [member, facilitator]) {
      const c = connect(made.roomId, person);
      await c.synced;
      expect(readWorkshopLive(c.doc)).toEqual(set);
      c.doc.getMap(WORKSHOP_LIVE_ROOT).set('timer', { status: 'running', endsAt: Date.now() + 999 * MINUTE, durationMs: 0 });
      c.doc.getMap(WORKSHOP_LIVE_ROOT).set('step', 0);
      await eventually(() => expect(c.closeCodes).toContain(CloseCode.PolicyViolation));
      c.destroy();
    }
    const { doc } = await storedDoc(server.storage, made.roomId);
    expect(readWorkshopLive(doc)).toEqual(set);
    const witness = connect(made.roomId, viewer);
    await witness.synced;
    expect(readWorkshopLive(witness.doc)).toEqual(set);
    // The room's parking lot is everyone's, as in other rooms.
    const m = connect(made.roomId, member);
    await m.synced;
    m.doc.getArray('parkingLot').push(['plain value']);
    await eventually(() => expect(witness.doc.getArray('parkingLot').length).toBe(1));
    expect(m.closeCodes).not.toContain(CloseCode.PolicyViolation);
  });

  it('locks the map a step says to lock while it is current, for everyone but facilitators, and lifts only its own lock', async () => {
    const lockMap = await createRoom(server, facilitator, 'torbay', 'map', 'Locked during mapping');
    const res = await api(server, '/api/sites/torbay/workshops', {
      token: facilitator.token,
      body: {
        title: 'Locks',
        startsAt: '2026-03-02T10:00:00Z',
        steps: [
          { title: 'Open', kind: 'discussion', minutes: 5, roomId: lockMap },
          { title: 'Hands off', kind: 'discussion', minutes: 5, roomId: lockMap, lock: true },
          { title: 'Open again', kind: 'brainstorm', minutes: 5 },
        ],
      },
    });
    const w = res.body as Workshop;
    expect(w.steps.map((s) => s.lock)).toEqual([false, true, false]);
    const lockedNow = async () => ((await api(server, `/api/rooms/${lockMap}`, { token: member.token })).body as { locked: boolean }).locked;
    const writer = connect(lockMap, member);
    await writer.synced;
    const write = (key: string) => writer.doc.getMap('mapLoopNotes').set(key, { key, name: key, note: '', updated: { userId: member.id, name: 'Mo', organisation: 'Devon Police', at: new Date().toISOString() } });

    expect(((await run(w.id, facilitator, 'step', { index: 1 })).body as WorkshopLive).lockedRoomId).toBe(lockMap);
    expect(await lockedNow()).toBe(true);
    await eventually(() => expect(writer.permissionDenied).toContain('locked'));
    write('while-locked');
    // A drop is silent after the first notice: give the edit time to arrive, and find it absent.
    await new Promise((r) => setTimeout(r, 300));
    expect((await storedDoc(server.storage, lockMap)).doc.getMap('mapLoopNotes').has('while-locked')).toBe(false);
    // Moving on lifts the lock it set; the member writes again, and the edit the server dropped
    // arrives with the resync (the member's copy kept it), so nothing is lost.
    expect(((await run(w.id, facilitator, 'step', { index: 2 })).body as WorkshopLive).lockedRoomId).toBeNull();
    expect(await lockedNow()).toBe(false);
    write('after');
    await eventually(async () => {
      const notes = (await storedDoc(server.storage, lockMap)).doc.getMap('mapLoopNotes');
      expect([notes.has('after'), notes.has('while-locked')]).toEqual([true, true]);
    });

    // A lock a facilitator set by hand is theirs: the workshop neither takes it over nor lifts it.
    await api(server, `/api/rooms/${lockMap}`, { method: 'PATCH', token: facilitator.token, body: { locked: true } });
    expect(((await run(w.id, facilitator, 'step', { index: 1 })).body as WorkshopLive).lockedRoomId).toBeNull();
    await run(w.id, facilitator, 'step', { index: 2 });
    expect(await lockedNow()).toBe(true);
  });
});

describe('raised hands', () => {
  it('keeps hands in the order they went up, for everyone; people lower their own, facilitators anyone’s', async () => {
    const made = await createWorkshop();
    const watcher = connect(made.roomId, viewer);
    await watcher.synced;
    const hand = (by: Person, body: unknown) => api(server, `/api/workshops/${made.id}/hand`, { token: by.token, body });

    expect((await hand(member, { raised: true })).status).toBe(200);
    expect((await hand(facilitator, { raised: true })).status).toBe(200);
    // Raising again keeps the first place; a viewer watches; nobody raises another's hand.
    expect((await hand(member, { raised: true })).status).toBe(200);
    expect((await hand(viewer, { raised: true })).status).toBe(403);
    expect((await hand(facilitator, { raised: true, userId: member.id })).status).toBe(403);
    expect((await hand(member, { raised: false, userId: facilitator.id })).status).toBe(403);
    await eventually(() => expect(readWorkshopLive(watcher.doc).hands.map((h) => [h.name, h.organisation])).toEqual([
      ['Mo', 'Devon Police'],
      ['Fran', 'Torbay Council'],
    ]));
    const [first, second] = readWorkshopLive(watcher.doc).hands;
    expect(first!.at).toBeLessThanOrEqual(second!.at);

    // The facilitator lowers Mo's hand once heard; Fran lowers her own.
    expect((await hand(facilitator, { raised: false, userId: member.id })).status).toBe(200);
    await eventually(() => expect(readWorkshopLive(watcher.doc).hands.map((h) => h.name)).toEqual(['Fran']));
    await hand(facilitator, { raised: false });
    await eventually(() => expect(readWorkshopLive(watcher.doc).hands).toEqual([]));
    // A client cannot raise a hand by writing the live state itself.
    const forger = connect(made.roomId, member);
    await forger.synced;
    forger.doc.getMap(WORKSHOP_LIVE_ROOT).set('hands', [{ userId: member.id, name: 'Mo', organisation: 'Devon Police', at: 0 }]);
    await eventually(() => expect(forger.closeCodes).toContain(CloseCode.PolicyViolation));
    expect(readWorkshopLive((await storedDoc(server.storage, made.roomId)).doc).hands).toEqual([]);
  });
});

describe('the live state across a restart', () => {
  it('keeps the step and the timer’s end', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({}, dataDir);
    let second: TestServer | undefined;
    try {
      const fran = await createPerson(first, { site: 'torbay', role: 'facilitator' });
      const res = await api(first, '/api/sites/torbay/workshops', {
        token: fran.token,
        body: { title: 'Restart', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'A', kind: 'round', minutes: 5 }, { title: 'B', kind: 'vote', minutes: 30 }] },
      });
      const made = res.body as Workshop;
      const watching = connect(made.roomId, fran, first);
      await watching.synced;
      const live = (await run(made.id, fran, 'step', { index: 1 }, first)).body as WorkshopLive;
      await eventually(() => expect(readWorkshopLive(watching.doc)).toEqual(live));
      await first.close();

      second = await startTestServer({}, dataDir);
      const read = await api(second, `/api/workshops/${made.id}`, { token: fran.token });
      expect((read.body as Workshop).live).toEqual(live);
      expect(live.timer).toMatchObject({ status: 'running', durationMs: 30 * MINUTE });
      const fresh = connect(made.roomId, fran, second);
      await fresh.synced;
      expect(readWorkshopLive(fresh.doc)).toEqual(live);
    } finally {
      await first.close();
      await second?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the server's clock", () => {
  it('answers anyone with its time, never cached', async () => {
    const before = Date.now();
    const res = await api(server, '/api/time');
    expect(res.status).toBe(200);
    const { now } = res.body as { now: number };
    expect(now).toBeGreaterThanOrEqual(before - 1000);
    expect(now).toBeLessThanOrEqual(Date.now() + 1000);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
