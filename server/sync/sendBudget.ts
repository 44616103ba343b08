/**
 * Bytes waiting to be written to clients' sockets, counted per connection, per room and for
 * the whole process, so that readers who stop reading cannot grow the server's memory without
 * bound (six stalled viewers once took it from 174 to 694 MB while a member wrote).
 *
 * A connection over its share is cut off (a close frame would wait behind what it has not
 * read): its y-websocket client reconnects when it reads again and resyncs with one sync step, which costs far less than
 * everything it missed.
 */
export interface SendLimits {
  /** Most bytes queued for one connection (beyond one message, which always goes). */
  perConnection: number;
  perRoom: number;
  perProcess: number;
}

/** A connection with this much waiting is behind; less is a message or two in flight. */
const BEHIND_BYTES = 256 * 1024;

export class SendBudget {
  private total = 0;
  private readonly rooms = new Map<string, number>();

  constructor(readonly limits: SendLimits) {}

  /** Bytes queued now, for `/api/health` and the reliability suite. */
  get queued(): number {
    return this.total;
  }

  roomQueued(roomId: string): number {
    return this.rooms.get(roomId) ?? 0;
  }

  add(roomId: string, bytes: number): void {
    this.total += bytes;
    this.rooms.set(roomId, (this.rooms.get(roomId) ?? 0) + bytes);
  }

  release(roomId: string, bytes: number): void {
    if (bytes <= 0) return;
    this.total -= bytes;
    const left = (this.rooms.get(roomId) ?? 0) - bytes;
    if (left > 0) this.rooms.set(roomId, left);
    else this.rooms.delete(roomId);
  }

  /**
   * Whether a connection with `queued` bytes already waiting is too far behind to be sent
   * `bytes` more. Only what already waits counts against the connection, so one message always
   * goes however large (it may be the whole doc a joining client needs). When the room or the
   * server is over its cap, only connections that are behind are dropped, not a prompt reader
   * that happens to have a message in flight.
   */
  wouldExceed(roomId: string, queued: number, bytes: number): string | null {
    if (queued >= this.limits.perConnection) return 'connection';
    if (queued < BEHIND_BYTES) return null;
    if (this.roomQueued(roomId) + bytes > this.limits.perRoom) return 'room';
    if (this.total + bytes > this.limits.perProcess) return 'server';
    return null;
  }
}
