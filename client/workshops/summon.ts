/**
 * "Bring everyone here" on participants' pages: a new summon in the workshop's live state opens
 * the map it names, at the part of it the facilitator had in view.
 */
import { useEffect, useRef } from 'react';
import type { MapView, Summon } from '../../shared/workshops/live.js';

/** A map or document opened from a workshop (its bar then shows on the map), at `view` if given. */
export function workshopRoomLink(workshopId: string, roomId: string, view?: MapView | null): string {
  const query = new URLSearchParams({ workshop: workshopId });
  if (view) query.set('view', [view.x, view.y, view.width, view.height].map((n) => Math.round(n)).join(','));
  return `/rooms/${encodeURIComponent(roomId)}?${query}`;
}

/** The `view` a link carries, or null. */
export function viewFromLink(value: string | null): MapView | null {
  const parts = (value ?? '').split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return null;
  const [x, y, width, height] = parts as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

/**
 * Calls `onSummon` for each summon that arrives after the page opened; one already there when it
 * opened has been answered (or was before this person came).
 */
export function useOnSummon(summon: Summon | null, onSummon: (summon: Summon) => void): void {
  const seen = useRef(summon?.at ?? 0);
  const latest = useRef(onSummon);
  latest.current = onSummon;
  useEffect(() => {
    if (!summon || summon.at <= seen.current) return;
    seen.current = summon.at;
    latest.current(summon);
  }, [summon]);
}
