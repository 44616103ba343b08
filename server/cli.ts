/**
 * The operator CLI: `npm run cli -- <command>`. It opens the same DATA_DIR as the server and is
 * safe to use while the server runs (SQLite in WAL mode; the server re-checks live connections'
 * roles and sessions every PERMISSION_RECHECK_MS, so a role changed or a session ended here
 * takes effect on open sockets too).
 */
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  DisplayNameSchema,
  EmailSchema,
  OrganisationSchema,
  PasswordSchema,
  SiteIssueSchema,
  SiteNameSchema,
  SiteRoleSchema,
  SlugSchema,
  SponsorSchema,
  TitleSchema,
} from '../shared/api.js';
import { ErrorCode } from '../shared/errors.js';
import { MAP_FORMATS } from '../shared/map/importFile.js';
import { slugify } from '../shared/ids.js';
import { RESERVED_LEARNING_SLUGS } from '../shared/summaries/public.js';
import { AuthService } from './auth/service.js';
import { ConfigError, loadConfig } from './config.js';
import { AppError } from './errors.js';
import { createLogger } from './logger.js';
import { openStorage } from './main.js';
import { importMapRoom } from './maps/importRoom.js';
import { SPONSOR } from './seed/sites.js';
import { BackupError, backupLines, readBackup } from './storage/backup.js';
import type { BackupRow, Storage } from './storage/types.js';

