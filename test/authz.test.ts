/**
 * The authorisation matrix, over REST and sync: who may do what on the site `torbay`.
 *
 * Columns: signed out, signed in but not a member, viewer, member, facilitator (all on torbay)
 * and a global admin with no membership anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../shared/closeCodes.js';
import { isRoomId } from '../shared/ids.js';
import type { RoomKind } from '../shared/api.js';
import type { SiteRole } from '../shared/roles.js';
import { SESSION_COOKIE } from '../shared/routes.js';
import {
  api,
  connectClient,
  createPerson,
  eventually,
  rawSocket,
  startTestServer,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { docRoomMap } from './helpers/sync.js';

type Who = 'signedOut' | 'nonMember' | 'viewer' | 'member' | 'facilitator' | 'admin';
type SignedIn = Exclude<Who, 'signedOut'>;
const WHO: readonly Who[] = ['signedOut', 'nonMember', 'viewer', 'member', 'facilitator', 'admin'];

const PUBLIC_ORIGIN = 'http://workspace.test';
const EXTRA_ORIGIN = 'http://localhost:5173';

let server: TestServer;
const people = {} as Record<SignedIn, Person>;
/** Someone whose torbay membership the PUT/DELETE member rows change. */
let target: Person;
/** A torbay room for the REST rows, another for sync, and a room of another site (york). */
let restRoom: string;
let syncRoom: string;
let yorkRoom: string;
let torbayId: string;

const tokenOf = (who: Who): string | undefined => (who === 'signedOut' ? undefined : people[who].token);

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL: PUBLIC_ORIGIN, ALLOWED_ORIGINS: EXTRA_ORIGIN });
  const roles: [SignedIn, { site?: string; role?: SiteRole; admin?: boolean }][] = [
    ['nonMember', {}],
    ['viewer', { site: 'torbay', role: 'viewer' }],
    ['member', { site: 'torbay', role: 'member' }],
    ['facilitator', { site: 'torbay', role: 'facilitator' }],
    ['admin', { admin: true }],
  ];
  const created = await Promise.all(roles.map(([, options]) => createPerson(server, options)));
  roles.forEach(([who], i) => (people[who] = created[i]!));
  target = await createPerson(server, { site: 'torbay', role: 'member' });

  const torbay = (await server.storage.getSite('torbay'))!;
  const york = (await server.storage.getSite('york'))!;
  torbayId = torbay.id;
  const room = (siteId: string, kind: RoomKind, title: string) =>
    server.storage.createRoom({ siteId, kind, title, createdBy: null }).then((r) => r.id);
  [restRoom, syncRoom, yorkRoom] = await Promise.all([
    room(torbay.id, 'map', 'High street map'),
    room(torbay.id, 'doc', 'Live notes'),
    room(york.id, 'doc', 'York notes'),
  ]);
});

afterAll(async () => {
  await server?.dispose();
});

// ---- REST ------------------------------------------------------------------------------

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: () => string;
  body?: (who: Who) => unknown;
  /** Puts the state the request starts from back in place (each row must be independent). */
  before?: () => Promise<void>;
  /** Checks the effect of the request: the change on success, no change on refusal. */
  verify?: (res: { status: number; body: unknown }, who: Who) => Promise<void> | void;
  /** Expected status for each column of WHO. */
  expect: readonly [number, number, number, number, number, number];
}

const storageRoom = async () => (await server.storage.getRoom(restRoom))!;
const targetRole = () => server.storage.getRole(torbayId, target.id);

