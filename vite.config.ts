import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * One config for the client build (Vite) and the test runner (Vitest).
 * The client lives in `client/` and builds to `dist/client`, which the server serves.
 */
export default defineConfig({
  root: `${projectRoot}client`,
  build: {
    outDir: `${projectRoot}dist/client`,
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8787',
      '/sync': { target: 'ws://127.0.0.1:8787', ws: true },
    },
  },
  test: {
    root: projectRoot,
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts', 'test/**/*.test.ts'],
    // The JSON report feeds the closing "N passed, N failed" line of .ci/run.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
