/**
 * Errors as metrics, counted where they are already reported: the log. Every error line counts
 * in `workspace_errors_logged_total` by the component that logged it, and a room failing (its
 * storage or an update broke it, and its clients were sent away to resync) also counts in
 * `workspace_rooms_failed_total`.
 *
 * Rooms are recognised by the message `Room.fail` logs, because sync has no failure hook of its
 * own; `test/metrics.test.ts` fails a room and checks the count, so a reworded message is noticed.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';

/** How the message `Room.fail` logs begins. */
export const ROOM_FAILED_MESSAGE = 'room failed';

/**
 * Wraps `log` so the errors it (and every child of it) logs are counted in `registry`.
 *
 * @example
 * const log = countingLogger(createLogger('info'), registry)
 * log.child({ component: 'sync' }).error('room failed; …') // both counters go up
 */
export function countingLogger(log: Logger, registry: Registry): Logger {
  const logged = new Counter({
    name: 'workspace_errors_logged_total',
    help: 'Error lines logged, by the component that logged them (sync, storage, search, http…).',
    labelNames: ['component'] as const,
    registers: [registry],
  });
  const roomsFailed = new Counter({
    name: 'workspace_rooms_failed_total',
    help: 'Rooms that failed (a storage error or a broken update) and sent their clients away to resync.',
    registers: [registry],
  });
  const wrap = (inner: Logger, component: string): Logger => ({
    debug: (msg, fields) => inner.debug(msg, fields),
    info: (msg, fields) => inner.info(msg, fields),
    warn: (msg, fields) => inner.warn(msg, fields),
    error: (msg, fields) => {
      logged.inc({ component });
      if (msg.startsWith(ROOM_FAILED_MESSAGE)) roomsFailed.inc();
      inner.error(msg, fields);
    },
    child: (fields) => wrap(inner.child(fields), typeof fields.component === 'string' ? fields.component : component),
  });
  return wrap(log, 'server');
}
