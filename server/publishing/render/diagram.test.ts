import { describe, expect, it } from 'vitest';
import { loopKey } from '../../../shared/map/loops.js';
import type { PublishedDiagram } from '../../../shared/summaries/published.js';
import { diagramMap, diagramSize, renderDiagramSvg } from './diagram.js';
import { connectionInWords, diagramInWords } from './diagramText.js';
import { activeContent, parseHtml, parseXml, sampleSummary, xmlElements } from './renderFixtures.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const diagram = (): PublishedDiagram => structuredClone(sampleSummary().diagrams[0]!);

function byClass(doc: ReturnType<typeof parseXml>, className: string) {
  const all = doc.getElementsByTagNameNS(SVG_NS, '*');
  return Array.from({ length: all.length }, (_, i) => all.item(i)!).filter((el) => el.getAttribute('class') === className);
}

/** The label of each element drawn, from its `<title>` (the label's lines are wrapped in tspans). */
function elementLabels(doc: ReturnType<typeof parseXml>): string[] {
  return byClass(doc, 'element').map((g) => g.getElementsByTagNameNS(SVG_NS, 'title').item(0)?.textContent ?? '');
}

describe('renderDiagramSvg', () => {
  it('draws the published elements and connections, and nothing else', () => {
    const { svg } = renderDiagramSvg(diagram());
    const doc = parseXml(svg);
    expect(doc.documentElement!.namespaceURI).toBe(SVG_NS);
    expect(elementLabels(doc).sort()).toEqual(['Community groups', 'GP visits', 'Loneliness', 'Social prescribing']);
    expect(byClass(doc, 'connection')).toHaveLength(4);
    expect(activeContent(xmlElements(doc))).toEqual([]);
  });

  it('cannot show an element that was not published, nor a connection to it', () => {
    const d = diagram();
    // What redaction leaves when "Community groups" was kept private: its element and connection go.
    d.elements = d.elements.filter((e) => e.id !== 'e4');
    d.connections = d.connections.filter((c) => c.from !== 'e4' && c.to !== 'e4');
    const { svg } = renderDiagramSvg(d);
    expect(svg).not.toContain('Community groups');
    expect(svg).not.toContain('data-id="e4"');
    const doc = parseXml(svg);
    expect(byClass(doc, 'element')).toHaveLength(3);
    expect(byClass(doc, 'connection')).toHaveLength(3);
  });

  it('leaves out a connection whose end is not in the diagram', () => {
    const d = diagram();
    d.connections.push({ id: 'c9', from: 'e1', to: 'hidden', polarity: '+', delay: false });
    expect(byClass(parseXml(renderDiagramSvg(d).svg), 'connection')).toHaveLength(4);
  });

  it('draws the named loops’ markers and the title', () => {
    const { svg } = renderDiagramSvg(diagram());
    const doc = parseXml(svg);
    expect(byClass(doc, 'loop-marker')).toHaveLength(1);
    expect(svg).toContain('Seeing the GP');
    expect(byClass(doc, 'title').map((t) => t.textContent)).toEqual(['The GP visits loop']);
    const d = diagram();
    d.loops = [];
    expect(byClass(parseXml(renderDiagramSvg(d).svg), 'loop-marker')).toHaveLength(0);
  });

  it('gives the size the SVG declares', () => {
    const { svg, width, height } = renderDiagramSvg(diagram());
    expect(width).toBeGreaterThan(300);
    expect(height).toBeGreaterThan(200);
    const root = parseXml(svg).documentElement!;
    expect(Number(root.getAttribute('width'))).toBe(width);
    expect(Number(root.getAttribute('height'))).toBe(height);
    expect(diagramSize('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="380.4">')).toEqual({ width: 640, height: 380 });
    expect(diagramSize('<svg viewBox="0 0 1 1">')).toBeNull();
  });

  it('is still well-formed XML for an empty diagram and for text XML refuses', () => {
    const d = diagram();
    d.elements = [];
    d.connections = [];
    d.loops = [];
    expect(() => parseXml(renderDiagramSvg(d).svg)).not.toThrow();
    const odd = diagram();
    odd.elements[0]!.label = 'A\u0000B\u0008 ]]> <x> & "q"';
    odd.title = '\uD800 lone \u202E';
    const { svg } = renderDiagramSvg(odd);
    expect(() => parseXml(svg)).not.toThrow();
    expect(svg).toContain('AB ]]&gt; &lt;x&gt; &amp; "q"');
    expect(svg).not.toMatch(/[\u202E\uFFFD]/);
  });
});

describe('diagramMap', () => {
  it('carries no descriptions, agencies or people, and keys loops as the map does', () => {
    const map = diagramMap(diagram());
    expect(map.elements.every((e) => e.description === '' && e.agency === '' && e.tags.length === 0 && e.created.name === '')).toBe(true);
    expect(map.groups).toEqual([]);
    expect(map.loopNotes).toEqual([{ key: loopKey(['e1', 'e2', 'e3']), name: 'Seeing the GP', note: '', marker: true, updated: { userId: '', name: '', organisation: '', at: '' } }]);
  });
});

describe('diagramInWords', () => {
  it('reads every element, connection and named loop', () => {
    const doc = parseHtml(`<div>${diagramInWords(diagram())}</div>`);
    const items = Array.from(doc.querySelectorAll('li')).map((li) => li.textContent);
    expect(items).toEqual([
      'Loneliness (factor)',
      'GP visits (factor)',
      'Social prescribing (intervention)',
      'Community groups (organisation)',
      'Loneliness → increases → GP visits',
      'GP visits → increases → Social prescribing (with a delay)',
      'Social prescribing → decreases → Loneliness',
      'Community groups → affects → Loneliness',
      'Balancing loop “Seeing the GP”: Loneliness → GP visits → Social prescribing → back to Loneliness',
    ]);
    expect(Array.from(doc.querySelectorAll('h4')).map((h) => h.textContent)).toEqual(['Elements (4)', 'Connections (4)', 'Named loops (1)']);
  });

  it('escapes labels', () => {
    const d = diagram();
    d.elements[0]!.label = '<img src=x onerror=alert(1)>';
    const html = diagramInWords(d);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; → increases → GP visits');
  });

  it('says so when there is nothing', () => {
    expect(connectionInWords('A', '-', 'B', true)).toBe('A → decreases → B (with a delay)');
    const d = diagram();
    d.elements = [];
    d.connections = [];
    d.loops = [];
    expect(diagramInWords(d)).toBe('<h4>Elements (0)</h4><p>None.</p><h4>Connections (0)</h4><p>None.</p>');
  });
});