const ENDPOINTS: Endpoint[] = [
  //                                                            out  non  view  mem  fac  admin
  { name: 'GET /api/sites', method: 'GET', path: () => '/api/sites', expect: [401, 200, 200, 200, 200, 200] },
  { name: 'GET /api/sites/torbay', method: 'GET', path: () => '/api/sites/torbay', expect: [401, 200, 200, 200, 200, 200] },
  {
    name: 'GET /api/sites/torbay/members',
    method: 'GET',
    path: () => '/api/sites/torbay/members',
    expect: /*                                                */ [401, 403, 200, 200, 200, 200],
    verify: (res) => {
      if (res.status !== 200) return;
      const members = res.body as { userId: string; role: string }[];
      expect(members.find((m) => m.userId === people.facilitator.id)?.role).toBe('facilitator');
      expect(members.some((m) => m.userId === people.nonMember.id || m.userId === people.admin.id)).toBe(false);
    },
  },
  {
    name: 'GET /api/sites/torbay/rooms',
    method: 'GET',
    path: () => '/api/sites/torbay/rooms',
    expect: /*                                                */ [401, 403, 200, 200, 200, 200],
    verify: (res) => {
      if (res.status === 200) expect((res.body as { rooms: { id: string }[] }).rooms.map((r) => r.id)).toContain(restRoom);
    },
  },
  {
    name: 'POST /api/sites/torbay/rooms',
    method: 'POST',
    path: () => '/api/sites/torbay/rooms',
    body: (who) => ({ kind: 'doc', title: `Framing notes by ${who}` }),
    expect: /*                                                */ [401, 403, 403, 201, 201, 201],
    verify: async (res, who) => {
      const titles = (await server.storage.listRooms(torbayId, { includeArchived: true })).map((r) => r.title);
      expect(titles.includes(`Framing notes by ${who}`)).toBe(res.status === 201);
      if (res.status !== 201) return;
      const room = res.body as Record<string, unknown>;
      expect(room).toMatchObject({
        kind: 'doc',
        title: `Framing notes by ${who}`,
        siteSlug: 'torbay',
        archived: false,
        createdBy: people[who as SignedIn].id,
      });
      expect(isRoomId(room.id as string)).toBe(true);
    },
  },
  {
    name: 'GET /api/rooms/:id',
    method: 'GET',
    path: () => `/api/rooms/${restRoom}`,
    // Rooms of a site you are not in read as missing, so room ids cannot be probed.
    expect: /*                                                */ [401, 404, 200, 200, 200, 200],
  },
  {
    name: 'PATCH /api/rooms/:id (rename)',
    method: 'PATCH',
    path: () => `/api/rooms/${restRoom}`,
    body: (who) => ({ title: `Renamed by ${who}` }),
    before: async () => void (await server.storage.updateRoom(restRoom, { title: 'High street map' })),
    expect: /*                                                */ [401, 404, 403, 200, 200, 200],
    verify: async (res, who) => {
      expect((await storageRoom()).title).toBe(res.status === 200 ? `Renamed by ${who}` : 'High street map');
      if (res.status === 200) expect(res.body).toMatchObject({ id: restRoom, title: `Renamed by ${who}` });
    },
  },
  {
    name: 'PATCH /api/rooms/:id (archive)',
    method: 'PATCH',
    path: () => `/api/rooms/${restRoom}`,
    body: () => ({ archived: true }),
    before: async () => void (await server.storage.updateRoom(restRoom, { archived: false })),
    expect: /*                                                */ [401, 404, 403, 403, 200, 200],
    verify: async (res) => {
      expect((await storageRoom()).archived).toBe(res.status === 200);
      await server.storage.updateRoom(restRoom, { archived: false });
    },
  },
  {
    name: 'POST /api/sites/torbay/invites',
    method: 'POST',
    path: () => '/api/sites/torbay/invites',
    body: () => ({ role: 'member' }),
    expect: /*                                                */ [401, 403, 403, 403, 201, 201],
    verify: (res) => {
      if (res.status !== 201) return;
      const invite = res.body as { token: string; url: string };
      expect(invite).toMatchObject({ siteSlug: 'torbay', role: 'member', email: null });
      expect(invite.url).toBe(`${PUBLIC_ORIGIN}/invite#token=${invite.token}`);
    },
  },
  {
    name: 'PUT /api/sites/torbay/members/:userId',
    method: 'PUT',
    path: () => `/api/sites/torbay/members/${target.id}`,
    body: () => ({ role: 'viewer' }),
    before: () => server.storage.setRole(torbayId, target.id, 'member'),
    expect: /*                                                */ [401, 403, 403, 403, 200, 200],
    verify: async (res) => {
      expect(await targetRole()).toBe(res.status === 200 ? 'viewer' : 'member');
      if (res.status === 200) expect(res.body).toMatchObject({ userId: target.id, role: 'viewer' });
    },
  },
  {
    name: 'DELETE /api/sites/torbay/members/:userId',
    method: 'DELETE',
    path: () => `/api/sites/torbay/members/${target.id}`,
    before: () => server.storage.setRole(torbayId, target.id, 'member'),
    expect: /*                                                */ [401, 403, 403, 403, 204, 204],
    verify: async (res) => {
      expect(await targetRole()).toBe(res.status === 204 ? null : 'member');
    },
  },
  {
    // Roles on torbay give nothing on york; only the admin is everywhere.
    name: 'GET /api/sites/york/rooms',
    method: 'GET',
    path: () => '/api/sites/york/rooms',
    expect: /*                                                */ [401, 403, 403, 403, 403, 200],
  },
  {
    name: 'POST /api/sites/york/rooms',
    method: 'POST',
    path: () => '/api/sites/york/rooms',
    body: () => ({ kind: 'map', title: 'Not yours' }),
    expect: /*                                                */ [401, 403, 403, 403, 403, 201],
  },
];

