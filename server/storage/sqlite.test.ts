import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeStorageContract } from './contract.js';
import Database from 'better-sqlite3';
import { BACKSTOP_CHECKPOINT_PAGES } from './checkpointer.js';
import { SCHEMA_VERSION, openSqliteStorage } from './sqlite.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slw-sqlite-'));
  dirs.push(dir);
  return join(dir, 'workspace.db');
}

describeStorageContract('sqlite', async () => openSqliteStorage({ filename: tempFile() }));

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
    const file = tempFile();
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    source.getText('t').insert(0, 'written before the migration');
    source.getText('t').insert(0, '» ');

    // A database as version 1 left it: the first migration only, and updates in the old table.
    const current = openSqliteStorage({ filename: file });
    await current.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE doc_updates; DELETE FROM schema_migrations WHERE version > 1;');
    // Undo what the later migrations added, so they can run again.
    raw.exec('DROP INDEX invites_site; ALTER TABLE invites DROP COLUMN revoked_at;');
    raw.exec('CREATE TABLE doc_updates (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL)');
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
    const file = tempFile();
    const current = openSqliteStorage({ filename: file });
    const site = await current.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
    const user = await current.createUser({ email: 'f@x.org', name: 'F', organisation: 'O', passwordHash: 'h', isAdmin: false });
    await current.close();
    // A database as version 2 left it: invites without revoked_at.
    const raw = new Database(file);
    raw.exec('DROP INDEX invites_site; ALTER TABLE invites DROP COLUMN revoked_at; DELETE FROM schema_migrations WHERE version > 2;');
    raw
      .prepare(
        `INSERT INTO invites (id, site_id, role, email, hash, created_by, created_at, expires_at)
         VALUES ('old-invite-1', ?, 'member', NULL, 'old-hash', ?, '2029-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z')`,
      )
      .run(site.id, user.id);
    raw.close();

    const migrated = openSqliteStorage({ filename: file });
    expect((await migrated.getInviteByHash('old-hash'))?.revokedAt).toBeNull();
    expect((await migrated.listPendingInvites(site.id, '2029-06-01T00:00:00.000Z')).map((i) => i.id)).toEqual(['old-invite-1']);
    expect((await migrated.revokeInvite(site.id, 'old-invite-1', '2029-06-01T00:00:00.000Z'))?.revokedAt).toBe(
      '2029-06-01T00:00:00.000Z',
    );
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
    const file = tempFile();
    const current = openSqliteStorage({ filename: file });
    const site = await current.upsertSite({ slug: 'torbay', name: 'Torbay', issue: 'i', sponsor: 's' });
    const user = await current.createUser({ email: 'f@x.org', name: 'F', organisation: 'O', passwordHash: 'h', isAdmin: false });
    await current.setRole(site.id, user.id, 'member');
    await current.close();

    // A database as version 3 left it: rooms may only be maps or documents.
    const raw = new Database(file);
    const table = raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'rooms'").pluck().get() as string;
    expect(table).toContain("CHECK (kind IN ('map', 'doc', 'log'))");
    raw.exec(`
      DROP TABLE rooms;
      ${table.replace("('map', 'doc', 'log')", "('map', 'doc')")};
      CREATE INDEX rooms_site ON rooms (site_id, archived);
      DELETE FROM schema_migrations WHERE version > 3;
    `);
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
});
