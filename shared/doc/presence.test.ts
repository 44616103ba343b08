import { describe, expect, it } from 'vitest';
import { PRESENCE_COLOURS, colourFor, peopleInRoom, readPresence } from './presence.js';

/** WCAG relative luminance contrast against white. */
function contrastOnWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (l + 0.05);
}

const person = (id: string, name: string, organisation = 'Torbay Council') => ({
  user: { id, name, organisation, colour: colourFor(id) },
});

describe('presence', () => {
  it('gives each person a stable colour from the palette, spread across people', () => {
    expect(colourFor('user-abc')).toBe(colourFor('user-abc'));
    const colours = new Set(Array.from({ length: 50 }, (_, i) => colourFor(`user-${i}`)));
    expect(colours.size).toBeGreaterThanOrEqual(6);
    for (const c of colours) expect(PRESENCE_COLOURS).toContain(c);
  });

  it('uses only colours readable as text on white (WCAG AA)', () => {
    for (const c of PRESENCE_COLOURS) expect(contrastOnWhite(c)).toBeGreaterThanOrEqual(4.5);
  });

  it('drops malformed awareness states instead of trusting them', () => {
    expect(readPresence(person('u1', 'Ana'))).toMatchObject({ id: 'u1', name: 'Ana' });
    expect(readPresence(null)).toBeNull();
    expect(readPresence({})).toBeNull();
    expect(readPresence({ user: { id: 'u1', name: '', organisation: 'x', colour: '#000000' } })).toBeNull();
    expect(readPresence({ user: { id: 'u1', name: 'A', organisation: 'x', colour: 'red;background:url(x)' } })).toBeNull();
    expect(readPresence({ user: { id: 'u1', name: 'A'.repeat(101), organisation: 'x', colour: '#000000' } })).toBeNull();
  });

  it('lists each person once, yourself first, then by name, counting their tabs', () => {
    const states = new Map<number, unknown>([
      [1, person('u-zed', 'Zed')],
      [2, person('u-me', 'Me Myself')],
      [3, person('u-ann', 'Ann', 'Police')],
      [4, person('u-zed', 'Zed')],
      [5, { cursor: 1 }],
    ]);
    const people = peopleInRoom(states, 'u-me');
    expect(people.map((p) => [p.name, p.connections, p.isSelf])).toEqual([
      ['Me Myself', 1, true],
      ['Ann', 1, false],
      ['Zed', 2, false],
    ]);
  });
});