const REST_CASES = ENDPOINTS.flatMap((endpoint) =>
  WHO.map((who, i) => ({ endpoint: endpoint.name, who, status: endpoint.expect[i]!, spec: endpoint })),
);

describe('REST authorisation matrix', () => {
  it.each(REST_CASES)('$endpoint as $who → $status', async ({ spec, who, status }) => {
    await spec.before?.();
    const res = await api(server, spec.path(), { method: spec.method, token: tokenOf(who), body: spec.body?.(who) });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status >= 400) {
      expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    await spec.verify?.(res, who);
  });

  it.each<[SignedIn, SiteRole | null]>([
    ['nonMember', null],
    ['viewer', 'viewer'],
    ['member', 'member'],
    ['facilitator', 'facilitator'],
    // A global admin acts as a facilitator on every site, and both endpoints say so.
    ['admin', 'facilitator'],
  ])('the site list and the site itself report the %s’s role on torbay as %j', async (who, role) => {
    const list = await api(server, '/api/sites', { token: people[who].token });
    const sites = list.body as { slug: string; role: SiteRole | null }[];
    expect(sites).toHaveLength(24);
    expect(sites.find((s) => s.slug === 'torbay')?.role).toBe(role);

    const detail = await api(server, '/api/sites/torbay', { token: people[who].token });
    const site = detail.body as { role: SiteRole | null; members: { userId: string }[]; roomCount: number };
    expect(site.role).toBe(role);
    // Who is in a site, and how many rooms it has, is for its members to see.
    if (role === null) {
      expect(site.members).toEqual([]);
      expect(site.roomCount).toBe(0);
    } else {
      expect(site.members.map((m) => m.userId)).toContain(people.member.id);
      expect(site.roomCount).toBeGreaterThanOrEqual(2);
    }
  });
});

// ---- sync ------------------------------------------------------------------------------

