import { describe, expect, it } from 'vitest';
import connectionsFixture from './fixtures/torbay-dementia-connections.csv?raw';
import elementsFixture from './fixtures/torbay-dementia-elements.csv?raw';
import { gridMap } from './fixtures/gridMap.js';
import { council, sequentialIds } from './fixtures/sampleMap.js';
import { importKumuCsv } from './kumuCsv.js';
import { TIDY_GAP, boundsOfBoxes, estimateElementBox, tidyLayout, type Rect } from './layout.js';
import type { MapData } from './model.js';
import { containingGroup } from './placement.js';
import { TEMPLATE_IDS, instantiate } from './templates.js';

const ARCHETYPES = TEMPLATE_IDS.filter((id) => instantiate(id, sequentialIds(), council).connections.length > 0);

function demoMap(): MapData {
  const imported = importKumuCsv({ elements: elementsFixture, connections: connectionsFixture }, { newId: sequentialIds('demo'), by: council });
  if (!imported.ok) throw new Error('The demo map does not import.');
  return imported.map;
}

/** The map with the tidy's positions written in, and every element's box. */
function tidied(map: MapData, options: Parameters<typeof tidyLayout>[1] = {}): { map: MapData; boxes: Map<string, Rect> } {
  const moves = new Map(tidyLayout(map, options).map((m) => [m.id, m]));
  const elements = map.elements.map((e) => ({ ...e, ...(moves.has(e.id) ? { x: moves.get(e.id)!.x, y: moves.get(e.id)!.y } : {}) }));
  const boxes = new Map(elements.map((e) => [e.id, { x: e.x, y: e.y, ...(options.sizes?.get(e.id) ?? estimateElementBox(e)) }]));
  return { map: { ...map, elements }, boxes };
}

/** Pairs of boxes closer than `gap` on both axes (overlapping when gap is 0). */
function clashes(boxes: Rect[], gap = 0): [Rect, Rect][] {
  const found: [Rect, Rect][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const apart = a.x + a.width + gap <= b.x || b.x + b.width + gap <= a.x || a.y + a.height + gap <= b.y || b.y + b.height + gap <= a.y;
      if (!apart) found.push([a, b]);
    }
  }
  return found;
}

const aspectOf = (boxes: Rect[]) => {
  const b = boundsOfBoxes(boxes);
  return b.width / b.height;
};

/** Mean connection length (centre to centre) over the mean box width: short links read well. */
function meanLinkLength(map: MapData, boxes: Map<string, Rect>): number {
  const centre = (r: Rect) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
  const lengths = map.connections.map((c) => {
    const [a, b] = [centre(boxes.get(c.from)!), centre(boxes.get(c.to)!)];
    return Math.hypot(a.x - b.x, a.y - b.y);
  });
  return lengths.reduce((s, l) => s + l, 0) / lengths.length;
}

