/**
 * `npm run dev`: Vite's dev server with hot reload in front of the restarting server. Started as
 * a real child process; checks the page is served with React Refresh and that /api and the
 * sync WebSocket reach the server through Vite's proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, tempDir } from './helpers/server.js';
import { withoutStores } from './helpers/process.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

describe('npm run dev', () => {
  let child: ChildProcess | undefined;
  const dataDir = tempDir();
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the client with hot reload and passes /api and /sync through to the server', { timeout: 60_000 }, async () => {
    const [apiPort, vitePort] = [await freePort(), await freePort()];
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      cwd: projectRoot,
      env: { ...withoutStores(process.env), PORT: String(apiPort), VITE_PORT: String(vitePort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const vite = `http://127.0.0.1:${vitePort}`;

    const page = await eventually(async () => {
      const res = await fetch(`${vite}/`);
      expect(res.status).toBe(200);
      return res.text();
    }, 40_000, 250).catch((error: unknown) => {
      throw new Error(`dev server did not come up: ${String(error)}\n${output}`);
    });
    // React Refresh is what makes edits show without a reload.
    expect(page).toContain('/@react-refresh');
    const health = await eventually(async () => {
      const res = await fetch(`${vite}/api/health`);
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string };
    }, 20_000, 250);
    expect(health.status).toBe('ok');
    expect(output).toContain(`http://localhost:${vitePort}`);

    // The sync endpoint answers through the proxy: without a session it is refused with 4401.
    const code = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${vitePort}/sync/AAAAAAAAAAAAAAAAAAAAA`);
      ws.on('close', (c) => resolve(c));
      ws.on('error', reject);
    });
    expect(code).toBe(4401);
  });
});
