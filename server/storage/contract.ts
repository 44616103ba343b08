/**
 * The storage contract: one suite that every `Storage` implementation must pass. Each backend's
 * test file calls `describeStorageContract` with a factory that opens a fresh, empty store.
 *
 * The suite covers every method of `Storage`: `STORAGE_METHODS` must name each (the compiler
 * checks), and its last test fails when one of them was never called by the tests before it,
 * or when a store has a method that is neither in `Storage` nor declared as the backend's own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replayStoredDoc } from '../ydoc/replay.js';
import { BACKUP_TABLES, BackupError } from './backup.js';
import { RoomLimitError, type BackupRow, type RoomRecord, type Storage } from './types.js';

/** The names of `Storage`'s methods. */
type StorageMethod = { [K in keyof Storage]: Storage[K] extends (...args: never[]) => unknown ? K : never }[keyof Storage];

/** Every method of `Storage`, each of which this suite calls: adding one to `Storage` without a test fails here. */
const STORAGE_METHODS = Object.keys({
  loadDoc: true,
  appendUpdate: true,
  compactDoc: true,
  docRevision: true,
  listRoomEditors: true,
  loadAttributions: true,
  createUser: true,
  getUserById: true,
  getUserByEmail: true,
  getPasswordHash: true,
  setPasswordHash: true,
  setAdmin: true,
  countUsers: true,
  listUsers: true,
  createToken: true,
  findToken: true,
  touchToken: true,
  listTokens: true,
  deleteToken: true,
  deleteUserTokens: true,
  deleteTokenByHash: true,
  deleteExpiredTokens: true,
  upsertSite: true,
  listSites: true,
  getSite: true,
  getRole: true,
  setRole: true,
  removeMember: true,
  listMembers: true,
  createRoom: true,
  getRoom: true,
  listRooms: true,
  listRoomPage: true,
  countRooms: true,
  getOrCreateLogRoom: true,
  updateRoom: true,
  createInvite: true,
  getInviteByHash: true,
  claimInvite: true,
  acceptInvite: true,
  listPendingInvites: true,
  revokeInvite: true,
  getLoginThrottle: true,
  recordLoginFailure: true,
  clearLoginFailures: true,
  getSetting: true,
  setSetting: true,
  takeSetting: true,
  replaceSearchEntries: true,
  deleteSearchEntries: true,
  roomsToIndex: true,
  searchSite: true,
  mentionables: true,
  createVersion: true,
  listVersions: true,
  getVersion: true,
  deleteVersion: true,
  createWorkshop: true,
  getWorkshop: true,
  listWorkshops: true,
  createRound: true,
  getRound: true,
  listRounds: true,
  replaceRoundEntries: true,
  addRoundEntry: true,
  listRoundEntries: true,
  closeRound: true,
  endWorkshop: true,
  recordAttendance: true,
  listAttendance: true,
  addWorkshopRoom: true,
  listWorkshopRooms: true,
  createGuestInvite: true,
  getGuestInviteByHash: true,
  joinAsGuest: true,
  listGuests: true,
  listGuestInvites: true,
  expireGuestInvite: true,
  createPublication: true,
  listPublications: true,
  getPublication: true,
  listLivePublications: true,
  withdrawPublications: true,
  publicationsRevision: true,
  exportRows: true,
  importRows: true,
  close: true,
} satisfies Record<StorageMethod, true>);

