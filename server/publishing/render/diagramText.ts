/**
 * A diagram in words: every element, every connection and every named loop, for people who
 * cannot see the drawing, for search, and for print. What the SVG shows, nothing more.
 */
import { ELEMENT_KIND_LABELS, type Polarity } from '../../../shared/map/model.js';
import type { PublishedDiagram } from '../../../shared/summaries/published.js';
import { text } from './html.js';

const EFFECT: Record<Polarity, string> = { '+': 'increases', '-': 'decreases', '?': 'affects' };
const LOOP_TYPE = { reinforcing: 'Reinforcing loop', balancing: 'Balancing loop', unknown: 'Loop of a type not known yet' } as const;

/**
 * One connection read out: "Loneliness → increases → GP visits (with a delay)".
 *
 * @example
 * connectionInWords('Loneliness', '+', 'GP visits', false) // 'Loneliness → increases → GP visits'
 */
export function connectionInWords(from: string, polarity: Polarity, to: string, delay: boolean): string {
  return `${from} → ${EFFECT[polarity]} → ${to}${delay ? ' (with a delay)' : ''}`;
}

/**
 * The diagram's elements, connections and named loops as HTML lists under `<h4>` headings
 * (the diagram's own title is an `<h3>`). Connections to an element that is not in the diagram
 * are left out, as the drawing leaves them out.
 *
 * @example
 * diagramInWords(summary.diagrams[0]) // '<h4>Elements (4)</h4><ul>…'
 */
export function diagramInWords(diagram: PublishedDiagram): string {
  const labels = new Map(diagram.elements.map((e) => [e.id, e.label.trim() || 'An element with no label']));
  const elements = diagram.elements.map((e) => `<li>${text(labels.get(e.id)!)} <span class="muted">(${ELEMENT_KIND_LABELS[e.kind].toLowerCase()})</span></li>`);
  const connections = diagram.connections.flatMap((c) => {
    const from = labels.get(c.from);
    const to = labels.get(c.to);
    return from === undefined || to === undefined ? [] : [`<li>${text(connectionInWords(from, c.polarity, to, c.delay))}</li>`];
  });
  const loops = diagram.loops.flatMap((loop) => {
    const path = loop.elementIds.map((id) => labels.get(id));
    if (path.length === 0 || path.some((label) => label === undefined)) return [];
    const route = [...path, `back to ${path[0]}`].join(' → ');
    return [`<li>${LOOP_TYPE[loop.type]} “${text(loop.name)}”: ${text(route)}</li>`];
  });
  return [
    `<h4>Elements (${elements.length})</h4>`,
    elements.length ? `<ul>${elements.join('')}</ul>` : '<p>None.</p>',
    `<h4>Connections (${connections.length})</h4>`,
    connections.length ? `<ul>${connections.join('')}</ul>` : '<p>None.</p>',
    loops.length ? `<h4>Named loops (${loops.length})</h4><ul>${loops.join('')}</ul>` : '',
  ].join('');
}
