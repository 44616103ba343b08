/**
 * Which of this tab's edits the server has stored, from its "saved" acknowledgements
 * (shared/sync/saved.ts): the server numbers the sync edit messages each connection sends and
 * acknowledges each one it stored; this numbers the same messages as they are sent, and
 * remembers what each carried.
 *
 * An edit is one local transaction that changed the doc. It is saved when a message that
 * carried it is acknowledged: the update the provider sent for it, or any sync step 2 written
 * after it (a step 2 holds everything the doc has). Framework-free, so it is tested alone.
 *
 * @example
 * const saves = new SaveTracker()
 * saves.edit()                    // in the doc's update event, before the provider sends it
 * saves.sent(ws, 'update')        // the provider sent message 1 on `ws`
 * saves.saved(ws, 1)              // true: the count went from 1 to 0
 */
type Carried = { edit: number } | { upTo: number };

export class SaveTracker {
  /** Edits not yet acknowledged, by number (ascending, since numbers only grow). */
  private readonly pending = new Set<number>();
  private lastEdit = 0;
  /** The edit whose update the provider sends next, until it is sent. */
  private carrying: number | null = null;
  /** The socket messages are numbered on, how many it has sent, and what each unacknowledged one carried. */
  private socket: unknown = null;
  private sentCount = 0;
  private readonly inFlight = new Map<number, Carried>();
  private acknowledged = false;

  /** Edits made here that the server has not acknowledged yet. */
  get count(): number {
    return this.pending.size;
  }

  /** The server has acknowledged at least one edit made here. */
  get anySaved(): boolean {
    return this.acknowledged;
  }

  /**
   * A local transaction changed the doc. Call it in the doc's `update` event ahead of the
   * provider's own listener, which sends the update at once when connected: then that message
   * carries this edit.
   */
  edit(): void {
    this.lastEdit++;
    this.pending.add(this.lastEdit);
    this.carrying = this.lastEdit;
  }

  /** The doc changed, but not by an edit made here (a remote update): its message carries no edit. */
  notEdit(): void {
    this.carrying = null;
  }

  /**
   * A sync edit message went out on `socket`. A socket other than the last one starts the
   * numbering again, as the server does for each connection; what the old one had in flight
   * stays pending until a step 2 on the new one covers it.
   */
  sent(socket: unknown, kind: 'step2' | 'update'): void {
    if (socket !== this.socket) {
      this.socket = socket;
      this.sentCount = 0;
      this.inFlight.clear();
    }
    this.sentCount++;
    if (kind === 'step2') this.inFlight.set(this.sentCount, { upTo: this.lastEdit });
    else if (this.carrying !== null) this.inFlight.set(this.sentCount, { edit: this.carrying });
    this.carrying = null;
  }

  /**
   * The server stored message `seq` from `socket`. Messages before it that were not
   * acknowledged never will be (the server handles them in order), so they are forgotten.
   *
   * @returns whether the count of pending edits changed.
   */
  saved(socket: unknown, seq: number): boolean {
    // Nothing from another socket, nor for a message this one has not sent.
    if (socket !== this.socket || seq > this.sentCount) return false;
    const carried = this.inFlight.get(seq);
    for (const key of this.inFlight.keys()) if (key <= seq) this.inFlight.delete(key);
    if (!carried) return false;
    const before = this.pending.size;
    if ('edit' in carried) this.pending.delete(carried.edit);
    else for (const edit of this.pending) if (edit <= carried.upTo) this.pending.delete(edit);
    if (this.pending.size === before) return false;
    this.acknowledged = true;
    return true;
  }
}
