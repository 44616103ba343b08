/**
 * Readiness, as opposed to liveness (`/api/health`): whether this instance can serve requests
 * now, which it cannot when its store does not answer. A load balancer sends traffic elsewhere
 * while this says no; an orchestrator restarts the process only when liveness fails.
 */
import type { Storage } from '../storage/types.js';

/** How long the store has to answer before the instance counts as not ready. */
export const READY_TIMEOUT_MS = 2000;

/** The setting read as the trivial query: it never exists, so the store reads one index lookup. */
const PROBE_SETTING = 'ready-check';

/**
 * Not ready: `reason` is safe to show anyone (the endpoint is public); `error`, for the log,
 * may name hosts and is not.
 */
export type Readiness = { ok: true } | { ok: false; reason: string; error?: unknown };

/**
 * Asks the store a trivial question and says whether it answered within `timeoutMs`.
 *
 * @example
 * const ready = await storageReadiness(storage)
 * if (!ready.ok) log.warn('not ready', { reason: ready.reason })
 */
export async function storageReadiness(storage: Pick<Storage, 'getSetting'>, timeoutMs = READY_TIMEOUT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `storage did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  // Through a promise, so a store that throws at once is caught like one that rejects.
  const answered = Promise.resolve()
    .then(() => storage.getSetting(PROBE_SETTING))
    .then(
      (): Readiness => ({ ok: true }),
      (error: unknown): Readiness => ({ ok: false, reason: 'storage failed', error }),
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
