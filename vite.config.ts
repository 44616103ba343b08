import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
const apiPort = process.env.PORT ?? '8787';

/**
 * One config for the client build (Vite) and the test runner (Vitest).
 * The client lives in `client/` and builds to `dist/client`, which the server serves.
 */
export default defineConfig({
  root: `${projectRoot}client`,
  plugins: [react()],
  build: {
    outDir: `${projectRoot}dist/client`,
    emptyOutDir: true,
  },
  // `npm run dev`: Vite serves the client with hot reload and passes the API and sync to the
  // server on PORT.
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${apiPort}`,
      '/sync': { target: `ws://127.0.0.1:${apiPort}`, ws: true },
    },
  },
  test: {
    root: projectRoot,
    // Four projects, so a change can be checked in seconds (`npm run test:unit`) and the slow
    // ones run apart; `vitest run` (npm test) runs them all.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts', 'client/**/*.test.tsx'],
        },
      },
      // A real server and real clients over sockets, and the CLI.
      { extends: true, test: { name: 'integration', include: ['test/*.test.ts'] } },
      // Headless Chromium against the built client.
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/browser/globalSetup.ts'] },
      },
      // Fuzzing, kill -9, reconnect storm, soak: minutes, with figures printed.
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'] } },
    ],
    // The JSON report feeds the closing "N passed, N failed" line of .ci/run.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
