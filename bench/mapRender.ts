/**
 * Map rendering benchmark: a large system map (default 2,000 elements, 4,000 connections) in
 * headless Chromium against the real server and the production client build, with the same
 * measurements on a small reference map (default 200 elements, 400 connections) in the same run,
 * printed side by side with the ratio large / reference.
 *
 *   npm run bench:map
 *   npm run bench:map -- --elements 2000 --connections 4000 --seconds 5 --changes 30 --baseline 200
 *
 * Each map is made by a seeded generator (`randomLoopMap`, the map `npm run bench:loops` times,
 * laid out on a grid) and written into its room by a y-websocket client in Node (`addMapData`,
 * one transaction) before the page opens. A fresh browser context (no IndexedDB copy) then
 * opens the room page. Measured, in order:
 *
 * - first render: from navigation start (`performance.timeOrigin`) to the first animation frame
 *   after (a) React Flow has fitted the viewport (its transform moved from the initial
 *   translate(0,0) scale(1)) and (b) every element whose top-left corner lies inside the
 *   visible pane is in the DOM as a node React Flow has measured (no `visibility: hidden`), or
 *   the zoomed-out canvas, which draws them all, has been drawn;
 * - frame times: `requestAnimationFrame` deltas collected in the page while Playwright drives
 *   (idle) nothing, (pan) mouse drags on empty pane, (zoom) 10 wheel ticks in and 10 out with
 *   the pointer on the element nearest the centre (×4 in zoom), (drag) one element dragged in
 *   circles, each for `--seconds`, and last (zoom across) 18 ticks in and out (from the fitted
 *   zoom to about 1 on the large map: across the switch between the canvas and nodes, for
 *   twice `--seconds`), and (drag at ~1, pan at ~1) the same drag and pan after the renames,
 *   zoomed in to about 1, where the elements in view are React Flow nodes;
 * - remote change latency: the Node client moves, then renames, `--changes` elements on screen
 *   (moves at the fitted zoom; renames with the view zoomed in to 1 at the centre, where labels
 *   are text);
 *   a MutationObserver in the page notes `Date.now()` when the node's label or transform
 *   changes (DOM) and again after the next frame (frame); the change's start is `Date.now()` in
 *   Node just before the edit. Both clocks are the same machine's. Zoomed out, a large map is
 *   drawn on one canvas (`ZoomedOutCanvas`), and the change counts as drawn when the canvas's
 *   `data-draws` counter moves.
 *
 * Zoomed out, elements are not in the DOM until pointed at: the drag phase points at the element
 * nearest the centre first, and the pan phase grabs pane away from every element's place.
 *
 * It prints figures; it asserts nothing. `--profile zoom,drag` (any of pan, zoom, zoomAcross,
 * drag, dragZoomed, panZoomed, rename, move) also records those phases of the large map with
 * Chromium's tracing and CPU profiler and prints where the page's time went: main-thread work
 * by kind (script, style, layout, paint, raster…) and the functions with the most self time,
 * located in the built bundle.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addMapData, moveElements, readMap, updateElement, type Actor } from '../shared/map/doc.js';
import { findLoops } from '../shared/map/loops.js';
import { gridMap } from '../shared/map/fixtures/gridMap.js';
import type { MapData } from '../shared/map/model.js';
import { buildClient, launchBrowser, signInContext, startWorkspace } from '../test/helpers/browser.js';
import { connectClient, createPerson, createRoom, type Person, type SyncClient } from '../test/helpers/server.js';
import { numberOption, percentile, sleep } from './common.js';

const SITE = 'torbay';
const VIEWPORT = { width: 1400, height: 900 };
/** One 60 Hz frame. */
const FRAME_MS = 1000 / 60;
/** A delta over this missed at least one 60 Hz frame. */
const MISSED_MS = FRAME_MS * 1.5;
/** The p95 frame target, with a little room for the timer jitter of a perfect 60 Hz run. */
const FRAME_TARGET_MS = 17.5;
const REMOTE_TARGET_MS = 50;

// ---- options ------------------------------------------------------------------------------

interface Options {
  elements: number;
  connections: number;
  seconds: number;
  changes: number;
  /** Elements in the reference map (connections scaled alike); 0 = no reference. */
  baseline: number;
  seed: number;
  /** Phases of the large map to profile. */
  profile: Phase[];
  /** Where to write each profiled phase's trace and CPU profile, for DevTools; none when empty. */
  saveProfiles: string;
}

const PHASES = ['pan', 'zoom', 'zoomAcross', 'drag', 'dragZoomed', 'panZoomed', 'rename', 'move'] as const;
/** The zoom renames are timed at: labels (14 px) drawn at their size, as when reading the map. */
const READABLE_ZOOM = 1;
type Phase = (typeof PHASES)[number];

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      elements: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '4000' },
      seconds: { type: 'string', default: '5' },
      changes: { type: 'string', default: '30' },
      baseline: { type: 'string', default: '200' },
      seed: { type: 'string', default: '20261122' },
      profile: { type: 'string', default: '' },
      'save-profiles': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run bench:map -- [--elements 2000] [--connections 4000] [--seconds 5] [--changes 30] [--baseline 200] [--seed 20261122] [--profile zoom,drag [--save-profiles DIR]]\n' +
        '  seconds   length of each driven phase (idle, pan, zoom, drag)\n' +
        '  changes   remote renames, and as many remote moves, timed into the page\n' +
        '  baseline  elements in the reference map (connections in the same ratio); 0 for none\n' +
        `  profile   phases of the large map to trace and profile (${PHASES.join(', ')}): where the page's time went\n` +
        '  save-profiles  also write each profiled phase to DIR as PHASE.trace.json and PHASE.cpuprofile (open them in DevTools)',
    );
    process.exit(0);
  }
  return {
    elements: Math.round(numberOption('elements', values.elements, 2, 10_000)),
    connections: Math.round(numberOption('connections', values.connections, 0, 30_000)),
    seconds: numberOption('seconds', values.seconds, 1, 120),
    changes: Math.round(numberOption('changes', values.changes, 1, 1000)),
    baseline: Math.round(numberOption('baseline', values.baseline, 0, 10_000)),
    seed: Math.round(numberOption('seed', values.seed, 0, 2 ** 32 - 1)),
    profile: values.profile
      .split(',')
      .filter(Boolean)
      .map((phase) => {
        if (!(PHASES as readonly string[]).includes(phase)) throw new Error(`--profile: ${phase} is not one of ${PHASES.join(', ')}`);
        return phase as Phase;
      }),
    saveProfiles: values['save-profiles'],
  };
}

