/**
 * The server in a process of its own, as `npm start` runs it (the bundle built by
 * `scripts/buildServer.ts`), for tests that kill it or measure its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { buildServer } from '../../scripts/buildServer.js';
import { eventually, freePort } from './server.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
// Inside the project, so the bundle resolves node_modules; its own folder, so a build of
// dist/server running alongside is not disturbed.
export const bundleDir = join(projectRoot, 'dist', `server-test-${process.pid}`);
let bundled: Promise<string> | undefined;
const bundle = () => (bundled ??= buildServer(bundleDir));

export interface Child {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The environment without the machine's PostgreSQL and Redis (set by .ci/run for the tests
 * that use them): a process a test starts stores where that test says, its own DATA_DIR unless
 * it passes them back.
 */
export function withoutStores(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, DATABASE_SCHEMA: _schema, REDIS_URL: _redis, ...rest } = env;
  return rest;
}

/**
 * Runs the real entry point in its own process, as `npm start` does: the server bundled by
 * `scripts/buildServer.ts` and run as plain JavaScript.
 */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}, port?: number): Promise<Child> {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', await bundle()], {
    cwd: projectRoot,
    env: { ...withoutStores(process.env), PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      const res = await fetch(`${url}/api/health`);
      expect(res.status).toBe(200);
    },
    15_000,
    50,
  );
  return { process: child, url, wsUrl: `ws://127.0.0.1:${port}/sync`, output: () => output, exited };
}


/** The resident memory of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}
