/**
 * Map export benchmark: the time to draw the whole map as SVG (`renderMapSvg`, in Node, as the
 * server would) and to turn that SVG into a PNG in headless Chromium (Image from a blob: URL,
 * drawn on a canvas, `toBlob`), on the 2,000-element, 4,000-connection map of `bench:map`.
 *
 *   node --import tsx bench/export.ts
 *   node --import tsx bench/export.ts -- --elements 2000 --connections 4000 --runs 5 --seed 20261122
 *
 * It prints figures; it asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gridMap } from '../shared/map/fixtures/gridMap.js';
import { renderMapSvg, type RenderMapSvgOptions } from '../shared/map/svg.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { numberOption, percentile } from './common.js';

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '4000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '20261122' },
  },
  allowPositionals: true,
});
const elements = numberOption('elements', values.elements, 1, 10_000);
const connections = numberOption('connections', values.connections, 0, 30_000);
const runs = numberOption('runs', values.runs, 1, 100);
const map = gridMap(elements, connections, numberOption('seed', values.seed, 0, 2 ** 32 - 1));

function time(options: RenderMapSvgOptions): { median: number; max: number; svg: string } {
  const times: number[] = [];
  let svg = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    svg = renderMapSvg(map, options);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), max: times[times.length - 1]!, svg };
}

console.log(`Map: ${elements} elements, ${connections} connections; ${runs} runs each.`);
const plain = time({ title: 'Bench map' });
console.log(`SVG, whole map:              median ${plain.median.toFixed(1)} ms, max ${plain.max.toFixed(1)} ms, ${(plain.svg.length / 1024).toFixed(0)} KB`);
const loops = time({ title: 'Bench map', loops: 'all' });
console.log(`SVG, whole map, every loop:  median ${loops.median.toFixed(1)} ms, max ${loops.max.toFixed(1)} ms, ${(loops.svg.length / 1024).toFixed(0)} KB`);
const view = time({ title: 'Bench map', viewport: { x: 0, y: 0, width: 1400, height: 900 } });
console.log(`SVG, one 1400×900 view:      median ${view.median.toFixed(1)} ms, max ${view.max.toFixed(1)} ms, ${(view.svg.length / 1024).toFixed(0)} KB`);

const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  for (const scale of [1, 2]) {
    // The same steps as client/map/mapPicture.ts `svgToPng`, with its canvas limits.
    const result = await page.evaluate(
      async ({ svg, scale }) => {
        const start = performance.now();
        const width0 = Number(/\swidth="([\d.]+)"/.exec(svg)![1]);
        const height0 = Number(/\sheight="([\d.]+)"/.exec(svg)![1]);
        const fit = Math.min(scale, 16_384 / width0, 16_384 / height0, Math.sqrt(120_000_000 / (width0 * height0)));
        const width = Math.floor(width0 * fit);
        const height = Math.floor(height0 * fit);
        const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
        const image = new Image(width0, height0);
        image.src = url;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        canvas.getContext('2d')!.drawImage(image, 0, 0, width, height);
        const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
        URL.revokeObjectURL(url);
        return { ms: performance.now() - start, width, height, bytes: blob?.size ?? 0 };
      },
      { svg: plain.svg, scale },
    );
    console.log(`PNG at ${scale}× (Chromium):       ${result.ms.toFixed(0)} ms, ${result.width} × ${result.height} px, ${(result.bytes / 1024 / 1024).toFixed(1)} MB`);
  }
} finally {
  await browser.close();
}
