import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeStorageContract } from '../storage/contract.js';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/index.js';
import { measuredStorage } from './measuredStorage.js';

const dir = mkdtempSync(join(tmpdir(), 'slw-measured-'));
let files = 0;
const tempFile = () => join(dir, `store-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The wrapper keeps the store's contract whole: every method there, none changed in behaviour.
describeStorageContract('sqlite, measured', async () => measuredStorage(openSqliteStorage({ filename: tempFile() }), new Registry()), {
  ownMethods: ['checkpointNow'],
});

/** One sample of a metric in the registry, by its labels (and suffix, for histograms). */
async function sample(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  for (const metric of metrics) {
    for (const value of metric.values) {
      const sampleName = 'metricName' in value && value.metricName ? value.metricName : metric.name;
      if (sampleName !== name) continue;
      if (Object.entries(labels).every(([k, v]) => String((value.labels as Record<string, unknown>)[k]) === v)) return value.value;
    }
  }
  return undefined;
}

describe('measuredStorage', () => {
  let inner: SqliteStorage;
  afterEach(async () => {
    await inner.close();
  });

  it('times appends and loads by operation and backend, and counts the updates stored', async () => {
    inner = openSqliteStorage({ filename: tempFile() });
    const registry = new Registry();
    const storage = measuredStorage(inner, registry);
    const doc = new Y.Doc();
    doc.getMap('m').set('a', 1);
    const update = Y.encodeStateAsUpdate(doc);
    await storage.appendUpdate('room-1', update);
    await storage.appendUpdate('room-1', update, { userId: null });
    expect((await storage.loadDoc('room-1')).updates).toHaveLength(2);

    const labels = { operation: 'appendUpdate', backend: 'sqlite' };
    expect(await sample(registry, 'workspace_storage_duration_seconds_count', labels)).toBe(2);
    expect(await sample(registry, 'workspace_storage_duration_seconds_count', { operation: 'loadDoc', backend: 'sqlite' })).toBe(1);
    expect(await sample(registry, 'workspace_updates_stored_total')).toBe(2);
    expect(await sample(registry, 'workspace_update_bytes_stored_total')).toBe(2 * update.byteLength);
  });

  it('counts a failed call, still times it, and passes the error on', async () => {
    inner = openSqliteStorage({ filename: tempFile() });
    const registry = new Registry();
    const storage = measuredStorage(inner, registry);
    await inner.close();
    await expect(storage.loadDoc('room-1')).rejects.toThrow();
    expect(await sample(registry, 'workspace_storage_errors_total', { operation: 'loadDoc', backend: 'sqlite' })).toBe(1);
    expect(await sample(registry, 'workspace_storage_duration_seconds_count', { operation: 'loadDoc' })).toBe(1);
    expect(await sample(registry, 'workspace_updates_stored_total')).toBe(0);
  });

  it('leaves every other property and method as the store has it, and adds none', async () => {
    inner = openSqliteStorage({ filename: tempFile() });
    const registry = new Registry();
    const storage = measuredStorage(inner, registry);
    expect(Object.keys(storage).sort()).toEqual(Object.keys(inner).sort());
    expect(storage.kind).toBe('sqlite');
    expect(storage.db).toBe(inner.db);
    await storage.setSetting('k', 'v');
    expect(await inner.getSetting('k')).toBe('v');
    // Wrapping again (a second server on one registry) reuses the metrics rather than failing.
    expect(() => measuredStorage(inner, registry)).not.toThrow();
  });

  it('calls whatever function the store gives at the time of the call', async () => {
    inner = openSqliteStorage({ filename: tempFile() });
    let broken = false;
    const changing = new Proxy(inner, {
      get: (target, property) =>
        property === 'getSetting' && broken ? () => Promise.reject(new Error('broken')) : (Reflect.get(target, property, target) as unknown),
    });
    const storage = measuredStorage(changing, new Registry());
    expect(await storage.getSetting('k')).toBeNull();
    broken = true;
    await expect(storage.getSetting('k')).rejects.toThrow('broken');
  });
});
