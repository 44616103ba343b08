/**
 * Browser harness: Debian's Chromium driven by playwright-core (test tools cannot download a
 * browser here), and a production build of the client for the server to serve.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { loadConfig, type Env } from '../../server/config.js';
import { openStorage, startServer, type RunningServer } from '../../server/main.js';
import type { Storage } from '../../server/storage/types.js';
import { freePort, tempDir } from './server.js';

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

/**
 * Where the browser project's global setup built the client for the whole run
 * (`test/browser/globalSetup.ts`); unset outside that project (a bench, a lone test file).
 */
export const BUILT_CLIENT_ENV = 'SLW_TEST_CLIENT_DIR';

/** A production build of the client into `outDir`. */
export async function buildClientInto(outDir: string): Promise<void> {
  // Vitest sets NODE_ENV=test, which makes Vite and the React plugin produce a development
  // build; test what people get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({
    configFile: join(projectRoot, 'vite.config.ts'),
    logLevel: 'silent',
    mode: 'production',
    build: { outDir, emptyOutDir: true, ...(process.env.BENCH_NO_MINIFY ? { minify: false } : {}) },
  }).finally(() => {
    process.env.NODE_ENV = nodeEnv;
  });
}

let built: Promise<string> | undefined;
/**
 * The built client's folder: the one the browser project built for this run, else a build of
 * its own (once per process, into a temporary folder).
 */
export function buildClient(): Promise<string> {
  built ??= (async () => {
    const shared = process.env[BUILT_CLIENT_ENV];
    if (shared) return shared;
    const root = tempDir('slw-client-');
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    const outDir = join(root, 'client');
    await buildClientInto(outDir);
    return outDir;
  })();
  return built;
}

/**
 * A real server serving the built client on a known port, with a fresh DATA_DIR. With
 * `wrapStorage`, the server runs on that wrapper around its SQLite store (to stall it, say).
 */
export async function startWorkspace(
  env: Partial<Env> = {},
  options: { wrapStorage?: (storage: Storage) => Storage } = {},
): Promise<RunningServer & { dispose(): Promise<void> }> {
  const clientDir = await buildClient();
  const port = await freePort();
  const dataDir = tempDir();
  const storage = options.wrapStorage?.(await openStorage({ dataDir, seedSites: false }));
  // PUBLIC_URL must be the address the browser uses: cookie-authenticated sync sockets are
  // only accepted from that origin.
  const server = await startServer(
    loadConfig({ PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) }),
    { clientDir, storage },
  );
  return {
    ...server,
    async dispose() {
      await server.close();
      await storage?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs a browser context in through the real login endpoint; the session cookie lands in the context. */
export async function signInContext(context: BrowserContext, server: { url: string }, email: string, password: string): Promise<void> {
  const res = await context.request.post(`${server.url}/api/auth/login`, { data: { email, password } });
  if (res.status() !== 200) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations (every violation,
 * whatever its impact, with `all`), readable in a test failure.
 */
export async function seriousAxeViolations(page: Page, options: { all?: boolean } = {}): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
  // govern; an inline <script> tag (addScriptTag) would be blocked by script-src 'self'.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => options.all || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * People in their own browser profiles (own cookies and IndexedDB), signed in through the real
 * login endpoint, with every uncaught page error recorded so a test can fail on it even when
 * the screen looks right.
 */
export class BrowserPeople {
  private readonly contexts: BrowserContext[] = [];
  private readonly errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly server: { url: string },
    private readonly contextOptions: Parameters<Browser['newContext']>[0] = {},
  ) {}

  /** A fresh profile's page, signed in as `person` unless null. */
  async page(person: { email: string; password: string } | null): Promise<Page> {
    const context = await this.browser.newContext(this.contextOptions);
    // Fail with the locator that did not appear, well before the test's own time limit.
    context.setDefaultTimeout(10_000);
    this.contexts.push(context);
    if (person) await signInContext(context, this.server, person.email, person.password);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.errors.push(`${person?.email ?? 'signed out'}: ${error.message}`));
    // Chromium reports what the Content-Security-Policy blocked (an injected <style>, an inline
    // script) on the console only; the page carries on, looking almost right. Count it as an error.
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
        this.errors.push(`${person?.email ?? 'signed out'}: ${message.text()}`);
      }
    });
    return page;
  }

  /**
   * Takes the errors recorded so far that match `pattern` out of the list (so they do not fail
   * the test), for a test that expects them: the policy reporting what it blocked in pasted
   * HTML, say.
   */
  takeErrors(pattern: RegExp): string[] {
    const taken = this.errors.filter((e) => pattern.test(e));
    for (const e of taken) this.errors.splice(this.errors.indexOf(e), 1);
    return taken;
  }

  /** Closes every profile opened so far and returns the page errors seen since the last call. */
  async closeAll(): Promise<string[]> {
    await Promise.all(this.contexts.splice(0).map((c) => c.close()));
    return this.errors.splice(0);
  }
}

export interface BrowserSuite {
  /** The workspace server (fresh DATA_DIR), started before the suite's tests. */
  ws: Awaited<ReturnType<typeof startWorkspace>>;
  browser: Browser;
  people: BrowserPeople;
}

/**
 * The frame every browser spec shares, registered in the calling `describe`: a workspace and
 * Chromium started once, every profile closed after each test (which fails if any page threw),
 * and both stopped at the end. Read the fields inside tests and hooks, after they are set.
 */
export function browserSuite(contextOptions: Parameters<Browser['newContext']>[0] = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    [suite.ws, suite.browser] = await Promise.all([startWorkspace(), launchBrowser()]);
    suite.people = new BrowserPeople(suite.browser, suite.ws, contextOptions);
  }, 90_000);
  afterEach(async () => {
    // An uncaught error in any page fails the test.
    expect(await suite.people.closeAll()).toEqual([]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.ws?.dispose();
  });
  return suite;
}
