/**
 * The SQLite writer thread's body: its own better-sqlite3 connection, which commits the update
 * log's writes off the main event loop. Started by `SqliteWriterThread` through
 * `sqliteWriter.worker.mjs`.
 *
 * Requests are handled in the order they were posted. Every append request that is already
 * waiting when the thread turns to its queue is committed in one transaction (group commit: the
 * busier the thread, the larger the groups, the fewer WAL pages per update), and each request
 * is answered only after its transaction has committed, so the main thread relays nothing that
 * a crash could lose.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { docLogWriter, type LogAppend } from './sqliteDocLog.js';

export interface WriterOptions {
  filename: string;
  busyTimeoutMs: number;
}

/** `seq` numbers the requests; an answer covers every request up to and including `through`. */
export type WriterRequest =
  | { kind: 'append'; seq: number; items: LogAppend[] }
  | { kind: 'compact'; seq: number; name: string; current: Uint8Array | undefined }
  | { kind: 'close' };

export type WriterReply =
  | { kind: 'done'; through: number; error?: { message: string; code: string | undefined } }
  | { kind: 'closed' };

const port = parentPort;
if (!port) throw new Error('sqliteWriter.ts runs only as a worker thread');
const options = workerData as WriterOptions;

const db = new Database(options.filename);
// Per connection, like the main one: a commit survives kill -9; checkpoints fsync.
db.pragma('synchronous = NORMAL');
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
const writer = docLogWriter(db);

function reply(message: WriterReply): void {
  port!.postMessage(message);
}

function answer(through: number, run: () => void): void {
  try {
    run();
    reply({ kind: 'done', through });
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    reply({
      kind: 'done',
      through,
      error: { message: message ?? String(error), code: typeof code === 'string' ? code : undefined },
    });
  }
}

function handle(requests: WriterRequest[]): void {
  let group: LogAppend[] = [];
  let groupThrough = 0;
  const commitGroup = () => {
    if (group.length === 0) return;
    const items = group;
    group = [];
    answer(groupThrough, () => writer.append(items));
  };
  for (const request of requests) {
    if (request.kind === 'append') {
      group.push(...request.items);
      groupThrough = request.seq;
      continue;
    }
    commitGroup();
    if (request.kind === 'compact') {
      answer(request.seq, () => writer.compact(request.name, request.current));
    } else {
      db.close();
      reply({ kind: 'closed' });
      port!.close();
      return;
    }
  }
  commitGroup();
}

port.on('message', (first: WriterRequest) => {
  const requests = [first];
  // Whatever else has arrived meanwhile joins this turn's group commit.
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
    requests.push(next.message as WriterRequest);
  }
  handle(requests);
});