describe('tidyLayout', () => {
  it.each([...ARCHETYPES.map((id) => [id, () => instantiate(id, sequentialIds(), council)] as const), ['the demo map', demoMap] as const])(
    'lays out %s with no overlapping boxes, a bounding box of aspect 0.5 to 2 and short links',
    (_name, make) => {
      const map = make();
      for (const aspect of [1238 / 756, 1, 730 / 470]) {
        const { map: after, boxes } = tidied(map, { aspect });
        const all = [...boxes.values()];
        expect(clashes(all, TIDY_GAP - 1)).toEqual([]);
        const ratio = aspectOf(all);
        expect(ratio).toBeGreaterThanOrEqual(0.5);
        expect(ratio).toBeLessThanOrEqual(2);
        // Within about two box widths: a loop is drawn as a ring, not strung out.
        expect(meanLinkLength(after, boxes)).toBeLessThan(2.5 * 160);
      }
    },
  );

  it('gives the same positions for the same map, whatever the elements started at', () => {
    const map = demoMap();
    const shuffled = { ...map, elements: map.elements.map((e, i) => ({ ...e, x: i * 37, y: -i * 11 })) };
    const first = tidyLayout(map);
    expect(tidyLayout(map)).toEqual(first);
    // A whole-map tidy does not depend on where things were, other than the middle it keeps.
    const again = tidyLayout(shuffled);
    const dx = again[0]!.x - first[0]!.x;
    const dy = again[0]!.y - first[0]!.y;
    again.forEach((p, i) => {
      expect(Math.abs(p.x - dx - first[i]!.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(p.y - dy - first[i]!.y)).toBeLessThanOrEqual(1);
    });
  });

  it('keeps a tidied map where it was on the canvas', () => {
    const map = instantiate('fixes-that-fail', sequentialIds(), council, { x: 5000, y: -3000 });
    const { boxes } = tidied(map);
    const b = boundsOfBoxes([...boxes.values()]);
    expect(Math.abs(b.x + b.width / 2 - 5600)).toBeLessThan(400);
    expect(Math.abs(b.y + b.height / 2 - -2800)).toBeLessThan(400);
  });

  it('tidies only the selection: the other elements stay exactly where they were', () => {
    const map = demoMap();
    const selected = map.elements.slice(0, 5).map((e) => e.id);
    const { boxes } = tidied(map, { move: selected });
    for (const e of map.elements.slice(5)) expect(boxes.get(e.id)).toMatchObject({ x: e.x, y: e.y });
    expect(tidyLayout(map, { move: selected }).map((m) => m.id)).toEqual(selected);
    expect(clashes([...boxes.values()])).toEqual([]);
  });

  it('places only new elements beside what they are linked to, clear of everything placed', () => {
    const map = instantiate('limits-to-growth', sequentialIds(), council);
    const by = map.elements[0]!.created;
    const piled = [1, 2, 3].map((i) => ({ ...map.elements[0]!, id: `new${i}`, label: `New factor ${i}`, x: map.elements[1]!.x, y: map.elements[1]!.y, created: by }));
    const links = piled.map((e, i) => ({ ...map.connections[0]!, id: `newlink${i}`, from: map.elements[1]!.id, to: e.id }));
    const grown = { ...map, elements: [...map.elements, ...piled], connections: [...map.connections, ...links] };
    const { boxes } = tidied(grown, { move: piled.map((e) => e.id) });
    for (const e of map.elements) expect(boxes.get(e.id)).toMatchObject({ x: e.x, y: e.y });
    expect(clashes([...boxes.values()])).toEqual([]);
    const anchor = boxes.get(map.elements[1]!.id)!;
    for (const e of piled) {
      const box = boxes.get(e.id)!;
      expect(Math.hypot(box.x - anchor.x, box.y - anchor.y)).toBeLessThan(600);
    }
  });

  it('uses measured sizes: tall boxes do not overlap', () => {
    const map = instantiate('tragedy-of-the-commons', sequentialIds(), council);
    const sizes = new Map(map.elements.map((e) => [e.id, { width: 240, height: 180 }]));
    const { boxes } = tidied(map, { sizes });
    expect(clashes([...boxes.values()])).toEqual([]);
  });

  it('leaves frames and the elements in them alone, and keeps free elements out of frames', () => {
    const grid = instantiate('stakeholder-grid', sequentialIds('g'), council);
    const cld = instantiate('fixes-that-fail', sequentialIds('f'), council, { x: 1300, y: 0 });
    const by = cld.elements[0]!;
    const framed = [
      { ...by, id: 'in-frame-1', label: 'Police', x: 100, y: 100 },
      { ...by, id: 'in-frame-2', label: 'Carers', x: 700, y: 500 },
    ];
    const map = { ...grid, elements: [...framed, ...cld.elements], connections: [...cld.connections, { ...cld.connections[0]!, id: 'x', from: 'in-frame-1', to: cld.elements[0]!.id }] };
    const { boxes, map: after } = tidied(map);
    for (const e of framed) expect(boxes.get(e.id)).toMatchObject({ x: e.x, y: e.y });
    for (const e of after.elements.filter((e) => !e.id.startsWith('in-frame'))) expect(containingGroup(e, after.groups)).toBeNull();
    const frames = after.groups.map((g) => ({ x: g.x, y: g.y, width: g.width, height: g.height }));
    for (const e of cld.elements) expect(clashes([boxes.get(e.id)!, ...frames]).filter(([a]) => a === boxes.get(e.id))).toEqual([]);
  });

  it('copes with a map of one element, self-links, and links to elements not in the map', () => {
    const map = instantiate('fixes-that-fail', sequentialIds(), council);
    const one = { ...map, elements: map.elements.slice(0, 1), connections: [{ ...map.connections[0]!, to: map.elements[0]!.id }] };
    expect(tidyLayout(one)).toHaveLength(1);
    expect(tidyLayout({ elements: [], connections: [], groups: [] })).toEqual([]);
    expect(tidyLayout(map, { move: [] })).toEqual([]);
  });

  it('lays out a large map with no overlaps', () => {
    const map = gridMap(500, 1000, 7);
    const { boxes } = tidied(map, { aspect: 1.6 });
    const all = [...boxes.values()];
    expect(clashes(all)).toEqual([]);
    expect(aspectOf(all)).toBeGreaterThanOrEqual(0.5);
    expect(aspectOf(all)).toBeLessThanOrEqual(2);
  });
});
