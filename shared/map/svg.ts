/**
 * The map as a standalone SVG drawing, made from its data alone: what Export SVG saves, what
 * Export PNG and the print view draw, and (later) what a public page can serve. Pure string
 * building — no DOM, no fonts to measure — so the server can call it too.
 *
 * Drawn with the causal loop diagram conventions of Vensim and Stella: curved connections, an
 * arrowhead on each, the polarity (+, −, ?) at the arrowhead, a ‖ across delayed links, and
 * optionally each loop's marker (R1, B2 with a circular arrow) at the loop's centre. Elements
 * are boxes styled by kind as on the canvas; frames are drawn under them with their labels.
 *
 * Only presentation attributes are used (no `<style>`, no `style=""`): the drawing then shows
 * the same inline in a page under `style-src 'self'`, as an image, and in other programs.
 * Text is measured by an estimate of character widths, so wrapping is close to, not exactly,
 * the canvas's.
 */
import { LOOP_COLOUR, LOOP_LETTER, delayMark, fmt, labelPoint, linkBends, linkGeometry, loopMarkerGeometry, polarityPoint } from './geometry.js';
import { findLoops, matchLoopNotes, type FeedbackLoop, type LoopSearchOptions } from './loops.js';
import { ELEMENT_KIND_LABELS, polarityDisputed, type ElementKind, type MapConnection, type MapData, type MapElement } from './model.js';

/** A rectangle in map coordinates (the elements' x and y). */
export interface SvgRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RenderMapSvgOptions {
  /** Drawn above the map; left out when empty. */
  title?: string;
  /** Only what lies in this part of the map (the current view); the whole map when absent. */
  viewport?: SvgRect;
  /**
   * Which loop markers to draw: none (default), the loops people have named, every loop found,
   * or the loops with these keys (what the loops panel has switched on).
   */
  loops?: 'none' | 'named' | 'all' | readonly string[];
  /** Bounds for the loop search; default the loops panel's (see `findLoops`). */
  loopSearch?: LoopSearchOptions;
  /** A legend of kinds, polarity, delay and loop markers under the map (default true). */
  legend?: boolean;
}

/** Sizes shared with the canvas's CSS (`.map-node`: 10rem wide, 0.9rem text, line-height 1.25). */
export const SVG_ELEMENT_WIDTH = 160;
const PAD_X = 11;
const PAD_Y = 7;
const LABEL_SIZE = 14.4;
const LABEL_LINE = 18;
const SMALL_SIZE = 12;
const SMALL_LINE = 15;
const MARGIN = 40;
const TITLE_HEIGHT = 44;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const INK = '#0b0c0c';
const MUTED = '#505a5f';
const LINK = '#505a5f';

interface KindStyle {
  stroke: string;
  strokeWidth: number;
  fill: string;
  rx: number;
  dash?: string;
}

/** As `.map-node.kind-*` in client/styles.css. */
const KIND_STYLE: Record<ElementKind, KindStyle> = {
  variable: { stroke: INK, strokeWidth: 2, fill: '#ffffff', rx: 0 },
  actor: { stroke: '#5b2d90', strokeWidth: 2, fill: '#ffffff', rx: 19 },
  organisation: { stroke: '#0e5e6f', strokeWidth: 3, fill: '#ffffff', rx: 0 },
  intervention: { stroke: '#00703c', strokeWidth: 2, fill: '#ffffff', rx: 0, dash: '6 4' },
  outcome: { stroke: '#1d70b8', strokeWidth: 3, fill: '#ffffff', rx: 6 },
  note: { stroke: '#b58840', strokeWidth: 2, fill: '#fff7bf', rx: 0 },
};

const POLARITY_TEXT = { '+': '+', '-': '−', '?': '?' } as const;

// XML 1.0 refuses these code points even escaped; a label pasted from elsewhere may hold them.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text made safe for XML character data: `&`, `<` and `>` escaped, characters XML refuses
 * replaced. Quotes stay as they are, so the text reads the same in the file.
 *
 * @example
 * escapeText('"Fish & chips" <3') // '"Fish &amp; chips" &lt;3'
 */
export function escapeText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text made safe for XML content and attribute values (quoted either way).
 *
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

