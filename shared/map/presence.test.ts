import { describe, expect, it } from 'vitest';
import { colourFor } from '../doc/presence.js';
import { readMapPresence, selectedByOthers } from './presence.js';

const user = (id: string, name: string) => ({ id, name, organisation: 'Torbay Council', colour: colourFor(id) });

describe('map presence', () => {
  it('reads others’ cursors and selections, skipping yourself and malformed states', () => {
    const states = new Map<number, unknown>([
      [1, { user: user('me', 'Me'), map: { cursor: { x: 1, y: 2 }, selection: [] } }],
      [2, { user: user('ann', 'Ann'), map: { cursor: { x: 10, y: -5 }, selection: ['e1', 'c1'] } }],
      [3, { user: user('bo', 'Bo'), map: { cursor: null, selection: ['e1'] } }],
      [4, { user: user('cy', 'Cy'), map: { cursor: { x: Number.POSITIVE_INFINITY, y: 0 }, selection: [] } }],
      [5, { user: user('di', 'Di'), map: { cursor: null, selection: Array.from({ length: 201 }, (_, i) => `e${i}`) } }],
      [6, { map: { cursor: null, selection: [] } }],
      [7, { user: user('ed', 'Ed') }],
    ]);
    const others = readMapPresence(states, 1);
    expect(others.map((p) => [p.clientId, p.user.name, p.cursor, p.selection])).toEqual([
      [2, 'Ann', { x: 10, y: -5 }, ['e1', 'c1']],
      [3, 'Bo', null, ['e1']],
    ]);
    const selected = selectedByOthers(others);
    expect(selected.get('e1')!.map((u) => u.name)).toEqual(['Ann', 'Bo']);
    expect(selected.get('c1')!.map((u) => u.name)).toEqual(['Ann']);
    expect(selected.has('e2')).toBe(false);
  });
});