// ---- the map --------------------------------------------------------------------------------

const AT = '2026-11-22T00:00:00.000Z';

/** The seeded random map of `bench:loops`, on a grid about twice as wide as tall. */
const makeMap = (elements: number, connections: number, seed: number): MapData => gridMap(elements, connections, seed, AT);

// ---- cleanup however the run ends ------------------------------------------------------------

const disposers: (() => Promise<void> | void)[] = [];

async function cleanup(): Promise<void> {
  for (const dispose of disposers.splice(0).reverse()) {
    try {
      await dispose();
    } catch (error) {
      console.error('cleanup:', error);
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: closing the browser and the server, removing temp folders`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- the page side (plain JavaScript, installed before any page script runs) -----------------

/** `positions`: [id, x, y] of every element, to know which should be in the fitted viewport. */
function pageScript(positions: [string, number, number][]): string {
  return `(() => {
  const B = { marks: {}, positions: ${JSON.stringify(positions)} };
  window.__bench = B;
  const viewport = () => {
    const vp = document.querySelector('.react-flow__viewport');
    const m = vp && /translate\\(([-\\d.e]+)px, ?([-\\d.e]+)px\\) scale\\(([-\\d.e]+)\\)/.exec(vp.style.transform);
    return m ? { x: +m[1], y: +m[2], zoom: +m[3] } : null;
  };
  const inView = () => {
    const vp = viewport();
    const pane = document.querySelector('.react-flow');
    if (!vp || !pane) return null;
    const r = pane.getBoundingClientRect();
    const left = -vp.x / vp.zoom, top = -vp.y / vp.zoom;
    const right = (r.width - vp.x) / vp.zoom, bottom = (r.height - vp.y) / vp.zoom;
    return { vp, ids: B.positions.filter(([, x, y]) => x >= left && x <= right && y >= top && y <= bottom).map(([id]) => id) };
  };
  B.inView = inView;
  B.viewport = viewport;
  const tick = () => {
    const now = performance.now();
    if (!B.marks.live && document.querySelector('.connection-state')?.textContent?.includes('Live')) B.marks.live = now;
    if (!B.marks.firstNode && document.querySelector('.react-flow__node-element')) B.marks.firstNode = now;
    const seen = inView();
    if (seen && !(seen.vp.x === 0 && seen.vp.y === 0 && seen.vp.zoom === 1) && seen.ids.length > 0) {
      const drawn = new Set();
      for (const el of document.querySelectorAll('.react-flow__node-element')) if (el.style.visibility !== 'hidden') drawn.add(el.dataset.id);
      // Zoomed out, a large map's elements are drawn on one canvas, not as nodes.
      const far = document.querySelector('canvas.map-canvas-far');
      if ((far && Number(far.dataset.draws) > 0) || seen.ids.every((id) => drawn.has(id))) {
        B.marks.complete = now;
        requestAnimationFrame(() => {
          B.marks.painted = performance.now();
          B.marks.expected = seen.ids.length;
          B.marks.nodesInDom = document.querySelectorAll('.react-flow__node-element').length;
          B.marks.edgesInDom = document.querySelectorAll('.react-flow__edge').length;
          B.marks.zoom = seen.vp.zoom;
        });
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  B.startFrames = () => {
    B.frames = [];
    B.collecting = true;
    let last = null;
    const frame = (t) => {
      if (!B.collecting) return;
      if (last !== null) B.frames.push(t - last);
      last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  };
  B.stopFrames = () => { B.collecting = false; return B.frames; };

  // A point on empty pane (not a node, label or panel) near the pane's centre.
  // An element's box in map units, generously: zoomed out, most elements are drawn on a canvas,
  // so the DOM cannot say where they are.
  const BOX = { width: 190, height: 90 };
  const paneRect = () => document.querySelector('.react-flow').getBoundingClientRect();
  const toMap = (sx, sy) => {
    const vp = viewport(), r = paneRect();
    return { x: (sx - r.left - vp.x) / vp.zoom, y: (sy - r.top - vp.y) / vp.zoom };
  };
  const toScreen = (mx, my) => {
    const vp = viewport(), r = paneRect();
    return { x: r.left + vp.x + mx * vp.zoom, y: r.top + vp.y + my * vp.zoom };
  };
  const onElement = (sx, sy) => {
    const p = toMap(sx, sy);
    return B.positions.some(([, x, y]) => p.x >= x - 10 && p.x <= x + BOX.width && p.y >= y - 10 && p.y <= y + BOX.height);
  };
  // Spots of empty pane, best first, at least 40 px apart: a pan whose next stroke would start
  // on something else (see pan) starts from the first of these still on the pane.
  B.panePoints = () => {
    const r = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const spots = [];
    for (let dy = -r.height / 2 + 12; dy <= r.height / 2 - 132; dy += 9) {
      for (let dx = -r.width / 2 + 12; dx <= r.width / 2 - 312; dx += 9) {
        const el = document.elementFromPoint(cx + dx, cy + dy);
        if (!el || !el.classList.contains('react-flow__pane') || onElement(cx + dx, cy + dy)) continue;
        spots.push({ x: cx + dx, y: cy + dy, d: (dx + 150) ** 2 + (dy + 60) ** 2 });
      }
    }
    spots.sort((a, b) => a.d - b.d);
    const apart = [];
    for (const s of spots) {
      if (apart.length >= 24) break;
      if (apart.every((t) => Math.hypot(t.x - s.x, t.y - s.y) >= 40)) apart.push({ x: s.x, y: s.y });
    }
    return apart;
  };
  // The first spot of empty pane an array of spots offers, or null: cheap, unlike panePoint.
  B.firstOnPane = (spots) => spots.find((p) => document.elementFromPoint(p.x, p.y)?.classList.contains('react-flow__pane')) ?? null;
  B.panePoint = () => {
    const r = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    let best = null;
    // Anywhere that leaves room for the stroke (300, 120) inside the pane, nearest a point up and
    // left of the centre: on a dense map zoomed in, links cover most of the pane, and which parts
    // they leave free depends on how they are drawn (the upper-left quarter alone was not enough).
    for (let dy = -r.height / 2 + 12; dy <= r.height / 2 - 132; dy += 9) {
      for (let dx = -r.width / 2 + 12; dx <= r.width / 2 - 312; dx += 9) {
        const el = document.elementFromPoint(cx + dx, cy + dy);
        // The pane itself: nodes, labels and panels lie inside it, and so do edges, which React
        // Flow marks "nopan" (a drag that starts on one moves nothing, and frames stay cheap).
        // Nor over an element drawn on the canvas, where the pointer picks the element up.
        if (!el || !el.classList.contains('react-flow__pane') || onElement(cx + dx, cy + dy)) continue;
        const d = (dx + 150) ** 2 + (dy + 60) ** 2;
        if (!best || d < best.d) best = { x: cx + dx, y: cy + dy, d };
      }
    }
    return best && { x: best.x, y: best.y };
  };
  B.centre = () => {
    const r = document.querySelector('.react-flow').getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  // The element node nearest the pane's centre that is really under the pointer there.
  B.nodeNearCentre = () => {
    const c = B.centre();
    let best = null;
    for (const el of document.querySelectorAll('.react-flow__node-element')) {
      const b = el.getBoundingClientRect();
      const x = b.left + b.width / 2, y = b.top + b.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (!hit || hit.closest('.react-flow__node') !== el) continue;
      const d = (x - c.x) ** 2 + (y - c.y) ** 2;
      if (!best || d < best.d) best = { id: el.dataset.id, x, y, d };
    }
    return best;
  };
  // The element whose (assumed) centre is nearest the middle of the view, and where that is on
  // screen: pointing there makes it a node when the map is zoomed out.
  B.elementNearCentre = () => {
    const c = B.centre();
    let best = null;
    for (const [id, x, y] of B.positions) {
      const p = toScreen(x + 64, y + 24);
      const d = (p.x - c.x) ** 2 + (p.y - c.y) ** 2;
      if (!best || d < best.d) best = { id, x: p.x, y: p.y, d };
    }
    return best;
  };
  B.idsInView = () => inView()?.ids ?? [];
  B.renderedIds = () => [...document.querySelectorAll('.react-flow__node-element')].map((el) => el.dataset.id);

  // Arms a watch for a change to one node; B.result resolves with the page's times.
  B.arm = (id, kind, label) => {
    // Zoomed out, a large map is drawn on a canvas: the change is on screen when the canvas is
    // next drawn (nothing else changes while these are timed).
    const far = document.querySelector('canvas.map-canvas-far');
    if (far && !document.querySelector('.react-flow__node[data-id="' + CSS.escape(id) + '"]')) {
      const drawsBefore = far.dataset.draws;
      B.result = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (far.dataset.draws === drawsBefore) return;
          observer.disconnect();
          const dom = Date.now();
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve({ dom, frame: Date.now(), canvas: true });
            channel.port2.postMessage(null);
          });
        });
        observer.observe(far, { attributes: true, attributeFilter: ['data-draws'] });
      });
      return true;
    }
    // Looked up once: React keeps a node's element, and a selector query on every mutation
    // of a large map would cost the page more than what is measured.
    let el = document.querySelector('.react-flow__node[data-id="' + CSS.escape(id) + '"]');
    const node = () => (el && el.isConnected ? el : (el = document.querySelector('.react-flow__node[data-id="' + CSS.escape(id) + '"]')));
    const before = node()?.style.transform;
    const done = () => {
      const n = node();
      if (!n) return false;
      return kind === 'rename' ? n.querySelector('.map-node-label')?.textContent === label : n.style.transform !== before;
    };
    B.result = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!done()) return;
        observer.disconnect();
        const dom = Date.now();
        // After the next frame's work on the main thread (rAF, then a task).
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve({ dom, frame: Date.now() });
          channel.port2.postMessage(null);
        });
      });
      observer.observe(document.querySelector('.react-flow'), { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['style'] });
    });
    return true;
  };
})();`;
}

/** Calls a `window.__bench` method in the page (as a string, so no bundler helpers leak in). */
function call<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.__bench.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`) as Promise<T>;
}

