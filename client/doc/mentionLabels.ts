/**
 * Current labels of the map elements and loops a document mentions. A mention stores the label
 * it was made with; the element may be renamed (or deleted) in its map since. Every mention on
 * the page subscribes here, and one request per interval resolves all of them at once, so a
 * long document with many mentions costs one small request, not one per mention.
 */
import { paths } from '../../shared/routes.js';
import { MentionablesResponseSchema } from '../../shared/api.js';
import { request } from '../api/http.js';

/** How often labels are re-read while a document is open: a rename shows within this time. */
export const MENTION_REFRESH_MS = 4000;

export type MentionLabel = { state: 'current'; label: string } | { state: 'missing' } | { state: 'unknown' };

const keyOf = (roomId: string, targetId: string) => `${roomId}:${targetId}`;
// One object, so useSyncExternalStore sees the same snapshot until something is known.
const UNKNOWN: MentionLabel = Object.freeze({ state: 'unknown' });

export class MentionLabels {
  private readonly labels = new Map<string, MentionLabel>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private stopped = false;

  constructor(private readonly siteSlug: string) {}

  /** Subscribes a mention; returns the unsubscribe. The first subscriber of a ref triggers a read soon. */
  subscribe(roomId: string, targetId: string, onChange: () => void): () => void {
    const key = keyOf(roomId, targetId);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(onChange);
    if (!this.labels.has(key)) this.schedule(50);
    else if (!this.timer) this.schedule(MENTION_REFRESH_MS);
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  get(roomId: string, targetId: string): MentionLabel {
    return this.labels.get(keyOf(roomId, targetId)) ?? UNKNOWN;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    const refs = [...this.listeners.keys()];
    if (refs.length === 0 || this.inFlight) {
      if (refs.length) this.schedule(MENTION_REFRESH_MS);
      return;
    }
    this.inFlight = true;
    try {
      // The server takes a bounded list per request; a document with more mentions asks in parts.
      for (let i = 0; i < refs.length; i += 50) {
        const part = refs.slice(i, i + 50);
        const res = await request(`${paths.siteMentionables(this.siteSlug)}?refs=${encodeURIComponent(part.join(','))}`, {
          schema: MentionablesResponseSchema,
        });
        const found = new Map(res.items.map((item) => [keyOf(item.roomId, item.targetId), item.label]));
        for (const key of part) {
          const label = found.get(key);
          this.set(key, label === undefined ? { state: 'missing' } : { state: 'current', label });
        }
      }
    } catch {
      // Offline or the server is away: keep showing what was last known.
    } finally {
      this.inFlight = false;
      this.schedule(MENTION_REFRESH_MS);
    }
  }

  private set(key: string, value: MentionLabel): void {
    const before = this.labels.get(key);
    if (before && before.state === value.state && (before.state !== 'current' || (value.state === 'current' && before.label === value.label))) return;
    this.labels.set(key, value);
    for (const listener of this.listeners.get(key) ?? []) listener();
  }
}
