import { describe, expect, it } from 'vitest';
import { findLoops } from './loops.js';
import { TEMPLATES, TEMPLATE_IDS, instantiate, stakeholderQuadrant, type TemplateId } from './templates.js';

const by = { userId: 'u1', name: 'Fran', organisation: 'Torbay Council', at: '2026-11-22T10:00:00.000Z' };
function counter() {
  let n = 0;
  return () => `id${++n}`;
}

describe('templates', () => {
  it('every template has a name and summary, fresh ids, and connections between its own elements', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual([...TEMPLATE_IDS]);
    for (const { id, name, summary } of TEMPLATES) {
      expect(name.length).toBeGreaterThan(3);
      expect(summary.length).toBeGreaterThan(10);
      const map = instantiate(id, counter(), by, { x: 100, y: 50 });
      const ids = [...map.elements, ...map.connections, ...map.groups].map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      const elementIds = new Set(map.elements.map((e) => e.id));
      for (const c of map.connections) expect(elementIds.has(c.from) && elementIds.has(c.to)).toBe(true);
      for (const e of map.elements) expect(e.created).toEqual(by);
    }
    expect(() => instantiate('nope' as TemplateId, counter(), by)).toThrow(/No template/);
  });

  it.each([
    ['fixes-that-fail', ['balancing', 'reinforcing']],
    ['shifting-the-burden', ['balancing', 'balancing', 'reinforcing']],
    ['limits-to-growth', ['balancing', 'reinforcing']],
    ['success-to-the-successful', ['reinforcing', 'reinforcing']],
    ['tragedy-of-the-commons', ['balancing', 'balancing', 'reinforcing', 'reinforcing']],
  ] as const)('the %s archetype has the loops the literature gives it', (id, types) => {
    const map = instantiate(id, counter(), by);
    const { loops, truncated } = findLoops(map);
    expect(truncated).toBe(false);
    expect(loops.map((l) => l.type).sort()).toEqual([...types]);
  });

  it('frames come as groups: four quadrants, four iceberg levels, three horizons', () => {
    expect(instantiate('stakeholder-grid', counter(), by).groups).toHaveLength(4);
    expect(instantiate('iceberg', counter(), by).groups.map((g) => g.label.split(':')[0])).toEqual(['Events', 'Patterns', 'Structures', 'Mental models']);
    expect(instantiate('three-horizons', counter(), by).groups).toHaveLength(3);
    expect(instantiate('blank', counter(), by)).toEqual({ elements: [], connections: [], groups: [], loopNotes: [] });
  });

  it('derives a stakeholder’s quadrant from where they sit on the grid', () => {
    expect(stakeholderQuadrant({ x: 100, y: 100 })).toBe('keep-satisfied');
    expect(stakeholderQuadrant({ x: 900, y: 100 })).toBe('manage-closely');
    expect(stakeholderQuadrant({ x: 100, y: 700 })).toBe('monitor');
    expect(stakeholderQuadrant({ x: 900, y: 700 })).toBe('keep-informed');
    expect(stakeholderQuadrant({ x: 700, y: 450 }, { x: 100, y: 50 })).toBe('keep-informed');
    expect(stakeholderQuadrant({ x: 699, y: 449 }, { x: 100, y: 50 })).toBe('keep-satisfied');
  });
});