const USAGE = `Usage: npm run cli -- <command> [options]

People
  user add --email E --password P --name N --org O [--admin]
                                   create an account (--password-stdin reads the password)
  user list                        list accounts
  user set-password --email E --password P
                                   reset a password; ends all of their sessions and API tokens
  user sign-out --email E          end all of their sessions and API tokens (signs them out
                                   everywhere; open live connections close within
                                   PERMISSION_RECHECK_MS)
  user admin --email E [--revoke]  grant (or revoke) global admin
  token create --email E --name N [--days D]
                                   create an API token for scripts (printed once)
Sites
  site list                        every site with its slug and issue
  site add --name N --issue I [--slug S] [--sponsor P]
                                   add a site (slug from the name unless given)
  member add --site SLUG --email E --role facilitator|member|viewer
                                   give someone a role on a site (or change it)
  member remove --site SLUG --email E
  member list --site SLUG
  room list --site SLUG [--archived]
Maps
  map import --site SLUG --file F [--title T] [--by EMAIL]
                                   a new map room from a file: a Kumu workbook (.xlsx) or sheet
                                   (.csv), a Kumu JSON blueprint, a LOOPY link or data, a Vensim
                                   model (.mdl) or a map exported from the workspace; --by names
                                   the member recorded as its author (default: "Imported")
Setup
  setup-link                       print a new one-time link for the first administrator
Backup
  export --all > FILE              the whole deployment, people's password hashes, sessions
                                   and API tokens included: keep the file as safe as the database
  export --site SLUG > FILE        one site: its rooms with everything in them, its members and
                                   the people its rooms name, without passwords, tokens or admin
                                   rights (set them afresh with user set-password, user admin)
  import < FILE                    restore a backup into an empty deployment (a new DATA_DIR or
                                   DATABASE_URL; SQLite and PostgreSQL alike), all or nothing

Options: --json prints machine-readable output. DATA_DIR (default ./data) picks the database,
or DATABASE_URL a PostgreSQL one.
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Flags = Record<string, string | boolean | undefined>;

function need(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function valid<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function password(flags: Flags): string {
  const raw = flags['password-stdin'] ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : need(flags, 'password');
  return valid(PasswordSchema, raw, 'password');
}

async function userByEmail(storage: Storage, flags: Flags) {
  const email = valid(EmailSchema, need(flags, 'email'), 'email');
  const user = await storage.getUserByEmail(email);
  if (!user) throw new UsageError(`no account for ${email} (create one with: user add)`);
  return user;
}

/** The account for a command that grants something; a guest of a workshop is no account to grant a password, role, admin or token. */
async function accountByEmail(storage: Storage, flags: Flags) {
  const user = await userByEmail(storage, flags);
  if (user.guestOf !== null) throw new UsageError(`${user.email} is a guest of one workshop, not an account (invite them to a site instead)`);
  return user;
}

async function siteBySlug(storage: Storage, flags: Flags) {
  const slug = need(flags, 'site');
  const site = await storage.getSite(slug);
  if (!site) throw new UsageError(`no site "${slug}" (see: site list)`);
  return site;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Where `export` and `import` stream a backup; without them, `export` returns it as its output. */
export interface CliIo {
  /** What `import` reads (default: this process's standard input). */
  stdin?: NodeJS.ReadableStream;
  /** Where `export` writes the backup, line by line as it is read, instead of returning it. */
  stdout?: NodeJS.WritableStream;
  /** Told how much `export` wrote, when it wrote to `stdout`. */
  stderr?: NodeJS.WritableStream;
  /**
   * A store opened by the caller, used instead of the one DATA_DIR or DATABASE_URL names; the
   * caller closes it (as `startServer`'s `storage`).
   */
  storage?: Storage;
}

/** Writes `lines` to `out`, waiting whenever it is full, so a large backup never piles up in memory. */
async function writeLines(lines: AsyncIterable<string>, out: NodeJS.WritableStream): Promise<void> {
  for await (const line of lines) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
}

/** Rows, counted per table as they pass. */
async function* counting(rows: AsyncIterable<BackupRow>, counts: Record<string, number>): AsyncGenerator<BackupRow> {
  for await (const row of rows) {
    counts[row.table] = (counts[row.table] ?? 0) + 1;
    yield row;
  }
}

function tableCounts(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `${plural(total, 'row', 'rows')} (${Object.entries(counts).map(([table, n]) => `${table} ${n}`).join(', ') || 'none'})`;
}

/**
 * Runs one CLI command and returns what it prints. Exported for tests; `main` wires it to the
 * process.
 *
 * @example
 * const backup = await runCli(['export', '--all'], { DATA_DIR: 'data' })
 * await runCli(['import'], { DATABASE_URL: 'postgres://…' }, { stdin: Readable.from([backup]) })
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo = {}): Promise<string> {
  const { values: flags, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      org: { type: 'string' },
      admin: { type: 'boolean' },
      revoke: { type: 'boolean' },
      site: { type: 'string' },
      slug: { type: 'string' },
      issue: { type: 'string' },
      sponsor: { type: 'string' },
      role: { type: 'string' },
      days: { type: 'string' },
      file: { type: 'string' },
      title: { type: 'string' },
      by: { type: 'string' },
      archived: { type: 'boolean' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (flags.help || command === '' || command === 'help') return USAGE;

  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  // A backup is taken of what is there, and restored only into an empty deployment: neither
  // seeds the Local Vision sites, as opening the store for other commands does.
  const backup = command === 'export' || command === 'import';
  const storage = io.storage ?? (await openStorage(backup ? { ...config, seedSites: false } : config));
  const auth = AuthService.fromConfig(storage, config, createLogger('silent'));
  const out = (human: string, data: unknown) => (flags.json ? JSON.stringify(data, null, 2) : human);
  try {
    switch (command) {
      case 'user add': {
        const user = await auth.createUser({
          email: valid(EmailSchema, need(flags, 'email'), 'email'),
          password: password(flags),
          name: valid(DisplayNameSchema, need(flags, 'name'), 'name'),
          organisation: valid(OrganisationSchema, need(flags, 'org'), 'org'),
          isAdmin: flags.admin === true,
        });
        return out(`Created ${user.email} (${user.name}, ${user.organisation})${user.isAdmin ? ' as admin' : ''}.`, user);
      }
      case 'user list': {
        const users = await storage.listUsers();
        return out(
          table([['EMAIL', 'NAME', 'ORGANISATION', 'ADMIN'], ...users.map((u) => [u.email, u.name, u.organisation, u.isAdmin ? 'yes' : ''])]),
          users,
        );
      }
      case 'user set-password': {
        const user = await accountByEmail(storage, flags);
        // This process cannot reach the server's sockets: the server's periodic re-check
        // (PERMISSION_RECHECK_MS) closes those whose session is gone.
        const ended = await auth.setPassword(user, password(flags));
        return out(
          `Password changed for ${user.email}; sign-in lock cleared; ${plural(ended, 'session or API token', 'sessions and API tokens')} ended.`,
          { email: user.email, ended },
        );
      }
      case 'user sign-out': {
        const user = await userByEmail(storage, flags);
        const ended = await auth.endSessions(user.id);
        return out(`Signed ${user.email} out everywhere: ${plural(ended, 'session or API token', 'sessions and API tokens')} ended.`, {
          email: user.email,
          ended,
        });
      }
      case 'user admin': {
        const user = await accountByEmail(storage, flags);
        await storage.setAdmin(user.id, !flags.revoke);
        return out(`${user.email} is ${flags.revoke ? 'no longer' : 'now'} an admin.`, { email: user.email, isAdmin: !flags.revoke });
      }
      case 'token create': {
        const user = await accountByEmail(storage, flags);
        const days = flags.days === undefined ? undefined : valid(z.coerce.number().int().min(1).max(366), flags.days, 'days');
        const { record, token } = await auth.createApiToken(user.id, need(flags, 'name'), days);
        return out(token, { id: record.id, name: record.name, expiresAt: record.expiresAt, token });
      }
      case 'site list': {
        const sites = await storage.listSites('');
        return out(table([['SLUG', 'NAME', 'ISSUE'], ...sites.map((s) => [s.slug, s.name, s.issue])]), sites.map((s) => ({ slug: s.slug, name: s.name, issue: s.issue, sponsor: s.sponsor })));
      }
      case 'site add': {
        const name = valid(SiteNameSchema, need(flags, 'name'), 'name');
        const slug = valid(SlugSchema, typeof flags.slug === 'string' ? flags.slug : slugify(name), 'slug');
        if (await storage.getSite(slug)) throw new UsageError(`a site with slug "${slug}" already exists`);
        // Its published learning lives at /learning/<slug>, beside pages with these names.
        if (RESERVED_LEARNING_SLUGS.includes(slug)) throw new UsageError(`"${slug}" names a page of the published learning; choose another slug with --slug`);
        const site = await storage.upsertSite({
          slug,
          name,
          issue: valid(SiteIssueSchema, need(flags, 'issue'), 'issue'),
          sponsor: valid(SponsorSchema, typeof flags.sponsor === 'string' ? flags.sponsor : SPONSOR, 'sponsor'),
        });
        return out(`Added ${site.name} (${site.slug}).`, { slug: site.slug, name: site.name, issue: site.issue, sponsor: site.sponsor });
      }
      case 'member add': {
        const site = await siteBySlug(storage, flags);
        const user = await accountByEmail(storage, flags);
        const role = valid(SiteRoleSchema, need(flags, 'role'), 'role');
        await storage.setRole(site.id, user.id, role);
        return out(`${user.email} is now ${role} of ${site.name}.`, { site: site.slug, email: user.email, role });
      }
      case 'member remove': {
        const site = await siteBySlug(storage, flags);
        const user = await userByEmail(storage, flags);
        if (!(await storage.removeMember(site.id, user.id))) throw new UsageError(`${user.email} is not a member of ${site.name}`);
        return out(`${user.email} removed from ${site.name}.`, { site: site.slug, email: user.email });
      }
      case 'member list': {
        const site = await siteBySlug(storage, flags);
        const members = await storage.listMembers(site.id);
        return out(table([['EMAIL', 'NAME', 'ORGANISATION', 'ROLE'], ...members.map((m) => [m.email, m.name, m.organisation, m.role])]), members);
      }
      case 'room list': {
        const site = await siteBySlug(storage, flags);
        const rooms = await storage.listRooms(site.id, { includeArchived: flags.archived === true });
        return out(table([['ID', 'KIND', 'TITLE', 'ARCHIVED'], ...rooms.map((r) => [r.id, r.kind, r.title, r.archived ? 'yes' : ''])]), rooms);
      }
      case 'map import': {
        const site = await siteBySlug(storage, flags);
        const file = need(flags, 'file');
        let bytes: Uint8Array;
        try {
          if (statSync(file).size > config.maxImportBytes) {
            throw new UsageError(`${file} is larger than MAX_IMPORT_BYTES (${config.maxImportBytes} bytes)`);
          }
          bytes = readFileSync(file);
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
        let by = { userId: null as string | null, name: 'Imported', organisation: '' };
        if (typeof flags.by === 'string') {
          const user = await accountByEmail(storage, { email: flags.by });
          if (!(await storage.getRole(site.id, user.id))) throw new UsageError(`${user.email} is not a member of ${site.name}`);
          by = { userId: user.id, name: user.name, organisation: user.organisation };
        }
        const title = typeof flags.title === 'string' ? valid(TitleSchema, flags.title, 'title') : undefined;
        const result = await importMapRoom(storage, { site, by, fileName: basename(file), bytes, title }).catch((error: unknown) => {
          // The file's own problems, each naming where: one per line for a person at a terminal.
          if (error instanceof AppError && error.code === ErrorCode.ValidationFailed) {
            const { issues } = error.options.details as { issues: string[] };
            throw new UsageError(`${basename(file)} does not import:\n  ${issues.join('\n  ')}`);
          }
          throw error;
        });
        const warnings = result.warnings.length ? `\n${result.warnings.map((w) => `  note: ${w}`).join('\n')}` : '';
        return out(
          `Imported ${basename(file)} (${MAP_FORMATS[result.format]}) into ${site.name} as "${result.room.title}" (${result.room.id}): ` +
            `${plural(result.elements, 'element', 'elements')}, ${plural(result.connections, 'connection', 'connections')}.${warnings}`,
          { room: result.room.id, title: result.room.title, format: result.format, elements: result.elements, connections: result.connections, warnings: result.warnings },
        );
      }
      case 'export': {
        if ((flags.all === true) === (typeof flags.site === 'string')) throw new UsageError('export needs either --all or --site SLUG');
        const site = flags.all ? null : await siteBySlug(storage, flags);
        const counts: Record<string, number> = {};
        const lines = backupLines({ site: site?.slug }, counting(storage.exportRows({ siteId: site?.id }), counts));
        if (!io.stdout) {
          const all: string[] = [];
          for await (const line of lines) all.push(line);
          return all.join('\n');
        }
        if ((io.stdout as { isTTY?: boolean }).isTTY) throw new UsageError('export writes the backup to standard output: redirect it to a file (export --all > backup.jsonl)');
        await writeLines(lines, io.stdout);
        io.stderr?.write(`Exported ${site ? `site ${site.slug}` : 'the whole deployment'} from ${storage.kind}: ${tableCounts(counts)}.\n`);
        return '';
      }
      case 'import': {
        const input = io.stdin ?? process.stdin;
        if ((input as { isTTY?: boolean }).isTTY) throw new UsageError('import reads a backup from standard input: npm run cli -- import < backup.jsonl');
        const { header, rows } = await readBackup(createInterface({ input, crlfDelay: Infinity }));
        const { tables } = await storage.importRows(rows).catch((error: unknown) => {
          if (error instanceof BackupError) throw error;
          // A row the schema refuses (a constraint, a type): the transaction wrote nothing.
          throw new BackupError(`the backup does not fit this deployment: ${error instanceof Error ? error.message : String(error)}. Nothing was imported.`, { cause: error });
        });
        const what = header.site ? `site ${header.site}` : 'a whole deployment';
        return out(`Imported ${what} (exported ${header.exportedAt}) into ${storage.kind}: ${tableCounts(tables)}.`, {
          site: header.site ?? null,
          exportedAt: header.exportedAt,
          into: storage.kind,
          tables,
        });
      }
      case 'setup-link': {
        const token = await auth.issueSetupToken();
        if (!token) throw new UsageError('someone already has an account; use `user add --admin` to add another administrator');
        return out(`Open this one-time link to create the first administrator:\n${auth.setupUrl(token)}`, { url: auth.setupUrl(token) });
      }
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    if (!io.storage) await storage.close();
  }
}

async function main(): Promise<void> {
  try {
    const output = await runCli(process.argv.slice(2), process.env, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    // An export has written its backup already: nothing more on standard output.
    if (output !== '') process.stdout.write(`${output}\n`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof AppError || error instanceof BackupError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    }
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
