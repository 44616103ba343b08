/**
 * Backup and restore through the operator CLI (`export`, `import`): a SQLite deployment exported
 * whole, restored into PostgreSQL, exported from there and restored into a new SQLite
 * deployment, the same at every step (docs by their Yjs state, directory rows by content, as the
 * Storage methods list them); one site on its own; a refused non-empty target; and the commands
 * as an operator types them, through the shell's redirections. The PostgreSQL leg is skipped,
 * saying why, without DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addElement, readMap } from '../shared/map/doc.js';
import { DOC_CONTENT_FIELD } from '../shared/doc/extensions.js';
import { ROOM_KINDS_RULES } from '../shared/rooms/kinds.js';
import { AuthService } from '../server/auth/service.js';
import { runCli } from '../server/cli.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { openStorage } from '../server/main.js';
import { DEMO_PEOPLE, seedDemo } from '../server/seed/demo.js';
import { BackupError } from '../server/storage/backup.js';
import type { Storage } from '../server/storage/types.js';
import { replayStoredDoc } from '../server/ydoc/replay.js';
import { typeRoots } from '../server/ydoc/rules.js';
import { DATABASE_URL, NO_DATABASE, openTestPostgres } from './helpers/postgres.js';
import { withoutStores } from './helpers/process.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slw-backup-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The CLI's environment for the SQLite deployment in `dir` (never the PostgreSQL the tests may have). */
const sqlite = (dir: string) => ({ DATA_DIR: dir });
const stdin = (text: string) => Readable.from([text]);

/** Opens the SQLite deployment in `dir` as the CLI does, without seeding it. */
async function openSqlite(dir: string): Promise<Storage> {
  return openStorage({ dataDir: dir, seedSites: false });
}

/**
 * A deployment in use: the seeded sites, the demo (people, a map, a learning log, a published
 * summary), an administrator with an API token, a compacted map edited since, a version, a
 * workshop with a round, a guest and a breakout map, search entries, an archived and locked room
 * elsewhere, and a pending invite.
 */
