/**
 * A Storage that measures the calls on the sync path (how long appends, loads and compactions
 * take, which fail, how many updates were stored) and passes every call on unchanged. A Proxy,
 * not a class listing every method, so a method added to `Storage` later goes through as is.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Storage } from '../storage/types.js';

/** The calls timed: the ones an edit or a room load waits for. */
const MEASURED = ['appendUpdate', 'loadDoc', 'compactDoc'] as const;
type Measured = (typeof MEASURED)[number];

/**
 * From 0.25 ms (a SQLite append batched into a commit) to 5 s (a database that is failing over).
 */
const LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The registry's metric of that name, or a new one: wrapping twice must not register twice. */
function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * Wraps `inner` so its doc calls are measured in `registry`. Every other property and method
 * is the inner store's own (methods bound to it, so class-based stores keep their `this`).
 *
 * @example
 * const storage = measuredStorage(await openStorage(config), registry)
 * await storage.appendUpdate(roomId, update) // observed in workspace_storage_duration_seconds
 */
export function measuredStorage<S extends Storage>(inner: S, registry: Registry): S {
  const backend = inner.kind;
  const duration = once(
    registry,
    'workspace_storage_duration_seconds',
    () =>
      new Histogram({
        name: 'workspace_storage_duration_seconds',
        help: 'How long storage calls on the sync path took (failed ones included), by operation and backend.',
        labelNames: ['operation', 'backend'] as const,
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
  );
  const failures = once(
    registry,
    'workspace_storage_errors_total',
    () =>
      new Counter({
        name: 'workspace_storage_errors_total',
        help: 'Storage calls on the sync path that failed, by operation and backend.',
        labelNames: ['operation', 'backend'] as const,
        registers: [registry],
      }),
  );
  const updates = once(
    registry,
    'workspace_updates_stored_total',
    () =>
      new Counter({
        name: 'workspace_updates_stored_total',
        help: 'Doc updates durably stored (edits from clients and the server); rate() gives updates per second.',
        registers: [registry],
      }),
  );
  const updateBytes = once(
    registry,
    'workspace_update_bytes_stored_total',
    () =>
      new Counter({
        name: 'workspace_update_bytes_stored_total',
        help: 'Bytes of the doc updates durably stored.',
        registers: [registry],
      }),
  );

  const timed = <A extends unknown[], R>(operation: Measured, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = duration.startTimer({ operation, backend });
      try {
        return await call(...args);
      } catch (error) {
        failures.inc({ operation, backend });
        throw error;
      } finally {
        end();
      }
    };
  const wrapped: Pick<Storage, Measured> = {
    appendUpdate: timed('appendUpdate', async (...args: Parameters<Storage['appendUpdate']>) => {
      await inner.appendUpdate(...args);
      updates.inc();
      updateBytes.inc(args[1].byteLength);
    }),
    loadDoc: timed('loadDoc', (...args: Parameters<Storage['loadDoc']>) => inner.loadDoc(...args)),
    compactDoc: timed('compactDoc', (...args: Parameters<Storage['compactDoc']>) => inner.compactDoc(...args)),
  };

  // Keyed by the function the store gives now, not by name: a store may hand out another
  // function later (a wrapper of its own), and that one must be called then.
  const bound = new WeakMap<object, unknown>();
  return new Proxy(inner, {
    get(target, property) {
      if ((MEASURED as readonly PropertyKey[]).includes(property)) return wrapped[property as Measured];
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!bound.has(value)) bound.set(value, (value as (...args: unknown[]) => unknown).bind(target));
      return bound.get(value);
    },
  });
}
