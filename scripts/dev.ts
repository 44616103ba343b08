/**
 * `npm run dev`: the server restarting on change (node --watch) plus Vite's dev server with
 * hot reload for the client, which proxies /api and /sync to the server. Open the Vite URL.
 *
 * The Vite origin is added to ALLOWED_ORIGINS so the session cookie may open sync sockets
 * through the proxy (the server checks the Origin of cookie-authenticated upgrades).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiPort = Number(process.env.PORT ?? 8787);
const vitePort = Number(process.env.VITE_PORT ?? 5173);
const viteOrigins = [`http://localhost:${vitePort}`, `http://127.0.0.1:${vitePort}`];

const server = spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/index.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: String(apiPort),
    // Links the server prints or sends (setup, invites) should open the hot-reloading client.
    PUBLIC_URL: process.env.PUBLIC_URL ?? viteOrigins[0],
    ALLOWED_ORIGINS: [process.env.ALLOWED_ORIGINS, ...viteOrigins].filter(Boolean).join(','),
  },
});

const vite = await createServer({
  configFile: `${root}vite.config.ts`,
  server: { port: vitePort, strictPort: true },
});
await vite.listen();
console.log(`\n  Client with hot reload: http://localhost:${vitePort}  (API and sync on port ${apiPort})\n`);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await vite.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.on('exit', (code) => {
  if (!stopping) {
    console.error(`The server exited (${code}); stopping.`);
    void stop(code ?? 1);
  }
});
