/**
 * A published diagram as an SVG drawing, with the map renderer the workspace exports with. It
 * is drawn from the published diagram alone (only the elements and connections that were
 * marked publishable, and the loops named over them), so nothing private can be in the image.
 */
import { loopKey } from '../../../shared/map/loops.js';
import type { Attribution, MapData } from '../../../shared/map/model.js';
import { renderMapSvg } from '../../../shared/map/svg.js';
import type { PublishedDiagram } from '../../../shared/summaries/published.js';
import { dropInvisible, wellFormed } from './sanitize.js';

const NOBODY: Attribution = { userId: '', name: '', organisation: '', at: '' };

/**
 * The map that draws a published diagram: its elements and connections with nothing else
 * (no descriptions, tags, agencies or people), and its named loops as loop notes with markers.
 * Invisible control characters are dropped from its words, as on the pages (a bidi override
 * would reorder a label in the drawing just as in the text).
 *
 * @example
 * diagramMap(summary.diagrams[0]).elements.length // as many as were published
 */
export function diagramMap(diagram: PublishedDiagram): MapData {
  // Ids are the workspace's own, but a loop's key percent-encodes them, which throws on a
  // broken (lone surrogate) character: made well-formed everywhere they appear, so they still match.
  const id = wellFormed;
  return {
    elements: diagram.elements.map((e) => ({
      id: id(e.id),
      kind: e.kind,
      label: dropInvisible(e.label),
      description: '',
      tags: [],
      agency: '',
      x: e.x,
      y: e.y,
      groupId: null,
      created: NOBODY,
      updated: NOBODY,
    })),
    connections: diagram.connections.map((c) => ({
      id: id(c.id),
      from: id(c.from),
      to: id(c.to),
      polarity: c.polarity,
      delay: c.delay,
      confidence: null,
      label: '',
      evidence: '',
      views: [],
      created: NOBODY,
      updated: NOBODY,
    })),
    groups: [],
    loopNotes: diagram.loops.map((loop) => ({ key: loopKey(loop.elementIds.map(id)), name: dropInvisible(loop.name), note: '', marker: true, updated: NOBODY })),
  };
}

/** A drawn diagram: the SVG document and the size it declares (for an `<img>`'s width and height). */
export interface DiagramSvg {
  svg: string;
  width: number;
  height: number;
}

/**
 * The published diagram as a standalone SVG document, titled, with its named loops' markers
 * and a legend, and its size.
 *
 * @example
 * const { svg, width, height } = renderDiagramSvg(summary.diagrams[0]) // svg: '<?xml version="1.0" encoding="UTF-8"?>\n<svg …'
 */
export function renderDiagramSvg(diagram: PublishedDiagram): DiagramSvg {
  const svg = renderMapSvg(diagramMap(diagram), { title: dropInvisible(diagram.title), loops: 'named', legend: true });
  // renderMapSvg always declares both; 0 would only mean its output changed shape.
  const size = diagramSize(svg) ?? { width: 0, height: 0 };
  return { svg, ...size };
}

/**
 * The width and height an SVG from `renderMapSvg` declares, so an `<img>` of it can reserve its
 * space before it loads; null when it declares none.
 *
 * @example
 * diagramSize('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="380">') // { width: 640, height: 380 }
 */
export function diagramSize(svg: string): { width: number; height: number } | null {
  const open = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = /\swidth="(\d+(?:\.\d+)?)"/.exec(open)?.[1];
  const height = /\sheight="(\d+(?:\.\d+)?)"/.exec(open)?.[1];
  return width && height ? { width: Math.round(Number(width)), height: Math.round(Number(height)) } : null;
}
