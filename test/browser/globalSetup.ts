/**
 * Builds the client once for every browser test file of a run (each built its own: seven
 * production builds of about 15 s), and removes it afterwards. Test files find it through
 * BUILT_CLIENT_ENV, which the worker processes inherit.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_CLIENT_ENV, buildClientInto } from '../helpers/browser.js';
import { tempDir } from '../helpers/server.js';

export default async function setup(): Promise<() => void> {
  const root = tempDir('slw-client-run-');
  const outDir = join(root, 'client');
  await buildClientInto(outDir);
  process.env[BUILT_CLIENT_ENV] = outDir;
  return () => rmSync(root, { recursive: true, force: true });
}
