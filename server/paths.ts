/**
 * Where the project's own files are. The server runs from source (`server/*.ts` through tsx, in
 * tests and `npm run dev`) and from the bundle `npm start` builds (`dist/server/index.js`), so
 * paths are found from the project root rather than relative to the running file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'systems-leadership-workspace';

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not ours (or unreadable): keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root (package.json named ${PACKAGE_NAME}) above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** The built client that `npm start` serves (`npm run build` writes it). */
export const DEFAULT_CLIENT_DIR = join(PROJECT_ROOT, 'dist', 'client');

/** A file of the project, e.g. `projectFile('shared', 'map', 'fixtures', 'x.csv')`. */
export function projectFile(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