// ---- figures ----------------------------------------------------------------------------------

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  fps: number;
  missed: number;
}

function frameStats(deltas: readonly number[]): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  const total = deltas.reduce((a, b) => a + b, 0);
  return {
    frames: deltas.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
    fps: total > 0 ? (deltas.length * 1000) / total : NaN,
    missed: deltas.filter((d) => d > MISSED_MS).length,
  };
}

interface LatencyStats {
  n: number;
  timeouts: number;
  domP50: number;
  domP95: number;
  frameP50: number;
  frameP95: number;
  max: number;
}

function latencyStats(samples: readonly { dom: number; frame: number }[], timeouts: number): LatencyStats {
  const dom = samples.map((s) => s.dom).sort((a, b) => a - b);
  const frame = samples.map((s) => s.frame).sort((a, b) => a - b);
  return {
    n: samples.length,
    timeouts,
    domP50: percentile(dom, 50),
    domP95: percentile(dom, 95),
    frameP50: percentile(frame, 50),
    frameP95: percentile(frame, 95),
    max: frame.at(-1) ?? NaN,
  };
}

interface MapResult {
  label: string;
  elements: number;
  connections: number;
  seedMs: number;
  updateBytes: number;
  loops: { ms: number; found: number; truncatedBy: string[] };
  marks: { live?: number; firstNode?: number; complete?: number; painted: number; expected: number; nodesInDom: number; edgesInDom: number; zoom: number; domContentLoaded: number };
  idle: FrameStats;
  pan: FrameStats;
  zoom: FrameStats;
  zoomAcross: FrameStats;
  drag: FrameStats;
  dragZoomed: FrameStats;
  panZoomed: FrameStats;
  rename: LatencyStats;
  move: LatencyStats;
  pageErrors: string[];
  profiles: string[];
}

