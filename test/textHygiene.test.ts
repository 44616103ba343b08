/**
 * Names and titles with control characters or bidi overrides are refused everywhere they come
 * in (setup, invites, rooms, tokens, the CLI), with a 400 that names the character; marks
 * that right-to-left names need are kept.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../shared/routes.js';
import { runCli } from '../server/cli.js';
import { api, createPerson, createRoom, startTestServer, tempDir, type Person, type TestServer } from './helpers/server.js';

const RLO = '\u202E';
const BAD: [string, string, RegExp][] = [
  ['a right-to-left override', `Budget${RLO}fdp.exe`, /right-to-left override \(U\+202E\) at character 7/],
  ['a first strong isolate', 'Plan\u2068 B', /first strong isolate \(U\+2068\)/],
  ['a NUL', 'Plan\u0000B', /control character \(U\+0000\)/],
  ['a C1 control', 'Plan\u0085B', /control character \(U\+0085\)/],
  ['an escape sequence', 'Plan \u001b[31mred', /control character \(U\+001B\)/],
  ['a line break inside', 'Two\nlines', /line break at character 4/],
  ['a tab', 'Col\tumn', /a tab at character 4/],
];

function validationMessage(res: { status: number; body: unknown }): string {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const error = (res.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('validation_failed');
  return error.message;
}

describe('text hygiene through the API', () => {
  let server: TestServer;
  let facilitator: Person;
  let roomId: string;
  beforeAll(async () => {
    server = await startTestServer();
    facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator' });
    roomId = await createRoom(server, facilitator, 'torbay', 'map', 'A fine title');
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it.each(BAD)('refuses a room title with %s, on create and on rename, and stores nothing', async (_what, title, message) => {
    const created = await api(server, paths.siteRooms('torbay'), { token: facilitator.token, body: { kind: 'doc', title } });
    expect(validationMessage(created)).toMatch(message);
    expect(validationMessage(created)).toMatch(/^The request is not valid: title: contains /);
    const renamed = await api(server, paths.room(roomId), { method: 'PATCH', token: facilitator.token, body: { title } });
    expect(validationMessage(renamed)).toMatch(message);
    expect(((await api(server, paths.room(roomId), { token: facilitator.token })).body as { title: string }).title).toBe('A fine title');
  });

  it('keeps right-to-left text with its marks, and trims a trailing newline as whitespace', async () => {
    const title = 'خريطة \u200FTorbay\u200E – שלום';
    const created = await api(server, paths.siteRooms('torbay'), { token: facilitator.token, body: { kind: 'map', title } });
    expect(created.status).toBe(201);
    expect((created.body as { title: string }).title).toBe(title);
    const trimmed = await api(server, paths.siteRooms('torbay'), { token: facilitator.token, body: { kind: 'map', title: 'Pasted line\n' } });
    expect((trimmed.body as { title: string }).title).toBe('Pasted line');
  });

  it('refuses an API token name with a bidi override', async () => {
    const res = await api(server, paths.tokens, { token: facilitator.token, body: { name: `script${RLO}` } });
    expect(validationMessage(res)).toMatch(/^The request is not valid: name: contains an invisible right-to-left override/);
  });

  it('refuses a name or organisation with them when accepting an invite, creating no account', async () => {
    const invite = await api(server, paths.siteInvites('torbay'), { token: facilitator.token, body: { role: 'member' } });
    const token = (invite.body as { token: string }).token;
    const email = 'newcomer@example.org';
    const byName = await api(server, paths.acceptInvite(token), { body: { email, password: 'a good long password', name: `Eve${RLO}lin`, organisation: 'Torbay Council' } });
    expect(validationMessage(byName)).toMatch(/^The request is not valid: name: contains an invisible right-to-left override/);
    const byOrg = await api(server, paths.acceptInvite(token), { body: { email, password: 'a good long password', name: 'Evelin', organisation: 'Torbay\u0007Council' } });
    expect(validationMessage(byOrg)).toMatch(/^The request is not valid: organisation: contains an invisible control character \(U\+0007\)/);
    expect(await server.storage.getUserByEmail(email)).toBeNull();
    const fine = await api(server, paths.acceptInvite(token), { body: { email, password: 'a good long password', name: 'Evelin', organisation: 'Torbay Council' } });
    expect(fine.status).toBe(200);
  });
});

describe('text hygiene at first setup', () => {
  let fresh: TestServer;
  beforeAll(async () => {
    fresh = await startTestServer();
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  it('refuses an administrator name or organisation with a control or bidi character', async () => {
    const token = /#token=(.+)$/.exec(fresh.setupUrl!)![1]!;
    const admin = { token, email: 'admin@example.org', password: 'a good long password', name: 'Ada Admin', organisation: 'Torbay Council' };
    expect(validationMessage(await api(fresh, paths.setup, { body: { ...admin, name: `Ada\u2066 Admin` } }))).toMatch(/name: contains an invisible left-to-right isolate/);
    expect(validationMessage(await api(fresh, paths.setup, { body: { ...admin, organisation: 'Torbay\u0000' } }))).toMatch(/organisation: contains an invisible control character \(U\+0000\)/);
    expect(await fresh.storage.countUsers()).toBe(0);
    expect((await api(fresh, paths.setup, { body: admin })).status).toBe(201);
  });
});

describe('text hygiene in the CLI', () => {
  const dataDir = tempDir();
  const cli = (...args: string[]) => runCli(args, { DATA_DIR: dataDir });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['--name', `Mallory${RLO}`, /--name: contains an invisible right-to-left override/],
    ['--org', 'Org\u009b', /--org: contains an invisible control character \(U\+009B\)/],
  ])('user add refuses %s with a bad character', async (flag, value, message) => {
    const args = { '--name': 'Mallory', '--org': 'Somewhere' } as Record<string, string>;
    args[flag] = value;
    await expect(cli('user', 'add', '--email', 'm@example.org', '--password', 'a good long password', ...Object.entries(args).flat())).rejects.toThrow(message);
    expect(await cli('user', 'list', '--json')).toBe('[]');
  });

  it.each([
    ['--name', `New${RLO}town`, /--name: contains an invisible right-to-left override/],
    ['--issue', 'an issue\u0000', /--issue: contains an invisible control character \(U\+0000\)/],
    ['--sponsor', 'Board\u2067', /--sponsor: contains an invisible right-to-left isolate/],
  ])('site add refuses %s with a bad character', async (flag, value, message) => {
    const args = { '--name': 'Newtown', '--issue': 'an issue', '--sponsor': 'Board', '--slug': 'newtown' } as Record<string, string>;
    args[flag] = value;
    await expect(cli('site', 'add', ...Object.entries(args).flat())).rejects.toThrow(message);
    expect(await cli('site', 'list')).not.toContain('newtown');
  });

  it('site add takes a clean name', async () => {
    expect(await cli('site', 'add', '--name', 'Newtown', '--issue', 'an issue')).toBe('Added Newtown (newtown).');
  });
});
