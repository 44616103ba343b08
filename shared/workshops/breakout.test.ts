import { describe, expect, it } from 'vitest';
import type { Attribution, MapConnection, MapData, MapElement } from '../map/model.js';
import { breakoutChanges, planMerge } from './breakout.js';

const by: Attribution = { userId: 'u', name: 'Fran', organisation: 'Council', at: '2026-03-02T10:00:00.000Z' };
const element = (id: string, label: string, extra: Partial<MapElement> = {}): MapElement => ({
  id,
  kind: 'variable',
  label,
  description: '',
  tags: [],
  agency: '',
  x: 0,
  y: 0,
  groupId: null,
  created: by,
  updated: by,
  ...extra,
});
const connection = (id: string, from: string, to: string, extra: Partial<MapConnection> = {}): MapConnection => ({
  id,
  from,
  to,
  polarity: '+',
  delay: false,
  confidence: null,
  label: '',
  evidence: '',
  views: [],
  created: by,
  updated: by,
  ...extra,
});
const map = (elements: MapElement[], connections: MapConnection[] = []): MapData => ({ elements, connections, groups: [], loopNotes: [] });

const base = map([element('footfall', 'Footfall'), element('isolation', 'Isolation'), element('benches', 'Benches')], [connection('c1', 'benches', 'footfall')]);
// The group renamed Isolation, moved Footfall (not a change of content), removed Benches and its
// link, and added Bus routes with a link to Isolation.
const group = map(
  [element('footfall', 'Footfall', { x: 500 }), element('isolation', 'Loneliness', { agency: 'Age UK' }), element('bus', 'Bus routes', { x: 900, y: 300 })],
  [connection('c2', 'bus', 'isolation', { polarity: '-' })],
);

describe('what a breakout group changed', () => {
  it('finds added, changed (content, not position) and removed elements and connections', () => {
    expect(breakoutChanges(base, group).map((c) => [c.target, c.change, c.id, c.label, c.fields])).toEqual([
      ['element', 'changed', 'isolation', 'Loneliness', ['label', 'agency']],
      ['element', 'added', 'bus', 'Bus routes', []],
      ['element', 'removed', 'benches', 'Benches', []],
      ['connection', 'added', 'c2', 'Bus routes → Loneliness', []],
      ['connection', 'removed', 'c1', 'Benches → Footfall', []],
    ]);
    expect(breakoutChanges(base, base)).toEqual([]);
  });
});

describe('merging chosen changes', () => {
  const changes = breakoutChanges(base, group);

  it('adds chosen elements where the group put them, with the connections whose ends are there', () => {
    const plan = planMerge(base, group, changes, new Set(['bus', 'c2']));
    expect(plan.addElements.map((e) => [e.id, e.x, e.y])).toEqual([['bus', 900, 300]]);
    expect(plan.addConnections.map((c) => [c.id, c.from, c.to, c.polarity])).toEqual([['c2', 'bus', 'isolation', '-']]);
    expect(plan.skipped).toEqual([]);
  });

  it('refuses a connection whose end is not chosen, and says why', () => {
    const plan = planMerge(base, group, changes, new Set(['c2']));
    expect(plan.addConnections).toEqual([]);
    expect(plan.skipped).toEqual([{ id: 'c2', label: 'Bus routes → Loneliness', reason: 'one of its ends is not on the main map: choose that element too' }]);
  });

  it('applies only the fields the group changed, and removals the facilitator chose', () => {
    // Meanwhile someone on the main map changed Isolation's description: that stays.
    const main = map([element('footfall', 'Footfall'), element('isolation', 'Isolation', { description: 'kept' }), element('benches', 'Benches')], base.connections);
    const plan = planMerge(main, group, changes, new Set(['isolation', 'benches', 'c1']));
    expect(plan.updateElements).toEqual([{ id: 'isolation', patch: { label: 'Loneliness', agency: 'Age UK' } }]);
    expect(plan.removeElements).toEqual(['benches']);
    expect(plan.removeConnections).toEqual(['c1']);
  });

  it('skips what is already merged or gone from the main map', () => {
    const merged = map([...base.elements, element('bus', 'Bus routes')], base.connections);
    expect(planMerge(merged, group, changes, new Set(['bus'])).skipped.map((s) => s.reason)).toEqual(['it is on the main map already']);
    const without = map([element('footfall', 'Footfall')]);
    expect(planMerge(without, group, changes, new Set(['isolation', 'benches'])).skipped.map((s) => [s.id, s.reason])).toEqual([
      ['isolation', 'it is no longer on the main map'],
      ['benches', 'it is no longer on the main map'],
    ]);
  });
});
