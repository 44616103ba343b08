/**
 * Where a new element goes: near where the person is looking, but never on top of another
 * element (two people adding at once, or several adds in a row, would otherwise stack them).
 */
import type { MapElement } from './model.js';

/** Room an element is given on the canvas; generous, as labels wrap. */
export const ELEMENT_BOX = { width: 200, height: 90 } as const;

/** The nearest free spot to `centre`, searched outward ring by ring on a grid of element boxes. */
export function freeSpot(centre: { x: number; y: number }, elements: readonly Pick<MapElement, 'x' | 'y'>[], maxRings = 30): { x: number; y: number } {
  const start = { x: Math.round(centre.x - ELEMENT_BOX.width / 2), y: Math.round(centre.y - ELEMENT_BOX.height / 2) };
  const free = (p: { x: number; y: number }) =>
    elements.every((e) => Math.abs(e.x - p.x) >= ELEMENT_BOX.width || Math.abs(e.y - p.y) >= ELEMENT_BOX.height);
  if (free(start)) return start;
  for (let ring = 1; ring <= maxRings; ring++) {
    // Candidates on this ring, nearest first.
    const candidates: { x: number; y: number; d: number }[] = [];
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
        const p = { x: start.x + i * ELEMENT_BOX.width, y: start.y + j * ELEMENT_BOX.height };
        candidates.push({ ...p, d: Math.hypot(i * ELEMENT_BOX.width, j * ELEMENT_BOX.height) });
      }
    }
    candidates.sort((a, b) => a.d - b.d);
    const spot = candidates.find(free);
    if (spot) return { x: spot.x, y: spot.y };
  }
  return start;
}

/**
 * The frame an element sits in (its top-left corner inside the frame), the smallest when frames
 * nest. On a stakeholder grid this is the element's quadrant, on an iceberg its level: derived
 * from where people put it, so moving it is how they change their assessment.
 */
export function containingGroup<G extends { x: number; y: number; width: number; height: number }>(
  position: { x: number; y: number },
  groups: readonly G[],
): G | null {
  let best: G | null = null;
  for (const g of groups) {
    const inside = position.x >= g.x && position.x < g.x + g.width && position.y >= g.y && position.y < g.y + g.height;
    if (inside && (!best || g.width * g.height < best.width * best.height)) best = g;
  }
  return best;
}
