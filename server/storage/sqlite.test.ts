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
});
