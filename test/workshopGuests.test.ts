/**
 * Guests of a workshop through the real server: a facilitator makes a link; someone from another
 * agency joins by it with a name and an organisation; they take part in that workshop — its
 * room, its steps' maps, its rounds — and reach nothing else of the site, over sync or the API;
 * when the workshop ends, so does their access, live connections included.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, NOT_IN_WORKSHOP_REASON, WORKSHOP_ENDED_REASON } from '../shared/closeCodes.js';
import { ErrorCode } from '../shared/errors.js';
import { addElement, readMap, type Actor } from '../shared/map/doc.js';
import type { LoginResponse } from '../shared/api.js';
import type { Workshop } from '../shared/workshops/api.js';
import type { GuestInvite, GuestInviteInfo } from '../shared/workshops/guests.js';
import type { Round } from '../shared/workshops/rounds.js';
import { hashSecret, newSecret } from '../server/auth/tokens.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let fran: Person;
let mo: Person;
let yvonne: Person;
let mapId: string;
let docId: string;
let otherMapId: string;
const clients: SyncClient[] = [];

/** A guest as the tests hold one: their session token and who they are. */
interface Guest {
  token: string;
  id: string;
  name: string;
  organisation: string;
}

beforeAll(async () => {
  server = await startTestServer();
  fran = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
  mo = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon and Cornwall Police' });
  yvonne = await createPerson(server, { site: 'york', role: 'facilitator', name: 'Yvonne', organisation: 'City of York Council' });
  mapId = await createRoom(server, fran, 'torbay', 'map', 'High street map');
  docId = await createRoom(server, fran, 'torbay', 'doc', 'Notes for the morning');
  otherMapId = await createRoom(server, fran, 'torbay', 'map', 'Budget map (not in the workshop)');
  const writer = connect(mapId, fran.token);
  await writer.synced;
  addElement(writer.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, { userId: fran.id, name: 'Fran', organisation: 'Torbay Council' });
  await eventually(async () => expect((await storedDoc(server.storage, mapId)).doc.getMap('mapElements').size).toBe(1));
  writer.destroy();
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0, clients.length)) c.destroy();
});

function connect(roomId: string, token: string): SyncClient {
  const c = connectClient(server.wsUrl, roomId, token);
  clients.push(c);
  return c;
}

const call = (path: string, token: string, body?: unknown, method?: string) => api(server, path, { token, body, method });
const messageOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

async function workshop(title = 'Spring mapping'): Promise<Workshop> {
  const res = await call('/api/sites/torbay/workshops', fran.token, {
    title,
    startsAt: '2026-03-02T10:00:00Z',
    steps: [
      { title: 'Check-in', kind: 'round', minutes: 10 },
      { title: 'Map the high street', kind: 'brainstorm', minutes: 30, roomId: mapId },
      { title: 'Write it up', kind: 'discussion', minutes: 15, roomId: docId },
    ],
  });
  expect(res.status).toBe(201);
  return res.body as Workshop;
}

async function guestLink(w: Workshop, by = fran): Promise<GuestInvite> {
  const res = await call(`/api/workshops/${w.id}/guest-invites`, by.token, { label: 'Partners' });
  expect(res.status).toBe(201);
  return res.body as GuestInvite;
}

async function join(link: GuestInvite, name = 'Gita', organisation = 'Devon and Somerset Fire and Rescue'): Promise<Guest> {
  const res = await api(server, '/api/guest-sessions', { body: { token: link.token, name, organisation } });
  expect(res.status).toBe(201);
  const session = res.body as LoginResponse;
  return { token: session.token, id: session.user.id, name, organisation };
}

