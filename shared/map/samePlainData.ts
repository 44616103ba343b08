import type { MapData } from './model.js';

/**
 * Whether two lists hold the very same items (by identity) in the same order: for lists rebuilt
 * from objects that are kept when unchanged, to keep the previous list too.
 *
 * @example
 * sameItems([a, b], [a, b]) // true
 */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Structural equality for the plain data `readMap` returns (strings, numbers, booleans, null,
 * arrays and plain objects). The incremental reader (`reader.ts`) uses it to keep the previous
 * object of an entry that was written but reads the same, so consumers can compare by identity.
 *
 * @example
 * samePlainData({ tags: ['a'] }, { tags: ['a'] }) // true
 */
export function samePlainData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && samePlainData(ra[k], rb[k]));
}

/**
 * Whether two reads of a map differ at most in where elements are (their x and y). The editor
 * hands its side panels (details, lenses, loops, outline) a map that changes only when this is
 * false, so a drag or a remote move re-renders the canvas and not the panels. Cheap on reads of
 * the incremental reader, whose unchanged entries are the same objects.
 *
 * @example
 * sameApartFromPositions(before, { ...before, elements: [{ ...before.elements[0], x: 5 }] }) // true
 */
export function sameApartFromPositions(a: MapData, b: MapData): boolean {
  if (a === b) return true;
  if (!sameEntries(a.connections, b.connections) || !sameEntries(a.groups, b.groups) || !sameEntries(a.loopNotes, b.loopNotes)) return false;
  if (a.elements.length !== b.elements.length) return false;
  return a.elements.every((x, i) => {
    const y = b.elements[i]!;
    if (x === y) return true;
    const { x: _ax, y: _ay, ...restA } = x;
    const { x: _bx, y: _by, ...restB } = y;
    return samePlainData(restA, restB);
  });
}

function sameEntries(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => samePlainData(x, b[i])));
}
