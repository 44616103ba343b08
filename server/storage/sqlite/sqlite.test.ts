import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { describeStorageContract } from '../contract.js';
import Database from 'better-sqlite3';
import { BACKSTOP_CHECKPOINT_PAGES } from './checkpointer.js';
import { SCHEMA_VERSION, openSqliteStorage } from './index.js';
import { nowIso } from './common.js';
import { MIGRATIONS, migrate } from './migrations.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slw-sqlite-'));
  dirs.push(dir);
  return join(dir, 'workspace.db');
}
/** A new database file as schema version `version` left it, open without the store. */
function databaseAt(version: number): { file: string; raw: Database.Database } {
  const file = tempFile();
  const raw = new Database(file);
  raw.pragma('foreign_keys = ON');
  migrate(raw, MIGRATIONS.slice(0, version));
  return { file, raw };
}

describeStorageContract('sqlite', async () => openSqliteStorage({ filename: tempFile() }), { ownMethods: ['checkpointNow'] });

describe('sqlite storage', () => {
  it('keeps updates across a reopen of the same file', async () => {
    const file = tempFile();
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    source.getText('t').insert(0, 'durable');

    const first = openSqliteStorage({ filename: file });
    for (const u of updates) await first.appendUpdate('room', u);
    await first.close();

    const second = openSqliteStorage({ filename: file });
    const stored = await second.loadDoc('room');
    const doc = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.getText('t').toString()).toBe('durable');
    await second.close();
  });

  it('numbers appends on after another connection appended to the same log, and after a compaction', async () => {
    const file = tempFile();
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 6; i++) source.getArray<number>('a').push([i]);

    const one = openSqliteStorage({ filename: file });
    const two = openSqliteStorage({ filename: file });
    // One remembers its last number; the other then appends behind its back.
    await one.appendUpdate('shared', updates[0]!);
    await two.appendUpdate('shared', updates[1]!);
    await one.appendUpdate('shared', updates[2]!);
    await one.compactDoc('shared');
    await one.appendUpdate('shared', updates[3]!);
    await two.appendUpdate('shared', updates[4]!);
    await one.appendUpdate('shared', updates[5]!);

    const stored = await one.loadDoc('shared');
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(3);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.getArray('a').toArray()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(one.db.prepare("SELECT seq FROM doc_updates WHERE doc = 'shared' ORDER BY seq").pluck().all()).toEqual([1, 2, 3]);
    await one.close();
    await two.close();
  });

  it('checkpoints on a thread of its own when asked to, leaving only a backstop to commits', async () => {
    const file = tempFile();
    // Never on its own within the test: only when asked.
    const storage = openSqliteStorage({ filename: file, backgroundCheckpoints: true, checkpointEveryMs: 600_000 });
    expect(storage.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_CHECKPOINT_PAGES);
    const before = statSync(file).size;
    // Well over SQLite's own threshold of 1,000 pages: commits alone would have checkpointed.
    const big = new Uint8Array(3000).fill(1);
    for (let i = 0; i < 1500; i++) await storage.appendUpdate(`doc-${i % 7}`, big);
    expect(statSync(file).size).toBe(before);
    await storage.checkpointNow();
    expect(statSync(file).size).toBeGreaterThan(before + 1500 * 3000);
    // Closed, the thread's connection goes first and the last one removes the WAL.
    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = openSqliteStorage({ filename: file });
    expect((await again.loadDoc('doc-3')).updates).toHaveLength(Math.ceil((1500 - 3) / 7));
    await again.close();
  });

  it('migrates an existing database only once', async () => {
    const file = tempFile();
    const first = openSqliteStorage({ filename: file });
    await first.setSetting('marker', 'kept');
    await first.close();
    const second = openSqliteStorage({ filename: file });
    expect(await second.getSetting('marker')).toBe('kept');
    expect(second.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    await second.close();
  });

  it('keeps a version-1 update log through the migration to the clustered log', async () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    source.getText('t').insert(0, 'written before the migration');
    source.getText('t').insert(0, '» ');

    // A database as version 1 left it, with updates in the old table.
    const { file, raw } = databaseAt(1);
    const insert = raw.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)');
    for (const u of updates) insert.run('old-room', u);
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    const stored = await migrated.loadDoc('old-room');
    expect(stored.updates).toHaveLength(2);
    const doc = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.getText('t').toString()).toBe('» written before the migration');
    // New appends follow the migrated ones.
    source.getText('t').insert(doc.getText('t').length, '!');
    await migrated.appendUpdate('old-room', updates[2]!);
    const after = new Y.Doc();
    for (const u of (await migrated.loadDoc('old-room')).updates) Y.applyUpdate(after, u);
    expect(after.getText('t').toString()).toBe('» written before the migration!');
    await migrated.close();
  });

  it('keeps invites made before version 3 pending and revocable', async () => {
    // A database as version 2 left it: invites without revoked_at.
    const { file, raw } = databaseAt(2);
    raw.exec(`
      INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES ('old-site-1', 'torbay', 'Torbay', 'i', 's', '2029-01-01T00:00:00.000Z');
      INSERT INTO users (id, email, name, organisation, password_hash, created_at) VALUES ('old-user-1', 'f@x.org', 'F', 'O', 'h', '2029-01-01T00:00:00.000Z');
      INSERT INTO invites (id, site_id, role, email, hash, created_by, created_at, expires_at)
        VALUES ('old-invite-1', 'old-site-1', 'member', NULL, 'old-hash', 'old-user-1', '2029-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z');
    `);
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    expect((await migrated.getInviteByHash('old-hash'))?.revokedAt).toBeNull();
    expect((await migrated.listPendingInvites('old-site-1', '2029-06-01T00:00:00.000Z')).map((i) => i.id)).toEqual(['old-invite-1']);
    expect((await migrated.revokeInvite('old-site-1', 'old-invite-1', '2029-06-01T00:00:00.000Z'))?.revokedAt).toBe(
      '2029-06-01T00:00:00.000Z',
    );
    await migrated.close();
  });

  it('stores the sending account with each logged update', async () => {
    const storage = openSqliteStorage({ filename: tempFile() });
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 3; i++) source.getArray<number>('a').push([i]);
    await storage.appendUpdate('room', updates[0]!, { userId: 'ana-id' });
    await storage.appendUpdate('room', updates[1]!);
    await storage.appendUpdate('room', updates[2]!, { userId: 'ben-id' });
    expect(storage.db.prepare("SELECT seq, user_id FROM doc_updates WHERE doc = 'room' ORDER BY seq").raw().all()).toEqual([
      [1, 'ana-id'],
      [2, null],
      [3, 'ben-id'],
    ]);
    await storage.close();
  });

  it('leaves rooms unlocked and logged updates unattributed through versions 6 and 7', async () => {
    const { file, raw } = databaseAt(5);
    raw.exec(`
      INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES ('old-site-1', 'torbay', 'Torbay', 'i', 's', '2029-01-01T00:00:00.000Z');
      INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
        VALUES ('old-map-room-1', 'old-site-1', 'map', 'Map', 0, NULL, '2029-01-01T00:00:00.000Z', '2029-01-02T00:00:00.000Z');
    `);
    const source = new Y.Doc();
    source.getMap('mapElements').set('e1', 'kept');
    raw.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, 1, ?)').run('old-map-room-1', Y.encodeStateAsUpdate(source));
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    expect(await migrated.getRoom('old-map-room-1')).toMatchObject({ title: 'Map', locked: false, lockedBy: null, lockedAt: null });
    expect(migrated.db.prepare('SELECT user_id FROM doc_updates').pluck().all()).toEqual([null]);
    expect(await migrated.listRoomEditors('old-map-room-1')).toEqual([]);
    await migrated.appendUpdate('old-map-room-1', Y.encodeStateAsUpdate(source), { userId: 'ana-id' });
    expect((await migrated.listRoomEditors('old-map-room-1')).map((e) => e.userId)).toEqual(['ana-id']);
    expect((await migrated.loadDoc('old-map-room-1')).updates).toHaveLength(2);
    await migrated.close();
  });

  it('prepares every statement and transaction when it opens, none per call', async () => {
    const storage = openSqliteStorage({ filename: tempFile() });
    const prepare = vi.spyOn(storage.db, 'prepare');
    const transaction = vi.spyOn(storage.db, 'transaction');
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    source.getText('t').insert(0, 'once');
    const site = await storage.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
    const user = await storage.createUser({ email: 'p@x.org', name: 'P', organisation: 'O', passwordHash: 'h', isAdmin: false });
    await storage.setRole(site.id, user.id, 'facilitator');
    const room = await storage.createRoom({ siteId: site.id, kind: 'map', title: 'Map', createdBy: user.id }, { maxInSite: 5, maxByCreator: 5 });
    await storage.updateRoom(room.id, { locked: true, lockedBy: user.id });
    await storage.listRoomPage(site.id, { archived: 'include', limit: 5, after: { archived: false, updatedAt: room.updatedAt, id: room.id } });
    await storage.appendUpdate(room.id, updates[0]!, { userId: user.id });
    await storage.compactDoc(room.id);
    await storage.loadDoc(room.id);
    await storage.listRoomEditors(room.id);
    const invite = await storage.createInvite({ siteId: site.id, role: 'member', email: null, hash: 'x', createdBy: user.id, expiresAt: '2099-01-01T00:00:00.000Z' });
    await storage.acceptInvite({ inviteId: invite.id, account: { newUser: { email: 'q@x.org', name: 'Q', organisation: 'O', passwordHash: 'h', isAdmin: false } }, at: nowIso() });
    await storage.recordLoginFailure('k', nowIso(), { maxFailures: 3, lockMs: 1000, windowMs: 1000 });
    await storage.replaceSearchEntries(room.id, [{ target: 'room', targetId: '', title: 'Map', body: '' }], { revision: 1, title: 'Map' });
    await storage.searchSite(site.id, 'map', { limit: 5 });
    await storage.mentionables(site.id, { query: 'map', limit: 5 });
    await storage.setSetting('k', 'v');
    const workshopRoom = await storage.createRoom({ siteId: site.id, kind: 'workshop', title: 'W', createdBy: null });
    const workshop = await storage.createWorkshop({ siteId: site.id, roomId: workshopRoom.id, title: 'W', startsAt: nowIso(), steps: [], createdBy: null });
    const guestLink = await storage.createGuestInvite({ workshopId: workshop.id, label: null, hash: 'g', createdBy: null, expiresAt: '2099-01-01T00:00:00.000Z' });
    await storage.getGuestInviteByHash('g');
    await storage.joinAsGuest({ inviteId: guestLink.id, name: 'G', organisation: 'O', at: nowIso() }, { max: 5 });
    await storage.listGuests(workshop.id);
    expect(prepare).not.toHaveBeenCalled();
    expect(transaction).not.toHaveBeenCalled();
    await storage.close();
  });

  it('keeps accounts made before guests existed as people with no workshop (version 12 to 13)', async () => {
    const { file, raw } = databaseAt(12);
    raw.exec(`INSERT INTO users (id, email, name, organisation, password_hash, created_at) VALUES ('old-user-1', 'f@x.org', 'F', 'O', 'h', '2029-01-01T00:00:00.000Z')`);
    raw.close();
    const migrated = openSqliteStorage({ filename: file });
    expect(await migrated.getUserById('old-user-1')).toEqual({ id: 'old-user-1', email: 'f@x.org', name: 'F', organisation: 'O', isAdmin: false, createdAt: '2029-01-01T00:00:00.000Z', guestOf: null });
    expect(await migrated.getPasswordHash('old-user-1')).toBe('h');
    await migrated.close();
  });

  it('one log per site across two connections to the same file (the server and the CLI)', async () => {
    const file = tempFile();
    const server = openSqliteStorage({ filename: file });
    const cli = openSqliteStorage({ filename: file });
    const site = await server.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
    const [a, b] = await Promise.all([server.getOrCreateLogRoom(site.id), cli.getOrCreateLogRoom(site.id)]);
    expect(b.id).toBe(a.id);
    expect(server.db.prepare("SELECT COUNT(*) FROM rooms WHERE kind = 'log'").pluck().get()).toBe(1);
    // The database itself refuses a second log, whoever writes it.
    expect(() =>
      server.db
        .prepare("INSERT INTO rooms (id, site_id, kind, title, created_at, updated_at) VALUES ('second-log-1', ?, 'log', 'x', '', '')")
        .run(site.id),
    ).toThrow(/UNIQUE/);
    await Promise.all([server.close(), cli.close()]);
  });

  it('keeps rooms and their stored updates through the rebuild of rooms that admits logs (version 3 to 4)', async () => {
    // A database as version 3 left it: rooms may only be maps or documents.
    const { file, raw } = databaseAt(3);
    raw.exec(`
      INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES ('old-site-1', 'torbay', 'Torbay', 'i', 's', '2029-01-01T00:00:00.000Z');
      INSERT INTO users (id, email, name, organisation, password_hash, created_at) VALUES ('old-user-1', 'f@x.org', 'F', 'O', 'h', '2029-01-01T00:00:00.000Z');
      INSERT INTO memberships (site_id, user_id, role, joined_at) VALUES ('old-site-1', 'old-user-1', 'member', '2029-01-01T00:00:00.000Z');
    `);
    const site = { id: 'old-site-1' };
    const user = { id: 'old-user-1' };
    const insert = raw.prepare(
      `INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, '2029-01-01T00:00:00.000Z', '2029-01-02T00:00:00.000Z')`,
    );
    insert.run('old-map-room-1', site.id, 'map', 'High street map', 0, user.id);
    insert.run('old-doc-room-1', site.id, 'doc', 'Framing', 1, null);
    expect(() => insert.run('old-log-room-1', site.id, 'log', 'Learning log', 0, null)).toThrow(/CHECK/);
    const source = new Y.Doc();
    source.getMap('mapElements').set('e1', 'kept');
    raw.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, 1, ?)').run('old-map-room-1', Y.encodeStateAsUpdate(source));
    const rowids = raw.prepare('SELECT id, rowid FROM rooms ORDER BY id').all();
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    expect(migrated.db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(await migrated.getRoom('old-map-room-1')).toMatchObject({ kind: 'map', title: 'High street map', archived: false, createdBy: user.id, siteSlug: 'torbay' });
    expect(await migrated.getRoom('old-doc-room-1')).toMatchObject({ kind: 'doc', archived: true, createdBy: null });
    expect(migrated.db.prepare('SELECT id, rowid FROM rooms ORDER BY id').all()).toEqual(rowids);
    const doc = new Y.Doc();
    for (const u of (await migrated.loadDoc('old-map-room-1')).updates) Y.applyUpdate(doc, u);
    expect(doc.getMap('mapElements').get('e1')).toBe('kept');
    // Foreign keys are back on and still hold: deleting the site takes its rooms with it.
    expect(migrated.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migrated.db.pragma('foreign_key_check')).toEqual([]);
    const log = await migrated.getOrCreateLogRoom(site.id);
    expect(log.kind).toBe('log');
    expect(migrated.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rooms' ORDER BY name").pluck().all()).toEqual(
      expect.arrayContaining(['rooms_site', 'rooms_site_log']),
    );
    migrated.db.prepare('DELETE FROM sites WHERE id = ?').run(site.id);
    expect(migrated.db.prepare('SELECT COUNT(*) FROM rooms').pluck().get()).toBe(0);
    await migrated.close();
  });

  it('keeps rooms with their locks through the rebuild of rooms that admits workshops (version 9 to 10)', async () => {
    const { file, raw } = databaseAt(9);
    raw.exec(`
      INSERT INTO sites (id, slug, name, issue, sponsor, created_at) VALUES ('old-site-1', 'torbay', 'Torbay', 'i', 's', '2029-01-01T00:00:00.000Z');
      INSERT INTO users (id, email, name, organisation, password_hash, created_at) VALUES ('old-user-1', 'f@x.org', 'F', 'O', 'h', '2029-01-01T00:00:00.000Z');
      INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at, locked, locked_by, locked_at)
        VALUES ('old-map-room-1', 'old-site-1', 'map', 'Locked map', 0, 'old-user-1', '2029-01-01T00:00:00.000Z', '2029-01-02T00:00:00.000Z', 1, 'old-user-1', '2029-01-03T00:00:00.000Z');
      INSERT INTO rooms (id, site_id, kind, title, archived, created_by, created_at, updated_at)
        VALUES ('old-log-room-1', 'old-site-1', 'log', 'Learning log', 0, NULL, '2029-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z');
    `);
    expect(() =>
      raw.prepare("INSERT INTO rooms (id, site_id, kind, title, created_at, updated_at) VALUES ('old-ws-room-1', 'old-site-1', 'workshop', 'W', '', '')").run(),
    ).toThrow(/CHECK/);
    const rowids = raw.prepare('SELECT id, rowid FROM rooms ORDER BY id').all();
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    expect(await migrated.getRoom('old-map-room-1')).toMatchObject({
      kind: 'map',
      locked: true,
      lockedBy: 'old-user-1',
      lockedAt: '2029-01-03T00:00:00.000Z',
      createdBy: 'old-user-1',
    });
    expect(migrated.db.prepare('SELECT id, rowid FROM rooms ORDER BY id').all()).toEqual(rowids);
    expect((await migrated.getOrCreateLogRoom('old-site-1')).id).toBe('old-log-room-1');
    expect((await migrated.createRoom({ siteId: 'old-site-1', kind: 'workshop', title: 'W', createdBy: null })).kind).toBe('workshop');
    expect(migrated.db.pragma('foreign_key_check')).toEqual([]);
    expect(migrated.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rooms' ORDER BY name").pluck().all()).toEqual(
      expect.arrayContaining(['rooms_site', 'rooms_site_log']),
    );
    await migrated.close();
  });
});