async function fillDeployment(dir: string): Promise<void> {
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const storage = await openStorage(config);
  const log = createLogger('silent');
  const auth = AuthService.fromConfig(storage, config, log);
  try {
    const demo = await seedDemo(storage, auth, log);
    const admin = await auth.createUser({ email: 'ada@example.org', password: 'an admin password', name: 'Ada Admin', organisation: 'Programme office', isAdmin: true });
    await auth.createApiToken(admin.id, 'nightly export', 30);
    const dee = (await storage.getUserByEmail(DEMO_PEOPLE[0].email))!;
    const pat = (await storage.getUserByEmail(DEMO_PEOPLE[1].email))!;
    const torbay = (await storage.getSite('torbay'))!;
    const york = (await storage.getSite('york'))!;

    await storage.compactDoc(demo.mapRoomId);
    const map = replayStoredDoc(await storage.loadDoc(demo.mapRoomId)).doc;
    const edits: Uint8Array[] = [];
    map.on('update', (u: Uint8Array) => edits.push(u));
    addElement(map, { id: 'after-backup-1', kind: 'variable', label: 'Benches on Union Street', x: 10, y: 20 }, { userId: pat.id, name: pat.name, organisation: pat.organisation });
    addElement(map, { id: 'after-backup-2', kind: 'variable', label: 'Quiet hours in shops', x: 30, y: 20 }, { userId: pat.id, name: pat.name, organisation: pat.organisation });
    for (const u of edits) await storage.appendUpdate(demo.mapRoomId, u, { userId: pat.id, attributions: ['attribution-of-pat'] });
    await storage.createVersion({
      id: 'v-after-listening',
      roomId: demo.mapRoomId,
      name: 'After the listening events',
      createdBy: { userId: dee.id, name: dee.name, organisation: dee.organisation },
      createdAt: new Date().toISOString(),
      summary: { elements: readMap(map).elements.length },
      state: Y.encodeStateAsUpdate(map),
    });
    await storage.replaceSearchEntries(
      demo.mapRoomId,
      readMap(map).elements.map((e) => ({ target: 'element' as const, targetId: e.id, title: e.label, body: e.label })),
      { revision: await storage.docRevision(demo.mapRoomId), title: (await storage.getRoom(demo.mapRoomId))!.title },
    );

    const workshopRoom = await storage.createRoom({ siteId: torbay.id, kind: 'workshop', title: 'High streets workshop', createdBy: dee.id });
    const workshop = await storage.createWorkshop({
      siteId: torbay.id,
      roomId: workshopRoom.id,
      title: 'High streets workshop',
      startsAt: '2026-03-02T10:00:00.000Z',
      steps: [{ id: 's1', title: 'Check-in', kind: 'round', minutes: 10, roomId: null, lock: false }],
      createdBy: dee.id,
    });
    const round = await storage.createRound(
      { workshopId: workshop.id, kind: 'vote', roomId: demo.mapRoomId, prompt: 'Which matter most?', votesPerPerson: 3, anonymous: true, createdBy: dee.id },
      { max: 5 },
    );
    await storage.replaceRoundEntries(round!.id, pat.id, ['after-backup-1', 'after-backup-2']);
    await storage.recordAttendance(workshopRoom.id, pat.id);
    const breakout = await storage.createRoom({ siteId: torbay.id, kind: 'map', title: 'Group A', createdBy: dee.id });
    await storage.addWorkshopRoom(workshop.id, breakout.id);
    const link = await storage.createGuestInvite({ workshopId: workshop.id, label: 'Fire service', hash: 'guest-link-hash', createdBy: dee.id, expiresAt: '2099-01-01T00:00:00.000Z' });
    await storage.joinAsGuest({ inviteId: link.id, name: 'Gil', organisation: 'Devon Fire', at: new Date().toISOString() }, { max: 10 });
    await storage.createInvite({ siteId: torbay.id, role: 'member', email: null, hash: 'invite-hash', createdBy: dee.id, expiresAt: '2099-01-01T00:00:00.000Z' });

    await storage.setRole(york.id, admin.id, 'facilitator');
    const notes = await storage.createRoom({ siteId: york.id, kind: 'doc', title: 'Framing notes', createdBy: admin.id });
    const text = new Y.Doc();
    text.getXmlFragment(DOC_CONTENT_FIELD).insert(0, [new Y.XmlText('Extending healthy life')]);
    await storage.appendUpdate(notes.id, Y.encodeStateAsUpdate(text), { userId: admin.id });
    await storage.updateRoom(notes.id, { archived: true, locked: true, lockedBy: admin.id });
    await storage.recordLoginFailure('email:nobody@example.org', new Date().toISOString(), { maxFailures: 5, lockMs: 60_000, windowMs: 60_000 });
  } finally {
    await storage.close();
  }
}

/** A doc as its room would load it: its state vector and the JSON of its kind's roots. */
async function docState(storage: Storage, roomId: string, kind: keyof typeof ROOM_KINDS_RULES) {
  const { doc, problems } = replayStoredDoc(await storage.loadDoc(roomId));
  expect(problems).toEqual([]);
  const state = Y.encodeStateAsUpdate(doc);
  const reloaded = new Y.Doc();
  Y.applyUpdate(reloaded, state);
  typeRoots(reloaded, ROOM_KINDS_RULES[kind]);
  return { stateVector: Buffer.from(Y.encodeStateVector(reloaded)).toString('base64'), roots: reloaded.toJSON() };
}

const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));