// ---- profiling ---------------------------------------------------------------------------------

const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'cc', 'blink'];
/** Trace events that name a kind of main-thread or raster work (they nest, so they overlap). */
const TRACE_KINDS = new Set([
  'RunTask',
  'FunctionCall',
  'EventDispatch',
  'FireAnimationFrame',
  'TimerFire',
  'RunMicrotasks',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'RasterTask',
  'MinorGC',
  'MajorGC',
  'HitTest',
  'ParseHTML',
]);

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/** Total time and count per kind of work, per thread (renderer main and raster threads). */
function summariseTrace(trace: Buffer): string[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const totals = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !TRACE_KINDS.has(e.name)) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? '?';
    if (!/CrRendererMain|Compositor|Raster|ThreadPoolForegroundWorker/i.test(thread)) continue;
    const key = `${thread.replace(/\d+$/, '')} ${e.name}`;
    const t = totals.get(key) ?? { ms: 0, n: 0 };
    t.ms += e.dur / 1000;
    t.n++;
    totals.set(key, t);
  }
  return [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 18)
    .map(([key, t]) => `  ${key.padEnd(44)} ${fmt(t.ms, 0).padStart(7)} ms  ×${t.n}`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The functions with the most self time, each with a little of the built source around it. */
function summariseProfile(profile: CpuProfile, clientDir: string): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}\t${f.url}\t${f.lineNumber}\t${f.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const sources = new Map<string, string[]>();
  const around = (url: string, line: number, column: number) => {
    const path = url.startsWith('http') ? new URL(url).pathname : '';
    if (!path.startsWith('/assets/')) return '';
    if (!sources.has(path)) sources.set(path, readFileSync(join(clientDir, path), 'utf8').split('\n'));
    return (sources.get(path)![line] ?? '').slice(Math.max(0, column), column + 70).replace(/\s+/g, ' ');
  };
  return [
    `  sampled ${fmt(total, 0)} ms`,
    ...[...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([key, ms]) => {
        const [name, url, line, column] = key.split('\t') as [string, string, string, string];
        const where = url ? `${url.replace(/^.*\//, '')}:${Number(line) + 1}:${Number(column) + 1}` : '';
        return `  ${fmt(ms, 0).padStart(6)} ms  ${name.slice(0, 28).padEnd(28)} ${where.padEnd(28)} ${around(url, Number(line), Number(column))}`;
      }),
  ];
}

/** Runs one phase, traced and profiled when asked; the summaries go to `out`. */
async function profiled<T>(env: Env, page: Page, phase: Phase, opts: Options, out: string[], run: () => Promise<T>): Promise<T> {
  if (!opts.profile.includes(phase)) return run();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await env.browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await cdp.send('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const trace = await env.browser.stopTracing();
    if (opts.saveProfiles) {
      mkdirSync(opts.saveProfiles, { recursive: true });
      writeFileSync(join(opts.saveProfiles, `${phase}.trace.json`), trace);
      writeFileSync(join(opts.saveProfiles, `${phase}.cpuprofile`), JSON.stringify(profile));
    }
    out.push(`${phase}: main-thread and raster work (trace; kinds nest, so they overlap)`, ...summariseTrace(trace));
    out.push(`${phase}: self time by function (CPU profile)`, ...summariseProfile(profile, env.clientDir));
    await cdp.detach();
  }
}

// ---- one map ------------------------------------------------------------------------------------


async function waitForCount(client: SyncClient, elements: number, connections: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await client.synced;
  while (Date.now() < deadline) {
    const map = readMap(client.doc);
    if (map.elements.length === elements && map.connections.length === connections) return;
    await sleep(100);
  }
  throw new Error(`the map did not reach the server within ${timeoutMs} ms`);
}