describe('guest links', () => {
  it('are described in the OpenAPI document', async () => {
    const doc = (await api(server, '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(expect.arrayContaining(['POST /api/workshops/{id}/guest-invites', 'GET /api/guest-invites/{token}', 'POST /api/guest-sessions']));
  });

  it('are made by facilitators of the workshop’s site only, and only a hash of the token is kept', async () => {
    const w = await workshop();
    const link = await guestLink(w);
    const { publicUrl } = (await api(server, '/api/health')).body as { publicUrl: string };
    expect(link).toMatchObject({ workshopId: w.id, label: 'Partners' });
    expect(link.url).toBe(`${publicUrl}/workshops/guest#token=${link.token}`);
    // It works for a week at most (unless the workshop ends first).
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(await server.storage.getGuestInviteByHash(link.token)).toBeNull();
    expect(await server.storage.getGuestInviteByHash(hashSecret(link.token))).toMatchObject({ id: link.id, workshopId: w.id });

    const byMember = await call(`/api/workshops/${w.id}/guest-invites`, mo.token, {});
    expect(byMember.status).toBe(403);
    expect(messageOf(byMember.body).message).toMatch(/Only facilitators/);
    // A facilitator of another site finds no such workshop.
    expect((await call(`/api/workshops/${w.id}/guest-invites`, yvonne.token, {})).status).toBe(404);
    expect((await api(server, `/api/workshops/${w.id}/guest-invites`, { body: {} })).status).toBe(401);
    expect((await call(`/api/workshops/${w.id}/guest-invites`, fran.token, { expiresInDays: 8 })).status).toBe(400);
  });

  it('say what they are for before anyone joins, and refuse an unknown or expired link with a message a guest can act on', async () => {
    const w = await workshop('Open morning');
    const link = await guestLink(w);
    const info = await api(server, `/api/guest-invites/${link.token}`);
    expect(info.status).toBe(200);
    expect(info.body as GuestInviteInfo).toEqual({ workshop: { id: w.id, title: 'Open morning', startsAt: w.startsAt, siteName: 'Torbay' }, expiresAt: link.expiresAt });

    const unknown = newSecret();
    for (const res of [await api(server, `/api/guest-invites/${unknown}`), await api(server, '/api/guest-sessions', { body: { token: unknown, name: 'Gita', organisation: 'Fire' } })]) {
      expect(res.status).toBe(404);
      expect(messageOf(res.body).message).toMatch(/not one this workspace gave out/);
    }

    // A link past its date (made as if a week ago).
    const old = newSecret();
    await server.storage.createGuestInvite({ workshopId: w.id, label: null, hash: hashSecret(old), createdBy: fran.id, expiresAt: new Date(Date.now() - 60_000).toISOString() });
    for (const res of [await api(server, `/api/guest-invites/${old}`), await api(server, '/api/guest-sessions', { body: { token: old, name: 'Gita', organisation: 'Fire' } })]) {
      expect(res.status).toBe(410);
      expect(messageOf(res.body)).toEqual({ code: ErrorCode.Gone, message: 'This guest link has expired. Ask the facilitator for a new one.' });
    }
    expect(await server.storage.listGuests(w.id)).toEqual([]);

    // Joining needs a name and an organisation.
    const nameless = await api(server, '/api/guest-sessions', { body: { token: link.token, name: ' ', organisation: 'Fire' } });
    expect(nameless.status).toBe(400);
    expect(messageOf(nameless.body).message).toMatch(/name/);
  });
});

describe('managing guest links', () => {
  it('lists a workshop’s links for its facilitators, and a stopped link lets nobody new in while its guests stay', async () => {
    const w = await workshop('Links to manage');
    const first = await guestLink(w);
    const gita = await join(first);
    const second = await guestLink(w);
    const list = await call(`/api/workshops/${w.id}/guest-invites`, fran.token);
    expect(list.status).toBe(200);
    const invites = (list.body as { invites: { id: string; active: boolean }[] }).invites;
    expect(invites.map((i) => [i.id, i.active])).toEqual([
      [second.id, true],
      [first.id, true],
    ]);
    // Tokens are not kept, so none is listed.
    expect(JSON.stringify(list.body)).not.toContain(first.token);
    expect((await call(`/api/workshops/${w.id}/guest-invites`, mo.token)).status).toBe(403);
    expect((await call(`/api/workshops/${w.id}/guest-invites/${first.id}`, mo.token, undefined, 'DELETE')).status).toBe(403);
    expect((await call(`/api/workshops/${w.id}/guest-invites/${first.id}`, gita.token, undefined, 'DELETE')).status).toBe(403);

    expect((await call(`/api/workshops/${w.id}/guest-invites/${first.id}`, fran.token, undefined, 'DELETE')).status).toBe(204);
    expect((await call(`/api/workshops/${w.id}/guest-invites/NoSuchLink1234`, fran.token, undefined, 'DELETE')).status).toBe(404);
    const after = (await call(`/api/workshops/${w.id}/guest-invites`, fran.token)).body as { invites: { id: string; active: boolean }[] };
    expect(after.invites.find((i) => i.id === first.id)?.active).toBe(false);
    // Nobody new joins by it; the guest who joined keeps their place; the other link still works.
    const late = await api(server, '/api/guest-sessions', { body: { token: first.token, name: 'Late', organisation: 'Police' } });
    expect(late.status).toBe(410);
    expect((await call(`/api/workshops/${w.id}`, gita.token)).status).toBe(200);
    await join(second, 'Sam', 'Age UK');
  });
});

describe('a guest', () => {
  it('joins with a name and an organisation, and is nobody’s member and cannot sign in', async () => {
    const w = await workshop();
    const link = await guestLink(w);
    const res = await api(server, '/api/guest-sessions', { body: { token: link.token, name: 'Gita', organisation: 'Devon and Somerset Fire and Rescue' } });
    expect(res.status).toBe(201);
    const session = res.body as LoginResponse;
    expect(session.user).toMatchObject({ name: 'Gita', organisation: 'Devon and Somerset Fire and Rescue', isAdmin: false, guestOf: w.id });
    expect(res.headers.get('set-cookie')).toMatch(/slw_session=/);
    const me = await call('/api/auth/me', session.token);
    expect(me.status).toBe(200);
    expect((me.body as LoginResponse).user).toEqual(session.user);

    const members = (await call('/api/sites/torbay/members', fran.token)).body as { userId: string }[];
    expect(members.map((m) => m.userId)).not.toContain(session.user.id);
    const made = await call(`/api/sites/torbay/members/${session.user.id}`, fran.token, { role: 'member' }, 'PUT');
    expect(made.status).toBe(409);
    const torbay = (await server.storage.getSite('torbay'))!;
    expect(await server.storage.getRole(torbay.id, session.user.id)).toBeNull();
    // No password: signing in with the account's address fails like a wrong password.
    const login = await api(server, '/api/auth/login', { body: { email: session.user.email, password: 'anything at all' } });
    expect(login.status).toBe(401);
  });

  it('opens the workshop room and its steps’ map and document over sync and writes the map as itself, and no other room of the site', async () => {
    const w = await workshop();
    const gita = await join(await guestLink(w));
    const room = connect(w.roomId, gita.token);
    const map = connect(mapId, gita.token);
    const doc = connect(docId, gita.token);
    await Promise.all([room.synced, map.synced, doc.synced]);
    expect(map.permissionDenied).toEqual([]);

    const actor: Actor = { userId: gita.id, name: gita.name, organisation: gita.organisation };
    addElement(map.doc, { id: 'fire-checks', kind: 'intervention', label: 'Home fire safety checks', x: 300, y: 0 }, actor);
    await eventually(async () => {
      const stored = readMap((await storedDoc(server.storage, mapId)).doc).elements.find((e) => e.id === 'fire-checks');
      expect(stored?.created).toMatchObject({ userId: gita.id, name: 'Gita', organisation: 'Devon and Somerset Fire and Rescue' });
    });
    // Who came, for the record: the guest counts with their organisation.
    await eventually(async () => expect((await server.storage.listAttendance(w.roomId)).map((a) => a.userId)).toContain(gita.id));

    // Any other room of the site is refused for good, as are the site's learning log and another workshop's room.
    const log = (await call('/api/sites/torbay/log', fran.token)).body as { id: string };
    const another = await workshop('Another workshop');
    for (const roomId of [otherMapId, log.id, another.roomId]) {
      const refused = connect(roomId, gita.token);
      await eventually(() => expect(refused.closeCodes).toContain(CloseCode.Forbidden));
    }
    // The reason tells the page why (by a raw close, as the web client sees it).
    const reason = await closeReason(otherMapId, gita.token);
    expect(reason).toEqual({ code: CloseCode.Forbidden, reason: NOT_IN_WORKSHOP_REASON });
  });

  it('reads its workshop through the API, and nothing else of the site', async () => {
    const w = await workshop();
    const gita = await join(await guestLink(w));
    expect((await call(`/api/workshops/${w.id}`, gita.token)).status).toBe(200);
    expect((await call(`/api/workshops/${w.id}/rounds`, gita.token)).status).toBe(200);
    // The rooms its steps work on, to show them; read-only through the API.
    expect((await call(`/api/rooms/${mapId}`, gita.token)).status).toBe(200);
    expect((await call(`/api/rooms/${mapId}`, gita.token, { title: 'Renamed by a guest' }, 'PATCH')).status).toBe(403);
    expect((await call(`/api/rooms/${otherMapId}`, gita.token)).status).toBe(404);

    const another = await workshop('Another workshop');
    for (const path of [
      '/api/sites',
      '/api/sites/torbay',
      '/api/sites/torbay/rooms',
      '/api/sites/torbay/members',
      '/api/sites/torbay/log',
      '/api/sites/torbay/workshops',
      '/api/sites/torbay/search?q=footfall',
      `/api/rooms/${mapId}/versions`,
      `/api/workshops/${another.id}`,
      '/api/auth/sessions',
      '/api/tokens',
    ]) {
      const res = await call(path, gita.token);
      expect(res.status, path).toBe(403);
      expect(messageOf(res.body).message, path).toMatch(/As a guest of the workshop “Spring mapping” you can open only that workshop/);
    }
    expect((await call('/api/tokens', gita.token, { name: 'script' })).status).toBe(403);
    // Within its workshop, a guest takes part; it does not run it.
    expect((await call(`/api/workshops/${w.id}/step`, gita.token, { index: 1 })).status).toBe(403);
    expect((await call(`/api/workshops/${w.id}/guest-invites`, gita.token, {})).status).toBe(403);
  });

  it('votes in a round and answers a check-in like a member, under its own name', async () => {
    const w = await workshop();
    const gita = await join(await guestLink(w));
    const vote = (await call(`/api/workshops/${w.id}/rounds`, fran.token, { kind: 'vote', roomId: mapId, votesPerPerson: 2, anonymous: false })).body as Round;
    const cast = await call(`/api/workshops/${w.id}/rounds/${vote.id}/votes`, gita.token, { targets: ['footfall', 'footfall'] }, 'PUT');
    expect(cast.status).toBe(200);
    expect((cast.body as Round).mine.targets).toEqual(['footfall', 'footfall']);
    // A map a round votes on is the guest's to see.
    const ballot = connect(mapId, gita.token);
    await ballot.synced;
    const closed = await call(`/api/workshops/${w.id}/rounds/${vote.id}/close`, fran.token, {});
    expect((closed.body as Round).results?.tallies).toEqual([{ targetId: 'footfall', votes: 2, voters: [expect.objectContaining({ name: 'Gita', organisation: 'Devon and Somerset Fire and Rescue' })] }]);

    const checkIn = (await call(`/api/workshops/${w.id}/rounds`, fran.token, { kind: 'check-in', prompt: 'How are you arriving?' })).body as Round;
    expect((await call(`/api/workshops/${w.id}/rounds/${checkIn.id}/notes`, gita.token, { text: 'Glad to be asked' })).status).toBe(200);
  });

  it('loses access when the workshop ends: its requests are refused and its live connections close', async () => {
    const w = await workshop();
    const link = await guestLink(w);
    const gita = await join(link);
    const room = connect(w.roomId, gita.token);
    const map = connect(mapId, gita.token);
    const member = connect(w.roomId, mo.token);
    await Promise.all([room.synced, map.synced, member.synced]);

    expect((await call(`/api/workshops/${w.id}/end`, fran.token, {})).status).toBe(200);
    await eventually(() => {
      expect(room.closeCodes.length).toBeGreaterThan(0);
      expect(map.closeCodes.length).toBeGreaterThan(0);
    });
    // Members stay: the ended workshop is still theirs to read.
    expect(member.closeCodes).toEqual([]);

    for (const path of [`/api/workshops/${w.id}`, `/api/workshops/${w.id}/rounds`, '/api/auth/me', `/api/rooms/${mapId}`, '/api/sites']) {
      const res = await call(path, gita.token);
      expect(res.status, path).toBe(410);
      expect(messageOf(res.body).message, path).toBe('The workshop “Spring mapping” has ended, and your access as its guest with it. Thank you for taking part.');
    }
    expect(await closeReason(w.roomId, gita.token)).toEqual({ code: CloseCode.Forbidden, reason: WORKSHOP_ENDED_REASON });
    // Nobody joins by its link any more, nor is one made.
    const late = await api(server, '/api/guest-sessions', { body: { token: link.token, name: 'Late', organisation: 'Fire' } });
    expect(late.status).toBe(410);
    expect(messageOf(late.body).message).toBe('The workshop “Spring mapping” has ended, so its guest link no longer works.');
    expect((await call(`/api/workshops/${w.id}/guest-invites`, fran.token, {})).status).toBe(409);
    // Signing out still works.
    expect((await call('/api/auth/logout', gita.token, {})).status).toBe(204);
  });
});

/** How the server closes a raw socket to the room with this token: its close code and reason. */
function closeReason(roomId: string, token: string): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(`${server.wsUrl}/${roomId}?token=${token}`);
  return new Promise((resolve, reject) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.once('error', reject);
  });
}
