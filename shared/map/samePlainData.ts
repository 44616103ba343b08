/**
 * Structural equality for the plain data `readMap` returns (strings, numbers, booleans, null,
 * arrays and plain objects). The editor uses it to hand React Flow the very same node and edge
 * objects for elements and connections that did not change, so a change to one element (a
 * remote rename, a drag step) re-renders that element only, not all of a large map.
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