/** The names of an object's methods, its prototypes' included (a class's or a plain object's). */
function methodNames(value: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (value as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

/** `storage`, noting in `called` the name of every method the tests take from it. */
function recordingCalls(storage: Storage, called: Set<string>): Storage {
  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      called.add(String(property));
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

/** The stored doc as a room loads it; storage that needed repairs fails the contract. */
function docFrom(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const { doc, problems } = replayStoredDoc(stored);
  if (problems.length > 0) throw new Error(`stored doc needed repairs: ${problems.join('; ')}`);
  return doc;
}

/** Records the incremental updates a doc emits, as a client would send them. */
function recordUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
}

/**
 * Runs the contract against a backend.
 *
 * @param open opens a fresh, empty store for each test.
 * @param options.ownMethods the backend's methods beyond `Storage` (for its own tests and tools),
 *   which the suite does not cover.
 * @example
 * describeStorageContract('sqlite', async () => openSqliteStorage({ filename: tempFile() }), { ownMethods: ['checkpointNow'] })
 */
export function describeStorageContract(name: string, open: () => Promise<Storage>, options: { ownMethods?: readonly string[] } = {}): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    /** Every method the tests so far took from a store, and every method a store offered. */
    const called = new Set<string>();
    const offered = new Set<string>();
    beforeEach(async () => {
      const opened = await open();
      for (const method of methodNames(opened)) offered.add(method);
      storage = recordingCalls(opened, called);
    });
    afterEach(async () => {
      await storage.close();
    });

    describe('documents', () => {
      it('loads an unknown doc as empty', async () => {
        expect(await storage.loadDoc('nobody-here')).toEqual({ snapshot: null, updates: [] });
      });

      it('returns appended updates in order, and they rebuild the doc', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        source.getMap('m').set('a', 1);
        source.getText('t').insert(0, 'hello');
        source.getMap('m').set('a', 2);
        for (const u of updates) await storage.appendUpdate('room-1', u);

        const stored = await storage.loadDoc('room-1');
        expect(stored.updates).toHaveLength(3);
        expect(stored.updates.map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
        const rebuilt = docFrom(stored);
        expect(rebuilt.getMap('m').get('a')).toBe(2);
        expect(rebuilt.getText('t').toString()).toBe('hello');
      });

      it('keeps documents apart', async () => {
        const a = new Y.Doc();
        const b = new Y.Doc();
        const ua = recordUpdates(a);
        const ub = recordUpdates(b);
        a.getText('t').insert(0, 'A');
        b.getText('t').insert(0, 'B');
        await storage.appendUpdate('doc-a', ua[0]!);
        await storage.appendUpdate('doc-b', ub[0]!);
        expect(docFrom(await storage.loadDoc('doc-a')).getText('t').toString()).toBe('A');
        expect(docFrom(await storage.loadDoc('doc-b')).getText('t').toString()).toBe('B');
      });

      it('compacts the log into one snapshot with the same content', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        for (let i = 0; i < 50; i++) source.getArray<number>('a').push([i]);
        source.getText('t').insert(0, 'compacted');
        for (const u of updates) await storage.appendUpdate('room-c', u);

        await storage.compactDoc('room-c');
        const stored = await storage.loadDoc('room-c');
        expect(stored.updates).toHaveLength(0);
        expect(stored.snapshot).not.toBeNull();
        const rebuilt = docFrom(stored);
        expect(rebuilt.getArray('a').toArray()).toEqual(source.getArray('a').toArray());
        expect(rebuilt.getText('t').toString()).toBe('compacted');
      });

      it('appends after a compaction and keeps both', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        source.getMap('m').set('before', true);
        await storage.appendUpdate('room-d', updates[0]!);
        await storage.compactDoc('room-d');
        source.getMap('m').set('after', true);
        await storage.appendUpdate('room-d', updates[1]!);

        const stored = await storage.loadDoc('room-d');
        expect(stored.updates).toHaveLength(1);
        expect(docFrom(stored).getMap('m').toJSON()).toEqual({ before: true, after: true });

        await storage.compactDoc('room-d');
        await storage.compactDoc('room-d');
        const again = await storage.loadDoc('room-d');
        expect(again.updates).toHaveLength(0);
        expect(docFrom(again).getMap('m').toJSON()).toEqual({ before: true, after: true });
      });

      it('compacts to the caller’s copy of the doc when given one', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        source.getText('t').insert(0, 'from the live room');
        for (const u of updates) await storage.appendUpdate('room-live', u);
        await storage.compactDoc('room-live', Y.encodeStateAsUpdate(source));
        const stored = await storage.loadDoc('room-live');
        expect(stored.updates).toHaveLength(0);
        expect(docFrom(stored).getText('t').toString()).toBe('from the live room');
      });

      it('commits appends made together, and each resolves only once stored', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        for (let i = 0; i < 20; i++) source.getArray<number>('a').push([i]);
        await Promise.all(updates.map((u, i) => storage.appendUpdate(i % 2 ? 'even-odd-1' : 'even-odd-0', u)));
        const both = [await storage.loadDoc('even-odd-0'), await storage.loadDoc('even-odd-1')];
        expect(both.map((d) => d.updates.length)).toEqual([10, 10]);
        const rebuilt = new Y.Doc();
        for (const d of both) for (const u of d.updates) Y.applyUpdate(rebuilt, u);
        expect(rebuilt.getArray('a').toArray()).toEqual(source.getArray('a').toArray());
      });

      it('compacting an unknown doc changes nothing', async () => {
        await storage.compactDoc('never-written');
        expect(await storage.loadDoc('never-written')).toEqual({ snapshot: null, updates: [] });
      });

      it('counts each account’s stored updates per room, through compaction, leaving unattributed ones out', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        for (let i = 0; i < 6; i++) source.getMap('m').set(`k${i}`, 'x'.repeat(i * 10));
        const bytes = (...indexes: number[]) => indexes.reduce((sum, i) => sum + updates[i]!.byteLength, 0);
        const before = new Date().toISOString();
        await storage.appendUpdate('room-e', updates[0]!, { userId: 'ana-id' });
        await storage.appendUpdate('room-e', updates[1]!, { userId: 'ben-id' });
        // Appends committed together are counted as if one by one.
        await Promise.all([
          storage.appendUpdate('room-e', updates[2]!, { userId: 'ana-id' }),
          storage.appendUpdate('room-e', updates[3]!, { userId: 'ana-id' }),
          storage.appendUpdate('room-e', updates[4]!, { userId: null }),
          storage.appendUpdate('room-e', updates[5]!),
          storage.appendUpdate('room-f', updates[0]!, { userId: 'cy-id' }),
        ]);
        const after = new Date().toISOString();

        const editors = await storage.listRoomEditors('room-e');
        // Ana edited last (or in the same millisecond as Ben, and ties go by id).
        expect(editors.map(({ userId, updates: count, bytes: size }) => [userId, count, size])).toEqual([
          ['ana-id', 3, bytes(0, 2, 3)],
          ['ben-id', 1, bytes(1)],
        ]);
        for (const e of editors) {
          expect(before <= e.firstAt && e.firstAt <= e.lastAt && e.lastAt <= after).toBe(true);
        }
        expect(editors[1]!.firstAt).toBe(editors[1]!.lastAt);
        expect((await storage.listRoomEditors('room-f')).map((e) => e.userId)).toEqual(['cy-id']);
        expect(await storage.listRoomEditors('nobody-here')).toEqual([]);
        // Attribution changes nothing about what is stored and loaded.
        expect((await storage.loadDoc('room-e')).updates).toHaveLength(6);

        await storage.compactDoc('room-e');
        expect(await storage.listRoomEditors('room-e')).toEqual(editors);
        source.getMap('m').set('later', true);
        await storage.appendUpdate('room-e', updates[6]!, { userId: 'ben-id' });
        const later = await storage.listRoomEditors('room-e');
        expect(later[0]).toMatchObject({ userId: 'ben-id', updates: 2, bytes: bytes(1, 6), firstAt: editors[1]!.firstAt });
        expect(docFrom(await storage.loadDoc('room-e')).getMap('m').get('later')).toBe(true);
      });

      it('keeps the attribution keys appended with a doc’s updates, once each, through compaction', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        for (let i = 0; i < 3; i++) source.getMap('m').set(`k${i}`, i);
        expect(await storage.loadAttributions('room-g')).toEqual([]);
        await storage.appendUpdate('room-g', updates[0]!, { userId: 'ana-id', attributions: ['key-a', 'key-b'] });
        await Promise.all([
          storage.appendUpdate('room-g', updates[1]!, { userId: 'ben-id', attributions: ['key-b', 'key-c'] }),
          storage.appendUpdate('room-h', updates[0]!, { userId: 'ben-id', attributions: ['key-h'] }),
        ]);
        expect((await storage.loadAttributions('room-g')).sort()).toEqual(['key-a', 'key-b', 'key-c']);
        await storage.compactDoc('room-g');
        await storage.appendUpdate('room-g', updates[2]!, { userId: 'ana-id' });
        expect((await storage.loadAttributions('room-g')).sort()).toEqual(['key-a', 'key-b', 'key-c']);
        expect(await storage.loadAttributions('room-h')).toEqual(['key-h']);
      });
    });

    describe('people and tokens', () => {
      it('creates users and finds them by id and email', async () => {
        expect(await storage.countUsers()).toBe(0);
        const user = await storage.createUser({
          email: 'ana@council.gov.uk',
          name: 'Ana',
          organisation: 'Torbay Council',
          passwordHash: 'hash-1',
          isAdmin: false,
        });
        expect(user.id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
        expect(await storage.getUserById(user.id)).toEqual(user);
        expect(await storage.getUserByEmail('ana@council.gov.uk')).toEqual(user);
        expect(await storage.getPasswordHash(user.id)).toBe('hash-1');
        await storage.setPasswordHash(user.id, 'hash-2');
        expect(await storage.getPasswordHash(user.id)).toBe('hash-2');
        await storage.setAdmin(user.id, true);
        expect((await storage.getUserById(user.id))?.isAdmin).toBe(true);
        expect(await storage.countUsers()).toBe(1);
        expect(await storage.listUsers()).toHaveLength(1);
      });

      it('refuses a second user with the same email', async () => {
        const base = { name: 'X', organisation: 'Y', passwordHash: 'h', isAdmin: false };
        await storage.createUser({ ...base, email: 'dup@nhs.net' });
        await expect(storage.createUser({ ...base, email: 'dup@nhs.net' })).rejects.toThrow();
      });

      it('finds tokens by hash until they expire or are deleted', async () => {
        const user = await storage.createUser({
          email: 'tok@nhs.net',
          name: 'T',
          organisation: 'NHS',
          passwordHash: 'h',
          isAdmin: false,
        });
        const now = new Date('2030-01-01T00:00:00Z').toISOString();
        const later = new Date('2030-01-02T00:00:00Z').toISOString();
        const session = await storage.createToken({
          userId: user.id,
          kind: 'session',
          name: 'browser',
          hash: 'hash-session',
          expiresAt: new Date('2030-01-01T12:00:00Z').toISOString(),
        });
        const api = await storage.createToken({
          userId: user.id,
          kind: 'api',
          name: 'script',
          hash: 'hash-api',
          expiresAt: null,
        });
        expect((await storage.findToken('hash-session', now))?.user.id).toBe(user.id);
        expect(await storage.findToken('hash-session', later)).toBeNull();
        expect((await storage.findToken('hash-api', later))?.token).toMatchObject({ id: api.id, kind: 'api' });
        expect(await storage.findToken('unknown', now)).toBeNull();

        await storage.touchToken(api.id, now);
        expect((await storage.listTokens(user.id, 'api'))[0]?.lastUsedAt).toBe(now);
        expect(await storage.deleteExpiredTokens(later)).toBe(1);
        expect(await storage.listTokens(user.id, 'session')).toEqual([]);
        expect(session.kind).toBe('session');

        expect(await storage.deleteToken('someone-else', api.id)).toBe(false);
        expect(await storage.deleteToken(user.id, api.id)).toBe(true);
        expect(await storage.findToken('hash-api', now)).toBeNull();
      });

      it('deletes a token by its hash, that one only', async () => {
        const user = await storage.createUser({ email: 'out@nhs.net', name: 'O', organisation: 'NHS', passwordHash: 'h', isAdmin: false });
        const make = (hash: string) => storage.createToken({ userId: user.id, kind: 'session', name: 'browser', hash, expiresAt: null });
        await make('hash-signed-out');
        const kept = await make('hash-kept');
        await storage.deleteTokenByHash('hash-signed-out');
        await storage.deleteTokenByHash('hash-never-issued');
        const now = '2030-01-01T00:00:00.000Z';
        expect(await storage.findToken('hash-signed-out', now)).toBeNull();
        expect(await storage.listTokens(user.id, 'session')).toEqual([kept]);
      });

      it('deletes all of a person’s sessions and API tokens, or all but one, and nobody else’s', async () => {
        const base = { name: 'X', organisation: 'Y', passwordHash: 'h', isAdmin: false };
        const user = await storage.createUser({ ...base, email: 'many@nhs.net' });
        const other = await storage.createUser({ ...base, email: 'other@nhs.net' });
        const make = (userId: string, kind: 'session' | 'api', hash: string) =>
          storage.createToken({ userId, kind, name: kind, hash, expiresAt: null });
        const kept = await make(user.id, 'session', 'h-kept');
        await make(user.id, 'session', 'h-2');
        await make(user.id, 'api', 'h-3');
        await make(other.id, 'session', 'h-other');
        const now = '2030-01-01T00:00:00.000Z';

        expect(await storage.deleteUserTokens(user.id, { exceptId: kept.id })).toBe(2);
        expect((await storage.findToken('h-kept', now))?.token.id).toBe(kept.id);
        expect(await storage.findToken('h-2', now)).toBeNull();
        expect(await storage.findToken('h-3', now)).toBeNull();
        expect(await storage.deleteUserTokens(user.id)).toBe(1);
        expect(await storage.findToken('h-kept', now)).toBeNull();
        expect(await storage.deleteUserTokens(user.id)).toBe(0);
        expect((await storage.findToken('h-other', now))?.user.id).toBe(other.id);
      });
    });

    describe('sites, members, rooms, invites', () => {
      async function seed() {
        const site = await storage.upsertSite({
          slug: 'torbay',
          name: 'Torbay',
          issue: 'create dementia aware high streets',
          sponsor: 'Health and Wellbeing Board',
        });
        const other = await storage.upsertSite({
          slug: 'york',
          name: 'York',
          issue: 'extending life',
          sponsor: 'Health and Wellbeing Board',
        });
        const user = await storage.createUser({
          email: 'm@x.org',
          name: 'Mo',
          organisation: 'Age UK',
          passwordHash: 'h',
          isAdmin: false,
        });
        return { site, other, user };
      }

      /** An unused member invite of `siteId` made by `createdBy`, expiring at the start of 2030. */
      function makeInvite(
        siteId: string,
        createdBy: string,
        hash: string,
        overrides: { role?: 'member' | 'viewer'; email?: string; expiresAt?: string } = {},
      ) {
        return storage.createInvite({
          siteId,
          role: 'member',
          email: null,
          hash,
          createdBy,
          expiresAt: '2030-01-01T00:00:00.000Z',
          ...overrides,
        });
      }

      it('upserts sites by slug without duplicating them', async () => {
        const { site } = await seed();
        const again = await storage.upsertSite({
          slug: 'torbay',
          name: 'Torbay',
          issue: 'create dementia-aware high streets',
          sponsor: 'Health and Wellbeing Board',
        });
        expect(again.id).toBe(site.id);
        expect(again.issue).toBe('create dementia-aware high streets');
        expect(await storage.getSite('nowhere')).toBeNull();
      });

      it('lists every site with the caller’s role, their sites first', async () => {
        const { other, user } = await seed();
        await storage.setRole(other.id, user.id, 'viewer');
        const sites = await storage.listSites(user.id);
        expect(sites.map((s) => [s.slug, s.role])).toEqual([
          ['york', 'viewer'],
          ['torbay', null],
        ]);
      });

      it('sets, changes and removes roles', async () => {
        const { site, user } = await seed();
        expect(await storage.getRole(site.id, user.id)).toBeNull();
        await storage.setRole(site.id, user.id, 'member');
        await storage.setRole(site.id, user.id, 'facilitator');
        expect(await storage.getRole(site.id, user.id)).toBe('facilitator');
        const members = await storage.listMembers(site.id);
        expect(members).toHaveLength(1);
        expect(members[0]).toMatchObject({ userId: user.id, role: 'facilitator', organisation: 'Age UK' });
        expect(await storage.removeMember(site.id, user.id)).toBe(true);
        expect(await storage.removeMember(site.id, user.id)).toBe(false);
        expect(await storage.getRole(site.id, user.id)).toBeNull();
      });

      it('creates, renames, archives and lists rooms', async () => {
        const { site, user } = await seed();
        const map = await storage.createRoom({ siteId: site.id, kind: 'map', title: 'High street map', createdBy: user.id });
        const doc = await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Framing', createdBy: null });
        expect(map).toMatchObject({ siteSlug: 'torbay', kind: 'map', title: 'High street map', archived: false });
        expect(await storage.getRoom(map.id)).toEqual(map);
        expect(await storage.countRooms(site.id)).toBe(2);

        const renamed = await storage.updateRoom(map.id, { title: 'Loops on the high street' });
        expect(renamed?.title).toBe('Loops on the high street');
        await storage.updateRoom(doc.id, { archived: true });
        expect((await storage.listRooms(site.id, { includeArchived: false })).map((r) => r.id)).toEqual([map.id]);
        expect(await storage.listRooms(site.id, { includeArchived: true })).toHaveLength(2);
        expect(await storage.countRooms(site.id)).toBe(1);
        expect(await storage.updateRoom('missing-room-id', { title: 'x' })).toBeNull();
        expect(await storage.getRoom('missing-room-id')).toBeNull();
      });

      it('locks and unlocks a room, keeping the lock in force when asked to lock it again', async () => {
        const { site, user } = await seed();
        const other = await storage.createUser({ email: 'f2@x.org', name: 'Fi', organisation: 'NHS', passwordHash: 'h', isAdmin: false });
        const map = await storage.createRoom({ siteId: site.id, kind: 'map', title: 'Map', createdBy: user.id });
        expect(map).toMatchObject({ locked: false, lockedBy: null, lockedAt: null });

        const locked = (await storage.updateRoom(map.id, { locked: true, lockedBy: user.id }))!;
        expect(locked).toMatchObject({ title: 'Map', archived: false, locked: true, lockedBy: user.id });
        expect(locked.lockedAt).toBe(new Date(locked.lockedAt!).toISOString());
        expect(locked.lockedAt! >= map.createdAt).toBe(true);
        expect(await storage.getRoom(map.id)).toEqual(locked);
        expect((await storage.listRooms(site.id, { includeArchived: false }))[0]).toEqual(locked);
        expect((await storage.listRoomPage(site.id, { archived: 'exclude', limit: 5, after: null })).rooms).toEqual([locked]);

        // Other changes, and a second lock, leave the lock as it was.
        const renamed = await storage.updateRoom(map.id, { title: 'Renamed', archived: true });
        expect(renamed).toMatchObject({ title: 'Renamed', archived: true, locked: true, lockedBy: user.id, lockedAt: locked.lockedAt });
        expect(await storage.updateRoom(map.id, { locked: true, lockedBy: other.id })).toMatchObject({ lockedBy: user.id, lockedAt: locked.lockedAt });

        const unlocked = await storage.updateRoom(map.id, { locked: false, lockedBy: other.id });
        expect(unlocked).toMatchObject({ title: 'Renamed', archived: true, locked: false, lockedBy: null, lockedAt: null });
        // Locked by no one in particular (the CLI, say), and then by someone.
        expect(await storage.updateRoom(map.id, { locked: true })).toMatchObject({ locked: true, lockedBy: null });
        await storage.updateRoom(map.id, { locked: false });
        expect(await storage.updateRoom(map.id, { locked: true, lockedBy: other.id })).toMatchObject({ locked: true, lockedBy: other.id });
        expect(await storage.updateRoom('missing-room-id', { locked: true, lockedBy: user.id })).toBeNull();
      });

      it('refuses a room past the site’s or the creator’s limit, counting only rooms in use, and creates nothing', async () => {
        const { site, other, user } = await seed();
        const limits = { maxInSite: 3, maxByCreator: 2 };
        const room = (createdBy: string | null, siteId = site.id) => storage.createRoom({ siteId, kind: 'map', title: 'R', createdBy }, limits);
        await room(user.id);
        const second = await room(user.id);
        await expect(room(user.id)).rejects.toEqual(new RoomLimitError('creator', 2));
        await expect(room(user.id)).rejects.toBeInstanceOf(RoomLimitError);
        // Someone else (or nobody: seeding) may still add to the site, up to the site's limit.
        await room(null);
        await expect(room(null)).rejects.toMatchObject({ which: 'site', limit: 3 });
        expect(await storage.countRooms(site.id)).toBe(3);
        // Another site has its own count; the learning log counts for nothing.
        await storage.getOrCreateLogRoom(other.id);
        await room(user.id, other.id);
        await room(user.id, other.id);
        // Archiving frees a place, in the site and for its creator.
        await storage.updateRoom(second.id, { archived: true });
        await room(user.id);
        await expect(room(user.id)).rejects.toBeInstanceOf(RoomLimitError);
        expect(await storage.countRooms(site.id)).toBe(3);
        // Without limits nothing is checked.
        await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Unlimited', createdBy: user.id });
        expect(await storage.countRooms(site.id)).toBe(4);
      });

      it('never lets a burst of concurrent creations past a limit', async () => {
        const { site, user } = await seed();
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            storage.createRoom({ siteId: site.id, kind: 'map', title: `Burst ${i}`, createdBy: user.id }, { maxInSite: 50, maxByCreator: 7 }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
        expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof RoomLimitError)).toBe(true);
        expect(await storage.countRooms(site.id)).toBe(7);
      });

      it('pages through a site’s maps and documents: in use first, newest change first, none twice, none left out', async () => {
        const { site, other } = await seed();
        await storage.getOrCreateLogRoom(site.id);
        await storage.createRoom({ siteId: other.id, kind: 'map', title: 'Elsewhere', createdBy: null });
        const made: RoomRecord[] = [];
        // Many created in the same millisecond: ties on updated_at are broken by id.
        for (let i = 0; i < 23; i++) made.push(await storage.createRoom({ siteId: site.id, kind: i % 2 ? 'doc' : 'map', title: `Room ${i}`, createdBy: null }));
        for (const r of made.slice(0, 5)) await storage.updateRoom(r.id, { archived: true });
        // A few milliseconds on, so the rename is strictly the latest change (not a tie).
        await new Promise((resolve) => setTimeout(resolve, 5));
        await storage.updateRoom(made[10]!.id, { title: 'Renamed, so newest' });

        const all = async (archived: 'exclude' | 'include' | 'only', limit: number) => {
          const seen: RoomRecord[] = [];
          let after = null;
          for (let pages = 0; pages < 100; pages++) {
            const page = await storage.listRoomPage(site.id, { archived, limit, after });
            expect(page.rooms.length).toBeLessThanOrEqual(limit);
            seen.push(...page.rooms);
            const expected = archived === 'exclude' ? 18 : archived === 'only' ? 5 : 23;
            expect(page.total).toBe(expected);
            if (!page.more) return seen;
            const last = page.rooms.at(-1)!;
            after = { archived: last.archived, updatedAt: last.updatedAt, id: last.id };
          }
          throw new Error('paging did not end');
        };
        // Byte order, as SQL compares text (localeCompare would put '_' and case elsewhere).
        const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
        const order = (a: RoomRecord, b: RoomRecord) => Number(a.archived) - Number(b.archived) || desc(a.updatedAt, b.updatedAt) || desc(a.id, b.id);

        for (const limit of [1, 4, 18, 23, 100]) {
          const inUse = await all('exclude', limit);
          expect(inUse.map((r) => r.id)).toEqual([...inUse].sort(order).map((r) => r.id));
          expect(new Set(inUse.map((r) => r.id)).size).toBe(18);
          expect(inUse.every((r) => !r.archived && r.kind !== 'log' && r.siteId === site.id)).toBe(true);
          expect(inUse[0]!.title).toBe('Renamed, so newest');

          const archived = await all('only', limit);
          expect(archived.map((r) => r.id).sort()).toEqual(made.slice(0, 5).map((r) => r.id).sort());

          const everything = await all('include', limit);
          expect(everything.map((r) => r.id)).toEqual([...inUse, ...archived].map((r) => r.id));
        }
        expect(await storage.listRoomPage(other.id, { archived: 'only', limit: 10, after: null })).toEqual({ rooms: [], total: 0, more: false });
      });

      it('gives each site one learning log, made on first use and not counted with its rooms', async () => {
        const { site, other } = await seed();
        await storage.createRoom({ siteId: site.id, kind: 'map', title: 'Map', createdBy: null });
        const [a, b] = await Promise.all([storage.getOrCreateLogRoom(site.id), storage.getOrCreateLogRoom(site.id)]);
        expect(b).toEqual(a);
        expect(a).toMatchObject({ siteId: site.id, siteSlug: 'torbay', kind: 'log', title: 'Learning log', archived: false, createdBy: null });
        expect(await storage.getOrCreateLogRoom(site.id)).toEqual(a);
        expect(await storage.getRoom(a.id)).toEqual(a);
        const elsewhere = await storage.getOrCreateLogRoom(other.id);
        expect(elsewhere.id).not.toBe(a.id);
        expect(elsewhere.siteSlug).toBe('york');
        expect(await storage.countRooms(site.id)).toBe(1);
        expect(await storage.countRooms(other.id)).toBe(0);
      });

      it('lets an invite be claimed once', async () => {
        const { site, user } = await seed();
        const invite = await storage.createInvite({
          siteId: site.id,
          role: 'member',
          email: null,
          hash: 'invite-hash',
          createdBy: user.id,
          expiresAt: '2030-01-01T00:00:00.000Z',
        });
        expect(await storage.getInviteByHash('invite-hash')).toEqual(invite);
        expect(invite).toMatchObject({ siteSlug: 'torbay', role: 'member', usedAt: null });
        expect(await storage.claimInvite(invite.id, user.id, '2029-01-01T00:00:00.000Z')).toBe(true);
        expect(await storage.claimInvite(invite.id, user.id, '2029-01-01T00:00:01.000Z')).toBe(false);
        expect((await storage.getInviteByHash('invite-hash'))?.usedBy).toBe(user.id);
        expect(await storage.getInviteByHash('nope')).toBeNull();
      });

      it('lists a site’s pending invites newest first, with who made them', async () => {
        const { site, other, user } = await seed();
        const now = '2030-01-01T00:00:00.000Z';
        const nextWeek = '2030-01-08T00:00:00.000Z';
        const make = (hash: string, overrides: { email?: string; expiresAt?: string } = {}) =>
          makeInvite(site.id, user.id, hash, { role: 'viewer', expiresAt: nextWeek, ...overrides });
        const oldest = await make('pending-1', { email: 'sam@nhs.net' });
        const used = await make('used');
        const revoked = await make('revoked');
        await make('expired', { expiresAt: now });
        await makeInvite(other.id, user.id, 'elsewhere', { expiresAt: nextWeek });
        const newest = await make('pending-2');
        await storage.claimInvite(used.id, user.id, '2029-12-31T00:00:00.000Z');
        await storage.revokeInvite(site.id, revoked.id, '2029-12-31T00:00:00.000Z');

        const pending = await storage.listPendingInvites(site.id, now);
        expect(pending.map((i) => i.id)).toEqual([newest.id, oldest.id]);
        expect(pending[1]).toEqual({ ...oldest, creator: { name: 'Mo', organisation: 'Age UK' } });
        // An invite is pending strictly before its expiry.
        expect((await storage.listPendingInvites(site.id, '2029-12-31T23:59:59.999Z')).map((i) => i.id)).toHaveLength(3);
        expect(await storage.listPendingInvites(other.id, nextWeek)).toEqual([]);
      });

      it('revokes an unused invite of its own site only, once, and a revoked invite cannot be claimed', async () => {
        const { site, other, user } = await seed();
        const invite = await makeInvite(site.id, user.id, 'to-revoke');
        expect(invite.revokedAt).toBeNull();
        expect(await storage.revokeInvite(other.id, invite.id, '2029-01-01T00:00:00.000Z')).toBeNull();
        expect(await storage.revokeInvite(site.id, 'no-such-invite-id', '2029-01-01T00:00:00.000Z')).toBeNull();
        expect((await storage.getInviteByHash('to-revoke'))?.revokedAt).toBeNull();

        const revoked = await storage.revokeInvite(site.id, invite.id, '2029-01-01T00:00:00.000Z');
        expect(revoked).toEqual({ ...invite, revokedAt: '2029-01-01T00:00:00.000Z' });
        expect(await storage.getInviteByHash('to-revoke')).toEqual(revoked);
        // Revoking again keeps the first time.
        expect((await storage.revokeInvite(site.id, invite.id, '2029-02-01T00:00:00.000Z'))?.revokedAt).toBe(
          '2029-01-01T00:00:00.000Z',
        );
        expect(await storage.claimInvite(invite.id, user.id, '2029-03-01T00:00:00.000Z')).toBe(false);
        expect((await storage.getInviteByHash('to-revoke'))?.usedAt).toBeNull();
      });

      it('accepts an invite with a new account, atomically: one of several racing wins, the rest leave nothing', async () => {
        const { site, user: creator } = await seed();
        const invite = await makeInvite(site.id, creator.id, 'race');
        const at = '2029-06-01T00:00:00.000Z';
        const newUser = (email: string) => ({ email, name: email, organisation: 'Age UK', passwordHash: 'h', isAdmin: false });
        const results = await Promise.all(
          ['a@x.org', 'b@x.org', 'c@x.org'].map((email) =>
            storage.acceptInvite({ inviteId: invite.id, account: { newUser: newUser(email) }, at }),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok)).toEqual([
          { ok: false, reason: 'invite_taken' },
          { ok: false, reason: 'invite_taken' },
        ]);
        const winner = winners[0]!.ok ? winners[0]! : null;
        expect(winner).toMatchObject({ created: true, user: { organisation: 'Age UK', isAdmin: false } });
        // Only the creator and the winner have accounts, and the winner is a member.
        expect(await storage.countUsers()).toBe(2);
        expect(await storage.getUserById(winner!.user.id)).toEqual(winner!.user);
        expect(await storage.getRole(site.id, winner!.user.id)).toBe('member');
        expect(await storage.getInviteByHash('race')).toMatchObject({ usedAt: at, usedBy: winner!.user.id });

        // A second invite for an email that has an account by now creates nothing.
        const second = await makeInvite(site.id, creator.id, 'second');
        const again = await storage.acceptInvite({ inviteId: second.id, account: { newUser: newUser(winner!.user.email) }, at });
        expect(again).toEqual({ ok: false, reason: 'email_taken' });
        expect((await storage.getInviteByHash('second'))?.usedAt).toBeNull();
        expect(await storage.countUsers()).toBe(2);
      });

      it('accepts an invite for an existing account without lowering its role, and refuses expired or withdrawn ones', async () => {
        const { site, user } = await seed();
        await storage.setRole(site.id, user.id, 'facilitator');
        const lower = await makeInvite(site.id, user.id, 'lower', { role: 'viewer' });
        const result = await storage.acceptInvite({ inviteId: lower.id, account: { userId: user.id }, at: '2029-01-01T00:00:00.000Z' });
        expect(result).toEqual({ ok: true, user, created: false });
        expect(await storage.getRole(site.id, user.id)).toBe('facilitator');

        const expired = await makeInvite(site.id, user.id, 'expired', { expiresAt: '2029-01-01T00:00:00.000Z' });
        expect(await storage.acceptInvite({ inviteId: expired.id, account: { userId: user.id }, at: '2029-01-01T00:00:00.000Z' })).toEqual({
          ok: false,
          reason: 'invite_taken',
        });
        const withdrawn = await makeInvite(site.id, user.id, 'withdrawn');
        await storage.revokeInvite(site.id, withdrawn.id, '2029-01-01T00:00:00.000Z');
        const fresh = { email: 'new@x.org', name: 'New', organisation: 'Age UK', passwordHash: 'h', isAdmin: false };
        expect(await storage.acceptInvite({ inviteId: withdrawn.id, account: { newUser: fresh }, at: '2029-01-02T00:00:00.000Z' })).toEqual({
          ok: false,
          reason: 'invite_taken',
        });
        // The account made before the claim failed was rolled back.
        expect(await storage.getUserByEmail('new@x.org')).toBeNull();
      });

      it('leaves a used invite as it is when asked to revoke it', async () => {
        const { site, user } = await seed();
        const invite = await makeInvite(site.id, user.id, 'used-then-revoked');
        await storage.claimInvite(invite.id, user.id, '2029-01-01T00:00:00.000Z');
        const after = await storage.revokeInvite(site.id, invite.id, '2029-01-02T00:00:00.000Z');
        expect(after).toMatchObject({ usedAt: '2029-01-01T00:00:00.000Z', usedBy: user.id, revokedAt: null });
      });
    });

    describe('search index', () => {
      async function seedSearch() {
        const site = await storage.upsertSite({ slug: 'blackpool', name: 'Blackpool', issue: 'obesity', sponsor: 'HWB' });
        const other = await storage.upsertSite({ slug: 'york', name: 'York', issue: 'life', sponsor: 'HWB' });
        const map = await storage.createRoom({ siteId: site.id, kind: 'map', title: 'Causes map', createdBy: null });
        const doc = await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Framing obesity', createdBy: null });
        const elsewhere = await storage.createRoom({ siteId: other.id, kind: 'map', title: 'York map', createdBy: null });
        await storage.replaceSearchEntries(
          map.id,
          [
            { target: 'room', targetId: '', title: 'Causes map', body: '' },
            { target: 'element', targetId: 'e1', title: 'Childhood obesity', body: 'Childhood obesity\nRates at age 11' },
            { target: 'element', targetId: 'e2', title: 'Hot food takeaways', body: 'Hot food takeaways\nNear schools, linked to obesity' },
            { target: 'loop', targetId: 'e1>e2', title: 'Fast food spiral', body: 'Demand feeds supply' },
            { target: 'comment', targetId: 't1', title: 'Childhood obesity', body: 'Which year is the café survey from?' },
          ],
          { revision: 0, title: 'Causes map' },
        );
        await storage.replaceSearchEntries(
          doc.id,
          [
            { target: 'room', targetId: '', title: 'Framing obesity', body: '' },
            { target: 'block', targetId: '0', title: 'Why', body: 'Obesity is everyone’s business' },
          ],
          { revision: 0, title: 'Framing obesity' },
        );
        await storage.replaceSearchEntries(
          elsewhere.id,
          [{ target: 'element', targetId: 'y1', title: 'Obesity in York', body: 'Obesity in York' }],
          { revision: 0, title: 'York map' },
        );
        return { site, other, map, doc, elsewhere };
      }

      it('counts a doc’s revisions through appends, and compaction keeps the count', async () => {
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        expect(await storage.docRevision('rev')).toBe(0);
        source.getMap('m').set('a', 1);
        source.getMap('m').set('b', 2);
        for (const u of updates.splice(0)) await storage.appendUpdate('rev', u);
        const two = await storage.docRevision('rev');
        expect(two).toBeGreaterThan(0);
        await storage.compactDoc('rev');
        expect(await storage.docRevision('rev')).toBe(two);
        source.getMap('m').set('c', 3);
        await storage.appendUpdate('rev', updates[0]!);
        const three = await storage.docRevision('rev');
        expect(three).toBeGreaterThan(two);
        await storage.compactDoc('rev');
        await storage.compactDoc('rev');
        expect(await storage.docRevision('rev')).toBe(three);
        expect(await storage.docRevision('another')).toBe(0);
      });

      it('finds a site’s entries by whole words and prefixes, best first, with the matches marked', async () => {
        const { site, map, doc } = await seedSearch();
        const hits = await storage.searchSite(site.id, 'obes', { limit: 20 });
        // Every entry of the site that says "obesity", none of York's.
        expect(hits.map((h) => `${h.roomId === map.id ? 'map' : 'doc'}:${h.target}:${h.targetId}`).sort()).toEqual(
          ['doc:block:0', 'doc:room:', 'map:comment:t1', 'map:element:e1', 'map:element:e2'].sort(),
        );
        // A match in the title ranks above one only in the body.
        const order = hits.map((h) => h.targetId);
        expect(order.indexOf('e1')).toBeLessThan(order.indexOf('e2'));
        expect(hits.every((h, i) => i === 0 || hits[i - 1]!.rank >= h.rank)).toBe(true);
        const e1 = hits.find((h) => h.targetId === 'e1')!;
        expect(e1).toMatchObject({ roomId: map.id, roomKind: 'map', roomTitle: 'Causes map', target: 'element', title: 'Childhood obesity' });
        expect(e1.snippet.filter((p) => p.match).map((p) => p.text.toLowerCase())).toContain('obesity');
        expect(e1.snippet.map((p) => p.text).join('')).toMatch(/Childhood obesity/);
        expect((await storage.searchSite(site.id, 'childhood obes', { limit: 20 })).map((h) => h.targetId).sort()).toEqual(['e1', 't1']);
        expect((await storage.searchSite(site.id, 'obesity', { limit: 2 })).length).toBe(2);
        expect(doc.kind).toBe('doc');
      });

      it('matches without diacritics and in any case', async () => {
        const { site } = await seedSearch();
        expect((await storage.searchSite(site.id, 'CAFE', { limit: 5 })).map((h) => h.targetId)).toEqual(['t1']);
        expect((await storage.searchSite(site.id, 'café survey', { limit: 5 })).map((h) => h.targetId)).toEqual(['t1']);
      });

      it('never treats the query as syntax, and finds nothing in a query without words', async () => {
        const { site } = await seedSearch();
        for (const q of ['"', '*', '()', 'AND', 'OR NOT', 'obesity"', 'title:obesity', 'NEAR(a b)', '^obes', '-', '{title}: x', '\u0301']) {
          await expect(storage.searchSite(site.id, q, { limit: 5 })).resolves.toBeInstanceOf(Array);
        }
        expect(await storage.searchSite(site.id, '"*()-:^', { limit: 5 })).toEqual([]);
        expect(await storage.searchSite(site.id, '', { limit: 5 })).toEqual([]);
        expect((await storage.searchSite(site.id, 'title:obesity', { limit: 5 })).length).toBe(0);
      });

      it('leaves archived rooms out of results, and brings them back when restored', async () => {
        const { site, doc } = await seedSearch();
        await storage.updateRoom(doc.id, { archived: true });
        expect((await storage.searchSite(site.id, 'obesity', { limit: 20 })).some((h) => h.roomId === doc.id)).toBe(false);
        await storage.updateRoom(doc.id, { archived: false });
        expect((await storage.searchSite(site.id, 'obesity', { limit: 20 })).some((h) => h.roomId === doc.id)).toBe(true);
      });

      it('replaces and deletes a room’s entries', async () => {
        const { site, map } = await seedSearch();
        await storage.replaceSearchEntries(map.id, [{ target: 'element', targetId: 'e9', title: 'Physical activity', body: '' }], {
          revision: 1,
          title: 'Causes map',
        });
        expect((await storage.searchSite(site.id, 'obesity', { limit: 20 })).some((h) => h.roomId === map.id)).toBe(false);
        expect((await storage.searchSite(site.id, 'physical', { limit: 20 })).map((h) => h.targetId)).toEqual(['e9']);
        await storage.deleteSearchEntries(map.id);
        expect(await storage.searchSite(site.id, 'physical', { limit: 20 })).toEqual([]);
      });

      it('strips the characters snippets are marked with from what is indexed', async () => {
        const { site, map } = await seedSearch();
        await storage.replaceSearchEntries(map.id, [{ target: 'element', targetId: 'x', title: 'Fake \uE000match\uE001 here', body: '' }], {
          revision: 1,
          title: 'Causes map',
        });
        const [hit] = await storage.searchSite(site.id, 'here', { limit: 5 });
        expect(hit?.title).toBe('Fake match here');
        expect(hit?.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['here']);
      });

      it('lists rooms whose index is missing or older than their doc or title', async () => {
        const { map, doc, elsewhere } = await seedSearch();
        const fresh = await storage.createRoom({ siteId: map.siteId, kind: 'map', title: 'Fresh', createdBy: null });
        expect((await storage.roomsToIndex()).sort()).toEqual([fresh.id]);
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        source.getMap('m').set('a', 1);
        await storage.appendUpdate(map.id, updates[0]!);
        await storage.updateRoom(doc.id, { title: 'Renamed' });
        expect((await storage.roomsToIndex()).sort()).toEqual([fresh.id, map.id, doc.id].sort());
        await storage.replaceSearchEntries(map.id, [], { revision: await storage.docRevision(map.id), title: 'Causes map' });
        await storage.compactDoc(map.id);
        expect((await storage.roomsToIndex()).sort()).toEqual([fresh.id, doc.id].sort());
        expect(await storage.roomsToIndex()).not.toContain(elsewhere.id);
      });

      it('offers elements and named loops to mention, by label prefix or all by label, without archived rooms', async () => {
        const { site, map, doc } = await seedSearch();
        const byQuery = await storage.mentionables(site.id, { query: 'fast fo', limit: 10 });
        expect(byQuery.items).toEqual([{ roomId: map.id, roomTitle: 'Causes map', targetKind: 'loop', targetId: 'e1>e2', label: 'Fast food spiral' }]);
        // Only labels count: "obesity" in a body or a comment is not a mentionable "obesity".
        expect((await storage.mentionables(site.id, { query: 'obes', limit: 10 })).items.map((i) => i.targetId)).toEqual(['e1']);
        expect((await storage.mentionables(site.id, { limit: 10 })).items.map((i) => i.label)).toEqual([
          'Childhood obesity',
          'Fast food spiral',
          'Hot food takeaways',
        ]);
        expect((await storage.mentionables(site.id, { limit: 1 })).items).toHaveLength(1);
        expect((await storage.mentionables(site.id, { query: '"(', limit: 10 })).items).toEqual([]);
        await storage.updateRoom(map.id, { archived: true });
        expect((await storage.mentionables(site.id, { query: 'obes', limit: 10 })).items).toEqual([]);
        expect(doc.siteId).toBe(site.id);
      });

      it('resolves mention refs to current labels and reports the ones that name nothing', async () => {
        const { site, map, elsewhere } = await seedSearch();
        const refs = [
          { roomId: map.id, targetId: 'e2' },
          { roomId: map.id, targetId: 'gone' },
          { roomId: map.id, targetId: 'e1>e2' },
          { roomId: map.id, targetId: 't1' },
          { roomId: elsewhere.id, targetId: 'y1' },
        ];
        await storage.updateRoom(map.id, { archived: true });
        const resolved = await storage.mentionables(site.id, { refs, limit: 10 });
        expect(resolved.items).toEqual([
          { roomId: map.id, roomTitle: 'Causes map', targetKind: 'element', targetId: 'e2', label: 'Hot food takeaways' },
          { roomId: map.id, roomTitle: 'Causes map', targetKind: 'loop', targetId: 'e1>e2', label: 'Fast food spiral' },
        ]);
        // A comment is not mentionable, and another site's element is not this site's.
        expect(resolved.missing).toEqual([refs[1], refs[3], refs[4]]);
      });
    });

    describe('versions', () => {
      const ann = { userId: 'u-ann', name: 'Ann', organisation: 'Torbay Council' };
      const version = (id: string, minute: number, state = new Uint8Array([minute, 1, 2, 3])) => ({
        id,
        roomId: 'room-v',
        name: `Version ${id}`,
        createdBy: ann,
        createdAt: new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString(),
        summary: { elements: minute, connections: 2 * minute },
        state,
      });

      it('stores a version with its state, lists versions newest first without their state, and reads one back', async () => {
        const big = new Uint8Array(200_000).map((_, i) => i % 251);
        const { version: first, created } = await storage.createVersion(version('v1', 1, big));
        expect(created).toBe(true);
        expect(first).toEqual({
          id: 'v1',
          roomId: 'room-v',
          name: 'Version v1',
          createdBy: ann,
          createdAt: '2026-11-22T10:01:00.000Z',
          summary: { elements: 1, connections: 2 },
          bytes: 200_000,
        });
        await storage.createVersion(version('v3', 3));
        await storage.createVersion(version('v2', 2));
        await storage.createVersion({ ...version('other', 9), roomId: 'room-w' });
        expect((await storage.listVersions('room-v')).map((v) => v.id)).toEqual(['v3', 'v2', 'v1']);
        expect(await storage.listVersions('room-v')).toContainEqual(first);
        expect(await storage.listVersions('nobody')).toEqual([]);

        const read = await storage.getVersion('room-v', 'v1');
        expect(read!.version).toEqual(first);
        expect(Array.from(read!.state)).toEqual(Array.from(big));
        expect(await storage.getVersion('room-w', 'v1')).toBeNull();
        expect(await storage.getVersion('room-v', 'nope')).toBeNull();
      });

      it('is idempotent by id within a room: a second save with the id changes nothing', async () => {
        await storage.createVersion(version('v1', 1));
        const again = await storage.createVersion({ ...version('v1', 5), name: 'Renamed' });
        expect(again.created).toBe(false);
        expect(again.version.name).toBe('Version v1');
        expect(Array.from((await storage.getVersion('room-v', 'v1'))!.state)).toEqual([1, 1, 2, 3]);
        // The same id in another room is another version.
        expect((await storage.createVersion({ ...version('v1', 1), roomId: 'room-w' })).created).toBe(true);
      });

      it('keeps the newest `keep` versions of the room, dropping the oldest in the same write', async () => {
        for (let i = 1; i <= 5; i++) await storage.createVersion(version(`v${i}`, i), { keep: 3 });
        expect((await storage.listVersions('room-v')).map((v) => v.id)).toEqual(['v5', 'v4', 'v3']);
        // Saved at the same moment: the one stored later counts as newer.
        await Promise.all([storage.createVersion(version('a', 30), { keep: 3 }), storage.createVersion(version('b', 30), { keep: 3 })]);
        expect((await storage.listVersions('room-v')).map((v) => v.id)).toEqual(['b', 'a', 'v5']);
        // One older than all it keeps is not kept, and says so by its absence from the list.
        const old = await storage.createVersion(version('ancient', 0), { keep: 3 });
        expect(old.version.id).toBe('ancient');
        expect((await storage.listVersions('room-v')).map((v) => v.id)).toEqual(['b', 'a', 'v5']);
      });

      it('deletes a version of a room, once', async () => {
        await storage.createVersion(version('v1', 1));
        await storage.createVersion(version('v2', 2));
        expect(await storage.deleteVersion('room-w', 'v1')).toBe(false);
        expect(await storage.deleteVersion('room-v', 'v1')).toBe(true);
        expect(await storage.deleteVersion('room-v', 'v1')).toBe(false);
        expect((await storage.listVersions('room-v')).map((v) => v.id)).toEqual(['v2']);
        expect(await storage.getVersion('room-v', 'v1')).toBeNull();
      });
    });

    describe('workshops', () => {
      const steps = [
        { id: 's1', title: 'Check-in', kind: 'round' as const, minutes: 10, roomId: null, lock: false },
        { id: 's2', title: 'Map the causes', kind: 'brainstorm' as const, minutes: 45, roomId: 'room-map-1', lock: true },
      ];

      it('stores a workshop with its agenda and reads it back by id, with its site', async () => {
        const site = await storage.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
        const room = await storage.createRoom({ siteId: site.id, kind: 'workshop', title: 'Mapping morning', createdBy: null });
        expect(room.kind).toBe('workshop');
        const made = await storage.createWorkshop({
          siteId: site.id,
          roomId: room.id,
          title: 'Mapping morning',
          startsAt: '2026-03-02T10:00:00.000Z',
          steps,
          createdBy: 'u-fran',
        });
        expect(made).toEqual({
          id: made.id,
          siteId: site.id,
          siteSlug: 'torbay',
          roomId: room.id,
          title: 'Mapping morning',
          startsAt: '2026-03-02T10:00:00.000Z',
          steps,
          createdBy: 'u-fran',
          createdAt: made.createdAt,
          endedAt: null,
        });
        expect(made.id).toMatch(/^[A-Za-z0-9_-]{10,64}$/);
        expect(Date.parse(made.createdAt)).not.toBeNaN();
        expect(await storage.getWorkshop(made.id)).toEqual(made);
        expect(await storage.getWorkshop('no-such-workshop')).toBeNull();
        // A workshop's room is neither listed with the site's rooms nor counted in them.
        expect(await storage.countRooms(site.id)).toBe(0);
        expect((await storage.listRoomPage(site.id, { archived: 'include', limit: 10, after: null })).total).toBe(0);
      });

      it("lists a site's workshops newest first, and only that site's", async () => {
        const site = await storage.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
        const other = await storage.upsertSite({ slug: 'york', name: 'York', issue: 'i', sponsor: 's' });
        const make = async (siteId: string, title: string) => {
          const room = await storage.createRoom({ siteId, kind: 'workshop', title, createdBy: null });
          return storage.createWorkshop({ siteId, roomId: room.id, title, startsAt: '2026-03-02T10:00:00.000Z', steps, createdBy: null });
        };
        // Made in the same millisecond or not, the one stored later counts as newer.
        const first = await make(site.id, 'First');
        const second = await make(site.id, 'Second');
        await make(other.id, 'Elsewhere');
        expect((await storage.listWorkshops(site.id)).map((w) => w.id)).toEqual([second.id, first.id]);
        expect(await storage.listWorkshops(site.id)).toContainEqual(first);
        expect((await storage.listWorkshops(other.id)).map((w) => w.title)).toEqual(['Elsewhere']);
        expect(await storage.listWorkshops('nowhere')).toEqual([]);
      });

      async function workshopOf(title = 'Rounds morning') {
        const site = await storage.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
        const room = await storage.createRoom({ siteId: site.id, kind: 'workshop', title, createdBy: null });
        return storage.createWorkshop({ siteId: site.id, roomId: room.id, title, startsAt: '2026-03-02T10:00:00.000Z', steps, createdBy: null });
      }
      const vote = { kind: 'vote' as const, roomId: 'room-map-1', prompt: 'Which causes matter most?', votesPerPerson: 3, anonymous: true, createdBy: 'u-fran' };

      it('stores rounds of a workshop, open, oldest first, up to a limit per workshop', async () => {
        const workshop = await workshopOf();
        const first = await storage.createRound({ ...vote, workshopId: workshop.id }, { max: 2 });
        expect(first).toEqual({
          id: first!.id,
          workshopId: workshop.id,
          kind: 'vote',
          roomId: 'room-map-1',
          prompt: 'Which causes matter most?',
          votesPerPerson: 3,
          anonymous: true,
          status: 'open',
          createdBy: 'u-fran',
          createdAt: first!.createdAt,
          closedAt: null,
        });
        const second = await storage.createRound(
          { workshopId: workshop.id, kind: 'check-in', roomId: null, prompt: 'How are you arriving?', votesPerPerson: null, anonymous: false, createdBy: null },
          { max: 2 },
        );
        expect(second?.anonymous).toBe(false);
        expect(await storage.createRound({ ...vote, workshopId: workshop.id }, { max: 2 })).toBeNull();
        expect((await storage.listRounds(workshop.id)).map((r) => r.id)).toEqual([first!.id, second!.id]);
        expect(await storage.getRound(workshop.id, second!.id)).toEqual(second);
        // A round is found only through its own workshop.
        const other = await workshopOf('Another');
        expect(await storage.getRound(other.id, first!.id)).toBeNull();
        expect(await storage.listRounds(other.id)).toEqual([]);
      });

      it("replaces a person's entries and adds notes up to a limit while the round is open, and refuses both once it is closed, which happens once", async () => {
        const workshop = await workshopOf();
        const round = (await storage.createRound({ ...vote, workshopId: workshop.id }, { max: 10 }))!;
        expect(await storage.replaceRoundEntries(round.id, 'u-mo', ['a', 'a', 'b'])).toBe(true);
        expect(await storage.replaceRoundEntries(round.id, 'u-pat', ['c'])).toBe(true);
        expect(await storage.replaceRoundEntries(round.id, 'u-mo', ['b'])).toBe(true);
        const values = (entries: { userId: string; value: string }[]) => entries.map((e) => `${e.userId}:${e.value}`);
        expect(values(await storage.listRoundEntries(round.id))).toEqual(['u-pat:c', 'u-mo:b']);

        // The limit counts all the person's entries in the round (here one dot and two notes).
        const note = await storage.addRoundEntry(round.id, 'u-mo', 'Bus routes cut', { max: 3 });
        expect(note).toMatchObject({ roundId: round.id, userId: 'u-mo', value: 'Bus routes cut' });
        expect(await storage.addRoundEntry(round.id, 'u-mo', 'Second', { max: 3 })).toMatchObject({ value: 'Second' });
        expect(await storage.addRoundEntry(round.id, 'u-mo', 'Third', { max: 3 })).toBe('full');

        const closes = await Promise.all([storage.closeRound(round.id), storage.closeRound(round.id)]);
        expect(closes.filter((c) => c !== null)).toHaveLength(1);
        const closed = closes.find((c) => c !== null)!;
        expect(closed).toMatchObject({ id: round.id, status: 'closed' });
        expect(Date.parse(closed.closedAt!)).not.toBeNaN();
        expect(await storage.replaceRoundEntries(round.id, 'u-mo', ['a'])).toBe(false);
        expect(await storage.addRoundEntry(round.id, 'u-pat', 'Late', { max: 3 })).toBe('closed');
        expect(values(await storage.listRoundEntries(round.id))).toEqual(['u-pat:c', 'u-mo:b', 'u-mo:Bus routes cut', 'u-mo:Second']);
        expect(await storage.closeRound('no-such-round')).toBeNull();
      });

      it('ends a workshop once, and keeps who came in the order they first came', async () => {
        const workshop = await workshopOf();
        const ends = await Promise.all([storage.endWorkshop(workshop.id), storage.endWorkshop(workshop.id)]);
        expect(ends.filter((e) => e !== null)).toHaveLength(1);
        const ended = ends.find((e) => e !== null)!;
        expect(ended).toEqual({ ...workshop, endedAt: ended.endedAt });
        expect(Date.parse(ended.endedAt!)).not.toBeNaN();
        expect(await storage.getWorkshop(workshop.id)).toEqual(ended);
        expect(await storage.endWorkshop('no-such-workshop')).toBeNull();

        await storage.recordAttendance(workshop.roomId, 'u-mo');
        await new Promise((r) => setTimeout(r, 2));
        await storage.recordAttendance(workshop.roomId, 'u-pat');
        await storage.recordAttendance(workshop.roomId, 'u-mo');
        const came = await storage.listAttendance(workshop.roomId);
        expect(came.map((a) => a.userId)).toEqual(['u-mo', 'u-pat']);
        expect(Date.parse(came[0]!.firstSeen)).not.toBeNaN();
        expect(await storage.listAttendance('another-room')).toEqual([]);

        // The rooms a workshop made for itself, once each.
        await storage.addWorkshopRoom(workshop.id, 'room-group-1');
        await storage.addWorkshopRoom(workshop.id, 'room-group-2');
        await storage.addWorkshopRoom(workshop.id, 'room-group-1');
        expect((await storage.listWorkshopRooms(workshop.id)).sort()).toEqual(['room-group-1', 'room-group-2']);
        expect(await storage.listWorkshopRooms('another-workshop')).toEqual([]);
      });
    });

    describe('workshop guests', () => {
      async function workshopOf(title = 'Mapping morning') {
        const site = await storage.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
        const room = await storage.createRoom({ siteId: site.id, kind: 'workshop', title, createdBy: null });
        return storage.createWorkshop({ siteId: site.id, roomId: room.id, title, startsAt: '2026-03-02T10:00:00.000Z', steps: [], createdBy: null });
      }
      const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();
      const now = () => new Date().toISOString();

      it('stores a link by its hash only, and finds it by that hash', async () => {
        const workshop = await workshopOf();
        const made = await storage.createGuestInvite({ workshopId: workshop.id, label: 'Police partners', hash: 'hash-a', createdBy: 'u-fran', expiresAt: inTwoDays() });
        expect(made).toEqual({
          id: made.id,
          workshopId: workshop.id,
          label: 'Police partners',
          createdBy: 'u-fran',
          createdAt: made.createdAt,
          expiresAt: made.expiresAt,
        });
        expect(made.id).toMatch(/^[A-Za-z0-9_-]{10,64}$/);
        expect(Date.parse(made.createdAt)).not.toBeNaN();
        expect(await storage.getGuestInviteByHash('hash-a')).toEqual(made);
        expect(await storage.getGuestInviteByHash('hash-b')).toBeNull();
        expect(JSON.stringify(made)).not.toContain('hash-a');
        // Two links never share a hash.
        await expect(storage.createGuestInvite({ workshopId: workshop.id, label: null, hash: 'hash-a', createdBy: null, expiresAt: inTwoDays() })).rejects.toThrow();
      });

      it("lists a workshop's links newest first, and stops one working from a moment on, never later than it would have", async () => {
        const workshop = await workshopOf();
        const first = await storage.createGuestInvite({ workshopId: workshop.id, label: 'First', hash: 'hash-1', createdBy: null, expiresAt: inTwoDays() });
        const second = await storage.createGuestInvite({ workshopId: workshop.id, label: 'Second', hash: 'hash-2', createdBy: null, expiresAt: inTwoDays() });
        expect((await storage.listGuestInvites(workshop.id)).map((i) => i.label)).toEqual(['Second', 'First']);
        const at = now();
        expect(await storage.expireGuestInvite(workshop.id, first.id, at)).toBe(true);
        expect((await storage.getGuestInviteByHash('hash-1'))?.expiresAt).toBe(at);
        // Expiring again later keeps the earlier end.
        expect(await storage.expireGuestInvite(workshop.id, first.id, inTwoDays())).toBe(true);
        expect((await storage.getGuestInviteByHash('hash-1'))?.expiresAt).toBe(at);
        expect(await storage.joinAsGuest({ inviteId: first.id, name: 'Late', organisation: 'X', at: now() }, { max: 10 })).toEqual({ ok: false, reason: 'expired' });
        // Only through its own workshop.
        const other = await workshopOf('Another');
        expect(await storage.expireGuestInvite(other.id, second.id, at)).toBe(false);
        expect((await storage.getGuestInviteByHash('hash-2'))?.expiresAt).toBe(second.expiresAt);
        expect(await storage.listGuestInvites(other.id)).toEqual([]);
      });

      it('makes guests of the workshop: no password, no site role, never a member, listed in the order they joined', async () => {
        const workshop = await workshopOf();
        const invite = await storage.createGuestInvite({ workshopId: workshop.id, label: null, hash: 'hash-a', createdBy: null, expiresAt: inTwoDays() });
        const first = await storage.joinAsGuest({ inviteId: invite.id, name: 'Gita', organisation: 'Devon Fire and Rescue', at: now() }, { max: 10 });
        const second = await storage.joinAsGuest({ inviteId: invite.id, name: 'Gita', organisation: 'Devon Fire and Rescue', at: now() }, { max: 10 });
        if (!first.ok || !second.ok) throw new Error('expected both to join');
        expect(first.user).toEqual({
          id: first.user.id,
          email: first.user.email,
          name: 'Gita',
          organisation: 'Devon Fire and Rescue',
          isAdmin: false,
          createdAt: first.user.createdAt,
          guestOf: workshop.id,
        });
        // The same name twice is two people (two devices, or two Gitas): two accounts.
        expect(second.user.id).not.toBe(first.user.id);
        expect(second.user.email).not.toBe(first.user.email);
        expect(await storage.getUserById(first.user.id)).toEqual(first.user);
        expect(await storage.getUserByEmail(first.user.email)).toEqual(first.user);
        expect(await storage.getPasswordHash(first.user.id)).toBeNull();
        expect(await storage.getRole(workshop.siteId, first.user.id)).toBeNull();
        expect(await storage.listMembers(workshop.siteId)).toEqual([]);
        expect((await storage.listGuests(workshop.id)).map((u) => u.id)).toEqual([first.user.id, second.user.id]);
        expect(await storage.listGuests((await workshopOf('Another')).id)).toEqual([]);
        // Their sessions are like anyone's, and find them as guests.
        await storage.createToken({ userId: first.user.id, kind: 'session', name: 'guest session', hash: 'guest-session', expiresAt: inTwoDays() });
        expect((await storage.findToken('guest-session', now()))?.user).toEqual(first.user);
        // People with accounts of their own are nobody's guests.
        const ana = await storage.createUser({ email: 'ana@council.gov.uk', name: 'Ana', organisation: 'Torbay Council', passwordHash: 'h', isAdmin: false });
        expect(ana.guestOf).toBeNull();
        expect((await storage.getUserById(ana.id))?.guestOf).toBeNull();
      });

      it('refuses to make a guest, writing nothing, when the link has expired, the workshop has ended, or it has its most guests', async () => {
        const workshop = await workshopOf();
        const live = await storage.createGuestInvite({ workshopId: workshop.id, label: null, hash: 'hash-live', createdBy: null, expiresAt: inTwoDays() });
        const old = await storage.createGuestInvite({ workshopId: workshop.id, label: null, hash: 'hash-old', createdBy: null, expiresAt: new Date(Date.now() - 1000).toISOString() });
        const person = { name: 'Gita', organisation: 'Devon Fire and Rescue', at: now() };
        expect(await storage.joinAsGuest({ ...person, inviteId: old.id }, { max: 10 })).toEqual({ ok: false, reason: 'expired' });
        expect(await storage.joinAsGuest({ ...person, inviteId: 'no-such-invite' }, { max: 10 })).toEqual({ ok: false, reason: 'expired' });
        // Of several joining at once against a limit of two, two get in.
        const joins = await Promise.all([1, 2, 3].map(() => storage.joinAsGuest({ ...person, inviteId: live.id }, { max: 2 })));
        expect(joins.filter((j) => j.ok)).toHaveLength(2);
        expect(joins.filter((j) => !j.ok)).toEqual([{ ok: false, reason: 'full' }]);
        await storage.endWorkshop(workshop.id);
        expect(await storage.joinAsGuest({ ...person, inviteId: live.id }, { max: 10 })).toEqual({ ok: false, reason: 'ended' });
        expect(await storage.listGuests(workshop.id)).toHaveLength(2);
        expect(await storage.countUsers()).toBe(2);
      });
    });

    describe('publications', () => {
      async function summaryRoom(slug: string) {
        const site = await storage.upsertSite({ slug, name: `Site ${slug}`, issue: '', sponsor: '' });
        const room = await storage.createRoom({ siteId: site.id, kind: 'summary', title: 'What we learned', createdBy: null });
        return { site, room };
      }
      const publish = (siteId: string, roomId: string, slug: string, at: string) =>
        storage.createPublication({
          siteId,
          roomId,
          slug,
          title: `Title at ${at}`,
          publishedBy: null,
          publishedAt: at,
          data: ({ version, slug: chosen }) => JSON.stringify({ version, slug: chosen, at }),
        });

      it('numbers versions per room, keeps the slug, and tells data its own place', async () => {
        const { site, room } = await summaryRoom('torbay');
        const first = await publish(site.id, room.id, 'high-streets', '2030-01-01T00:00:00.000Z');
        const second = await publish(site.id, room.id, 'renamed', '2030-02-01T00:00:00.000Z');
        expect([first.version, second.version]).toEqual([1, 2]);
        expect(second.slug).toBe('high-streets');
        expect(second.siteSlug).toBe('torbay');
        const found = await storage.getPublication('torbay', 'high-streets');
        expect(found?.versions.map((v) => v.version)).toEqual([1, 2]);
        expect(JSON.parse(found!.current.data)).toEqual({ version: 2, slug: 'high-streets', at: '2030-02-01T00:00:00.000Z' });
        expect(found?.current.firstPublishedAt).toBe('2030-01-01T00:00:00.000Z');
        const v1 = await storage.getPublication('torbay', 'high-streets', 1);
        expect(JSON.parse(v1!.current.data).version).toBe(1);
        expect(await storage.getPublication('torbay', 'high-streets', 3)).toBeNull();
        expect(await storage.getPublication('torbay', 'nothing')).toBeNull();
        expect((await storage.listPublications(room.id)).map((p) => p.version)).toEqual([1, 2]);
      });

      it('makes a slug unique within the site, not across sites', async () => {
        const { site, room } = await summaryRoom('torbay');
        const other = await storage.createRoom({ siteId: site.id, kind: 'summary', title: 'Another', createdBy: null });
        const elsewhere = await summaryRoom('west-cheshire');
        await publish(site.id, room.id, 'lessons', '2030-01-01T00:00:00.000Z');
        expect((await publish(site.id, other.id, 'lessons', '2030-01-02T00:00:00.000Z')).slug).toBe('lessons-2');
        expect((await publish(elsewhere.site.id, elsewhere.room.id, 'lessons', '2030-01-03T00:00:00.000Z')).slug).toBe('lessons');
      });

      it('lists the latest live version of each summary, newest first, and withdraws', async () => {
        const a = await summaryRoom('torbay');
        const b = await summaryRoom('west-cheshire');
        const before = await storage.publicationsRevision();
        await publish(a.site.id, a.room.id, 'a', '2030-01-01T00:00:00.000Z');
        await publish(b.site.id, b.room.id, 'b', '2030-01-02T00:00:00.000Z');
        await publish(a.site.id, a.room.id, 'a', '2030-01-03T00:00:00.000Z');
        const afterPublishing = await storage.publicationsRevision();
        expect(afterPublishing).not.toBe(before);
        const live = await storage.listLivePublications();
        expect(live.map((p) => [p.record.siteSlug, p.record.version])).toEqual([['torbay', 2], ['west-cheshire', 1]]);
        expect(live[0]!.firstPublishedAt).toBe('2030-01-01T00:00:00.000Z');
        expect((await storage.listLivePublications({ siteSlug: 'west-cheshire' })).map((p) => p.record.slug)).toEqual(['b']);

        expect(await storage.withdrawPublications(a.room.id, '2030-01-04T00:00:00.000Z')).toBe(2);
        expect(await storage.withdrawPublications(a.room.id, '2030-01-05T00:00:00.000Z')).toBe(0);
        expect(await storage.publicationsRevision()).not.toBe(afterPublishing);
        expect((await storage.listLivePublications()).map((p) => p.record.siteSlug)).toEqual(['west-cheshire']);
        const withdrawn = await storage.getPublication('torbay', 'a');
        expect(withdrawn?.versions.every((v) => v.withdrawnAt === '2030-01-04T00:00:00.000Z')).toBe(true);

        // Published again: a new version, public; the withdrawn ones stay withdrawn.
        const again = await publish(a.site.id, a.room.id, 'a', '2030-01-06T00:00:00.000Z');
        expect(again.version).toBe(3);
        expect((await storage.listLivePublications({ siteSlug: 'torbay' })).map((p) => p.record.version)).toEqual([3]);
      });

      it('gives concurrent publishes of one room distinct versions', async () => {
        const { site, room } = await summaryRoom('torbay');
        const made = await Promise.all([1, 2, 3, 4].map((i) => publish(site.id, room.id, 's', `2030-01-0${i}T00:00:00.000Z`)));
        expect(made.map((p) => p.version).sort()).toEqual([1, 2, 3, 4]);
      });
    });

    describe('sign-in throttle and settings', () => {
      it('locks a key after too many failures within the window, and clears', async () => {
        const options = { maxFailures: 3, lockMs: 60_000, windowMs: 60_000 };
        const t0 = Date.parse('2030-01-01T00:00:00Z');
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        expect(await storage.getLoginThrottle('email:a@b.c')).toEqual({ failures: 0, lockedUntil: null });
        await storage.recordLoginFailure('email:a@b.c', at(0), options);
        await storage.recordLoginFailure('email:a@b.c', at(1), options);
        const third = await storage.recordLoginFailure('email:a@b.c', at(2), options);
        expect(third).toEqual({ failures: 3, lockedUntil: at(62) });
        expect(await storage.getLoginThrottle('email:a@b.c')).toEqual(third);
        // Outside the window the count starts again.
        const fresh = await storage.recordLoginFailure('email:a@b.c', at(120), options);
        expect(fresh).toEqual({ failures: 1, lockedUntil: null });
        await storage.clearLoginFailures('email:a@b.c');
        expect((await storage.getLoginThrottle('email:a@b.c')).failures).toBe(0);
      });

      it('stores and removes settings', async () => {
        expect(await storage.getSetting('k')).toBeNull();
        await storage.setSetting('k', 'v1');
        await storage.setSetting('k', 'v2');
        expect(await storage.getSetting('k')).toBe('v2');
        await storage.setSetting('k', null);
        expect(await storage.getSetting('k')).toBeNull();
      });

      it('takes a setting only while it holds the expected value, and only once', async () => {
        await storage.setSetting('once', 'secret');
        expect(await storage.takeSetting('once', 'guess')).toBe(false);
        expect(await storage.getSetting('once')).toBe('secret');
        const results = await Promise.all([storage.takeSetting('once', 'secret'), storage.takeSetting('once', 'secret')]);
        expect(results.sort()).toEqual([false, true]);
        expect(await storage.getSetting('once')).toBeNull();
      });
    });

    describe('backup', () => {
      /** Every row a store exports, in order. */
      async function rowsOf(store: Storage, options: { siteId?: string } = {}): Promise<BackupRow[]> {
        const rows: BackupRow[] = [];
        for await (const row of store.exportRows(options)) rows.push(row);
        return rows;
      }
      const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();

      /** A deployment with something in every table: two sites, people, rooms with docs, a workshop, a publication. */
      async function fill(store: Storage) {
        const fran = await store.createUser({ email: 'fran@torbay.gov.uk', name: 'Fran', organisation: 'Torbay Council', passwordHash: 'scrypt-fran', isAdmin: true });
        const sam = await store.createUser({ email: 'sam@nhs.net', name: 'Sam', organisation: 'NHS Devon', passwordHash: 'scrypt-sam', isAdmin: false });
        const yan = await store.createUser({ email: 'yan@york.gov.uk', name: 'Yan', organisation: 'York Council', passwordHash: 'scrypt-yan', isAdmin: false });
        await store.createToken({ userId: fran.id, kind: 'session', name: 'browser', hash: 'token-fran', expiresAt: null });
        const torbay = await store.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'dementia aware high streets', sponsor: 'HWB' });
        const york = await store.upsertSite({ slug: 'york', name: 'York', issue: 'healthy life expectancy', sponsor: 'HWB' });
        await store.setRole(torbay.id, fran.id, 'facilitator');
        await store.setRole(torbay.id, sam.id, 'member');
        await store.setRole(york.id, sam.id, 'viewer');
        await store.setRole(york.id, yan.id, 'facilitator');

        const map = await store.createRoom({ siteId: torbay.id, kind: 'map', title: 'Causes map', createdBy: fran.id });
        const source = new Y.Doc();
        const updates = recordUpdates(source);
        source.getMap('m').set('a', 1);
        source.getText('t').insert(0, 'high streets');
        for (const u of updates.splice(0)) await store.appendUpdate(map.id, u, { userId: fran.id, attributions: ['attr-1'] });
        await store.compactDoc(map.id);
        source.getMap('m').set('b', 2);
        source.getArray('a').push(['after compaction']);
        for (const u of updates.splice(0)) await store.appendUpdate(map.id, u, { userId: sam.id });
        await store.appendUpdate(map.id, new Uint8Array(Y.encodeStateAsUpdate(new Y.Doc())));
        const doc = await store.createRoom({ siteId: torbay.id, kind: 'doc', title: 'Framing', createdBy: sam.id });
        await store.updateRoom(doc.id, { archived: true, locked: true, lockedBy: fran.id });
        const log = await store.getOrCreateLogRoom(torbay.id);
        await store.createVersion({
          id: 'v1',
          roomId: map.id,
          name: 'Before the workshop',
          createdBy: { userId: fran.id, name: 'Fran', organisation: 'Torbay Council' },
          createdAt: '2026-03-01T09:00:00.000Z',
          summary: { elements: 2 },
          state: Y.encodeStateAsUpdate(source),
        });
        await store.replaceSearchEntries(
          map.id,
          [
            { target: 'room', targetId: '', title: 'Causes map', body: '' },
            { target: 'element', targetId: 'e1', title: 'High streets', body: 'Dementia aware café' },
          ],
          { revision: await store.docRevision(map.id), title: 'Causes map' },
        );
        const pending = await store.createInvite({ siteId: torbay.id, role: 'member', email: null, hash: 'invite-open', createdBy: fran.id, expiresAt: inTwoDays() });
        const used = await store.createInvite({ siteId: torbay.id, role: 'viewer', email: 'sam@nhs.net', hash: 'invite-used', createdBy: fran.id, expiresAt: inTwoDays() });
        await store.acceptInvite({ inviteId: used.id, account: { userId: sam.id }, at: new Date().toISOString() });

        const workshopRoom = await store.createRoom({ siteId: torbay.id, kind: 'workshop', title: 'Mapping morning', createdBy: fran.id });
        const workshop = await store.createWorkshop({
          siteId: torbay.id,
          roomId: workshopRoom.id,
          title: 'Mapping morning',
          startsAt: '2026-03-02T10:00:00.000Z',
          steps: [{ id: 's1', title: 'Check-in', kind: 'round', minutes: 10, roomId: null, lock: false }],
          createdBy: fran.id,
        });
        const round = await store.createRound(
          { workshopId: workshop.id, kind: 'vote', roomId: map.id, prompt: 'Which matter most?', votesPerPerson: 3, anonymous: true, createdBy: fran.id },
          { max: 5 },
        );
        await store.replaceRoundEntries(round!.id, sam.id, ['e1', 'e1', 'e2']);
        await store.recordAttendance(workshopRoom.id, sam.id);
        const breakout = await store.createRoom({ siteId: torbay.id, kind: 'map', title: 'Group A', createdBy: fran.id });
        await store.addWorkshopRoom(workshop.id, breakout.id);
        const link = await store.createGuestInvite({ workshopId: workshop.id, label: 'Police partners', hash: 'guest-link', createdBy: fran.id, expiresAt: inTwoDays() });
        const joined = await store.joinAsGuest({ inviteId: link.id, name: 'Pat', organisation: 'Devon Police', at: new Date().toISOString() }, { max: 10 });
        const guest = joined.ok ? joined.user : null;

        const summary = await store.createRoom({ siteId: torbay.id, kind: 'summary', title: 'What we learned', createdBy: fran.id });
        await store.createPublication({
          siteId: torbay.id,
          roomId: summary.id,
          slug: 'what-we-learned',
          title: 'What we learned',
          publishedBy: fran.id,
          publishedAt: '2026-03-03T12:00:00.000Z',
          data: ({ version, slug }) => JSON.stringify({ version, slug }),
        });

        const yorkMap = await store.createRoom({ siteId: york.id, kind: 'map', title: 'York map', createdBy: yan.id });
        await store.appendUpdate(yorkMap.id, Y.encodeStateAsUpdate(source), { userId: yan.id });
        await store.setSetting('learning.themes', '["governance"]');
        await store.recordLoginFailure('email:sam@nhs.net', '2030-01-01T00:00:00.000Z', { maxFailures: 5, lockMs: 60_000, windowMs: 60_000 });
        return { fran, sam, yan, guest: guest!, torbay, york, map, doc, log, pending, workshop, round: round!, link, summary, yorkMap };
      }

      it('restores everything it exports into an empty store, which then carries on as the original would', async () => {
        const made = await fill(storage);
        const rows = await rowsOf(storage);
        const tables = new Set(rows.map((r) => r.table));
        // Something of every table, each in one run, in an order the foreign keys allow.
        expect([...tables]).toEqual(BACKUP_TABLES.map((t) => t.name));
        // What only one backend keeps for itself stays out; bytes are base64, booleans booleans.
        expect(rows.some((r) => 'seq' in r.row || 'base' in r.row || 'guest_seq' in r.row || 'terms' in r.row)).toBe(false);
        const userRow = rows.find((r) => r.table === 'users' && r.row.id === made.fran.id)!;
        expect(userRow.row).toMatchObject({ is_admin: true, password_hash: 'scrypt-fran' });
        expect(typeof rows.find((r) => r.table === 'doc_snapshots')!.row.data).toBe('string');

        const target = recordingCalls(await open(), called);
        try {
          const result = await target.importRows(storage.exportRows({}));
          expect(result.tables.doc_updates).toBe(rows.filter((r) => r.table === 'doc_updates').length);
          expect(Object.values(result.tables).reduce((a, b) => a + b, 0)).toBe(rows.length);
          // Exported again, the copy is the same, row for row and in the same order.
          expect(await rowsOf(target)).toEqual(rows);

          for (const room of [made.map, made.yorkMap, made.doc]) {
            expect(await target.loadDoc(room.id)).toEqual(await storage.loadDoc(room.id));
            expect(await target.docRevision(room.id)).toBe(await storage.docRevision(room.id));
            expect(await target.listRoomEditors(room.id)).toEqual(await storage.listRoomEditors(room.id));
            expect((await target.loadAttributions(room.id)).sort()).toEqual((await storage.loadAttributions(room.id)).sort());
          }
          expect(await target.listUsers()).toEqual(await storage.listUsers());
          expect(await target.getPasswordHash(made.fran.id)).toBe('scrypt-fran');
          expect((await target.findToken('token-fran', new Date().toISOString()))?.user.id).toBe(made.fran.id);
          expect(await target.listSites(made.sam.id)).toEqual(await storage.listSites(made.sam.id));
          expect(await target.listMembers(made.torbay.id)).toEqual(await storage.listMembers(made.torbay.id));
          expect(await target.getRoom(made.doc.id)).toEqual(await storage.getRoom(made.doc.id));
          expect(await target.listPendingInvites(made.torbay.id, new Date().toISOString())).toEqual(await storage.listPendingInvites(made.torbay.id, new Date().toISOString()));
          expect(await target.getVersion(made.map.id, 'v1')).toEqual(await storage.getVersion(made.map.id, 'v1'));
          expect(await target.searchSite(made.torbay.id, 'cafe', { limit: 10 })).toEqual(await storage.searchSite(made.torbay.id, 'cafe', { limit: 10 }));
          expect(await target.roomsToIndex()).toEqual(await storage.roomsToIndex());
          expect(await target.listRoundEntries(made.round.id)).toEqual(await storage.listRoundEntries(made.round.id));
          expect(await target.listGuests(made.workshop.id)).toEqual(await storage.listGuests(made.workshop.id));
          expect(await target.listGuestInvites(made.workshop.id)).toEqual(await storage.listGuestInvites(made.workshop.id));
          expect(await target.listWorkshopRooms(made.workshop.id)).toEqual(await storage.listWorkshopRooms(made.workshop.id));
          expect(await target.listLivePublications()).toEqual(await storage.listLivePublications());
          expect(await target.getSetting('learning.themes')).toBe('["governance"]');
          expect(await target.getLoginThrottle('email:sam@nhs.net')).toEqual(await storage.getLoginThrottle('email:sam@nhs.net'));

          // It carries on: a doc's log and revision go on from where they were, and new rows
          // (drawn from the target's own sequences) come after the imported ones.
          const before = await target.loadDoc(made.map.id);
          const next = new Y.Doc();
          next.getText('t').insert(0, 'later ');
          const update = Y.encodeStateAsUpdate(next);
          await target.appendUpdate(made.map.id, update);
          expect((await target.loadDoc(made.map.id)).updates).toEqual([...before.updates, update]);
          expect(await target.docRevision(made.map.id)).toBe((await storage.docRevision(made.map.id)) + 1);
          const second = await target.createRound(
            { workshopId: made.workshop.id, kind: 'check-in', roomId: null, prompt: 'How are you?', votesPerPerson: null, anonymous: false, createdBy: made.fran.id },
            { max: 5 },
          );
          expect((await target.listRounds(made.workshop.id)).map((r) => r.id)).toEqual([made.round.id, second!.id]);
          const later = await target.joinAsGuest({ inviteId: made.link.id, name: 'Lee', organisation: 'Fire', at: made.guest.createdAt }, { max: 10 });
          expect((await target.listGuests(made.workshop.id)).map((g) => g.name)).toEqual(['Pat', later.ok ? 'Lee' : 'not joined']);
        } finally {
          await target.close();
        }
      });

      it("exports one site: its rooms and all they hold, and its people without their credentials", async () => {
        const made = await fill(storage);
        const rows = await rowsOf(storage, { siteId: made.torbay.id });
        const of = (table: string) => rows.filter((r) => r.table === table).map((r) => r.row);
        expect(of('sites').map((s) => s.slug)).toEqual(['torbay']);
        expect(of('users').map((u) => u.email).sort()).toEqual(['fran@torbay.gov.uk', made.guest.email, 'sam@nhs.net'].sort());
        expect(of('users').every((u) => u.password_hash === null && u.is_admin === false)).toBe(true);
        expect(of('memberships').every((m) => m.site_id === made.torbay.id)).toBe(true);
        expect(of('tokens').concat(of('settings'), of('login_throttle'))).toEqual([]);
        expect(rows.some((r) => JSON.stringify(r.row).includes(made.yorkMap.id))).toBe(false);

        const target = recordingCalls(await open(), called);
        try {
          await target.importRows(storage.exportRows({ siteId: made.torbay.id }));
          expect(await rowsOf(target)).toEqual(rows);
          expect((await target.listSites('')).map((s) => s.slug)).toEqual(['torbay']);
          expect(await target.listMembers(made.torbay.id)).toEqual(await storage.listMembers(made.torbay.id));
          expect(await target.loadDoc(made.map.id)).toEqual(await storage.loadDoc(made.map.id));
          expect(await target.loadDoc(made.yorkMap.id)).toEqual({ snapshot: null, updates: [] });
          expect(await target.getPasswordHash(made.fran.id)).toBeNull();
          expect((await target.getUserById(made.fran.id))?.isAdmin).toBe(false);
          expect(await target.findToken('token-fran', new Date().toISOString())).toBeNull();
          expect(await target.getUserById(made.yan.id)).toBeNull();
          expect(await target.listGuests(made.workshop.id)).toEqual(await storage.listGuests(made.workshop.id));
          expect((await target.getPublication('torbay', 'what-we-learned'))?.current).toEqual((await storage.getPublication('torbay', 'what-we-learned'))?.current);
        } finally {
          await target.close();
        }
      });

      it('refuses a store that holds anything, and writes nothing into it', async () => {
        const made = await fill(storage);
        const rows = await rowsOf(storage);
        await expect(storage.importRows(storage.exportRows({ siteId: made.york.id }))).rejects.toThrow(BackupError);
        expect(await rowsOf(storage)).toEqual(rows);

        const target = recordingCalls(await open(), called);
        try {
          await target.upsertSite({ slug: 'wirral', name: 'Wirral', issue: 'food', sponsor: 'HWB' });
          await expect(target.importRows(storage.exportRows({}))).rejects.toThrow(/already holds 0 users, 1 sites and 0 rooms/);
          expect((await target.listSites('')).map((s) => s.slug)).toEqual(['wirral']);
        } finally {
          await target.close();
        }
      });

      it('writes nothing from a backup that fails part-way, and names what it does not know', async () => {
        await fill(storage);
        const rows = await rowsOf(storage);
        async function* then(tail: BackupRow[]) {
          yield* rows;
          yield* tail;
        }
        const target = recordingCalls(await open(), called);
        try {
          await expect(target.importRows(then([{ table: 'gadgets', row: {} }]))).rejects.toThrow(/unknown table "gadgets"/);
          await expect(target.importRows(then([{ table: 'users', row: { id: 'x', shoe_size: 9 } }]))).rejects.toThrow(/unknown column users\.shoe_size/);
          // A row that breaks a constraint (a second account with an email taken) fails it all.
          const taken = rows.find((r) => r.table === 'users')!;
          await expect(target.importRows(then([{ table: 'users', row: { ...taken.row, id: 'another' } }]))).rejects.toThrow();
          expect(await rowsOf(target)).toEqual([]);
          await target.importRows(then([]));
          expect(await rowsOf(target)).toEqual(rows);
        } finally {
          await target.close();
        }
      });
    });

    // Last, so it sees what every test above called (run the whole suite, not one test of it).
    it('has called every method of Storage, and the store has no other methods but its declared own', () => {
      expect(STORAGE_METHODS.filter((method) => !called.has(method))).toEqual([]);
      const own = new Set(options.ownMethods ?? []);
      expect([...offered].filter((method) => !STORAGE_METHODS.includes(method) && !own.has(method))).toEqual([]);
    });
  });
}
