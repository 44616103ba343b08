import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_VISION_SITES } from '../server/seed/sites.js';
import { api, connectClient, createPerson, createRoom, eventually, startTestServer, type TestServer } from './helpers/server.js';
import { withoutStores } from './helpers/process.js';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs the CLI as an operator would: a separate process on the server's DATA_DIR. */
async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
      cwd: projectRoot,
      // On the server's SQLite file, whatever DATABASE_URL the machine has (set for other tests).
      env: { ...withoutStores(process.env), DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('operator CLI, used while the server runs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PERMISSION_RECHECK_MS: 1000 });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('lists every seeded site', async () => {
    const result = await cli(server.dataDir, 'site', 'list', '--json');
    expect(result.code).toBe(0);
    const sites = JSON.parse(result.stdout) as { slug: string; name: string }[];
    expect(sites).toHaveLength(LOCAL_VISION_SITES.length);
    expect(sites.map((s) => s.slug)).toContain('west-cheshire');
    const human = await cli(server.dataDir, 'site', 'list');
    expect(human.stdout).toMatch(/gloucestershire\s+Gloucestershire\s+breaking the cycle of obesity/);
  });

  it('adds a site (the programme names 25, its list only 24) that the API then lists', async () => {
    const add = await cli(server.dataDir, 'site', 'add', '--name', 'Newtown', '--issue', 'a test issue in the site’s own words');
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Added Newtown (newtown).');
    const again = await cli(server.dataDir, 'site', 'add', '--name', 'Newtown', '--issue', 'again');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const badSlug = await cli(server.dataDir, 'site', 'add', '--name', 'X', '--issue', 'Y', '--slug', 'Not A Slug');
    expect(badSlug.code).toBe(2);
    const person = await createPerson(server);
    const sites = (await api(server, '/api/sites', { token: person.token })).body as { slug: string; sponsor: string }[];
    expect(sites.find((s) => s.slug === 'newtown')?.sponsor).toBe('Health and Wellbeing Board');
    expect(sites).toHaveLength(LOCAL_VISION_SITES.length + 1);
  });

  it('adds a person who can then sign in, and gives them a role the API reports', async () => {
    const add = await cli(
      server.dataDir,
      'user', 'add', '--email', 'Sam@Wirral.gov.uk', '--password', 'a long password', '--name', 'Sam Jones', '--org', 'Wirral Council',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Created sam@wirral.gov.uk');

    const login = await api(server, '/api/auth/login', { body: { email: 'sam@wirral.gov.uk', password: 'a long password' } });
    expect(login.status).toBe(200);
    const token = (login.body as { token: string }).token;

    const member = await cli(server.dataDir, 'member', 'add', '--site', 'wirral', '--email', 'sam@wirral.gov.uk', '--role', 'facilitator');
    expect(member.code).toBe(0);
    const sites = await api(server, '/api/sites', { token });
    expect((sites.body as { slug: string; role: string | null }[]).find((s) => s.slug === 'wirral')?.role).toBe('facilitator');
    expect((sites.body as { slug: string }[])[0]?.slug).toBe('wirral');
  });

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const badRole = await cli(server.dataDir, 'member', 'add', '--site', 'torbay', '--email', 'sam@wirral.gov.uk', '--role', 'boss');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role/);
    const noSite = await cli(server.dataDir, 'member', 'add', '--site', 'atlantis', '--email', 'sam@wirral.gov.uk', '--role', 'member');
    expect(noSite.code).toBe(2);
    expect(noSite.stderr).toMatch(/no site "atlantis"/);
    const dup = await cli(server.dataDir, 'user', 'add', '--email', 'sam@wirral.gov.uk', '--password', 'another password', '--name', 'S', '--org', 'O');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const unknown = await cli(server.dataDir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
  });

  it('a role removed by the CLI closes that person’s live connection', async () => {
    const facilitator = await createPerson(server, { site: 'york', role: 'facilitator' });
    const add = await cli(
      server.dataDir,
      'user', 'add', '--email', 'kim@york.nhs.uk', '--password', 'kims password', '--name', 'Kim', '--org', 'York Teaching Hospital',
    );
    expect(add.code).toBe(0);
    await cli(server.dataDir, 'member', 'add', '--site', 'york', '--email', 'kim@york.nhs.uk', '--role', 'member');
    const login = await api(server, '/api/auth/login', { body: { email: 'kim@york.nhs.uk', password: 'kims password' } });
    const roomId = await createRoom(server, facilitator, 'york');
    const kim = connectClient(server.wsUrl, roomId, (login.body as { token: string }).token);
    try {
      await kim.synced;
      const removed = await cli(server.dataDir, 'member', 'remove', '--site', 'york', '--email', 'kim@york.nhs.uk');
      expect(removed.code).toBe(0);
      await eventually(() => expect(kim.closeCodes).toContain(4409), 8000);
    } finally {
      kim.destroy();
    }
  });

  /** `person` signed in twice more (two browsers) and with an API token, each live in a room. */
  async function signedInEverywhere(person: { email: string; password: string; token: string }, roomId: string) {
    const tokens = [person.token];
    for (let i = 0; i < 2; i++) {
      const login = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
      tokens.push((login.body as { token: string }).token);
    }
    const created = await api(server, '/api/tokens', { token: person.token, body: { name: 'nightly export' } });
    tokens.push((created.body as { token: string }).token);
    const clients = tokens.map((token) => connectClient(server.wsUrl, roomId, token));
    await Promise.all(clients.map((c) => c.synced));
    return { tokens, clients };
  }
  const signedIn = async (token: string) => (await api(server, '/api/auth/me', { token })).status === 200;

  it('a password reset ends every session and API token of that person, and the server closes their sockets', async () => {
    const facilitator = await createPerson(server, { site: 'york', role: 'facilitator' });
    const person = await createPerson(server, { site: 'york', role: 'member' });
    const bystander = await createPerson(server, { site: 'york', role: 'member' });
    const roomId = await createRoom(server, facilitator, 'york');
    const { tokens, clients } = await signedInEverywhere(person, roomId);
    const other = connectClient(server.wsUrl, roomId, bystander.token);
    try {
      await other.synced;
      const reset = await cli(server.dataDir, 'user', 'set-password', '--email', person.email, '--password', 'a new long password');
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toContain(`Password changed for ${person.email}; sign-in lock cleared; 4 sessions and API tokens ended.`);
      for (const token of tokens) expect(await signedIn(token)).toBe(false);
      // This process is not the server: its periodic re-check (1 s here) closes the sockets.
      for (const client of clients) await eventually(() => expect(client.closeCodes).toContain(4401), 8000);
      expect(other.closeCodes).toEqual([]);
      expect(await signedIn(bystander.token)).toBe(true);
      const login = await api(server, '/api/auth/login', { body: { email: person.email, password: 'a new long password' } });
      expect(login.status).toBe(200);
    } finally {
      for (const client of [...clients, other]) client.destroy();
    }
  });

  it('user sign-out ends every session and API token of that person and says how many', async () => {
    const facilitator = await createPerson(server, { site: 'york', role: 'facilitator' });
    const person = await createPerson(server, { site: 'york', role: 'member' });
    const roomId = await createRoom(server, facilitator, 'york');
    const { tokens, clients } = await signedInEverywhere(person, roomId);
    try {
      const out = await cli(server.dataDir, 'user', 'sign-out', '--email', person.email, '--json');
      expect(out.code, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual({ email: person.email, ended: 4 });
      for (const token of tokens) expect(await signedIn(token)).toBe(false);
      for (const client of clients) await eventually(() => expect(client.closeCodes).toContain(4401), 8000);
      // The password still works: they can sign in again.
      const login = await api(server, '/api/auth/login', { body: { email: person.email, password: person.password } });
      expect(login.status).toBe(200);
      const again = await cli(server.dataDir, 'user', 'sign-out', '--email', person.email);
      expect(again.stdout).toContain(`Signed ${person.email} out everywhere: 1 session or API token ended.`);
      const usage = await cli(server.dataDir, 'help');
      expect(usage.stdout).toMatch(/user sign-out --email E\s+end all of their sessions and API tokens/);
      const nobody = await cli(server.dataDir, 'user', 'sign-out', '--email', 'nobody@example.org');
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toMatch(/no account for nobody@example.org/);
    } finally {
      for (const client of clients) client.destroy();
    }
  });
});
