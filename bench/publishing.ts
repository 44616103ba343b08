/**
 * `npm run bench:publishing`: how cheaply the public side serves published learning. 25 sites ×
 * 5 published summaries are stored; then, for the index (`/learning`), one summary page and one
 * diagram, it prints requests/s and latency (p50, p99) of this server, and of a reference in the
 * same run: a bare `node:http` server answering the very same bytes from memory (the floor any
 * server can reach on this machine). Also the summary page asked again with its ETag (304).
 *
 * Both servers run as child processes; autocannon drives them from this one.
 *
 *   npm run bench:publishing -- [--seconds 5] [--connections 20] [--sites 25] [--per-site 5]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openStorage } from '../server/main.js';
import { sampleSummaries } from '../server/publishing/fixtures.js';
import { freePort } from '../test/helpers/server.js';
import { childEnv, numberOption, sleep } from './common.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    sites: { type: 'string', default: '25' },
    'per-site': { type: 'string', default: '5' },
  },
});
const seconds = numberOption('seconds', values.seconds!, 1, 120);
const connections = numberOption('connections', values.connections!, 1, 500);
const sites = numberOption('sites', values.sites!, 1, 200);
const perSite = numberOption('per-site', values['per-site']!, 1, 50);

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  return child;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after 60 s`);
}

/** Stores the sample summaries as published versions, as publishing would. */
async function seed(dataDir: string): Promise<{ index: string; summary: string; diagram: string }> {
  const storage = await openStorage({ dataDir, seedSites: false });
  try {
    const list = sampleSummaries({ sites, summariesPerSite: perSite });
    for (const { summary } of list) {
      const site = (await storage.getSite(summary.site.slug)) ?? (await storage.upsertSite({ slug: summary.site.slug, name: summary.site.name, issue: summary.issue.slice(0, 200), sponsor: 'Bench' }));
      const room = await storage.createRoom({ siteId: site.id, kind: 'summary', title: summary.title, createdBy: null });
      await storage.createPublication({
        siteId: site.id,
        roomId: room.id,
        slug: summary.slug,
        title: summary.title,
        publishedBy: null,
        publishedAt: summary.publishedAt,
        data: ({ version, slug }) => JSON.stringify({ ...summary, version, slug }),
      });
    }
    const first = list[0]!.summary;
    return {
      index: '/learning',
      summary: `/learning/${first.site.slug}/${first.slug}`,
      diagram: `/learning/${first.site.slug}/${first.slug}/v1/diagrams/1.svg`,
    };
  } finally {
    await storage.close();
  }
}

/** A reference server: answers each path with fixed bytes and headers, nothing else. */
const REFERENCE = `
const http = require('node:http');
const pages = JSON.parse(process.env.PAGES);
http.createServer((req, res) => {
  const page = pages[req.url];
  if (!page) { res.writeHead(404); res.end(); return; }
  if (req.headers['if-none-match'] === page.etag) { res.writeHead(304, { etag: page.etag }); res.end(); return; }
  res.writeHead(200, { 'content-type': page.type, etag: page.etag });
  res.end(page.body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(url: string, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slw-bench-publishing-'));
  try {
    const paths = await seed(dataDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    launch(['--import', 'tsx', 'server/index.ts'], childEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_SITES: 'false', NODE_ENV: 'production' }));
    await waitReady(`${base}/api/health`);

    // The reference serves exactly what this server answers.
    const pages: Record<string, { body: string; type: string; etag: string }> = {};
    for (const path of Object.values(paths)) {
      const res = await fetch(`${base}${path}`);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      pages[path] = { body: await res.text(), type: res.headers.get('content-type') ?? 'text/html', etag: res.headers.get('etag') ?? '"x"' };
    }
    const refPort = await freePort();
    launch(['-e', REFERENCE], { ...process.env, PORT: String(refPort), PAGES: JSON.stringify(pages) });
    const refBase = `http://127.0.0.1:${refPort}`;
    await waitReady(`${refBase}${paths.index}`);

    console.log(`bench:publishing — ${sites} sites × ${perSite} summaries, ${connections} connections, ${seconds} s per run`);
    console.log(`page sizes: index ${(pages[paths.index]!.body.length / 1024).toFixed(1)} kB, summary ${(pages[paths.summary]!.body.length / 1024).toFixed(1)} kB, diagram ${(pages[paths.diagram]!.body.length / 1024).toFixed(1)} kB`);
    console.log('');
    console.log('workload                      | this req/s | p50 ms | p99 ms | reference req/s | p99 ms | req/s ratio (this/ref)');
    const cases: [string, string, Record<string, string>][] = [
      ['index /learning', paths.index, {}],
      ['summary page', paths.summary, {}],
      ['summary page, ETag (304)', paths.summary, { 'if-none-match': pages[paths.summary]!.etag }],
      ['diagram SVG', paths.diagram, {}],
    ];
    for (const [name, path, headers] of cases) {
      // Warm both (the first request renders and caches), then measure each in turn.
      await fetch(`${base}${path}`).then((r) => r.arrayBuffer());
      const ours = await measure(`${base}${path}`, headers);
      const ref = await measure(`${refBase}${path}`, headers);
      const problems = ours.errors + ref.errors > 0 ? `  (errors: this ${ours.errors}, ref ${ref.errors})` : '';
      console.log(
        `${name.padEnd(29)} | ${ours.rps.toFixed(0).padStart(10)} | ${String(ours.p50).padStart(6)} | ${String(ours.p99).padStart(6)} | ${ref.rps.toFixed(0).padStart(15)} | ${String(ref.p99).padStart(6)} | ${(ours.rps / ref.rps).toFixed(2)}${problems}`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await sleep(300);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
