import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, observeSync } from './registry.js';

describe('createMetricsRegistry', () => {
  it('gives every server Node’s process metrics, made once and shared', async () => {
    const a = createMetricsRegistry();
    const b = createMetricsRegistry();
    expect(a).not.toBe(b);
    for (const registry of [a, b]) expect(await registry.metrics()).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(a.getSingleMetric('nodejs_eventloop_lag_seconds')).toBe(b.getSingleMetric('nodejs_eventloop_lag_seconds'));
  });
});

describe('observeSync', () => {
  it('reads sync’s numbers when scraped, not when registered', async () => {
    const registry = createMetricsRegistry();
    let stats = { rooms: 0, connections: 0, queuedBytes: 0 };
    observeSync(registry, () => stats);
    stats = { rooms: 2, connections: 5, queuedBytes: 1024 };
    const text = await registry.metrics();
    expect(text).toMatch(/^workspace_sync_connections 5$/m);
    expect(text).toMatch(/^workspace_rooms_loaded 2$/m);
    expect(text).toMatch(/^workspace_sync_queued_bytes 1024$/m);
  });
});
