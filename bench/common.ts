/**
 * Small pieces every benchmark script needs: reading numeric options, percentiles, sleeping,
 * and for those that run the server as a child process (sync, cluster): its CPU and memory
 * from /proc, a JSON POST, and a plain-text table.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** A numeric command-line option within [min, max], or exit 2 with a message naming it. */
export function numberOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
    process.exit(2);
  }
  return n;
}

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let clockTicks: number | null | undefined;

/** CPU seconds all processes on the machine spent busy (from /proc/stat); null where unavailable. */
export function machineBusySeconds(): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu  user nice system idle iowait irq softirq steal ...
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / clockTicks;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) and peak RSS of a child, from /proc; null where unavailable. */
export function procStats(pid: number | undefined): { cpuSeconds: number; peakRssMb: number } | null {
  if (pid === undefined) return null;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuSeconds, peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    clockTicks = null;
    return null;
  }
}

/** The resident memory of a process now (VmRSS, from /proc), in MB; null where unavailable. */
export function currentRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return rss ? Number(rss[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** POSTs `body` as JSON (with a bearer `token` if given) and returns the parsed reply; throws on a non-2xx. */
export async function postJson(url: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** `n` with `digits` decimals; 'n/a' for null or NaN. */
export function fmt(n: number | null, digits = 1): string {
  return n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(digits);
}

/** `a / b` as '1.23×'; 'n/a' when either is missing or `b` is not positive. */
export function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || !(b > 0) ? 'n/a' : `${(a / b).toFixed(2)}×`;
}

/** Rows as aligned columns, the first row a header underlined with dashes; the first column left-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row, n) => {
      const line = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/**
 * Environment for a server child process: ours, minus anything that would change a server's
 * behaviour (this one's settings, the reference's persistence), plus `extra`.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const strip = [
    'YPERSISTENCE', 'CALLBACK_URL', 'CALLBACK_OBJECTS', 'CALLBACK_TIMEOUT', 'GC',
    'PORT', 'HOST', 'DATA_DIR', 'PUBLIC_URL', 'ALLOWED_ORIGINS', 'LOG_LEVEL', 'MAX_MESSAGE_BYTES',
    'COMPACT_AFTER_UPDATES', 'COMPACT_AFTER_BYTES', 'ROOM_IDLE_MS', 'KEEPALIVE_MS', 'PERMISSION_RECHECK_MS',
    'SEED_SITES', 'NODE_OPTIONS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL',
  ];
  for (const key of strip) delete env[key];
  return { ...env, ...extra };
}

/** `ws`, counting every message a client sends and receives (for a provider's WebSocketPolyfill). */
export function countingSocket(counts: { sent: number; received: number }): typeof globalThis.WebSocket {
  class CountingSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', () => counts.received++);
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      counts.sent++;
      super.send(data);
    }
  }
  return CountingSocket as unknown as typeof globalThis.WebSocket;
}
