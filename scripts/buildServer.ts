/**
 * Bundles the server into one plain-JavaScript file, `dist/server/index.js`, which `npm start`
 * runs. Loading TypeScript through tsx at run time costs start-up time and about 30 MB of
 * resident memory (measured in docs/benchmarks.md); the bundle needs neither. Packages stay
 * external (better-sqlite3 is a native addon) and resolve from `node_modules` as usual.
 *
 *   node --import tsx scripts/buildServer.ts [OUTDIR]     (default dist/server)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Writes `index.js` (and its source map) into `outDir`. `outDir` must be inside the project so
 * that the bundle finds `node_modules` and the project's files.
 */
export async function buildServer(outDir = join(projectRoot, 'dist', 'server')): Promise<string> {
  const outfile = join(outDir, 'index.js');
  await build({
    entryPoints: [join(projectRoot, 'server', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildServer(process.argv[2]);
  process.stdout.write(`server bundle: ${out}\n`);
}