/** Drives `action` for `seconds` while the page collects frame deltas. */
async function framesDuring(page: Page, seconds: number, action: (until: number) => Promise<void>): Promise<FrameStats> {
  await call(page, 'startFrames');
  await action(Date.now() + seconds * 1000);
  return frameStats(await call<number[]>(page, 'stopFrames'));
}

/**
 * Drags empty pane back and forth, from the first of `spots` (`panePoints`, found before the
 * phase). The spot grabbed on the way out is under the pointer again on the way back, unless
 * what is drawn changed meanwhile: zoomed in on a large map, the links drawn follow the view, and
 * one drawn afresh under the pointer took the next press, so every stroke after the first moved
 * nothing and the phase measured idle frames. A stroke that would start on anything but the
 * pane starts from the next of `spots` that is pane, without a search while frames are collected.
 */
async function pan(page: Page, spots: readonly { x: number; y: number }[], until: number): Promise<void> {
  const step = { x: 300, y: 120 };
  const start = spots[0]!;
  let [from, to] = [start, { x: start.x + step.x, y: start.y + step.y }];
  const before = await call<{ x: number; y: number } | null>(page, 'viewport');
  let moved = false;
  while (Date.now() < until) {
    const onPane = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.classList.contains('react-flow__pane') ?? false, from);
    if (!onPane) {
      const spot = await call<{ x: number; y: number } | null>(page, 'firstOnPane', spots);
      if (spot) [from, to] = [spot, { x: spot.x + step.x, y: spot.y + step.y }];
    }
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) {
      await page.mouse.move(from.x + ((to.x - from.x) * i) / 30, from.y + ((to.y - from.y) * i) / 30);
      await sleep(8);
    }
    await page.mouse.up();
    [from, to] = [to, from];
    if (!moved) {
      // A pan that moves nothing measures nothing.
      const now = await call<{ x: number; y: number } | null>(page, 'viewport');
      if (!now || (now.x === before?.x && now.y === before?.y)) throw new Error('the pan phase did not move the view');
      moved = true;
    }
  }
}

/**
 * Wheel ticks, `ticks` in then as many out, until `until`, with the pointer on the element
 * nearest the middle of the view: zooming in about a point off the map would show an empty view.
 */
async function zoom(page: Page, until: number, ticks = 10): Promise<void> {
  await page.locator('.react-flow').scrollIntoViewIfNeeded();
  const c = await call<{ x: number; y: number } | null>(page, 'elementNearCentre');
  if (!c) throw new Error('no element near the middle of the view to zoom about');
  await page.mouse.move(c.x, c.y);
  let direction = -1;
  while (Date.now() < until) {
    for (let i = 0; i < ticks && Date.now() < until; i++) {
      await page.mouse.wheel(0, direction * 100);
      await sleep(25);
    }
    direction = -direction;
  }
}

/**
 * Wheel ticks in with the pointer on the element nearest the middle of the view (the zoom keeps
 * it under the pointer) until the zoom is at least `READABLE_ZOOM`, then a rest.
 */
async function zoomInToReadable(page: Page): Promise<void> {
  await page.locator('.react-flow').scrollIntoViewIfNeeded();
  const near = await call<{ id: string; x: number; y: number } | null>(page, 'elementNearCentre');
  if (!near) throw new Error('no element near the middle of the view to zoom in on');
  await page.mouse.move(near.x, near.y);
  for (let i = 0; i < 40; i++) {
    const vp = await call<{ zoom: number } | null>(page, 'viewport');
    if (vp && vp.zoom >= READABLE_ZOOM) break;
    await page.mouse.wheel(0, -100);
    await sleep(60);
  }
  await sleep(1500);
  if ((await call<string[]>(page, 'renderedIds')).length === 0) throw new Error('zoomed in, no element is in view to rename');
}

async function drag(page: Page, node: { x: number; y: number }, until: number): Promise<void> {
  await page.mouse.move(node.x, node.y);
  await page.mouse.down();
  let angle = 0;
  while (Date.now() < until) {
    angle += 0.08;
    await page.mouse.move(node.x + 80 * Math.sin(angle), node.y + 80 * (1 - Math.cos(angle)));
    await sleep(8);
  }
  await page.mouse.up();
}

async function fitView(page: Page): Promise<void> {
  await page.locator('.react-flow__controls-fitview').click();
  await sleep(1000);
}

async function remoteChanges(page: Page, client: SyncClient, actor: Actor, kind: 'rename' | 'move', count: number): Promise<LatencyStats> {
  // The element nodes on screen; zoomed out, where few are nodes, the elements placed in view
  // (by their seeded positions: the drag phase moved one, which may have left the view).
  const rendered = await call<string[]>(page, 'renderedIds');
  const shown = (rendered.length >= 5 ? rendered : await call<string[]>(page, 'idsInView')).sort();
  const map = readMap(client.doc);
  const byId = new Map(map.elements.map((e) => [e.id, e]));
  const samples: { dom: number; frame: number }[] = [];
  let timeouts = 0;
  for (let i = 0; i < count; i++) {
    const id = shown[Math.floor((i * shown.length) / count)]!;
    const element = byId.get(id)!;
    const label = `Renamed ${i + 1}`;
    await call(page, 'arm', id, kind, label);
    const started = Date.now();
    if (kind === 'rename') updateElement(client.doc, id, { label }, actor);
    else moveElements(client.doc, [{ id, x: element.x + 40 * ((i % 2) * 2 - 1), y: element.y }]);
    try {
      const seen = await Promise.race([
        page.evaluate('window.__bench.result') as Promise<{ dom: number; frame: number }>,
        sleep(5000).then(() => null),
      ]);
      if (seen) samples.push({ dom: seen.dom - started, frame: seen.frame - started });
      else timeouts++;
    } catch {
      timeouts++;
    }
    await sleep(150);
  }
  return latencyStats(samples, timeouts);
}

