/**
 * Presence: what each open tab tells the room about its person through Yjs awareness.
 *
 * Awareness states come from other people's browsers, so they are untrusted input: read them
 * through `readPresence`, which drops anything malformed instead of rendering it.
 */
import { z } from 'zod';
import { compareText } from '../compareText.js';

/**
 * Colours for people in a room. Each passes WCAG AA (4.5:1) as text on white and as a
 * background under white text, so a name tag is readable whichever way it is drawn.
 */
export const PRESENCE_COLOURS = [
  '#1d4ed8', // blue
  '#b91c1c', // red
  '#047857', // green
  '#7c3aed', // violet
  '#b45309', // amber
  '#0e7490', // cyan
  '#be185d', // pink
  '#4d7c0f', // olive
  '#9333ea', // purple
  '#c2410c', // orange
] as const;

/** The same person gets the same colour in every room and every tab. */
export function colourFor(userId: string): string {
  // FNV-1a: a tiny, well-spread string hash; this is not security, only stable spreading.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PRESENCE_COLOURS[(hash >>> 0) % PRESENCE_COLOURS.length]!;
}

const PresenceUserSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  organisation: z.string().max(200),
  colour: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type PresenceUser = z.infer<typeof PresenceUserSchema>;

/** The awareness field this workspace owns; editors add their own fields beside it. */
export const PRESENCE_FIELD = 'user';

/** Reads the person from one awareness state, or null when it is missing or malformed. */
export function readPresence(state: unknown): PresenceUser | null {
  if (typeof state !== 'object' || state === null) return null;
  const parsed = PresenceUserSchema.safeParse((state as Record<string, unknown>)[PRESENCE_FIELD]);
  return parsed.success ? parsed.data : null;
}

export interface PresentPerson extends PresenceUser {
  /** How many tabs or devices this person has open in the room. */
  connections: number;
  /** True for the person using this browser. */
  isSelf: boolean;
}

/**
 * The people in a room, one entry per person however many tabs they have open: yourself
 * first, then everyone else by name.
 */
export function peopleInRoom(states: ReadonlyMap<number, unknown>, selfId: string | null): PresentPerson[] {
  const byId = new Map<string, PresentPerson>();
  for (const state of states.values()) {
    const user = readPresence(state);
    if (!user) continue;
    const seen = byId.get(user.id);
    if (seen) seen.connections++;
    else byId.set(user.id, { ...user, connections: 1, isSelf: user.id === selfId });
  }
  return [...byId.values()].sort(
    (a, b) => Number(b.isSelf) - Number(a.isSelf) || compareText(a.name, b.name),
  );
}
