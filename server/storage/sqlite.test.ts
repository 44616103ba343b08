import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeStorageContract } from './contract.js';
import { openSqliteStorage } from './sqlite.js';

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
    expect(second.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(1);
    await second.close();
  });
});
