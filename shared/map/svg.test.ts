import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loopKey } from './loops.js';
import type { MapConnection, MapData, MapElement } from './model.js';
import { escapeXml, renderMapSvg, wrapText } from './svg.js';
import { instantiate } from './templates.js';

const by = { userId: 'u1', name: 'Sam', organisation: 'Torbay Council', at: '2026-12-01T00:00:00.000Z' };

function element(id: string, label: string, x: number, y: number, kind: MapElement['kind'] = 'variable'): MapElement {
  return { id, kind, label, description: '', tags: [], agency: '', x, y, groupId: null, created: by, updated: by };
}

function connection(id: string, from: string, to: string, polarity: MapConnection['polarity'], delay = false): MapConnection {
  return { id, from, to, polarity, delay, confidence: null, label: '', evidence: '', views: [], created: by, updated: by };
}

/** A strict XML parse: any well-formedness error fails the test. */
function parse(svg: string): Document {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`Not well-formed XML: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  expect(doc.documentElement?.tagName).toBe('svg');
  return doc;
}

function all(doc: Document, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

const byClass = (doc: Document, tag: string, cls: string) => all(doc, tag).filter((e) => (e.getAttribute('class') ?? '').split(' ').includes(cls));

const loopMap: MapData = {
  elements: [element('a', 'Carer stress', 0, 0), element('b', 'Hospital admissions', 400, 0), element('c', 'Respite care', 200, 250, 'intervention')],
  connections: [
    connection('ab', 'a', 'b', '+'),
    connection('bc', 'b', 'c', '+', true),
    connection('ca', 'c', 'a', '-'),
    connection('ba', 'b', 'a', '?'),
  ],
  groups: [{ id: 'g', label: 'Health & care', x: -40, y: -60, width: 700, height: 400, created: by, updated: by }],
  loopNotes: [],
};

describe('renderMapSvg', () => {
  it('draws one path with an arrowhead marker per connection, inside its connection group', () => {
    const doc = parse(renderMapSvg(loopMap, { title: 'Carers' }));
    const groups = byClass(doc, 'g', 'connection');
    expect(groups).toHaveLength(loopMap.connections.length);
    for (const g of groups) {
      const arrows = Array.from(g.getElementsByTagName('path')).filter((p) => p.getAttribute('marker-end') === 'url(#arrow)');
      expect(arrows).toHaveLength(1);
      expect(arrows[0]!.getAttribute('d')).toMatch(/^M[-\d.]+,[-\d.]+ Q/);
    }
    const marker = all(doc, 'marker').find((m) => m.getAttribute('id') === 'arrow');
    expect(marker?.getAttribute('orient')).toBe('auto');
  });

  it('shows each polarity at its arrowhead and a delay mark on delayed links only', () => {
    const doc = parse(renderMapSvg(loopMap));
    const polarity = Object.fromEntries(
      byClass(doc, 'g', 'marks').map((g) => [g.getAttribute('data-for'), byClass(doc, 'text', 'polarity').find((t) => t.parentNode === g)?.textContent]),
    );
    expect(polarity).toEqual({ ab: '+', bc: '+', ca: '−', ba: '?' });
    const delays = byClass(doc, 'path', 'delay');
    expect(delays).toHaveLength(1);
    expect((delays[0]!.parentNode as Element).getAttribute('data-id')).toBe('bc');
  });

  it('draws elements with wrapped labels, styled by kind, and frames with their labels', () => {
    const doc = parse(renderMapSvg(loopMap));
    const boxes = byClass(doc, 'g', 'element');
    expect(boxes.map((b) => b.getAttribute('data-kind'))).toEqual(['variable', 'variable', 'intervention']);
    const respite = boxes[2]!.getElementsByTagName('rect')[0]!;
    expect(respite.getAttribute('stroke-dasharray')).toBeTruthy();
    const frame = byClass(doc, 'g', 'frame')[0]!;
    expect(frame.getElementsByTagName('text')[0]!.textContent).toBe('Health & care');
  });

  it('escapes labels and titles, keeping emoji whole', () => {
    const nasty = `<script>alert("x")</script> & 'quotes' 👩‍👩‍👧 \u0001`;
    const map: MapData = { ...loopMap, elements: [element('a"<', nasty, 0, 0), ...loopMap.elements.slice(1)] };
    const svg = renderMapSvg(map, { title: 'A & B <C>' });
    expect(svg).not.toContain('<script>');
    const doc = parse(svg);
    const label = byClass(doc, 'text', 'label')[0]!;
    expect(label.textContent).toContain('<script>alert("x")</script>');
    expect(label.textContent).toContain('👩‍👩‍👧');
    expect(byClass(doc, 'text', 'title')[0]!.textContent).toBe('A & B <C>');
    expect(byClass(doc, 'g', 'element')[0]!.getAttribute('data-id')).toBe('a"<');
  });

  it('draws no loop markers unless asked, then R and B markers named from loop notes', () => {
    expect(byClass(parse(renderMapSvg(loopMap)), 'g', 'loop-marker')).toHaveLength(0);
    const named: MapData = { ...loopMap, loopNotes: [{ key: loopKey(['a', 'b', 'c']), name: 'Respite relief', note: '', updated: by }] };
    const doc = parse(renderMapSvg(named, { loops: 'all' }));
    const markers = byClass(doc, 'g', 'loop-marker');
    // a→b→a (+ then ?) and a→b→c→a (+ + −).
    expect(markers.map((m) => m.getAttribute('data-type')).sort()).toEqual(['balancing', 'unknown']);
    const texts = markers.flatMap((m) => Array.from(m.getElementsByTagName('text')).map((t) => t.textContent));
    expect(texts).toContain('Respite relief');
    expect(texts.some((t) => /^B\d$/.test(t ?? ''))).toBe(true);
    for (const m of markers) expect(m.getElementsByTagName('path')[0]!.getAttribute('marker-end')).toMatch(/^url\(#loop-arrow-/);
    const onlyNamed = byClass(parse(renderMapSvg(named, { loops: 'named' })), 'g', 'loop-marker');
    expect(onlyNamed.map((m) => m.getAttribute('data-type'))).toEqual(['balancing']);
  });

  it('draws the markers of the loops switched on in the loops panel, by their notes’ keys', () => {
    const respite = loopKey(['a', 'b', 'c']);
    const marked: MapData = {
      ...loopMap,
      loopNotes: [
        { key: respite, name: '', note: '', marker: true, updated: by },
        { key: loopKey(['a', 'b']), name: 'Named, not shown', note: '', updated: by },
      ],
    };
    const keys = marked.loopNotes.filter((n) => n.marker).map((n) => n.key);
    const markers = byClass(parse(renderMapSvg(marked, { loops: keys })), 'g', 'loop-marker');
    expect(markers.map((m) => m.getAttribute('data-loop'))).toEqual([respite]);
    const texts = Array.from(markers[0]!.getElementsByTagName('text')).map((t) => t.textContent);
    // Numbered as the loops panel numbers it (shortest first: a→b→a is 1), and no name drawn.
    expect(texts).toEqual(['B2']);
    // Centred on the loop's elements, as the canvas draws it (loopMarkerGeometry).
    const path = markers[0]!.getElementsByTagName('path')[0]!.getAttribute('d')!;
    expect(path).toMatch(/ A17,17 0 1 1 /);
    expect(byClass(parse(renderMapSvg(marked, { loops: [] })), 'g', 'loop-marker')).toHaveLength(0);
  });

  it('draws only what lies in a given viewport, at 1 px per map unit plus margins', () => {
    const svg = renderMapSvg(loopMap, { viewport: { x: -20, y: -20, width: 300, height: 200 }, legend: false });
    const doc = parse(svg);
    expect(byClass(doc, 'g', 'element').map((e) => e.getAttribute('data-id'))).toEqual(['a']);
    // Connections touching what is shown are drawn (clipped at the edge): a→b, c→a, b→a.
    expect(byClass(doc, 'g', 'connection').map((e) => e.getAttribute('data-id')).sort()).toEqual(['ab', 'ba', 'ca']);
    expect(doc.documentElement!.getAttribute('width')).toBe('380');
    expect(doc.documentElement!.getAttribute('height')).toBe('280');
  });

  it('has a title and a legend, and no selection or UI chrome', () => {
    const svg = renderMapSvg(instantiate('fixes-that-fail', (() => { let n = 0; return () => `t${n++}`; })(), by), { title: 'Fixes that fail' });
    const doc = parse(svg);
    expect(byClass(doc, 'text', 'title')[0]!.textContent).toBe('Fixes that fail');
    expect(byClass(doc, 'g', 'legend')).toHaveLength(1);
    expect(svg).not.toMatch(/selected|foreignObject|react-flow|<style|style=/);
  });

  it('draws an empty map without failing', () => {
    parse(renderMapSvg({ elements: [], connections: [], groups: [], loopNotes: [] }));
  });
});

describe('wrapText and escapeXml', () => {
  it('wraps at spaces and inside words too long for a line, never inside an emoji', () => {
    expect(wrapText('Hospital admissions from care homes', 138, 14.4).length).toBeGreaterThan(1);
    const long = wrapText('👩‍👩‍👧'.repeat(20), 138, 14.4);
    expect(long.length).toBeGreaterThan(1);
    for (const line of long) expect(line.replaceAll('👩‍👩‍👧', '')).toBe('');
  });

  it('escapes the five XML specials and replaces characters XML refuses', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
  });
});
