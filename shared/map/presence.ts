/**
 * What each person's tab tells the others about their work on the map, through awareness:
 * where their pointer is (in map coordinates, so it lands on the same spot whatever each
 * person's zoom) and what they have selected. Untrusted like all awareness: read through
 * `readMapPresence`.
 */
import { z } from 'zod';
import { readPresence, type PresenceUser } from '../doc/presence.js';
import { MapViewSchema, type MapView } from '../workshops/live.js';

export const MAP_PRESENCE_FIELD = 'map';

const MapPresenceSchema = z.object({
  cursor: z.object({ x: z.number().finite(), y: z.number().finite() }).nullable(),
  /** Ids of selected elements and connections; capped so one client cannot bloat everyone's. */
  selection: z.array(z.string().max(64)).max(200),
});
export type MapPresence = z.infer<typeof MapPresenceSchema>;

export interface RemoteMapPresence extends MapPresence {
  clientId: number;
  user: PresenceUser;
}

/** Everyone else's map presence, one entry per tab, skipping malformed states. */
export function readMapPresence(states: ReadonlyMap<number, unknown>, selfClientId: number): RemoteMapPresence[] {
  const out: RemoteMapPresence[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfClientId) continue;
    const user = readPresence(state);
    if (!user) continue;
    const parsed = MapPresenceSchema.safeParse((state as Record<string, unknown>)[MAP_PRESENCE_FIELD]);
    if (parsed.success) out.push({ clientId, user, ...parsed.data });
  }
  return out;
}

/** Who (other than you) has each element or connection selected. */
export function selectedByOthers(presences: readonly RemoteMapPresence[]): Map<string, PresenceUser[]> {
  const out = new Map<string, PresenceUser[]>();
  for (const p of presences) {
    for (const id of p.selection) {
      const list = out.get(id) ?? [];
      if (!list.some((u) => u.id === p.user.id)) list.push(p.user);
      out.set(id, list);
    }
  }
  return out;
}

/**
 * The part of the map a facilitator leading "follow me" has in view, in map coordinates, so a
 * follower's screen of any size shows the same part. Published only while leading.
 */
export const MAP_VIEW_FIELD = 'mapView';

/**
 * The view `userId` publishes in this room (their first tab that publishes one), or null.
 *
 * @example
 * viewOf(conn.awareness.getStates(), leaderId) // { x: -200, y: 0, width: 1600, height: 900 }
 */
export function viewOf(states: ReadonlyMap<number, unknown>, userId: string): MapView | null {
  for (const state of states.values()) {
    if (readPresence(state)?.id !== userId) continue;
    const parsed = MapViewSchema.safeParse((state as Record<string, unknown>)[MAP_VIEW_FIELD]);
    if (parsed.success) return parsed.data;
  }
  return null;
}
