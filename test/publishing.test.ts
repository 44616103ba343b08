/**
 * Publishing learning summaries over the real server: a summary drafted live by members from
 * the site's map and log, previewed, published by a facilitator, read signed out as HTML, SVG,
 * Atom, JSON and CSV, versioned, compared across sites, and withdrawn — with nothing private
 * (unpublished items, private elements, unconsenting names, room ids) in anything public.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addEntry } from '../shared/log/doc.js';
import { addConnection, addElement, setLoopNote, type Actor } from '../shared/map/doc.js';
import { findLoops } from '../shared/map/loops.js';
import { readMap } from '../shared/map/doc.js';
import { addSummaryItem, setSummaryField } from '../shared/summaries/doc.js';
import type { SummarySources, SummaryStatus } from '../shared/summaries/api.js';
import type { IndexEntry, ThemeMatrix } from '../shared/summaries/public.js';
import type { PublishedSummary } from '../shared/summaries/published.js';
import { storedDoc } from './helpers/sync.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type Person, type SyncClient, type TestServer } from './helpers/server.js';

let server: TestServer;
let fay: Person;
let cal: Person;
let vic: Person;
let admin: Person;
let wendy: Person;
const clients: SyncClient[] = [];
let mapRoomId = '';
let logRoomId = '';
let summaryRoomId = '';
let loopKey = '';
let publicPath = '';

const SECRET_ELEMENT = 'Confidential budget gap';
const PRIVATE_LESSON = 'A lesson still being argued about internally';
const PRIVATE_ENTRY = 'Private meeting with the trust board';
const UNNAMED = 'Ursula Unnamed';
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

async function join(roomId: string, person: Person): Promise<SyncClient> {
  const client = connectClient(server.wsUrl, roomId, person.token);
  clients.push(client);
  await client.synced;
  return client;
}

/** Waits until the server has stored everything `doc` holds (its update log reached the state). */
async function edit(roomId: string, person: Person, write: (doc: Y.Doc) => void): Promise<void> {
  const client = await join(roomId, person);
  write(client.doc);
  const want = Buffer.from(Y.encodeStateVector(client.doc)).toString('hex');
  await eventually(async () => {
    const { doc } = await storedDoc(server.storage, roomId);
    expect(Buffer.from(Y.encodeStateVector(doc)).toString('hex')).toBe(want);
  });
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

function parseXml(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(text, 'text/xml');
  expect(errors).toEqual([]);
  return doc as unknown as Document;
}

beforeAll(async () => {
  server = await startTestServer({});
  [fay, cal, vic, admin, wendy] = await Promise.all([
    createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fay Facilitator', organisation: 'Torbay Council' }),
    createPerson(server, { site: 'torbay', role: 'member', name: 'Cal Council', organisation: 'Torbay Council' }),
    createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vic Viewer', organisation: 'Healthwatch Torbay' }),
    createPerson(server, { admin: true }),
    createPerson(server, { site: 'west-cheshire', role: 'facilitator', name: 'Wendy', organisation: 'Cheshire West and Chester Council' }),
  ]);
  const calActor: Actor = { userId: cal.id, name: 'Cal Council', organisation: 'Torbay Council' };

  // A map with a loop and a secret element, drawn by a member.
  mapRoomId = await createRoom(server, cal, 'torbay', 'map', 'High street map');
  await edit(mapRoomId, cal, (doc) => {
    const a = addElement(doc, { id: 'el-confidence', kind: 'variable', label: 'Confidence to go out', x: 0, y: 0 }, calActor);
    const b = addElement(doc, { id: 'el-footfall', kind: 'variable', label: 'High street footfall', x: 300, y: 0 }, calActor);
    const c = addElement(doc, { id: 'el-secret', kind: 'variable', label: SECRET_ELEMENT, x: 150, y: 200 }, calActor);
    addConnection(doc, { id: 'c-ab', from: a, to: b, polarity: '+' }, calActor);
    addConnection(doc, { id: 'c-ba', from: b, to: a, polarity: '+' }, calActor);
    addConnection(doc, { id: 'c-cb', from: c, to: b, polarity: '-' }, calActor);
    loopKey = findLoops(readMap(doc)).loops[0]!.key;
    setLoopNote(doc, loopKey, { name: 'The confidence loop', note: '' }, calActor);
  });

  const log = await api(server, '/api/sites/torbay/log', { token: cal.token });
  logRoomId = (log.body as { id: string }).id;
  summaryRoomId = await createRoom(server, cal, 'torbay', 'summary', 'What we learned');
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await server.dispose();
});

describe('drafting and publishing a summary', () => {
  let sources: SummarySources;

  it('offers the site’s maps, named loops and log entries to draft from, to members only', async () => {
    const calActor: Actor = { userId: cal.id, name: 'Cal Council', organisation: 'Torbay Council' };
    const client = await join(logRoomId, cal);
    addEntry(client.doc, { id: 'entry-public-1', date: '2026-03-01', title: 'Shop staff sessions', text: { learned: 'Training fades with staff turnover.' }, behaviours: ['across-boundaries'] }, calActor);
    addEntry(client.doc, { id: 'entry-private', date: '2026-03-02', title: PRIVATE_ENTRY, text: { learned: 'Something said in confidence.' } }, calActor);
    await eventually(async () => {
      const res = await api(server, `/api/rooms/${summaryRoomId}/summary/sources`, { token: cal.token });
      expect(res.status).toBe(200);
      sources = res.body as SummarySources;
      expect(sources.logEntries.map((e) => e.title).sort()).toEqual([PRIVATE_ENTRY, 'Shop staff sessions']);
    });
    const map = sources.maps.find((m) => m.roomId === mapRoomId)!;
    expect(map.elements.map((e) => e.label)).toContain(SECRET_ELEMENT);
    expect(map.loops).toEqual([expect.objectContaining({ name: 'The confidence loop', type: 'reinforcing' })]);
    expect(sources.themes.length).toBeGreaterThan(5);
    expect(sources.behaviours.map((b) => b.id)).toContain('across-boundaries');

    expect((await api(server, `/api/rooms/${summaryRoomId}/summary/sources`, { token: vic.token })).status).toBe(403);
    expect((await api(server, `/api/rooms/${summaryRoomId}/summary/sources`, { token: wendy.token })).status).toBe(404);
    expect((await api(server, `/api/rooms/${mapRoomId}/summary/sources`, { token: cal.token })).status).toBe(409);
  });

  it('previews exactly what would be public, and lets only facilitators publish', async () => {
    const secretId = sources.maps.find((m) => m.roomId === mapRoomId)!.elements.find((e) => e.label === SECRET_ELEMENT)!.id;
    await edit(summaryRoomId, cal, (doc) => {
      setSummaryField(doc, 'title', 'Dementia-friendly high streets');
      setSummaryField(doc, 'issue', `People with dementia stay away from the high street. ${XSS}`);
      addSummaryItem(doc, 'agency', { text: 'Torbay Council', agencyType: 'local-authority' });
      addSummaryItem(doc, 'diagram', { title: 'The whole map', mapRoomId, hiddenElementIds: [secretId], archetype: 'limits-to-growth' });
      addSummaryItem(doc, 'diagram', { title: 'The confidence loop', mapRoomId, loopKey });
      addSummaryItem(doc, 'lesson', { text: 'What keeps people at home is the street more than the shops.', themes: ['lived-experience', 'place'], behaviours: ['across-boundaries'] });
      addSummaryItem(doc, 'lesson', { text: PRIVATE_LESSON, publishable: false, themes: ['funding'] });
      addSummaryItem(doc, 'evidence', { evidenceKind: 'log', roomId: logRoomId, entryId: 'entry-public-1', publishable: true });
      addSummaryItem(doc, 'evidence', { evidenceKind: 'log', roomId: logRoomId, entryId: 'entry-private' });
      addSummaryItem(doc, 'evidence', { evidenceKind: 'link', url: 'javascript:alert(1)', title: 'A bad link', publishable: true });
      addSummaryItem(doc, 'quotation', { text: 'There is nowhere to sit.', name: UNNAMED, organisation: 'Carers Trust', consent: false, publishable: true });
      addSummaryItem(doc, 'contributor', { name: 'Cal Council', organisation: 'Torbay Council', consent: true, publishable: true });
    });

    const status = (await api(server, `/api/rooms/${summaryRoomId}/summary`, { token: cal.token })).body as SummaryStatus;
    expect(status.publications).toEqual([]);
    expect(status.url).toBeNull();
    // The javascript: link is marked publishable but cannot be: the editor is told why.
    expect(status.notes.map((n) => n.message)).toEqual([expect.stringContaining('http')]);

    const preview = await fetch(`${server.url}/api/rooms/${summaryRoomId}/summary/preview`, { headers: { authorization: `Bearer ${cal.token}` } });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('cache-control')).toBe('no-store');
    const html = await preview.text();
    expect(html).toMatch(/Preview/);
    expect(html).toContain('What keeps people at home');
    for (const secret of [SECRET_ELEMENT, PRIVATE_LESSON, PRIVATE_ENTRY, UNNAMED, '<script>alert(1)', 'javascript:']) expect(html).not.toContain(secret);
    expect((await get(`/api/rooms/${summaryRoomId}/summary/preview`)).status).toBe(401);

    const byMember = await api(server, `/api/rooms/${summaryRoomId}/summary/publish`, { token: cal.token, method: 'POST' });
    expect(byMember.status).toBe(403);
    const published = await api(server, `/api/rooms/${summaryRoomId}/summary/publish`, { token: fay.token, method: 'POST' });
    expect(published.status).toBe(201);
    const result = published.body as { version: number; url: string };
    expect(result.version).toBe(1);
    publicPath = new URL(result.url).pathname;
    expect(publicPath).toBe('/learning/torbay/dementia-friendly-high-streets');
    // The same again publishes nothing new.
    const again = await api(server, `/api/rooms/${summaryRoomId}/summary/publish`, { token: fay.token, method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('serves the summary signed out, with nothing private in the page, its diagrams, feeds or JSON', async () => {
    const res = await get(publicPath);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('What keeps people at home');
    expect(html).toContain('Carers Trust');
    expect(html).toContain('Cal Council');
    expect(html.length).toBeLessThan(100_000);
    expect(html).not.toMatch(/<script/i);

    const svgPaths = [...html.matchAll(/src="([^"]+\.svg)"/g)].map((m) => m[1]!);
    expect(svgPaths).toHaveLength(2);
    const svgs: string[] = [];
    for (const path of svgPaths) {
      const svg = await get(path);
      expect(svg.status).toBe(200);
      expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
      svgs.push(await svg.text());
    }
    // Labels are wrapped into lines (tspans): read them line by line, joined by spaces.
    const labels = (svg: string) =>
      [...parseXml(svg).getElementsByTagName('text')].map((t) => ([...t.getElementsByTagName('tspan')].map((s) => s.textContent).join(' ') || t.textContent) ?? '').join(' | ');
    expect(labels(svgs[0]!)).toContain('Confidence to go out');
    expect(labels(svgs[0]!)).not.toContain('Confidential');

    const feed = await get('/learning/feed.atom');
    const siteFeed = await get('/learning/torbay/feed.atom');
    expect(feed.headers.get('content-type')).toMatch(/application\/atom\+xml/);
    const atom = parseXml(await feed.text());
    expect(atom.documentElement.namespaceURI).toBe('http://www.w3.org/2005/Atom');
    expect([...atom.getElementsByTagName('entry')].map((e) => e.getElementsByTagName('title')[0]?.textContent)).toEqual(['Dementia-friendly high streets']);
    const siteAtom = await siteFeed.text();

    const json = await api(server, '/api/public/sites/torbay/summaries/dementia-friendly-high-streets');
    expect(json.status).toBe(200);
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    const summary = (json.body as { summary: PublishedSummary }).summary;
    expect(summary.lessons.map((l) => l.text)).toEqual(['What keeps people at home is the street more than the shops.']);
    expect(summary.quotations).toEqual([{ text: 'There is nowhere to sit.', attribution: 'Carers Trust' }]);

    const everything = [html, ...svgs, siteAtom, JSON.stringify(json.body), JSON.stringify((await api(server, '/api/public/summaries')).body)].join('\n');
    for (const secret of [SECRET_ELEMENT, PRIVATE_LESSON, PRIVATE_ENTRY, 'Something said in confidence', UNNAMED, mapRoomId, logRoomId, summaryRoomId, cal.id, 'javascript:']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('answers again with 304 from its ETag, and signed-out pages need no session', async () => {
    const first = await get(publicPath);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"/);
    const again = await get(publicPath, { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect((await get('/learning')).status).toBe(200);
    expect((await get('/learning/torbay')).status).toBe(200);
    expect((await get('/learning/york')).status).toBe(404);
    expect((await get('/learning/torbay/no-such-summary')).status).toBe(404);
    const css = await get('/learning/assets/learning.css');
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('keeps every version, and the matrix shows a theme two sites share', async () => {
    await edit(summaryRoomId, cal, (doc) => {
      addSummaryItem(doc, 'lesson', { text: 'Ask residents how confident they feel going out.', themes: ['measurement'] });
    });
    const v2 = await api(server, `/api/rooms/${summaryRoomId}/summary/publish`, { token: fay.token, method: 'POST' });
    expect((v2.body as { version: number }).version).toBe(2);
    const latest = await (await get(publicPath)).text();
    expect(latest).toContain('Ask residents how confident');
    const v1 = await get(`${publicPath}/v1`);
    expect(v1.status).toBe(200);
    const v1Html = await v1.text();
    expect(v1Html).not.toContain('Ask residents how confident');
    expect(v1Html).toContain(`${publicPath}/v2`);

    // West Cheshire publishes a lesson on a theme Torbay has too.
    const other = await createRoom(server, wendy, 'west-cheshire', 'summary', 'Isolation');
    await edit(other, wendy, (doc) => {
      setSummaryField(doc, 'title', 'Social isolation');
      addSummaryItem(doc, 'lesson', { text: 'Lonely residents told us the street and the bus matter more than services.', themes: ['lived-experience'] });
    });
    expect((await api(server, `/api/rooms/${other}/summary/publish`, { token: wendy.token, method: 'POST' })).status).toBe(201);

    const matrix = (await api(server, '/api/public/matrix')).body as ThemeMatrix;
    expect(matrix.themes.find((t) => t.id === 'lived-experience')).toMatchObject({ sites: 2 });
    expect(matrix.cells).toContainEqual({ site: 'west-cheshire', theme: 'lived-experience', lessons: 1 });
    const page = await (await get('/learning/themes')).text();
    expect(page).toContain('/learning/lessons?theme=lived-experience&amp;site=west-cheshire');
    // fetch's text() drops a byte-order mark: read the bytes.
    const bytes = new Uint8Array(await (await get('/api/public/matrix.csv')).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv).toContain('West Cheshire');
    const lessons = await (await get('/learning/lessons?theme=lived-experience')).text();
    expect(lessons).toContain('Lonely residents told us');
    expect(lessons).toContain('What keeps people at home');

    const filtered = (await api(server, '/api/public/summaries?agency=local-authority')).body as { summaries: IndexEntry[] };
    expect(filtered.summaries.map((s) => s.site.slug)).toEqual(['torbay']);
  });

  it('withdraws: pages, versions, diagrams and API answer 410, feeds drop it, and it can be published again', async () => {
    expect((await api(server, `/api/rooms/${summaryRoomId}/summary/withdraw`, { token: cal.token, method: 'POST' })).status).toBe(403);
    const withdrawn = await api(server, `/api/rooms/${summaryRoomId}/summary/withdraw`, { token: fay.token, method: 'POST' });
    expect(withdrawn.status).toBe(200);
    expect((withdrawn.body as SummaryStatus).withdrawn).toBe(true);
    const page = await get(publicPath);
    expect(page.status).toBe(410);
    expect(await page.text()).toMatch(/withdrawn/i);
    expect((await get(`${publicPath}/v1`)).status).toBe(410);
    expect((await get(`${publicPath}/v1/diagrams/1.svg`)).status).toBe(410);
    expect((await api(server, '/api/public/sites/torbay/summaries/dementia-friendly-high-streets')).status).toBe(410);
    expect(await (await get('/learning/feed.atom')).text()).not.toContain('Dementia-friendly high streets');
    expect(await (await get('/learning')).text()).not.toContain('Dementia-friendly high streets');

    const again = await api(server, `/api/rooms/${summaryRoomId}/summary/publish`, { token: fay.token, method: 'POST' });
    expect((again.body as { version: number }).version).toBe(3);
    expect((await get(publicPath)).status).toBe(200);
    expect((await get(`${publicPath}/v1`)).status).toBe(410);
  });
});

describe('the programme’s themes', () => {
  it('are read by anyone signed in and changed only by administrators', async () => {
    const read = await api(server, '/api/learning/themes', { token: cal.token });
    expect(read.status).toBe(200);
    const themes = (read.body as { themes: { id: string; label: string; description: string }[] }).themes;
    expect((await api(server, '/api/learning/themes', { token: fay.token, method: 'PUT', body: { themes } })).status).toBe(403);
    const renamed = themes.map((t) => (t.id === 'place' ? { ...t, label: 'Neighbourhood working' } : t));
    const saved = await api(server, '/api/learning/themes', { token: admin.token, method: 'PUT', body: { themes: renamed } });
    expect(saved.status).toBe(200);
    expect((await api(server, '/api/public/themes')).body).toEqual({ themes: renamed });
    expect((await api(server, '/api/learning/themes', { token: admin.token, method: 'PUT', body: { themes: [{ id: 'Not An Id', label: 'x', description: '' }] } })).status).toBe(400);
    expect((await api(server, '/api/learning/themes', { token: admin.token, method: 'PUT', body: { themes: [...renamed, renamed[0]] } })).status).toBe(400);
  });
});