function graphemes(text: string): string[] {
  return segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
}

/** Estimated advance of one grapheme, in ems, for a bold sans-serif. */
function charWidth(g: string): number {
  const code = g.codePointAt(0) ?? 0;
  if (g.length > 2 || code >= 0x1f000 || (code >= 0x2e80 && code <= 0xffef)) return 1.05; // emoji, CJK
  if (' .,:;\'|!il'.includes(g)) return 0.3;
  if ('fjrtI()[]-'.includes(g)) return 0.4;
  if ('mwMW@%'.includes(g)) return 0.9;
  if (g >= 'A' && g <= 'Z') return 0.75;
  return 0.68;
}

/**
 * Lines of `text` at most `width` px wide at `size` px: broken at spaces, and inside a word
 * too long for a line (as `overflow-wrap: anywhere`), never inside a grapheme.
 */
export function wrapText(text: string, width: number, size: number): string[] {
  const max = width / size;
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const parts = graphemes(word);
      const wordWidth = parts.reduce((sum, g) => sum + charWidth(g), 0);
      const space = line ? charWidth(' ') : 0;
      if (lineWidth + space + wordWidth <= max) {
        line += (line ? ' ' : '') + word;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      lineWidth = 0;
      for (const g of parts) {
        const w = charWidth(g);
        if (lineWidth + w > max && line) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += g;
        lineWidth += w;
      }
    }
    if (line || lines.length === 0) lines.push(line);
  }
  return lines;
}