/** Everything a deployment holds, as the Storage methods list it. */
async function contents(storage: Storage) {
  const users = await Promise.all(
    (await storage.listUsers()).map(async (user) => ({
      user,
      passwordHash: await storage.getPasswordHash(user.id),
      tokens: [...(await storage.listTokens(user.id, 'session')), ...(await storage.listTokens(user.id, 'api'))],
    })),
  );
  const sites = [];
  for (const site of await storage.listSites('')) {
    const rooms = byId(await storage.listRooms(site.id, { includeArchived: true }));
    const workshops = [];
    for (const workshop of await storage.listWorkshops(site.id)) {
      const rounds = await Promise.all((await storage.listRounds(workshop.id)).map(async (round) => ({ round, entries: await storage.listRoundEntries(round.id) })));
      workshops.push({
        workshop,
        rounds,
        guests: await storage.listGuests(workshop.id),
        links: await storage.listGuestInvites(workshop.id),
        rooms: (await storage.listWorkshopRooms(workshop.id)).sort(),
        attendance: await storage.listAttendance(workshop.roomId),
      });
    }
    const docs = [];
    for (const room of rooms) {
      const versions = await storage.listVersions(room.id);
      docs.push({
        room: room.id,
        doc: await docState(storage, room.id, room.kind),
        revision: await storage.docRevision(room.id),
        editors: await storage.listRoomEditors(room.id),
        attributions: (await storage.loadAttributions(room.id)).sort(),
        versions: await Promise.all(versions.map(async (v) => storage.getVersion(room.id, v.id))),
        publications: await storage.listPublications(room.id),
      });
    }
    const hits = await storage.searchSite(site.id, 'street', { limit: 50 });
    sites.push({
      site,
      members: await storage.listMembers(site.id),
      invites: await storage.listPendingInvites(site.id, '2000-01-01T00:00:00.000Z'),
      rooms,
      docs,
      workshops,
      search: hits.map(({ rank: _rank, ...hit }) => hit),
    });
  }
  return {
    users,
    sites,
    live: await storage.listLivePublications(),
    toIndex: (await storage.roomsToIndex()).sort(),
    settings: await Promise.all(['learning.themes', 'versions.moved-out-of-docs', 'seeded_local_vision_sites'].map((k) => storage.getSetting(k))),
  };
}

async function contentsOf(dir: string) {
  const storage = await openSqlite(dir);
  try {
    return await contents(storage);
  } finally {
    await storage.close();
  }
}

/** Runs the CLI as an operator would, a process of its own, its standard input and output files. */
async function cliProcess(args: string[], dataDir: string, files: { stdin?: string; stdout?: string }) {
  const env = { ...withoutStores(process.env), DATA_DIR: dataDir };
  const input = files.stdin ? openSync(files.stdin, 'r') : 'ignore';
  const output = files.stdout ? openSync(files.stdout, 'w') : 'pipe';
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: projectRoot, env, stdio: [input, output, 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, stdout, stderr };
  } finally {
    if (typeof input === 'number') closeSync(input);
    if (typeof output === 'number') closeSync(output);
  }
}

