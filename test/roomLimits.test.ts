/**
 * A site's rooms are bounded and listed a page at a time: one person (or a script with their
 * token) cannot fill a site, and a site with hundreds of rooms is not one huge response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../shared/errors.js';
import { paths } from '../shared/routes.js';
import type { Room, RoomPage } from '../shared/api.js';
import { api, createPerson, startTestServer, type Person, type TestServer } from './helpers/server.js';

describe('room limits', () => {
  let server: TestServer;
  let facilitator: Person;
  let member: Person;
  let other: Person;
  beforeAll(async () => {
    server = await startTestServer({ MAX_ROOMS_PER_SITE: 5, MAX_ROOMS_PER_MEMBER: 3 });
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    member = await createPerson(server, { site: 'torbay', role: 'member' });
    other = await createPerson(server, { site: 'torbay', role: 'member' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const create = (person: Person, title: string, site = 'torbay') =>
    api(server, paths.siteRooms(site), { token: person.token, body: { kind: 'map', title } });

  it('a member may create MAX_ROOMS_PER_MEMBER rooms in a site, then is told why not and what to do', async () => {
    for (let i = 1; i <= 3; i++) expect((await create(member, `Mine ${i}`)).status).toBe(201);
    const refused = await create(member, 'One too many');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: {
        code: ErrorCode.LimitReached,
        message:
          'You already have 3 rooms in Torbay, the most one person can make in a site. Ask a facilitator to archive the ones no longer needed, or an administrator to raise MAX_ROOMS_PER_MEMBER.',
        details: { setting: 'MAX_ROOMS_PER_MEMBER', limit: 3 },
      },
    });
    // Their limit is per site: another site of theirs is untouched.
    const york = await createPerson(server, { site: 'york', role: 'member' });
    expect((await create(york, 'York map', 'york')).status).toBe(201);
  });

  it('the site holds MAX_ROOMS_PER_SITE rooms in use; archiving one makes room, restoring it past the limit is refused', async () => {
    expect((await create(other, 'Theirs 1')).status).toBe(201);
    expect((await create(other, 'Theirs 2')).status).toBe(201);
    const full = await create(facilitator, 'Site is full');
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({
      error: {
        code: ErrorCode.LimitReached,
        message: expect.stringMatching(/^Torbay already has 5 rooms in use, the most one site can have\. Archive the rooms no longer needed .*MAX_ROOMS_PER_SITE\.$/),
        details: { setting: 'MAX_ROOMS_PER_SITE', limit: 5 },
      },
    });
    const site = (await api(server, paths.site('torbay'), { token: member.token })).body as { roomCount: number };
    expect(site.roomCount).toBe(5);

    const list = (await api(server, paths.siteRooms('torbay'), { token: member.token })).body as RoomPage;
    const oldest = list.rooms.at(-1)!;
    expect((await api(server, paths.room(oldest.id), { method: 'PATCH', token: facilitator.token, body: { archived: true } })).status).toBe(200);
    const made = await create(facilitator, 'Now there is room');
    expect(made.status).toBe(201);
    const restore = await api(server, paths.room(oldest.id), { method: 'PATCH', token: facilitator.token, body: { archived: false } });
    expect(restore.status).toBe(409);
    expect(restore.body).toMatchObject({ error: { code: ErrorCode.LimitReached, details: { setting: 'MAX_ROOMS_PER_SITE' } } });
    expect(((await api(server, paths.room(oldest.id), { token: member.token })).body as { archived: boolean }).archived).toBe(true);
  });

  it('a burst of concurrent creations stops exactly at the limit', async () => {
    const york = await createPerson(server, { site: 'york', role: 'member' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => create(york, `Burst ${i}`, 'york')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });
});

describe('room list pages', () => {
  let server: TestServer;
  let member: Person;
  const titles: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    member = await createPerson(server, { site: 'torbay', role: 'member' });
    const facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    for (let i = 0; i < 7; i++) {
      const res = await api(server, paths.siteRooms('torbay'), { token: member.token, body: { kind: i % 2 ? 'doc' : 'map', title: `Room ${i}` } });
      titles.push(`Room ${i}`);
      if (i < 2) await api(server, paths.room((res.body as { id: string }).id), { method: 'PATCH', token: facilitator.token, body: { archived: true } });
    }
    // The learning log exists but is never listed.
    await api(server, paths.siteLog('torbay'), { token: member.token });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  /** The list's order: in use first, then newest change first, then id (rooms made in one millisecond). */
  const listOrder = (a: Room, b: Room) => Number(a.archived) - Number(b.archived) || desc(a.updatedAt, b.updatedAt) || desc(a.id, b.id);
  /** Descending in byte order, as the database compares text. */
  const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);

  const list = (query: string) => api(server, `${paths.siteRooms('torbay')}${query}`, { token: member.token });

  /** Follows nextCursor to the end and returns every page. */
  async function pages(query: Record<string, string>): Promise<RoomPage[]> {
    const out: RoomPage[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      if (cursor) params.set('cursor', cursor);
      const res = await list(`?${params}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as RoomPage;
      out.push(page);
      cursor = page.nextCursor;
    } while (cursor && out.length < 50);
    return out;
  }

  it('answers one page with the total and a cursor, and the cursors lead through every room once', async () => {
    const first = (await list('?limit=2')).body as RoomPage;
    expect(first.rooms).toHaveLength(2);
    expect(first.total).toBe(5);
    expect(first.nextCursor).toEqual(expect.any(String));

    const all = await pages({ limit: '2' });
    expect(all.map((p) => p.rooms.length)).toEqual([2, 2, 1]);
    expect(all.at(-1)!.nextCursor).toBeNull();
    const shown = all.flatMap((p) => p.rooms);
    expect(shown.map((r) => r.title).sort()).toEqual(['Room 2', 'Room 3', 'Room 4', 'Room 5', 'Room 6']);
    expect(shown).toEqual([...shown].sort(listOrder));
  });

  it('lists the archived ones alone with archived=only, and after the others with archived=true', async () => {
    const archived = (await pages({ archived: 'only', limit: '1' })).flatMap((p) => p.rooms);
    expect(archived.map((r) => [r.title, r.archived]).sort()).toEqual([
      ['Room 0', true],
      ['Room 1', true],
    ]);
    const everything = await pages({ archived: 'true', limit: '3' });
    expect(everything[0]!.total).toBe(7);
    const rooms = everything.flatMap((p) => p.rooms);
    expect(rooms.map((r) => r.archived)).toEqual([false, false, false, false, false, true, true]);
    expect(rooms).toEqual([...rooms].sort(listOrder));
  });

  it('defaults to 100 a page', async () => {
    const page = (await list('')).body as RoomPage;
    expect(page).toMatchObject({ total: 5, nextCursor: null });
    expect(page.rooms).toHaveLength(5);
  });

  it.each([
    ['?limit=0', /limit/],
    ['?limit=501', /limit/],
    ['?limit=ten', /limit/],
    ['?archived=maybe', /archived/],
    ['?cursor=not-a-cursor', /cursor/],
    [`?cursor=${Buffer.from('["x"]').toString('base64url')}`, /cursor/],
  ])('refuses %s with a 400 that says what is wrong', async (query, mention) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toMatch(mention);
  });
});