describe('sync authorisation matrix', () => {
  const clients: SyncClient[] = [];
  afterAll(() => {
    for (const c of clients) c.destroy();
  });
  const roomOf = { torbay: () => syncRoom, york: () => yorkRoom, unknown: () => 'NoSuchRoom0123456789', malformed: () => 'bad!id' };

  const REFUSALS: { case: string; token: () => string | undefined; room: keyof typeof roomOf; code: number }[] = [
    { case: 'signed out (no token)', token: () => undefined, room: 'torbay', code: CloseCode.Unauthorized },
    { case: 'an unknown token', token: () => 'not-a-real-session-token', room: 'torbay', code: CloseCode.Unauthorized },
    { case: 'a non-member', token: () => people.nonMember.token, room: 'torbay', code: CloseCode.Forbidden },
    { case: 'a torbay member, room of york', token: () => people.member.token, room: 'york', code: CloseCode.Forbidden },
    { case: 'a torbay facilitator, room of york', token: () => people.facilitator.token, room: 'york', code: CloseCode.Forbidden },
    { case: 'a member, unknown room id', token: () => people.member.token, room: 'unknown', code: CloseCode.NotFound },
    { case: 'a member, malformed room id', token: () => people.member.token, room: 'malformed', code: CloseCode.BadRequest },
    { case: 'signed out, malformed room id', token: () => undefined, room: 'malformed', code: CloseCode.BadRequest },
  ];

  it.each(REFUSALS)('$case → closed with $code', async ({ token, room, code }) => {
    const query = token() === undefined ? '' : `?token=${encodeURIComponent(token()!)}`;
    const socket = await rawSocket(`${server.wsUrl}/${encodeURIComponent(roomOf[room]())}${query}`);
    const closed = await socket.closed;
    expect(closed.code).toBe(code);
    // Nothing of the document was sent before the refusal: only the y-protocols "permission
    // denied" auth message (type 2).
    expect(socket.messages.map((m) => m[0])).toEqual([2]);
  });

  const ACCEPTED: { who: SignedIn; room: 'torbay' | 'york'; canEdit: boolean }[] = [
    { who: 'viewer', room: 'torbay', canEdit: false },
    { who: 'member', room: 'torbay', canEdit: true },
    { who: 'facilitator', room: 'torbay', canEdit: true },
    { who: 'admin', room: 'torbay', canEdit: true },
    { who: 'admin', room: 'york', canEdit: true },
  ];

  it.each(ACCEPTED)('$who on a $room room connects, reads live, canEdit=$canEdit', async ({ who, room, canEdit }) => {
    const roomId = roomOf[room]();
    const connect = (person: Person) => {
      const c = connectClient(server.wsUrl, roomId, person.token);
      clients.push(c);
      return c;
    };
    // The admin can open every room, so an admin connection observes.
    const observer = connect(people.admin);
    const subject = connect(people[who]);
    await Promise.all([observer.synced, subject.synced]);

    // Reads live: an edit by someone else arrives.
    const fromObserver = `observer-${who}-${room}`;
    docRoomMap(observer.doc).set(fromObserver, true);
    await eventually(() => expect(docRoomMap(subject.doc).get(fromObserver)).toBe(true));

    // Edits: the subject's edit, then a presence marker on the same socket. The server handles
    // a connection's messages in order and relays an accepted edit before the marker, so once
    // the observer sees the marker, it has the edit if (and only if) the server accepted it.
    const key = `edit-by-${who}-${room}`;
    docRoomMap(subject.doc).set(key, who);
    subject.provider.awareness.setLocalStateField('marker', key);
    await eventually(() => {
      const markers = [...observer.provider.awareness.getStates().values()].map((s) => s.marker);
      expect(markers).toContain(key);
    });
    expect(docRoomMap(observer.doc).has(key)).toBe(canEdit);

    const stored = await server.storage.loadDoc(roomId);
    const rebuilt = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(rebuilt, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(rebuilt, update);
    expect(docRoomMap(rebuilt).has(key)).toBe(canEdit);
    expect(docRoomMap(rebuilt).get(fromObserver)).toBe(true);

    // A read-only connection is not thrown out for trying.
    expect(subject.closeCodes).toEqual([]);
    expect(subject.provider.wsconnected).toBe(true);
  });
});

describe('sync with the session cookie', () => {
  const sockets: Awaited<ReturnType<typeof rawSocket>>[] = [];
  afterAll(() => {
    for (const s of sockets) s.ws.terminate();
  });

  const ORIGINS: { origin: string | undefined; outcome: 'open' | number }[] = [
    { origin: PUBLIC_ORIGIN, outcome: 'open' },
    { origin: EXTRA_ORIGIN, outcome: 'open' },
    // No Origin: not a browser, so nothing could have attached the cookie behind the person's back.
    { origin: undefined, outcome: 'open' },
    { origin: 'https://evil.example', outcome: CloseCode.Forbidden },
    { origin: `${PUBLIC_ORIGIN}.evil.example`, outcome: CloseCode.Forbidden },
    { origin: 'null', outcome: CloseCode.Forbidden },
  ];

  it.each(ORIGINS)('a member’s cookie with Origin $origin → $outcome', async ({ origin, outcome }) => {
    const headers: Record<string, string> = { cookie: `theme=dark; ${SESSION_COOKIE}=${people.member.token}` };
    if (origin !== undefined) headers.origin = origin;
    const socket = await rawSocket(`${server.wsUrl}/${syncRoom}`, headers);
    sockets.push(socket);
    if (outcome === 'open') {
      // The server opens the sync with its step 1 (message type 0, sync step 0).
      await eventually(() => expect(Array.from(socket.messages[0] ?? []).slice(0, 2)).toEqual([0, 0]));
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    } else {
      expect((await socket.closed).code).toBe(outcome);
      expect(socket.messages.map((m) => m[0])).toEqual([2]);
    }
  });

  it.each<[string, number, () => string]>([
    ['an unknown session cookie', CloseCode.Unauthorized, () => 'not-a-session'],
    ['a non-member’s cookie', CloseCode.Forbidden, () => people.nonMember.token],
  ])('%s from the allowed origin → %s', async (_what, code, cookie) => {
    const socket = await rawSocket(`${server.wsUrl}/${syncRoom}`, {
      cookie: `${SESSION_COOKIE}=${cookie()}`,
      origin: PUBLIC_ORIGIN,
    });
    sockets.push(socket);
    expect((await socket.closed).code).toBe(code);
  });
});