describe('backup and restore (export, import)', () => {
  let source: string;
  let original: Awaited<ReturnType<typeof contents>>;
  let backup: string;
  beforeAll(async () => {
    source = newDataDir();
    await fillDeployment(source);
    original = await contentsOf(source);
    backup = await runCli(['export', '--all'], sqlite(source));
  }, 60_000);

  it('holds something of everything, and restores it into a new SQLite deployment the same', async () => {
    const lines = backup.split('\n').map((line) => JSON.parse(line) as { t?: string; r?: Record<string, unknown>; format?: string; schema?: string[]; site?: string });
    expect(lines[0]).toMatchObject({ format: 'slw-backup', version: 1 });
    expect(lines[0]!.site).toBeUndefined();
    expect([...new Set(lines.slice(1).map((l) => l.t))]).toEqual(lines[0]!.schema);
    // A whole deployment's backup carries its credentials (as hashes).
    expect(lines.some((l) => l.t === 'users' && typeof l.r?.password_hash === 'string')).toBe(true);
    // The comparisons below compare something: docs with content, a version, search hits, a guest.
    const torbay = original.sites.find((s) => s.site.slug === 'torbay')!;
    expect(torbay.docs.filter((d) => JSON.stringify(d.doc.roots).includes('Benches on Union Street'))).toHaveLength(1);
    expect(torbay.docs.flatMap((d) => d.versions)).toHaveLength(1);
    expect(torbay.docs.flatMap((d) => d.editors).length).toBeGreaterThan(0);
    expect(torbay.search.map((hit) => hit.title)).toContain('Benches on Union Street');
    expect(torbay.workshops[0]!.guests.map((g) => g.name)).toEqual(['Gil']);
    expect(original.live.length).toBeGreaterThan(0);

    const target = newDataDir();
    const imported = await runCli(['import'], sqlite(target), { stdin: stdin(backup) });
    expect(imported).toMatch(/^Imported a whole deployment \(exported .*\) into sqlite: \d+ rows \(users \d+, tokens \d+, sites 24,/);
    expect(await contentsOf(target)).toEqual(original);
    // And its backup is the same backup, row for row.
    const again = await runCli(['export', '--all'], sqlite(target));
    expect(again.split('\n').slice(1)).toEqual(backup.split('\n').slice(1));
  }, 60_000);

  it(`restores SQLite into PostgreSQL and back, the same at every step${DATABASE_URL ? '' : ` (PostgreSQL leg skipped: ${NO_DATABASE})`}`, async (context) => {
    if (!DATABASE_URL) return context.skip();
    const postgres = await openTestPostgres();
    let fromPostgres: string;
    try {
      const imported = await runCli(['import', '--json'], {}, { stdin: stdin(backup), storage: postgres });
      expect(JSON.parse(imported)).toMatchObject({ into: 'postgres', site: null });
      expect(await contents(postgres)).toEqual(original);
      // Nothing new needs indexing: revisions and the index came across together.
      expect((await contents(postgres)).toIndex).toEqual(original.toIndex);
      fromPostgres = await runCli(['export', '--all'], {}, { storage: postgres });
    } finally {
      await postgres.close();
    }
    const back = newDataDir();
    await runCli(['import'], sqlite(back), { stdin: stdin(fromPostgres) });
    expect(await contentsOf(back)).toEqual(original);
  }, 120_000);

  it('exports one site with its rooms, members and guests, and none of their credentials', async () => {
    const site = await runCli(['export', '--site', 'torbay'], sqlite(source));
    const lines = site.split('\n').map((line) => JSON.parse(line) as { t: string; r: Record<string, unknown>; site?: string; schema?: string[] });
    expect(lines[0]!.site).toBe('torbay');
    expect(lines[0]!.schema).not.toContain('tokens');
    const users = lines.filter((l) => l.t === 'users').map((l) => l.r);
    expect(users.map((u) => u.email)).not.toContain('ada@example.org');
    expect(users.every((u) => u.password_hash === null && u.is_admin === false)).toBe(true);

    const targets = [{ name: 'sqlite', dir: newDataDir() }];
    for (const { dir } of targets) await runCli(['import'], sqlite(dir), { stdin: stdin(site) });
    const restored = await contentsOf(targets[0]!.dir);
    const torbay = original.sites.find((s) => s.site.slug === 'torbay')!;
    expect(restored.sites).toEqual([torbay]);
    expect(restored.users.map((u) => u.user.email).sort()).toEqual(users.map((u) => u.email).sort());
    expect(restored.users.every((u) => u.passwordHash === null && u.tokens.length === 0 && !u.user.isAdmin)).toBe(true);
    if (DATABASE_URL) {
      const postgres = await openTestPostgres();
      try {
        await runCli(['import'], {}, { stdin: stdin(site), storage: postgres });
        expect((await contents(postgres)).sites).toEqual([torbay]);
      } finally {
        await postgres.close();
      }
    }
  }, 60_000);

  it('refuses to restore into a deployment that holds anything, and changes nothing there', async () => {
    const target = newDataDir();
    // A first start seeds the Local Vision sites: that deployment is no longer empty.
    await runCli(['site', 'list'], sqlite(target));
    const before = await contentsOf(target);
    await expect(runCli(['import'], sqlite(target), { stdin: stdin(backup) })).rejects.toThrow(BackupError);
    await expect(runCli(['import'], sqlite(target), { stdin: stdin(backup) })).rejects.toThrow(/already holds 0 users, 24 sites and 0 rooms/);
    expect(await contentsOf(target)).toEqual(before);
    await expect(runCli(['import'], sqlite(newDataDir()), { stdin: stdin('{"hello":"world"}') })).rejects.toThrow(/not a backup made by `export`/);
    await expect(runCli(['export'], sqlite(source))).rejects.toThrow(/either --all or --site/);
  });

  it('works as an operator types it: export --all > file, then import < file', async () => {
    const file = join(newDataDir(), 'backup.jsonl');
    const exported = await cliProcess(['export', '--all'], source, { stdout: file });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/^Exported the whole deployment from sqlite: \d+ rows \(users/);
    expect(statSync(file).size).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').slice(1)).toEqual(backup.split('\n').slice(1));

    const target = newDataDir();
    const imported = await cliProcess(['import'], target, { stdin: file });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Imported a whole deployment/);
    expect(await contentsOf(target)).toEqual(original);
    const refused = await cliProcess(['import'], target, { stdin: file });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the target already holds \d+ users, 24 sites and \d+ rooms/);
  }, 60_000);
});
