/**
 * One client's WebSocket, with what the room needs to know about it: who it is, whether it
 * may write, which awareness client ids it speaks for, and when it last heard from us.
 */
import WebSocket from 'ws';
import type { SiteRole } from '../../shared/roles.js';
import type { Logger } from '../logger.js';

/**
 * A client that cannot keep up (its socket buffer holds this much unsent data) is closed
 * rather than letting the server's memory grow without bound.
 */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

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

  constructor(
    readonly ws: WebSocket,
    readonly roomId: string,
    public identity: ConnectionIdentity,
    private readonly log: Logger,
  ) {
    ws.on('pong', () => {
      this.alive = true;
    });
  }

  /** Viewers and connections to archived rooms read but never write. */
  readOnly = false;
  /** The client has been told (permission denied: read-only) that its edits are dropped. */
  toldReadOnly = false;
  /** It broke the protocol: closed, and whatever it had queued is ignored. */
  rejected = false;

  send(data: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn('closing a client that cannot keep up', { room: this.roomId, user: this.identity.userId });
      this.close(1013, 'client too slow');
      return;
    }
    this.lastSentAt = Date.now();
    this.ws.send(data, (err) => {
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
