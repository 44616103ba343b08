/**
 * Moves SQLite's WAL checkpoints off the event loop. SQLite checkpoints in whichever connection
 * commits when the WAL passes its threshold: copying the pages into the database and syncing
 * the file took 2–6 ms on this project's test VM (tens to hundreds when its disk is busy), and
 * every edit waiting to be stored and relayed waited with it. A thread with its own connection
 * checkpoints instead (PASSIVE: never in a writer's way), once a second. It wakes only for that,
 * so unlike a writer thread it adds no hop between threads to an edit.
 *
 * The main connection keeps a far larger automatic checkpoint as a backstop, should this
 * thread fall behind or fail.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The backstop: the main connection checkpoints itself only when the WAL holds this many pages. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

/**
 * The thread's code. Plain CommonJS run with `eval`, so the same file works from the
 * TypeScript source and from the server bundle, which has no separate file for it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ closed: true });
  } else if (message === 'now') {
    checkpoint();
    parentPort.postMessage({ checkpointed: true });
  }
});
`;

export interface Checkpointer {
  /** Checkpoints now and resolves when done (for tests). */
  checkpointNow(): Promise<void>;
  close(): Promise<void>;
}

export function startCheckpointer(filename: string, options: { everyMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, driver, everyMs: options.everyMs ?? 1000 } });
  // Never what keeps the process alive.
  worker.unref();
  const waiting: { kind: 'checkpointed' | 'closed'; resolve: () => void }[] = [];
  let failed: Error | null = null;
  worker.on('message', (message: { error?: string; checkpointed?: boolean; closed?: boolean }) => {
    if (message.error) options.onError?.(message.error);
    for (const kind of ['checkpointed', 'closed'] as const) {
      if (!message[kind]) continue;
      const index = waiting.findIndex((w) => w.kind === kind);
      if (index >= 0) waiting.splice(index, 1)[0]!.resolve();
    }
  });
  worker.on('error', (error) => {
    failed = error;
    options.onError?.(error.message);
    for (const w of waiting.splice(0)) w.resolve();
  });
  worker.on('exit', () => {
    for (const w of waiting.splice(0)) w.resolve();
  });
  const ask = (message: 'now' | 'close', kind: 'checkpointed' | 'closed') =>
    new Promise<void>((resolve) => {
      if (failed) return resolve();
      waiting.push({ kind, resolve });
      worker.postMessage(message);
    });
  return {
    checkpointNow: () => ask('now', 'checkpointed'),
    async close() {
      await ask('close', 'closed');
      await worker.terminate();
    },
  };
}
