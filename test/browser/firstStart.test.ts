import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { LOCAL_VISION_SITES } from '../../server/seed/sites.js';
import { buildClient, launchBrowser } from '../helpers/browser.js';
import { api, tempDir } from '../helpers/server.js';

describe('first start in a real browser', () => {
  let browser: Browser;
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    const clientDir = await buildClient();
    const port = 0;
    dataDir = tempDir();
    server = await startServer(loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { clientDir });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the printed one-time link lets the operator create the first admin and see every site', async () => {
    expect(server.setupUrl).toMatch(/\/setup#token=[A-Za-z0-9_-]{20,}$/);
    // The printed link uses PUBLIC_URL; the test server listens on a random port.
    const link = server.setupUrl!.replace(/^http:\/\/localhost:\d+/, server.url);
    const page = await browser.newPage();
    await page.goto(link);
    await page.getByLabel('Email').fill('operator@torbay.gov.uk');
    await page.getByLabel('Your name').fill('Olu Operator');
    await page.getByLabel('Organisation').fill('Torbay Council');
    await page.getByLabel(/Password/).fill('a strong passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.site-card').count()).toBe(LOCAL_VISION_SITES.length);
    expect(await page.getByTestId('who').textContent()).toBe('Olu Operator, Torbay Council');

    // The account is a real admin and the link is spent.
    const login = await api(server, '/api/auth/login', { body: { email: 'operator@torbay.gov.uk', password: 'a strong passphrase' } });
    expect((login.body as { user: { isAdmin: boolean } }).user.isAdmin).toBe(true);
    const again = await browser.newPage();
    await again.goto(link);
    await again.getByLabel('Email').fill('intruder@example.org');
    await again.getByLabel('Your name').fill('X');
    await again.getByLabel('Organisation').fill('Y');
    await again.getByLabel(/Password/).fill('another passphrase');
    await again.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toMatch(/not valid or was already used/);
  });

  it('signing in with a wrong password shows a clear message; the right one shows the sites', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByLabel('Email').fill('operator@torbay.gov.uk');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/do not match/);
    await page.getByLabel('Password').fill('a strong passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    // An admin acts as facilitator everywhere, so every site is theirs.
    expect(await page.locator('.site-card .badge').first().textContent()).toBe('Facilitator');
  });
});
