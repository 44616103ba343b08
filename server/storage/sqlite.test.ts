import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeStorageContract } from './contract.js';
import Database from 'better-sqlite3';
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
});