interface Env {
  ws: Awaited<ReturnType<typeof startWorkspace>>;
  clientDir: string;
  browser: Browser;
  viewer: Person;
  editor: Person;
  editorActor: Actor;
}

async function measureMap(env: Env, label: string, elements: number, connections: number, opts: Options): Promise<MapResult> {
  const map = makeMap(elements, connections, opts.seed);
  const title = `Bench map ${elements}/${connections}`;
  const roomId = await createRoom(env.ws, env.editor, SITE, 'map', title);
  const wsUrl = env.ws.url.replace(/^http/, 'ws') + '/sync';

  // Loop detection once, in Node, on the same graph (cold: the first search in the process
  // for the first map).
  const loopStarted = performance.now();
  const loops = findLoops(map);
  const loopMs = performance.now() - loopStarted;

  // Write the map into the room through a real client, and wait until another client sees it
  // (the server stores an update before relaying it).
  const seedStarted = performance.now();
  const client = connectClient(wsUrl, roomId, env.editor.token);
  disposers.push(() => client.destroy());
  await client.synced;
  const updates: number[] = [];
  client.doc.on('update', (u: Uint8Array) => updates.push(u.byteLength));
  addMapData(client.doc, map, env.editorActor, new Date(AT));
  const check = connectClient(wsUrl, roomId, env.editor.token);
  try {
    await waitForCount(check, elements, connections);
  } finally {
    check.destroy();
  }
  const seedMs = performance.now() - seedStarted;

  const context: BrowserContext = await env.browser.newContext({ viewport: VIEWPORT });
  disposers.push(() => context.close());
  context.setDefaultTimeout(120_000);
  await signInContext(context, env.ws, env.viewer.email, env.viewer.password);
  await context.addInitScript({ content: pageScript(map.elements.map((e) => [e.id, e.x, e.y])) });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${env.ws.url}/rooms/${roomId}`);
  // Predicates as functions, not strings: Playwright evaluates a string predicate with eval,
  // which the page's Content-Security-Policy (script-src 'self') refuses.
  await page.waitForFunction(() => (window as unknown as { __bench?: { marks: { painted?: number } } }).__bench?.marks.painted !== undefined, undefined, { timeout: 180_000, polling: 100 });
  const marks = (await page.evaluate(
    `({ ...window.__bench.marks, domContentLoaded: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN })`,
  )) as MapResult['marks'];

  await sleep(1500);
  const idle = await framesDuring(page, Math.min(opts.seconds, 3), (until) => sleep(until - Date.now()));
  const paneSpot = await call<{ x: number; y: number }[]>(page, 'panePoints');
  if (paneSpot.length === 0) throw new Error('no empty pane to drag');
  // Only the large map is profiled.
  const profiles: string[] = [];
  const phase = <T>(name: Phase, run: () => Promise<T>) => (label === 'large' ? profiled(env, page, name, opts, profiles, run) : run());
  const panStats = await phase('pan', () => framesDuring(page, opts.seconds, (until) => pan(page, paneSpot, until)));
  const zoomStats = await phase('zoom', () => framesDuring(page, opts.seconds, (until) => zoom(page, until)));
  await fitView(page);
  // Point at an element first: zoomed out, that is what makes it a node that can be dragged.
  const near = await call<{ id: string; x: number; y: number } | null>(page, 'elementNearCentre');
  if (near) {
    await page.mouse.move(near.x, near.y);
    await page.locator(`.react-flow__node[data-id="${near.id}"]`).waitFor({ timeout: 10_000 });
    await sleep(300);
  }
  const node = await call<{ x: number; y: number } | null>(page, 'nodeNearCentre');
  if (!node) throw new Error('no element node under the pointer near the centre');
  const dragStats = await phase('drag', () => framesDuring(page, opts.seconds, (until) => drag(page, node, until)));
  await sleep(500);
  await fitView(page);
  // The drag left its element selected, and the inspector beside the map narrows the view the
  // zoomed-in phases measure: a click on empty pane selects nothing.
  const clear = await call<{ x: number; y: number } | null>(page, 'panePoint');
  if (clear) await page.mouse.click(clear.x, clear.y);
  await page.waitForFunction(() => !document.querySelector('.react-flow__node.selected'), undefined, { timeout: 10_000 });
  // Some seconds for the page to settle after the drag (its last writes, garbage): moves timed
  // at once came out 5–15 ms slower, as the old order (renames first) had hidden.
  await sleep(5000);
  const move = await phase('move', () => remoteChanges(page, client, env.editorActor, 'move', opts.changes));
  // Renames are timed zoomed in to about 1, where labels are text: zoomed out, a large map draws
  // no text, so a rename changes nothing on screen to wait for.
  await zoomInToReadable(page);
  const rename = await phase('rename', () => remoteChanges(page, client, env.editorActor, 'rename', opts.changes));
  // A facilitator zooms in to move things: the same drag, at the zoom the renames left (about 1),
  // where the elements in view are React Flow nodes and their links edges.
  const nodeZoomed = await call<{ x: number; y: number } | null>(page, 'nodeNearCentre');
  if (!nodeZoomed) throw new Error('zoomed in, no element node near the centre to drag');
  const dragZoomedStats = await phase('dragZoomed', () => framesDuring(page, opts.seconds, (until) => drag(page, nodeZoomed, until)));
  await sleep(500);
  const paneZoomed = await call<{ x: number; y: number }[]>(page, 'panePoints');
  if (paneZoomed.length === 0) throw new Error('zoomed in, no empty pane to drag');
  const panZoomedStats = await phase('panZoomed', () => framesDuring(page, opts.seconds, (until) => pan(page, paneZoomed, until)));
  // Last, as it leaves hundreds of measured nodes and their garbage behind: 18 ticks, from the
  // fitted zoom to about 1 and back, across the switch between the canvas and React Flow's
  // nodes (ZOOMED_OUT), where the elements in view are mounted or unmounted.
  await fitView(page);
  const zoomAcrossStats = await phase('zoomAcross', () => framesDuring(page, opts.seconds * 2, (until) => zoom(page, until, 18)));

  await context.close();
  client.destroy();
  return {
    label,
    elements,
    connections,
    seedMs,
    updateBytes: updates.reduce((a, b) => a + b, 0),
    loops: { ms: loopMs, found: loops.loops.length, truncatedBy: loops.truncatedBy },
    marks,
    idle,
    pan: panStats,
    zoom: zoomStats,
    zoomAcross: zoomAcrossStats,
    drag: dragStats,
    dragZoomed: dragZoomedStats,
    panZoomed: panZoomedStats,
    rename,
    move,
    pageErrors,
    profiles,
  };
}

// ---- report -----------------------------------------------------------------------------------

const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '–' : n >= 1000 ? Math.round(n).toLocaleString('en-GB') : n.toFixed(digits));

type ReportRow = [string, (r: MapResult) => number | undefined, string];

/** The rows of one driven phase: frame p50, p95 (against the frame budget), max and frames/s. */
function frameRows(phase: string, stats: (r: MapResult) => FrameStats, fps = true): ReportRow[] {
  const rows: ReportRow[] = [
    [`${phase} frame p50 (ms)`, (r) => stats(r).p50, ''],
    [`${phase} frame p95 (ms)`, (r) => stats(r).p95, `< ${FRAME_MS.toFixed(1)}`],
    [`${phase} frame max (ms)`, (r) => stats(r).max, ''],
  ];
  return fps ? [...rows, [`${phase} frames/s`, (r) => stats(r).fps, '60']] : rows;
}

function printReport(big: MapResult, ref: MapResult | null, opts: Options, chromium: string): void {
  const rows: ReportRow[] = [
    ['first render: DOMContentLoaded (ms)', (r) => r.marks.domContentLoaded, ''],
    ['first render: "Live" shown (ms)', (r) => r.marks.live, ''],
    ['first render: first element node in DOM (ms)', (r) => r.marks.firstNode, ''],
    ['first render: viewport drawn (ms)', (r) => r.marks.painted, ''],
    ['  elements in the fitted viewport', (r) => r.marks.expected, ''],
    ['  element nodes / edges in the DOM', (r) => r.marks.nodesInDom, ''],
    ['idle frame p50 / p95 (ms)', (r) => r.idle.p50, 'p95'],
    ...frameRows('pan', (r) => r.pan),
    ...frameRows('zoom', (r) => r.zoom),
    ...frameRows('zoom across the switch (to ~1 and back)', (r) => r.zoomAcross, false),
    ...frameRows('drag', (r) => r.drag),
    ...frameRows('drag at zoom ~1', (r) => r.dragZoomed),
    ...frameRows('pan at zoom ~1', (r) => r.panZoomed),
    ['remote rename (zoom 1) p50 DOM / frame (ms)', (r) => r.rename.domP50, ''],
    ['remote rename (zoom 1) p95 DOM / frame (ms)', (r) => r.rename.domP95, `< ${REMOTE_TARGET_MS}`],
    ['remote move p50 DOM / frame (ms)', (r) => r.move.domP50, ''],
    ['remote move p95 DOM / frame (ms)', (r) => r.move.domP95, `< ${REMOTE_TARGET_MS}`],
    ['loop detection in Node, one run (ms)', (r) => r.loops.ms, '< 50'],
  ];
  // Second values shown after a slash for some rows.
  const second: Record<string, (r: MapResult) => number | undefined> = {
    'idle frame p50 / p95 (ms)': (r) => r.idle.p95,
    '  element nodes / edges in the DOM': (r) => r.marks.edgesInDom,
    'remote rename (zoom 1) p50 DOM / frame (ms)': (r) => r.rename.frameP50,
    'remote rename (zoom 1) p95 DOM / frame (ms)': (r) => r.rename.frameP95,
    'remote move p50 DOM / frame (ms)': (r) => r.move.frameP50,
    'remote move p95 DOM / frame (ms)': (r) => r.move.frameP95,
  };
  const cell = (r: MapResult, name: string, read: (r: MapResult) => number | undefined) => {
    const other = second[name];
    const digits = name.startsWith('  ') ? 0 : name.includes('first render') ? 0 : 1;
    return other ? `${fmt(read(r), digits)} / ${fmt(other(r), digits)}` : fmt(read(r), digits);
  };
  const head = (r: MapResult) => `${r.elements}/${r.connections}`;
  const widths = [46, 16, 16, 8, 8];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(`\nMap rendering benchmark, ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}; Chromium ${chromium} headless, --disable-gpu (software rendering)`,
  );
  console.log(`viewport ${VIEWPORT.width}×${VIEWPORT.height}; seed ${opts.seed}; ${opts.seconds} s per driven phase; ${opts.changes} remote changes of each kind`);
  console.log(
    'first render = navigation start → first animation frame after React Flow fitted the viewport and every element whose\n' +
      '  top-left corner is inside the visible pane is in the DOM, measured (not visibility:hidden)',
  );
  console.log('frame = requestAnimationFrame delta in the page; remote = Node client edit (Date.now()) → MutationObserver sees it (DOM) / after the next frame (frame)');
  console.log(`reference = the same measurements on a ${ref ? head(ref) : '(none)'} map made the same way, in the same run; ratio = large / reference\n`);
  console.log(line(['', ref ? head(ref) : '', head(big), 'ratio', 'target']));
  for (const [name, read, target] of rows) {
    const a = read(big);
    const b = ref ? read(ref) : undefined;
    const ratio = a !== undefined && b !== undefined && b > 0 && !name.startsWith('  ') ? `${(a / b).toFixed(2)}×` : '';
    console.log(line([name, ref ? cell(ref, name, read) : '', cell(big, name, read), ratio, target]));
  }
  for (const r of [ref, big]) {
    if (!r) continue;
    console.log(
      `\n${head(r)}: seeded in ${fmt(r.seedMs, 0)} ms (one update of ${fmt(r.updateBytes / 1024, 0)} KiB); fitted zoom ${r.marks.zoom.toFixed(3)}; ` +
        `frames over ${MISSED_MS.toFixed(1)} ms: idle ${r.idle.missed}/${r.idle.frames}, pan ${r.pan.missed}/${r.pan.frames}, zoom ${r.zoom.missed}/${r.zoom.frames}, zoom across ${r.zoomAcross.missed}/${r.zoomAcross.frames}, drag ${r.drag.missed}/${r.drag.frames}, drag at ~1 ${r.dragZoomed.missed}/${r.dragZoomed.frames}, pan at ~1 ${r.panZoomed.missed}/${r.panZoomed.frames}; ` +
        `remote changes timed out (5 s): rename ${r.rename.timeouts}, move ${r.move.timeouts}; loops found ${r.loops.found}${r.loops.truncatedBy.length ? ` (cut by ${r.loops.truncatedBy.join(', ')})` : ''}` +
        (r.pageErrors.length ? `; PAGE ERRORS: ${r.pageErrors.join(' | ')}` : ''),
    );
  }
  const verdict = (what: string, value: number, target: number) =>
    console.log(`${what}: ${fmt(value)} ms vs < ${fmt(target)} ms → ${value < target ? 'met' : 'NOT MET'}`);
  // The issue's targets are 60 frames/s for pan and drag, remote changes under 50 ms and loop
  // detection under 50 ms; zoom is measured and held to the same frame budget for comparison.
  const budget = (what: string, value: number, target: number) =>
    console.log(`${what}: ${fmt(value)} ms vs ${fmt(target)} ms → ${value < target ? 'within' : 'over'} the frame budget (measured, not a target)`);
  console.log(`\nverdicts on ${head(big)} (frame p95 target taken as ≤ ${FRAME_TARGET_MS} ms: one 60 Hz interval plus timer jitter):`);
  verdict('  pan p95', big.pan.p95, FRAME_TARGET_MS);
  verdict('  drag p95', big.drag.p95, FRAME_TARGET_MS);
  verdict('  drag at zoom ~1 p95', big.dragZoomed.p95, FRAME_TARGET_MS);
  verdict('  pan at zoom ~1 p95', big.panZoomed.p95, FRAME_TARGET_MS);
  verdict('  remote rename p95 at zoom 1 (frame)', big.rename.frameP95, REMOTE_TARGET_MS);
  verdict('  remote move p95 (frame)', big.move.frameP95, REMOTE_TARGET_MS);
  verdict('  loop detection (one run, Node)', big.loops.ms, REMOTE_TARGET_MS);
  budget('  zoom p95 (10 wheel ticks in from the fitted zoom, and out)', big.zoom.p95, FRAME_TARGET_MS);
  budget('  zoom across the canvas/nodes switch p95 (18 ticks, to about 1, and out)', big.zoomAcross.p95, FRAME_TARGET_MS);
  console.log('  loop detection in detail (warm runs, dense worst cases): npm run bench:loops (docs/benchmarks.md, "Loop detection")');
  console.log('Headless Chromium without a GPU rasterises in software: frame times are pessimistic against a desktop browser.');
  if (big.profiles.length) console.log(`\nprofiles of ${head(big)} (recording slows the page: figures of profiled phases are not comparable)\n${big.profiles.join('\n')}`);
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = readOptions();
  console.log('building the client (production) and starting the server and Chromium…');
  const clientDir = await buildClient();
  const ws = await startWorkspace();
  disposers.push(() => ws.dispose());
  const browser = await launchBrowser();
  disposers.push(() => browser.close());
  const viewer = await createPerson(ws, { site: SITE, role: 'member', name: 'Bench Viewer', organisation: 'Torbay Council' });
  const editor = await createPerson(ws, { site: SITE, role: 'member', name: 'Bench Editor', organisation: 'Devon and Cornwall Police' });
  const env: Env = { ws, clientDir, browser, viewer, editor, editorActor: { userId: editor.id, name: 'Bench Editor', organisation: 'Devon and Cornwall Police' } };

  let ref: MapResult | null = null;
  if (opts.baseline > 0) {
    const refConnections = Math.round((opts.baseline * opts.connections) / opts.elements);
    console.log(`reference map: ${opts.baseline} elements, ${refConnections} connections…`);
    ref = await measureMap(env, 'reference', opts.baseline, refConnections, opts);
  }
  console.log(`large map: ${opts.elements} elements, ${opts.connections} connections…`);
  const big = await measureMap(env, 'large', opts.elements, opts.connections, opts);
  printReport(big, ref, opts, browser.version());
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Exit even if a socket or timer is left behind; the build folder goes on 'exit'.
  .finally(() => cleanup().finally(() => process.exit()));
