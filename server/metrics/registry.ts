/**
 * The server's Prometheus registry: one of its own (never prom-client's global one, so two
 * servers in one process, as in tests, keep their numbers apart), holding Node's process
 * metrics and the workspace's own, all named `workspace_…`. `/metrics` serves it.
 */
import { Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** What sync reports about itself (`SyncServer.stats()`). */
export interface SyncStats {
  rooms: number;
  connections: number;
  queuedBytes: number;
}

/**
 * Node's process metrics, made once per process and shared by every server's registry: they
 * measure the process, not a server, and each set starts an event-loop monitor and a GC
 * observer that are never stopped.
 */
let processMetrics: Metric[] | undefined;

/**
 * A registry with Node's default process metrics (CPU, memory, event loop lag, GC, handles).
 *
 * @example
 * const registry = createMetricsRegistry()
 * const text = await registry.metrics()
 */
export function createMetricsRegistry(): Registry {
  if (!processMetrics) {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    // The metric objects themselves (typed as their JSON form): registered again below.
    processMetrics = defaults.getMetricsAsArray() as unknown as Metric[];
  }
  const registry = new Registry();
  for (const metric of processMetrics) registry.registerMetric(metric);
  return registry;
}

/**
 * Gauges read from sync when scraped (collect callbacks), so sync keeps no counters of its own
 * and a scrape always sees the numbers of that moment.
 *
 * @example
 * observeSync(registry, () => sync.stats())
 */
export function observeSync(registry: Registry, stats: () => SyncStats): void {
  const gauge = (name: string, help: string, read: (s: SyncStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(stats()));
      },
    });
  gauge('workspace_sync_connections', 'Sync WebSocket connections open.', (s) => s.connections);
  gauge('workspace_rooms_loaded', 'Rooms loaded in memory (with their Y.Doc).', (s) => s.rooms);
  gauge(
    'workspace_sync_queued_bytes',
    'Bytes handed to sync sockets and not yet written out: what slow clients hold up (bounded by MAX_QUEUED_BYTES).',
    (s) => s.queuedBytes,
  );
}
