/**
 * The process entry point: the only file that reads `process.env` or listens on signals.
 * `npm start` runs it after building the client.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './main.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const server = await startServer(config, { log });
  process.stdout.write(`\n  Systems Leadership Workspace is running at ${config.publicUrl}\n`);
  if (server.demo) {
    process.stdout.write(
      `\n  Worked example: ${config.publicUrl}/rooms/${server.demo.mapRoomId}\n  Sign in as any of these (two browsers, or a private window, to see live editing):\n` +
        server.demo.people.map((p) => `    ${p.email}  password: ${p.password}  (${p.name}, ${p.organisation})\n`).join('') +
        '\n',
    );
  }
  if (server.setupUrl) {
    process.stdout.write(
      `\n  No one has an account yet. Open this one-time link to create the first administrator:\n\n    ${server.setupUrl}\n\n` +
        `  (Or create one with: npm run cli -- user add --email you@example.org --password ... --name ... --org ... --admin)\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => {
      log.error('shutdown did not finish within 10 s; exiting without waiting further', { signal });
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`The workspace could not start:\n${message}\n`);
  process.exit(1);
});
