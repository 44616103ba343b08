/**
 * Rounds through the real server, with real y-websocket clients recording every byte the server
 * sends them: a participant's votes and private notes reach nobody else — not through the API,
 * not through any room — until the facilitator closes or reveals the round; then everyone gets
 * the results at once, and a vote's tallies land on its map as scores only the server writes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addConnection, addElement, readMap, type Actor } from '../shared/map/doc.js';
import { loopKey } from '../shared/map/loops.js';
import { MAP_VOTES_ROOT, readVoteScores } from '../shared/map/votes.js';
import type { Workshop } from '../shared/workshops/api.js';
import { readRounds, WORKSHOP_ROUNDS_ROOT, type Round } from '../shared/workshops/rounds.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let fran: Person;
let mo: Person;
let pat: Person;
let vi: Person;
let mapId: string;
const clients: SyncClient[] = [];

/** The room's doc as the server would load it from storage. */
const stored = async (roomId: string) => (await storedDoc(server.storage, roomId)).doc;

const actorOf = (p: Person, name: string, organisation: string): Actor => ({ userId: p.id, name, organisation });

beforeAll(async () => {
  server = await startTestServer();
  fran = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
  mo = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon and Cornwall Police' });
  pat = await createPerson(server, { site: 'torbay', role: 'member', name: 'Pat', organisation: 'Torbay Hospital' });
  vi = await createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vi', organisation: 'Healthwatch' });
  mapId = await createRoom(server, fran, 'torbay', 'map', 'High street map');
  // The map the votes are on: three elements and a connection, written by a member as the page would.
  const writer = connect(mapId, fran);
  await writer.synced;
  const actor = actorOf(fran, 'Fran', 'Torbay Council');
  addElement(writer.doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0 }, actor);
  addElement(writer.doc, { id: 'benches', kind: 'intervention', label: 'Benches', x: 200, y: 0 }, actor);
  addElement(writer.doc, { id: 'isolation', kind: 'variable', label: 'Isolation', x: 400, y: 0 }, actor);
  addConnection(writer.doc, { id: 'benches-footfall', from: 'benches', to: 'footfall', polarity: '+' }, actor);
  await eventually(async () => expect((await stored(mapId)).getMap('mapElements').size).toBe(3));
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0, clients.length)) c.destroy();
});

function connect(roomId: string, person: Person, received?: Uint8Array[]): SyncClient {
  const c = connectClient(server.wsUrl, roomId, person.token, { received });
  clients.push(c);
  return c;
}

async function workshop(): Promise<Workshop> {
  const res = await api(server, '/api/sites/torbay/workshops', {
    token: fran.token,
    body: { title: 'Prioritising', startsAt: '2026-03-02T10:00:00Z', steps: [{ title: 'Vote', kind: 'vote', minutes: 15, roomId: mapId }] },
  });
  expect(res.status).toBe(201);
  return res.body as Workshop;
}

const post = (path: string, by: Person, body?: unknown, method?: string) => api(server, path, { token: by.token, body, method });

/** Whether `needle` occurs in any message, as the UTF-8 bytes Yjs and JSON both use for text. */
function contains(messages: readonly Uint8Array[], needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return messages.some((m) => Buffer.from(m).includes(bytes));
}

