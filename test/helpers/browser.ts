/**
 * Browser harness: Debian's Chromium driven by playwright-core (test tools cannot download a
 * browser here), and a production build of the client for the server to serve.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { tempDir } from './server.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Launches headless Chromium from CHROMIUM_PATH (default /usr/bin/chromium), or fails saying how to get it. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary. Browser tests never skip silently.`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // The machine has no network but loopback: stop Chromium reaching for Google's services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

let built: Promise<string> | undefined;
/** Builds the client once per test process into a temporary folder and returns that folder. */
export function buildClient(): Promise<string> {
  built ??= (async () => {
    const root = tempDir('slw-client-');
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    const outDir = join(root, 'client');
    await build({
      configFile: join(projectRoot, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    return outDir;
  })();
  return built;
}
