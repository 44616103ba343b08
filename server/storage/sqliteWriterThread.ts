/**
 * The main thread's side of the SQLite writer thread (`sqliteWriter.ts`). better-sqlite3 is
 * synchronous, so a commit made on the event loop (its WAL write, and now and then a
 * checkpoint's fsync) holds up every room's traffic; on the writer thread it holds up only the
 * updates waiting for it, while the event loop goes on reading, validating and applying the
 * next ones.
 *
 * Promises settle strictly in request order, each only after the writer has committed it.
 */
import { Worker } from 'node:worker_threads';
import type { LogAppend } from './sqliteDocLog.js';
import type { WriterOptions, WriterReply, WriterRequest } from './sqliteWriter.js';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** An error from the writer thread, with SQLite's code (e.g. `SQLITE_FULL`) when there is one. */
export class SqliteWriteError extends Error {
  override readonly name = 'SqliteWriteError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export class SqliteWriterThread {
  private readonly worker: Worker;
  private seq = 0;
  /** Appends made in the current microtask run, posted together as one request. */
  private outbox: LogAppend[] = [];
  private outboxPosted = true;
  /** Unanswered requests, oldest first. */
  private readonly waiting: Waiter[] = [];
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: WriterOptions) {
    this.worker = new Worker(new URL('./sqliteWriter.worker.mjs', import.meta.url), {
      workerData: options,
      // The entry loads tsx itself; inherited flags (--watch, --cpu-prof, --import) are not its.
      execArgv: [],
    });
    // Only unanswered writes keep the process alive (see ref() in track()).
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => {
      if (reply.kind === 'done') this.settle(reply.through, reply.error);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the SQLite writer thread exited unexpectedly (code ${code})`));
    });
  }

  /** Resolves once the update is committed; rejects, and must not be relayed, when it is not. */
  append(name: string, update: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('storage is closed'));
    this.outbox.push({ name, update });
    if (this.outboxPosted) {
      this.outboxPosted = false;
      // Appends made by the same run of microtasks (several rooms' messages from one read)
      // travel in one message; the writer groups whatever is waiting into one commit anyway.
      queueMicrotask(() => this.postOutbox());
    }
    return this.track(++this.seq);
  }

  compact(name: string, current: Uint8Array | undefined): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('storage is closed'));
    this.postOutbox();
    const seq = ++this.seq;
    this.post({ kind: 'compact', seq, name, current });
    return this.track(seq);
  }

  /** Resolves once every write requested so far has been answered, committed or not. */
  settled(): Promise<void> {
    this.postOutbox();
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ seq: this.seq, resolve, reject: () => resolve() }));
  }

  /** Commits what was requested, then closes the writer's connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settled();
      if (this.failure) {
        await this.worker.terminate();
        return;
      }
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.post({ kind: 'close' });
      await exited;
    })();
    return this.closing;
  }

  private post(request: WriterRequest): void {
    this.worker.postMessage(request);
  }

  private postOutbox(): void {
    if (this.outboxPosted) return;
    this.outboxPosted = true;
    if (this.outbox.length === 0 || this.failure) return;
    const items = this.outbox;
    this.outbox = [];
    this.post({ kind: 'append', seq: this.seq, items });
  }

  private track(seq: number): Promise<void> {
    if (this.waiting.length === 0) this.worker.ref();
    return new Promise((resolve, reject) => this.waiting.push({ seq, resolve, reject }));
  }

  private settle(through: number, error: { message: string; code: string | undefined } | undefined): void {
    const failure = error && new SqliteWriteError(error.message, error.code);
    while (this.waiting.length > 0 && this.waiting[0]!.seq <= through) {
      const waiter = this.waiting.shift()!;
      if (failure) waiter.reject(failure);
      else waiter.resolve();
    }
    if (this.waiting.length === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.outbox = [];
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
    this.worker.unref();
  }
}