describe('private notes', () => {
  it('reach no other participant, by any room or the API, until revealed; then everyone at once, with authors', async () => {
    const w = await workshop();
    const seen: Record<string, Uint8Array[]> = { fran: [], mo: [], pat: [] };
    // Everyone in the workshop room and on the map, as they would be during the step.
    for (const [name, person] of [['fran', fran], ['mo', mo], ['pat', pat]] as const) {
      connect(w.roomId, person, seen[name]);
      connect(mapId, person, seen[name]);
    }
    await Promise.all(clients.map((c) => c.synced));

    const opened = await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'private-notes', prompt: 'What keeps people at home?', roomId: mapId });
    expect(opened.status).toBe(201);
    const round = opened.body as Round;
    expect(round).toMatchObject({ kind: 'private-notes', status: 'open', submitted: 0, results: null, mine: { notes: [] } });

    const secret = 'Bus route 12 was cut in March (note-7f3a)';
    const mine = await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, mo, { text: secret });
    expect(mine.status).toBe(200);
    expect((mine.body as Round).mine.notes.map((n) => n.text)).toEqual([secret]);
    await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, pat, { text: 'Fear of falling (note-9c1b)' });

    // Everyone sees that two people have written, and nothing of what.
    const workshopClients = clients.filter((c) => c.provider.roomname === w.roomId);
    await eventually(() => {
      for (const c of workshopClients) expect(readRounds(c.doc).find((r) => r.id === round.id)?.submitted).toBe(2);
    });
    for (const name of ['fran', 'pat'] as const) expect(contains(seen[name]!, 'note-7f3a')).toBe(false);
    expect(contains(seen.mo!, 'note-9c1b')).toBe(false);
    // Asking for the round gives each only their own; the facilitator too, until revealed.
    const patView = (await post(`/api/workshops/${w.id}/rounds/${round.id}`, pat)).body as Round;
    expect(patView.mine.notes.map((n) => n.text)).toEqual(['Fear of falling (note-9c1b)']);
    expect(patView.results).toBeNull();
    expect(JSON.stringify(patView)).not.toContain('note-7f3a');
    const franList = (await post(`/api/workshops/${w.id}/rounds`, fran)).body as { rounds: Round[] };
    expect(JSON.stringify(franList)).not.toContain('note-');
    // Nor does the stored doc of any room hold them (what a restart or an export would read).
    for (const roomId of [w.roomId, mapId]) expect(JSON.stringify((await stored(roomId)).toJSON())).not.toContain('note-7f3a');

    // A member cannot reveal it; the facilitator can, once.
    expect((await post(`/api/workshops/${w.id}/rounds/${round.id}/reveal`, mo, {})).status).toBe(403);
    expect((await post(`/api/workshops/${w.id}/rounds/${round.id}/close`, fran, {})).status).toBe(400);
    const [revealed, again] = await Promise.all([
      post(`/api/workshops/${w.id}/rounds/${round.id}/reveal`, fran, {}),
      post(`/api/workshops/${w.id}/rounds/${round.id}/reveal`, fran, {}),
    ]);
    expect([revealed.status, again.status].sort()).toEqual([200, 409]);
    const results = ((revealed.status === 200 ? revealed : again).body as Round).results!;
    expect(results.participants).toBe(2);
    expect(results.notes.map((n) => [n.text, n.author.name, n.author.organisation])).toEqual([
      [secret, 'Mo', 'Devon and Cornwall Police'],
      ['Fear of falling (note-9c1b)', 'Pat', 'Torbay Hospital'],
    ]);
    await eventually(() => {
      for (const name of ['fran', 'mo', 'pat'] as const) expect(contains(seen[name]!, 'note-7f3a') && contains(seen[name]!, 'note-9c1b')).toBe(true);
      for (const c of workshopClients) expect(readRounds(c.doc).find((r) => r.id === round.id)?.results?.notes).toHaveLength(2);
    });
    // Revealed means closed: nothing more goes in.
    const late = await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, pat, { text: 'Too late' });
    expect(late.status).toBe(409);

    // The facilitator turns the chosen notes into elements of the map, framed as a group, each
    // with its author's organisation as agency; a member cannot, nor pick a note of no round.
    const toMap = (by: Person, body: unknown) => post(`/api/workshops/${w.id}/rounds/${round.id}/to-map`, by, body);
    expect((await toMap(mo, { noteIds: [results.notes[0]!.id] })).status).toBe(403);
    expect((await toMap(fran, { noteIds: ['NoSuchNote1234'] })).status).toBe(400);
    const added = await toMap(fran, { noteIds: results.notes.map((n) => n.id), group: 'What keeps people at home' });
    expect(added.status).toBe(200);
    const { elementIds } = added.body as { roomId: string; elementIds: string[] };
    expect(elementIds).toHaveLength(2);
    const map = readMap(await stored(mapId));
    const made = elementIds.map((id) => map.elements.find((e) => e.id === id)!);
    expect(made.map((e) => [e.label, e.agency, e.created.name])).toEqual([
      [secret, 'Devon and Cornwall Police', 'Fran'],
      ['Fear of falling (note-9c1b)', 'Torbay Hospital', 'Fran'],
    ]);
    const frame = map.groups.find((g) => g.label === 'What keeps people at home')!;
    expect(made.every((e) => e.groupId === frame.id)).toBe(true);
    // Placed clear of what was on the map: no new element's box overlaps an old one's.
    const old = map.elements.filter((e) => !elementIds.includes(e.id));
    for (const e of made) for (const o of old) expect(Math.abs(e.x - o.x) >= 200 || Math.abs(e.y - o.y) >= 90).toBe(true);
  });

  it('takes one answer each in a check-in round (a second replaces the first), shown together when revealed', async () => {
    const w = await workshop();
    const round = (await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'check-in', prompt: 'One word for how you arrive' })).body as Round;
    await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, mo, { text: 'Tired' });
    await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, mo, { text: 'Hopeful' });
    await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, fran, { text: 'Curious' });
    const long = await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, pat, { text: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    const revealed = (await post(`/api/workshops/${w.id}/rounds/${round.id}/reveal`, fran, {})).body as Round;
    expect(revealed.results!.notes.map((n) => `${n.author.name}: ${n.text}`)).toEqual(['Mo: Hopeful', 'Fran: Curious']);
  });
});