interface Box {
  element: MapElement;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

function layoutBox(element: MapElement): Box {
  const inner = SVG_ELEMENT_WIDTH - 2 * PAD_X;
  const lines = wrapText(element.label || ' ', inner, LABEL_SIZE);
  const caption = element.kind === 'variable' ? 0 : SMALL_LINE;
  const agency = element.agency ? SMALL_LINE : 0;
  return { element, x: element.x, y: element.y, width: SVG_ELEMENT_WIDTH, height: 2 * PAD_Y + caption + lines.length * LABEL_LINE + agency, lines };
}

function intersects(a: SvgRect, b: SvgRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The box around everything drawn, or null for an empty map. */
function boundsOf(boxes: readonly Box[], map: MapData): SvgRect | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (r: SvgRect) => {
    minX = Math.min(minX, r.x);
    minY = Math.min(minY, r.y);
    maxX = Math.max(maxX, r.x + r.width);
    maxY = Math.max(maxY, r.y + r.height);
  };
  boxes.forEach(grow);
  map.groups.forEach(grow);
  return Number.isFinite(minX) ? { x: minX, y: minY, width: maxX - minX, height: maxY - minY } : null;
}

function textLines(lines: readonly string[], x: number, y: number, lineHeight: number, attrs: string): string {
  const spans = lines.map((line, i) => `<tspan x="${fmt(x)}" dy="${i === 0 ? 0 : lineHeight}">${escapeText(line)}</tspan>`).join('');
  return `<text x="${fmt(x)}" y="${fmt(y)}" ${attrs}>${spans}</text>`;
}

function drawBox(b: Box): string {
  const s = KIND_STYLE[b.element.kind];
  const half = s.strokeWidth / 2;
  const out = [
    `<g class="element" data-id="${escapeXml(b.element.id)}" data-kind="${b.element.kind}"><title>${escapeText(b.element.label)}</title>`,
    `<rect x="${fmt(b.x + half)}" y="${fmt(b.y + half)}" width="${fmt(b.width - s.strokeWidth)}" height="${fmt(b.height - s.strokeWidth)}" rx="${s.rx}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.strokeWidth}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
  ];
  const x = b.x + PAD_X;
  let y = b.y + PAD_Y;
  if (b.element.kind !== 'variable') {
    out.push(`<text x="${fmt(x)}" y="${fmt(y + 11)}" font-size="10.5" font-weight="600" letter-spacing="0.3" fill="${MUTED}">${escapeText(ELEMENT_KIND_LABELS[b.element.kind].toUpperCase())}</text>`);
    y += SMALL_LINE;
  }
  out.push(textLines(b.lines, x, y + 13.5, LABEL_LINE, `class="label" font-size="${LABEL_SIZE}" font-weight="600" fill="${INK}"`));
  y += b.lines.length * LABEL_LINE;
  if (b.element.agency) {
    const agency = wrapText(b.element.agency, SVG_ELEMENT_WIDTH - 2 * PAD_X, SMALL_SIZE)[0] ?? '';
    out.push(`<text x="${fmt(x)}" y="${fmt(y + 12)}" font-size="${SMALL_SIZE}" fill="${MUTED}">${escapeText(agency)}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

/**
 * One connection, as `linkGeometry` lays it out: the curve ending at the target's edge with the
 * arrowhead marker, the polarity just before the arrowhead on the outside of the bow, and ‖
 * across the middle when delayed.
 */
function drawConnection(c: MapConnection, from: Box, to: Box, bend: number): { line: string; marks: string } {
  const link = linkGeometry(from, to, { bend, self: from === to });
  const disputed = polarityDisputed(c);
  const out = [
    `<g class="connection" data-id="${escapeXml(c.id)}" data-from="${escapeXml(c.from)}" data-to="${escapeXml(c.to)}" data-polarity="${c.polarity}"${c.delay ? ' data-delay="true"' : ''}>`,
    `<path d="${link.d}" fill="none" stroke="${LINK}" stroke-width="2"${c.polarity === '?' ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#arrow)"/>`,
  ];
  if (c.delay) out.push(`<path class="delay" d="${delayMark(link).d}" fill="none" stroke="${INK}" stroke-width="2.2"><title>delay</title></path>`);
  out.push('</g>');
  const p = polarityPoint(link, to);
  const mark = POLARITY_TEXT[c.polarity] + (disputed ? '*' : '');
  const marks = [`<g class="marks" data-for="${escapeXml(c.id)}">`];
  marks.push(
    `<text class="polarity" x="${fmt(p.x)}" y="${fmt(p.y + 6)}" text-anchor="middle" font-size="17" font-weight="700" fill="${c.polarity === '-' ? '#b1122b' : INK}" stroke="#ffffff" stroke-width="4" paint-order="stroke">${escapeText(mark)}</text>`,
  );
  if (c.label) {
    const q = labelPoint(link, 12);
    marks.push(`<text class="connection-label" x="${fmt(q.x)}" y="${fmt(q.y + 4)}" text-anchor="middle" font-size="${SMALL_SIZE}" fill="${MUTED}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeText(c.label)}</text>`);
  }
  marks.push('</g>');
  return { line: out.join(''), marks: marks.join('') };
}

function drawLoopMarker(loop: FeedbackLoop, number: number, name: string, boxes: ReadonlyMap<string, Box>): string {
  const marker = loopMarkerGeometry(loop.elementIds.map((id) => boxes.get(id)).filter((b): b is Box => b !== undefined));
  if (!marker) return '';
  const { centre, arcD, nameAt } = marker;
  const text = `${LOOP_LETTER[loop.type]}${number}`;
  const colour = LOOP_COLOUR[loop.type];
  return [
    `<g class="loop-marker" data-loop="${escapeXml(loop.key)}" data-type="${loop.type}">`,
    // A white ground, so the letter reads where the loop's centre falls on a link.
    `<circle cx="${fmt(centre.x)}" cy="${fmt(centre.y)}" r="${marker.radius - 2}" fill="#ffffff" fill-opacity="0.85"/>`,
    `<path d="${arcD}" fill="none" stroke="${colour}" stroke-width="2.5" marker-end="url(#loop-arrow-${loop.type})"/>`,
    `<text x="${fmt(centre.x)}" y="${fmt(centre.y + 5)}" text-anchor="middle" font-size="14" font-weight="700" fill="${colour}">${escapeText(text)}</text>`,
    name ? `<text x="${fmt(nameAt.x)}" y="${fmt(nameAt.y)}" text-anchor="middle" font-size="13" font-style="italic" fill="${colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeText(name)}</text>` : '',
    '</g>',
  ].join('');
}

function legend(x: number, y: number, kinds: readonly ElementKind[], hasDelay: boolean, hasLoops: boolean): { svg: string; width: number; height: number } {
  const rows: string[] = [];
  let cx = x;
  const row1 = y + 14;
  for (const kind of kinds) {
    const s = KIND_STYLE[kind];
    rows.push(
      `<rect x="${fmt(cx)}" y="${fmt(row1 - 11)}" width="26" height="16" rx="${Math.min(s.rx, 8)}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.strokeWidth}"${s.dash ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${fmt(cx + 32)}" y="${fmt(row1 + 2)}" font-size="12" fill="${INK}">${escapeText(ELEMENT_KIND_LABELS[kind])}</text>`,
    );
    cx += 44 + ELEMENT_KIND_LABELS[kind].length * 7.5;
  }
  const row2 = row1 + 26;
  const items = [
    ['+', 'same direction: more leads to more'],
    ['−', 'opposite direction: more leads to less'],
    ['?', 'not known yet (dashed)'],
  ];
  cx = x;
  for (const [mark, words] of items) {
    rows.push(
      `<path d="M${fmt(cx)},${fmt(row2 - 4)} L${fmt(cx + 30)},${fmt(row2 - 4)}" stroke="${LINK}" stroke-width="2"${mark === '?' ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#arrow)"/>`,
      `<text x="${fmt(cx + 44)}" y="${fmt(row2 + 1)}" font-size="15" font-weight="700" fill="${mark === '−' ? '#b1122b' : INK}">${mark}</text>`,
      `<text x="${fmt(cx + 58)}" y="${fmt(row2)}" font-size="12" fill="${INK}">${escapeText(words!)}</text>`,
    );
    cx += 80 + words!.length * 7;
  }
  if (hasDelay) {
    rows.push(
      `<path d="M${fmt(cx + 8)},${fmt(row2 - 12)} L${fmt(cx + 8)},${fmt(row2 + 4)} M${fmt(cx + 14)},${fmt(row2 - 12)} L${fmt(cx + 14)},${fmt(row2 + 4)}" stroke="${INK}" stroke-width="2.2"/>`,
      `<text x="${fmt(cx + 26)}" y="${fmt(row2)}" font-size="12" fill="${INK}">delay</text>`,
    );
    cx += 80;
  }
  if (hasLoops) {
    rows.push(`<text x="${fmt(cx)}" y="${fmt(row2)}" font-size="12" fill="${INK}">R: reinforcing loop · B: balancing loop</text>`);
    cx += 250;
  }
  return { svg: `<g class="legend" font-family="${FONT}">${rows.join('')}</g>`, width: cx - x, height: 54 };
}

function pickLoops(map: MapData, option: NonNullable<RenderMapSvgOptions['loops']>, search: LoopSearchOptions | undefined) {
  if (option === 'none') return [];
  const result = findLoops(map, search);
  const numbered = result.loops.map((loop, i) => ({ loop, number: i + 1 }));
  const matched = matchLoopNotes(map.loopNotes, result, map);
  const names = new Map(matched.kept.map((m) => [m.loop.key, m.note.name]));
  const chosen =
    option === 'all'
      ? numbered
      : option === 'named'
        ? numbered.filter((n) => names.get(n.loop.key))
        : numbered.filter((n) => option.includes(n.loop.key) || matched.kept.some((m) => m.loop.key === n.loop.key && option.includes(m.note.key)));
  return chosen.map((n) => ({ ...n, name: names.get(n.loop.key) ?? '' }));
}

/**
 * The map as an SVG document (a string, with the XML declaration), 1 px per map unit.
 *
 * @example
 * const svg = renderMapSvg(readMap(doc), { title: 'Dementia care in Torbay', loops: 'named' })
 * download('map.svg', svg, 'image/svg+xml')
 */
export function renderMapSvg(map: MapData, options: RenderMapSvgOptions = {}): string {
  const all = map.elements.map(layoutBox);
  const byId = new Map(all.map((b) => [b.element.id, b]));
  const area = options.viewport ?? boundsOf(all, map) ?? { x: 0, y: 0, width: 400, height: 200 };
  const inView = (r: SvgRect) => intersects(r, area);
  const boxes = options.viewport ? all.filter(inView) : all;
  const groups = options.viewport ? map.groups.filter(inView) : map.groups;
  const shown = new Set(boxes.map((b) => b.element.id));

  // Parallel connections (same two elements, either way) bow apart: the nth one in a direction
  // bows further out.
  const bends = linkBends(map.connections, (c) => [c.from, c.to]);
  const connections: string[] = [];
  const marks: string[] = [];
  for (const c of map.connections) {
    const from = byId.get(c.from);
    const to = byId.get(c.to);
    if (!from || !to || (!shown.has(c.from) && !shown.has(c.to))) continue;
    const drawn = drawConnection(c, from, to, bends.get(c.id) ?? 1);
    connections.push(drawn.line);
    marks.push(drawn.marks);
  }

  const loopOption = options.loops ?? 'none';
  const loops = pickLoops(map, loopOption, options.loopSearch);
  const markers = loops.map((l) => drawLoopMarker(l.loop, l.number, l.name, byId)).join('');

  const title = options.title?.trim() ?? '';
  const top = title ? TITLE_HEIGHT : 0;
  const kinds = [...new Set(boxes.map((b) => b.element.kind))].sort((a, b) => ELEMENT_KIND_LABELS[a].localeCompare(ELEMENT_KIND_LABELS[b]));
  const hasDelay = map.connections.some((c) => c.delay);
  const key = options.legend === false ? null : legend(0, 0, kinds, hasDelay, loops.length > 0);
  const legendHeight = key ? key.height + 16 : 0;
  const width = Math.ceil(Math.max(area.width + 2 * MARGIN, key ? key.width + 2 * MARGIN : 0));
  const height = Math.ceil(area.height + 2 * MARGIN + top + legendHeight);
  // Map coordinates start at (area.x - MARGIN, area.y - MARGIN - top).
  const ox = area.x - MARGIN;
  const oy = area.y - MARGIN - top;

  const defs = [
    `<marker id="arrow" viewBox="0 0 12 10" refX="11" refY="5" markerWidth="12" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L12,5 L0,10 z" fill="${LINK}"/></marker>`,
    ...(['reinforcing', 'balancing', 'unknown'] as const).map(
      (type) =>
        `<marker id="loop-arrow-${type}" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${LOOP_COLOUR[type]}"/></marker>`,
    ),
    `<clipPath id="map-area"><rect x="${fmt(area.x - MARGIN)}" y="${fmt(area.y - MARGIN)}" width="${fmt(area.width + 2 * MARGIN)}" height="${fmt(area.height + 2 * MARGIN)}"/></clipPath>`,
  ];

  const frames = groups
    .map(
      (g) =>
        `<g class="frame" data-id="${escapeXml(g.id)}"><rect x="${fmt(g.x)}" y="${fmt(g.y)}" width="${fmt(g.width)}" height="${fmt(g.height)}" rx="8" fill="#f3f2f1" fill-opacity="0.6" stroke="#b1b4b6" stroke-width="1.5" stroke-dasharray="8 5"/>` +
        `<text x="${fmt(g.x + 12)}" y="${fmt(g.y + 22)}" font-size="15" font-weight="700" fill="${MUTED}">${escapeText(g.label)}</text></g>`,
    )
    .join('');

  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="${fmt(ox)} ${fmt(oy)} ${width} ${height}" font-family="${FONT}">`,
    `<title>${escapeText(title || 'System map')}</title>`,
    `<defs>${defs.join('')}</defs>`,
    `<rect class="background" x="${fmt(ox)}" y="${fmt(oy)}" width="${width}" height="${height}" fill="#ffffff"/>`,
    title ? `<text class="title" x="${fmt(area.x)}" y="${fmt(oy + MARGIN - 4)}" font-size="24" font-weight="700" fill="${INK}">${escapeText(title)}</text>` : '',
    `<g clip-path="url(#map-area)">`,
    `<g class="frames">${frames}</g>`,
    `<g class="connections">${connections.join('')}</g>`,
    `<g class="elements">${boxes.map(drawBox).join('')}</g>`,
    `<g class="connection-marks">${marks.join('')}</g>`,
    `<g class="loops">${markers}</g>`,
    '</g>',
    key ? `<g transform="translate(${fmt(area.x)} ${fmt(area.y + area.height + MARGIN)})">${key.svg}</g>` : '',
    '</svg>\n',
  ].join('');
}
