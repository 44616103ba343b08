/**
 * One client's WebSocket, with what the room needs to know about it: who it is, whether it
 * may write, which awareness client ids it speaks for, and when it last heard from us.
 */
import WebSocket from 'ws';
import type { ReadOnlyReason } from '../../shared/closeCodes.js';
import type { SiteRole } from '../../shared/roles.js';
import type { Logger } from '../logger.js';
import type { SendBudget } from './sendBudget.js';


export interface ConnectionIdentity {
  userId: string;
  role: SiteRole;
  /** The credential's hash, so a revoked session can be found and closed. */
  credential: string;
  /** Who this person is in presence, from their account: stamped on every awareness state. */
  presence: { name: string; organisation: string };
}

export class Connection {
  readonly controlledClients = new Set<number>();
  lastSentAt = Date.now();
  /** Set when a pong arrives, cleared when a ping is sent. */
  alive = true;
  closed = false;

  /** Bytes handed to the socket and not yet written out (counted in the send budget). */
  queued = 0;

  constructor(
    readonly ws: WebSocket,
    readonly roomId: string,
    public identity: ConnectionIdentity,
    private readonly log: Logger,
    private readonly budget: SendBudget,
  ) {
    ws.on('pong', () => {
      this.alive = true;
    });
    // Whatever was still queued is freed with the socket.
    ws.on('close', () => this.releaseAll());
  }

  private releaseAll(): void {
    this.budget.release(this.roomId, this.queued);
    this.queued = 0;
  }

  /** Viewers and connections to archived rooms read but never write. */
  readOnly: ReadOnlyReason | null = null;
  /** The client has been told (permission denied: read-only) that its edits are dropped. */
  toldReadOnly = false;
  /** It broke the protocol: closed, and whatever it had queued is ignored. */
  rejected = false;
  /**
   * Sync edit messages (step 2, update) handled from this connection, dropped ones included:
   * the number a "saved" acknowledgement names (shared/sync/saved.ts).
   */
  editMessages = 0;

  send(data: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    const over = this.budget.wouldExceed(this.roomId, this.queued, data.byteLength);
    if (over) {
      this.log.warn('dropping a client that is not reading', { room: this.roomId, user: this.identity.userId, queued: this.queued, limit: over });
      // Cut off, not closed: a close frame (1013) would only wait behind everything queued,
      // which is what must be freed. The client sees the connection drop, reconnects and
      // resyncs once it reads again.
      this.closed = true;
      this.ws.terminate();
      this.releaseAll();
      return;
    }
    this.lastSentAt = Date.now();
    const bytes = data.byteLength;
    this.queued += bytes;
    this.budget.add(this.roomId, bytes);
    this.ws.send(data, (err) => {
      // Called once the bytes are written to the kernel (or with an error when the socket has
      // gone, after which 'close' has released everything).
      if (this.queued >= bytes) {
        this.queued -= bytes;
        this.budget.release(this.roomId, bytes);
      }
      if (err) this.log.debug('send failed', { room: this.roomId, error: err.message });
    });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Reasons are limited to 123 bytes by the WebSocket protocol.
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
    }
    // A peer that never answers the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }
}
