/**
 * The sync endpoint: accepts WebSocket upgrades on `/sync/:roomId`, authorises them, and keeps
 * the registry of live rooms (load on first join, unload when the last client has left).
 * This and `connection.ts` are the only server modules that know about WebSockets.
 */
import type { IncomingMessage as HttpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as Y from 'yjs';
import type { RoomKind } from '../../shared/api.js';
import { CloseCode, type ReadOnlyReason } from '../../shared/closeCodes.js';
import { isRoomId } from '../../shared/ids.js';
import { SYNC_PREFIX } from '../../shared/routes.js';
import { encodeWritable } from '../../shared/sync/writable.js';
import type { Logger } from '../logger.js';
import type { DocStore } from '../storage/types.js';
import { Connection, type ConnectionIdentity } from './connection.js';
import { KEEPALIVE_MESSAGE, ProtocolViolation, encodePermissionDenied, parseFrame } from './messages.js';
import { Room, type RoomLimits } from './room.js';
import type { RoomFeed } from './feed.js';
import { SendBudget, type SendLimits } from './sendBudget.js';

/** What the access policy decides about one connection. */
export type SyncAccess =
  | {
      ok: true;
      identity: ConnectionIdentity;
      /** What the room is, for its rules. */
      kind: RoomKind;
      /** Why the server drops this connection's edits, or null when it may write. */
      readOnly: ReadOnlyReason | null;
    }
  | { ok: false; code: CloseCode; reason: string };

/** The authorisation policy, supplied by the app so sync knows nothing of sessions or sites. */
export interface SyncAccessPolicy {
  /** Decides whether the upgrade request may join `roomId`. */
  authorize(request: HttpRequest, roomId: string): Promise<SyncAccess>;
  /** Re-checks a live connection (session revoked? role changed?). */
  recheck(identity: ConnectionIdentity, roomId: string): Promise<SyncAccess>;
}

/** Connections re-checked between pauses that let queued sync messages run. */
const RECHECK_BATCH = 20;

export interface SyncServerOptions extends RoomLimits {
  store: DocStore;
  access: SyncAccessPolicy;
  log: Logger;
  maxMessageBytes: number;
  roomIdleMs: number;
  keepaliveMs: number;
  permissionRecheckMs: number;
  /** Bytes that may wait for slow readers, per connection, room and process. */
  sendLimits: SendLimits;
  /** Sockets (open or being authorised) one address may hold; more are refused with 1013. */
  maxConnectionsPerAddress: number;
  /** The client's address for that limit (the proxy's header only behind a trusted proxy). */
  addressOf?: (request: HttpRequest) => string;
  /**
   * Called after a room's doc changed and the change was stored, e.g. to re-index it for
   * search. It runs on the sync path: schedule work, do not do it here.
   */
  onDocChanged?: (roomId: string) => void;
  /** A person's connection to a room was accepted (a workshop counts who came). */
  onJoin?: (roomId: string, kind: RoomKind, userId: string) => void;
  /**
   * What other server processes do (several instances on one database, `REDIS_URL`): their
   * rooms' updates and presence, and access changes made through their API.
   */
  feed?: RoomFeed;
}

export class SyncServer {
  private readonly wss: WebSocketServer;
  private readonly rooms = new Map<string, Room>();
  /** Rooms removed from `rooms` whose final writes and compaction are still running. */
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closing = false;
  readonly budget: SendBudget;
  /** Sockets per client address, counted from the upgrade request until the socket closes. */
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly options: SyncServerOptions) {
    this.budget = new SendBudget(options.sendLimits);
    this.wss = new WebSocketServer({
      noServer: true,
      // ws closes a connection whose frame exceeds this with 1009 before buffering it whole.
      maxPayload: options.maxMessageBytes,
      // Yjs updates are already compact; deflate would cost CPU and memory per socket.
      perMessageDeflate: false,
    });
    if (options.feed) {
      const feed = options.feed;
      // Another instance changed someone's access: their sockets here are re-checked at once.
      feed.onEvent((event) => {
        if (event.type === 'access') void (event.userId ? this.refreshUser(event.userId) : this.recheckAll());
        else if (event.type === 'catch-up') this.rooms.get(event.roomId)?.catchUp();
      });
      // Whatever was published while the feed was cut off is in storage: rooms read it from there.
      feed.onReconnect(() => {
        this.options.log.info('the room feed is back; rooms catch up from storage', { rooms: this.rooms.size });
        for (const room of this.rooms.values()) room.catchUp();
      });
    }
    this.timers.push(setInterval(() => this.keepalive(), options.keepaliveMs));
    this.timers.push(setInterval(() => void this.recheckAll(), options.permissionRecheckMs));
    for (const t of this.timers) t.unref();
  }

  /** Numbers for `/api/health`. */
  stats(): { rooms: number; connections: number; queuedBytes: number } {
    let connections = 0;
    for (const room of this.rooms.values()) connections += room.connections.size;
    return { rooms: this.rooms.size, connections, queuedBytes: this.budget.queued };
  }

  /** Counts a socket against its address; false when the address already has its share. */
  private claimAddress(address: string): boolean {
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.options.maxConnectionsPerAddress) return false;
    this.perAddress.set(address, count + 1);
    return true;
  }

  private releaseAddress(address: string): void {
    const count = (this.perAddress.get(address) ?? 1) - 1;
    if (count > 0) this.perAddress.set(address, count);
    else this.perAddress.delete(address);
  }

  /**
   * The doc of a room that is loaded and healthy right now, for readers that would otherwise
   * rebuild it from storage. Read it synchronously; it is the live doc.
   */
  liveDoc(roomId: string): Y.Doc | undefined {
    const room = this.rooms.get(roomId);
    return room?.state === 'ready' ? room.doc : undefined;
  }

  /**
   * Changes a room's doc as the server (a version restored, data moved out of the doc): in the
   * room's queue, stored, then relayed to everyone in it. A room nobody has open is loaded for
   * the change and unloaded again when idle.
   */
  async writeAsServer<T>(roomId: string, change: (doc: Y.Doc) => T, userId: string | null): Promise<T> {
    const room = this.roomFor(roomId);
    try {
      return await room.writeAsServer(change, userId);
    } finally {
      if (room.connections.size === 0 && !room.idleTimer && this.rooms.get(roomId) === room) this.scheduleUnload(room);
    }
  }

  /** True when the request is for the sync endpoint (other upgrades are not ours). */
  handles(request: HttpRequest): boolean {
    const path = (request.url ?? '').split('?')[0]!;
    return path === SYNC_PREFIX || path.startsWith(`${SYNC_PREFIX}/`);
  }

  /** Handles an HTTP upgrade for `/sync/:roomId`. */
  handleUpgrade(request: HttpRequest, socket: Duplex, head: Buffer): void {
    const log = this.options.log;
    socket.on('error', (err) => log.debug('upgrade socket error', { error: err.message }));
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const address = this.options.addressOf?.(request) ?? request.socket.remoteAddress ?? 'unknown';
    if (!this.claimAddress(address)) {
      log.warn('refused a sync connection: too many from one address', { address });
      this.wss.handleUpgrade(request, socket, head, (ws) => ws.close(CloseCode.TryAgainLater, 'too many connections from your address'));
      return;
    }
    // Counted until the socket is gone, whether it is refused, fails the upgrade or closes.
    socket.once('close', () => this.releaseAddress(address));
    const url = new URL(request.url ?? '/', 'http://placeholder');
    let roomId = '';
    try {
      roomId = decodeURIComponent(url.pathname.slice(SYNC_PREFIX.length + 1));
    } catch {
      roomId = '';
    }
    const decided: Promise<SyncAccess> = isRoomId(roomId)
      ? this.options.access.authorize(request, roomId).catch((error: unknown) => {
          log.error('authorising a sync connection failed', { error });
          return { ok: false, code: CloseCode.InternalError, reason: 'server error' };
        })
      : Promise.resolve({ ok: false, code: CloseCode.BadRequest, reason: 'not a room id' });

    void decided.then((access) => {
      if (socket.destroyed) return;
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        if (!access.ok) {
          log.info('sync connection refused', { room: roomId, code: access.code, reason: access.reason });
          ws.send(encodePermissionDenied(access.reason));
          ws.close(access.code, access.reason);
          return;
        }
        this.attach(ws, roomId, access);
      });
    });
  }

  private attach(ws: WebSocket, roomId: string, { identity, kind, readOnly }: Extract<SyncAccess, { ok: true }>): void {
    const log = this.options.log.child({ room: roomId, user: identity.userId });
    const conn = new Connection(ws, roomId, identity, log, this.budget);
    conn.readOnly = readOnly;
    const room = this.roomFor(roomId);
    room.setKind(kind);
    this.options.onJoin?.(roomId, kind, identity.userId);
    // Listeners go on before anything async, or the client's first messages would be lost.
    ws.on('message', (data, isBinary) => {
      if (conn.closed) return;
      if (!isBinary) {
        log.warn('closing a connection that sent a text frame');
        conn.close(CloseCode.UnsupportedData, 'binary frames only');
        return;
      }
      const bytes = toBytes(data);
      let messages;
      try {
        messages = parseFrame(bytes);
      } catch (error) {
        if (!(error instanceof ProtocolViolation)) throw error;
        log.warn('closing a connection that sent a malformed frame', { reason: error.message, bytes: bytes.byteLength });
        room.reject(conn, 'malformed message');
        return;
      }
      room.receive(conn, messages);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws reports an over-size frame here and closes with 1009 itself.
      log.warn('sync socket error', { error: err.message, code: err.code });
    });
    ws.on('close', (code) => {
      conn.closed = true;
      log.debug('sync connection closed', { code });
      if (room.leave(conn)) this.scheduleUnload(room);
    });
    if (room.idleTimer) {
      clearTimeout(room.idleTimer);
      room.idleTimer = undefined;
    }
    room.join(conn);
    log.debug('sync connection opened', { role: identity.role, readOnly });
  }

  private roomFor(roomId: string): Room {
    const existing = this.rooms.get(roomId);
    if (existing) return existing;
    const room = new Room(
      roomId,
      this.options.store,
      this.options,
      this.options.log.child({ room: roomId }),
      (r) => {
        // A failed room is forgotten so the next connection loads it afresh from storage.
        if (this.rooms.get(r.id) === r) this.rooms.delete(r.id);
      },
      this.unloading.get(roomId),
      this.options.onDocChanged,
      this.options.feed,
    );
    this.rooms.set(roomId, room);
    return room;
  }

  private scheduleUnload(room: Room): void {
    if (room.idleTimer) clearTimeout(room.idleTimer);
    room.idleTimer = setTimeout(() => {
      room.idleTimer = undefined;
      if (room.connections.size > 0 || this.rooms.get(room.id) !== room) return;
      this.rooms.delete(room.id);
      const closed = room
        .close()
        .catch((error: unknown) => this.options.log.error('closing a room failed', { room: room.id, error }))
        .finally(() => {
          if (this.unloading.get(room.id) === closed) this.unloading.delete(room.id);
        });
      this.unloading.set(room.id, closed);
    }, this.options.roomIdleMs);
    room.idleTimer.unref();
  }

  private *connections(): Iterable<Connection> {
    for (const room of this.rooms.values()) yield* room.connections;
  }

  private keepalive(): void {
    const now = Date.now();
    for (const conn of this.connections()) {
      if (!conn.alive) {
        this.options.log.info('dropping a connection that stopped answering pings', { room: conn.roomId });
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
      // y-websocket clients reconnect after 30 s without a message (pings do not count).
      if (now - conn.lastSentAt >= this.options.keepaliveMs) conn.send(KEEPALIVE_MESSAGE);
    }
  }

  /** Re-checks every live connection; also called when the app changes someone's access. */
  async recheckAll(filter?: (identity: ConnectionIdentity) => boolean): Promise<void> {
    let checked = 0;
    for (const conn of [...this.connections()]) {
      if (conn.closed || (filter && !filter(conn.identity))) continue;
      // With SQLite the policy answers synchronously, so without a pause the whole sweep would
      // run as one block (tens of µs a connection) and hold up every room's sync traffic.
      if (++checked % RECHECK_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      let access: SyncAccess;
      try {
        access = await this.options.access.recheck(conn.identity, conn.roomId);
      } catch (error) {
        this.options.log.error('re-checking a connection failed', { error });
        continue;
      }
      if (!access.ok) {
        this.options.log.info('closing a connection whose access ended', { room: conn.roomId, reason: access.reason });
        conn.close(access.code === CloseCode.Unauthorized ? CloseCode.Unauthorized : CloseCode.PermissionChanged, access.reason);
      } else {
        const wasReadOnly = conn.readOnly;
        conn.identity = access.identity;
        conn.readOnly = access.readOnly;
        if (wasReadOnly && !access.readOnly) {
          conn.toldReadOnly = false;
          // Say so, so the page offers edits again without reconnecting.
          conn.send(encodeWritable());
          this.rooms.get(conn.roomId)?.resync(conn);
        } else if (access.readOnly && wasReadOnly !== access.readOnly) {
          // Still reading live, but no longer writing (or no longer for the same reason: a
          // locked room archived): tell the client now, before it edits.
          conn.toldReadOnly = true;
          conn.send(encodePermissionDenied(access.readOnly));
        }
      }
    }
  }

  /** Re-checks the connections of one person at once (after a role change or sign-out). */
  refreshUser(userId: string): Promise<void> {
    return this.recheckAll((identity) => identity.userId === userId);
  }

  /**
   * Someone's access changed (or, without `userId`, anyone's: a room archived or locked):
   * re-checks the connections here, and tells the other instances to do the same with theirs.
   */
  accessChanged(userId?: string): Promise<void> {
    this.options.feed?.publishEvent({ type: 'access', userId: userId ?? null });
    return userId ? this.refreshUser(userId) : this.recheckAll();
  }

  /**
   * Shuts sync down for a restart or redeploy: takes no new sockets, stops reading the open
   * ones, lets every room store what it has queued (and tell its clients it is saved), then
   * closes every socket with 1012 so the clients reconnect: to another instance behind the
   * load balancer, or to this one when it is back.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    // Upgrades still being authorised are refused (503) when they complete, as new ones are.
    const wssClosed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // Nothing more is read: an edit arriving now might miss its room's last write, and the
    // client sends what the server lacks when it resyncs after reconnecting. Edits already
    // read are in their rooms' queues, which the rooms finish before they close.
    for (const ws of this.wss.clients) ws.pause();
    const closeRooms = async () => {
      const rooms = [...this.rooms.values()];
      this.rooms.clear();
      await Promise.all([...rooms.map((room) => room.close().catch(() => undefined)), ...this.unloading.values()]);
    };
    await closeRooms();
    await this.closeAll(CloseCode.ServiceRestart, 'server restarting');
    // Rooms opened meanwhile for a change the server made (a request still running).
    await closeRooms();
    await wssClosed;
  }

  /**
   * Closes every sync socket with `code` and waits for the clients to answer (at most
   * `graceMs`), then cuts off the rest: a close frame queued behind a slow reader's backlog
   * may never be read.
   */
  async closeAll(code: CloseCode, reason: string, graceMs = 2000): Promise<void> {
    const sockets = [...this.wss.clients];
    const answered = Promise.all(
      sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise<void>((resolve) => ws.once('close', () => resolve())))),
    );
    for (const ws of sockets) {
      ws.close(code, reason);
      // A paused socket would never read the client's close frame that completes the close.
      ws.resume();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([answered, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