describe('dot voting', () => {
  it('holds the votes until the facilitator closes the vote, then shows the tallies to all and keeps them as scores on the map', async () => {
    const w = await workshop();
    const seen: Record<string, Uint8Array[]> = { fran: [], mo: [], pat: [] };
    const franMap = connect(mapId, fran, seen.fran);
    const patWorkshop = connect(w.roomId, pat, seen.pat);
    connect(mapId, pat, seen.pat);
    connect(w.roomId, mo, seen.mo);
    connect(mapId, mo, seen.mo);
    await Promise.all(clients.map((c) => c.synced));

    const round = (await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: mapId, votesPerPerson: 3, anonymous: false })).body as Round;
    expect(round).toMatchObject({ kind: 'vote', votesPerPerson: 3, anonymous: false, status: 'open' });
    const vote = (by: Person, targets: string[]) => api(server, `/api/workshops/${w.id}/rounds/${round.id}/votes`, { token: by.token, method: 'PUT', body: { targets } });

    // Limits: three dots each, on things on the map; viewers watch.
    expect((await vote(mo, ['footfall', 'footfall', 'benches', 'isolation'])).status).toBe(400);
    const missing = await vote(mo, ['not-on-the-map']);
    expect(missing.status).toBe(400);
    expect((missing.body as { error: { message: string } }).error.message).toMatch(/no longer on the map/);
    expect((await vote(vi, ['footfall'])).status).toBe(403);

    const first = await vote(mo, ['isolation']);
    expect((first.body as Round).mine.targets).toEqual(['isolation']);
    // Changing one's mind replaces the dots.
    expect(((await vote(mo, ['footfall', 'footfall', 'benches-footfall'])).body as Round).mine.targets).toEqual(['footfall', 'footfall', 'benches-footfall']);
    expect((await vote(pat, ['footfall', 'benches'])).status).toBe(200);

    // Before closing: each sees their own; no doc anywhere holds a tally or a score.
    expect(((await post(`/api/workshops/${w.id}/rounds/${round.id}`, pat)).body as Round).mine.targets).toEqual(['footfall', 'benches']);
    const franView = (await post(`/api/workshops/${w.id}/rounds/${round.id}`, fran)).body as Round;
    expect(franView).toMatchObject({ submitted: 2, results: null, mine: { targets: [] } });
    await eventually(() => expect(readRounds(patWorkshop.doc)[0]?.submitted).toBe(2));
    expect(readVoteScores(franMap.doc).size).toBe(0);
    expect(readRounds(patWorkshop.doc)[0]?.results).toBeNull();
    for (const name of ['fran', 'mo', 'pat'] as const) expect(contains(seen[name]!, 'tallies')).toBe(false);

    // A participant's page cannot write scores or round results itself: the server drops it.
    const forger = connect(mapId, mo);
    await forger.synced;
    forger.doc.getMap(MAP_VOTES_ROOT).set('isolation', { votes: 99, rounds: { fake: 99 } });
    const forgerRounds = connect(w.roomId, mo);
    await forgerRounds.synced;
    forgerRounds.doc.getMap(WORKSHOP_ROUNDS_ROOT).set(round.id, { ...readRounds(forgerRounds.doc)[0], status: 'closed' });
    for (const c of [forger, forgerRounds]) await eventually(() => expect(c.closeCodes.length + c.permissionDenied.length).toBeGreaterThan(0));

    const closed = await post(`/api/workshops/${w.id}/rounds/${round.id}/close`, fran, {});
    expect(closed.status).toBe(200);
    const tallies = (closed.body as Round).results!.tallies;
    expect(tallies.map((t) => [t.targetId, t.votes, t.voters.map((v) => v.name)])).toEqual([
      ['footfall', 3, ['Mo', 'Pat']],
      ['benches', 1, ['Pat']],
      ['benches-footfall', 1, ['Mo']],
    ]);
    // Everyone's doc has the results and the map its scores; the forged score is not among them.
    await eventually(() => {
      expect(readRounds(patWorkshop.doc)[0]?.results?.tallies).toEqual(tallies);
      const scores = readVoteScores(franMap.doc);
      expect(Object.fromEntries([...scores].map(([id, s]) => [id, s.votes]))).toEqual({ footfall: 3, benches: 1, 'benches-footfall': 1 });
    });
    const scoresStored = readVoteScores(await stored(mapId));
    expect(scoresStored.get('footfall')).toEqual({ votes: 3, rounds: { [round.id]: 3 } });
    expect(scoresStored.has('isolation')).toBe(false);
    // Closed once: a second close and a late vote are refused, and change nothing.
    expect((await post(`/api/workshops/${w.id}/rounds/${round.id}/close`, fran, {})).status).toBe(409);
    expect((await vote(pat, ['isolation'])).status).toBe(409);
    expect(readVoteScores(await stored(mapId)).get('footfall')?.votes).toBe(3);

    // A second vote adds to the scores, kept per round.
    const second = (await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: mapId, votesPerPerson: 1 })).body as Round;
    expect(second.anonymous).toBe(true);
    await api(server, `/api/workshops/${w.id}/rounds/${second.id}/votes`, { token: mo.token, method: 'PUT', body: { targets: ['footfall'] } });
    const anonymous = (await post(`/api/workshops/${w.id}/rounds/${second.id}/close`, fran, {})).body as Round;
    expect(anonymous.results!.tallies).toEqual([{ targetId: 'footfall', votes: 1, voters: [] }]);
    expect(readVoteScores(await stored(mapId)).get('footfall')).toEqual({ votes: 4, rounds: { [round.id]: 3, [second.id]: 1 } });
  });

  it('takes votes on a loop by its key while the loop is on the map, and keeps them as its score', async () => {
    const loopMap = await createRoom(server, fran, 'torbay', 'map', 'A loop to vote on');
    const writer = connect(loopMap, fran);
    await writer.synced;
    const actor = actorOf(fran, 'Fran', 'Torbay Council');
    addElement(writer.doc, { id: 'stress', kind: 'variable', label: 'Carer stress', x: 0, y: 0 }, actor);
    addElement(writer.doc, { id: 'respite', kind: 'intervention', label: 'Respite', x: 300, y: 0 }, actor);
    addConnection(writer.doc, { id: 'sr', from: 'stress', to: 'respite', polarity: '+' }, actor);
    addConnection(writer.doc, { id: 'rs', from: 'respite', to: 'stress', polarity: '-' }, actor);
    await eventually(async () => expect(readMap(await stored(loopMap)).connections).toHaveLength(2));
    const w = await workshop();
    const round = (await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: loopMap, votesPerPerson: 2 })).body as Round;
    const key = loopKey(['respite', 'stress'], ['rs', 'sr']);
    const vote = (targets: string[]) => api(server, `/api/workshops/${w.id}/rounds/${round.id}/votes`, { token: mo.token, method: 'PUT', body: { targets } });
    // A loop that is not on the map (links the wrong way round) is refused.
    expect((await vote([loopKey(['respite', 'stress'], ['sr', 'rs'])])).status).toBe(400);
    expect((await vote([key, key])).status).toBe(200);
    const closed = (await post(`/api/workshops/${w.id}/rounds/${round.id}/close`, fran, {})).body as Round;
    expect(closed.results!.tallies).toEqual([{ targetId: key, votes: 2, voters: [] }]);
    expect(readVoteScores(await stored(loopMap)).get(key)?.votes).toBe(2);
  });

  it('refuses rounds members may not open, on maps of other sites, and bad requests', async () => {
    const w = await workshop();
    expect((await post(`/api/workshops/${w.id}/rounds`, mo, { kind: 'vote', roomId: mapId })).status).toBe(403);
    expect((await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote' })).status).toBe(400);
    expect((await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'poll', roomId: mapId })).status).toBe(400);
    expect((await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: mapId, votesPerPerson: 21 })).status).toBe(400);
    const york = await server.storage.createRoom({ siteId: (await server.storage.getSite('york'))!.id, kind: 'map', title: 'York map', createdBy: null });
    expect((await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: york.id })).status).toBe(400);
    const round = (await post(`/api/workshops/${w.id}/rounds`, fran, { kind: 'vote', roomId: mapId })).body as Round;
    expect((await post(`/api/workshops/${w.id}/rounds/${round.id}/notes`, mo, { text: 'hi' })).status).toBe(400);
    expect((await post(`/api/workshops/${w.id}/rounds/NoSuchRound123/close`, fran, {})).status).toBe(404);
    expect((await api(server, `/api/workshops/${w.id}/rounds/${round.id}/votes`, { token: mo.token, method: 'PUT', body: { targets: 'footfall' } })).status).toBe(400);
    // Nothing of the round is in another workshop.
    const other = await workshop();
    expect((await post(`/api/workshops/${other.id}/rounds/${round.id}`, fran)).status).toBe(404);
  });
});
