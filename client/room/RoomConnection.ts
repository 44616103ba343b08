/**
 * Everything one open room needs, outside React: the room's single Y.Doc, the sync connection
 * to `/sync/:roomId`, the offline copy in IndexedDB, and presence (awareness). It also keeps a
 * small status snapshot (connecting / live / offline / closed, edits waiting) that components
 * read through `useSyncExternalStore`.
 *
 * One instance per open room, created and destroyed by `RoomProvider`.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { CloseCode, ORIGIN_NOT_ALLOWED_REASON, READ_ONLY_REASON, TERMINAL_CLOSE_CODES } from '../../shared/closeCodes.js';
import { PRESENCE_FIELD, colourFor, type PresenceUser } from '../../shared/doc/presence.js';
import { paths } from '../../shared/routes.js';
import { isRoomPending, offlineDatabaseName, rememberRoom, setRoomPending } from './offlineRegistry.js';

const MESSAGE_AUTH = 2;
const PERMISSION_DENIED = 0;

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'closed';

export interface RoomStatus {
  connection: ConnectionState;
  /** This session has received the server's copy at least once. */
  synced: boolean;
  /** The offline copy: loaded, still loading, or not available in this browser. */
  localCopy: 'loading' | 'ready' | 'unavailable';
  /** Edits made here that have not reached the server yet. */
  pendingEdits: number;
  /**
   * Why the server ended the connection for good (its close code and reason, and what to tell
   * the person); null while it may still reconnect.
   */
  closed: { code: number; reason: string; message: string } | null;
  /** The server said it drops this connection's edits (role lowered, room archived). */
  serverReadOnly: boolean;
}

export interface RoomConnectionOptions {
  roomId: string;
  title: string;
  user: { id: string; name: string; organisation: string };
  /** Base URL of the sync endpoint, e.g. `ws://localhost:8787/sync`. Defaults to this page's origin. */
  serverUrl?: string;
  /** Keep an offline copy in IndexedDB (default true). */
  offline?: boolean;
  /** Called when the server says the person's role changed, so the page can re-read it. */
  onPermissionChanged?: () => void;
}

/** Where this page was opened, and where the workspace is (PUBLIC_URL) once known. */
export interface PageAddress {
  pageOrigin: string;
  publicUrl: string | null;
}

/**
 * What a person is told when the server ends the connection for good.
 *
 * @example
 * closeMessage(4403, 'origin not allowed', { pageOrigin: 'http://10.0.0.5:8787', publicUrl: 'http://localhost:8787' })
 * // 'This page was opened at http://10.0.0.5:8787, but the workspace is at http://localhost:8787; open it there.'
 */
export function closeMessage(code: number, reason = '', address?: PageAddress): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'You have been signed out. Sign in again to carry on; edits made here so far are kept on this device.';
    case CloseCode.Forbidden:
      // Not a matter of access: the page's address is not one the workspace serves, so every
      // room would refuse it. Say where to go instead.
      if (reason === ORIGIN_NOT_ALLOWED_REASON) {
        const here = address ? `This page was opened at ${address.pageOrigin}` : 'This page was opened at an address the workspace does not serve';
        return address?.publicUrl
          ? `${here}, but the workspace is at ${address.publicUrl}; open it there.`
          : `${here}, which the workspace does not accept connections from; open it at the address your invitation or administrator gave you.`;
      }
      return 'You no longer have access to this room.';
    case CloseCode.NotFound:
      return 'This room does not exist any more.';
    case CloseCode.BadRequest:
      return 'This is not a valid room address.';
    case CloseCode.MessageTooBig:
      return 'A change was too large for the server to accept. Reload the page to continue.';
    default:
      return `The server closed the connection (code ${code}). Reload the page to continue.`;
  }
}

/**
 * True when edits made now would not reach the server, so the page should stop offering
 * them: the server said it drops them (read-only), or it ended the connection for good
 * (signed out, access removed, wrong address), after which nothing is sent until the person
 * acts ("Try again now", signing in again).
 */
export function refusesEdits(status: RoomStatus): boolean {
  return status.serverReadOnly || status.closed !== null;
}

export function defaultSyncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${paths.sync}`;
}

export class RoomConnection {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly roomId: string;
  readonly user: PresenceUser;

  private readonly provider: WebsocketProvider;
  private readonly local: IndexeddbPersistence | null = null;
  private readonly listeners = new Set<() => void>();
  private status: RoomStatus;
  private everConnected = false;
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private destroyed = false;

  constructor(private readonly options: RoomConnectionOptions) {
    this.roomId = options.roomId;
    this.user = { ...options.user, colour: colourFor(options.user.id) };
    const offline = options.offline ?? true;
    this.status = {
      connection: 'connecting',
      synced: false,
      localCopy: offline ? 'loading' : 'unavailable',
      // Edits left unsent when the room was last closed are in the offline copy and go out on
      // the first sync; count them until then.
      pendingEdits: offline && isRoomPending(options.user.id, options.roomId) ? 1 : 0,
      closed: null,
      serverReadOnly: false,
    };

    if (offline) {
      try {
        this.local = new IndexeddbPersistence(offlineDatabaseName(options.user.id, options.roomId), this.doc);
        rememberRoom(options.user.id, options.roomId, options.title);
        this.local.whenSynced.then(
          () => this.update({ localCopy: 'ready' }),
          () => this.update({ localCopy: 'unavailable' }),
        );
      } catch {
        // IndexedDB can be switched off (some private modes, locked-down browsers): work online only.
        this.status.localCopy = 'unavailable';
      }
    }

    this.provider = new WebsocketProvider(options.serverUrl ?? defaultSyncUrl(), options.roomId, this.doc, {
      // Cross-tab BroadcastChannel would bypass the server's access checks between tabs; the
      // server and IndexedDB already keep tabs in step.
      disableBc: true,
      shouldReconnect: (event) => {
        if (event.code === CloseCode.PermissionChanged) options.onPermissionChanged?.();
        return !TERMINAL_CLOSE_CODES.has(event.code);
      },
    });
    // The y-protocols auth message: the server says it will drop our edits from now on.
    this.provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) !== PERMISSION_DENIED) return;
      if (decoding.readVarString(decoder) !== READ_ONLY_REASON) return;
      this.update({ serverReadOnly: true });
      options.onPermissionChanged?.();
    };
    this.awareness = this.provider.awareness;
    this.awareness.setLocalStateField(PRESENCE_FIELD, this.user);

    this.provider.on('status', () => this.refreshConnection());
    this.provider.on('sync', () => this.refreshConnection());
    this.provider.on('connection-close', () => this.refreshConnection());
    this.provider.on('closed', ({ code, reason }) => {
      const address = { pageOrigin: location.origin, publicUrl: null };
      this.update({ connection: 'closed', closed: { code, reason, message: closeMessage(code, reason, address) } });
    });
    this.doc.on('update', this.onDocUpdate);
    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
    if (!navigator.onLine) this.onBrowserOffline();
  }

  getStatus = (): RoomStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Try to reconnect now (after a terminal close, or from an "offline" state). */
  reconnect(): void {
    if (this.destroyed) return;
    this.update({ closed: null, connection: 'connecting' });
    this.provider.connect();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    window.removeEventListener('offline', this.onBrowserOffline);
    window.removeEventListener('online', this.onBrowserOnline);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.doc.off('update', this.onDocUpdate);
    // Tell the others we left before the socket goes, so our presence disappears at once.
    this.awareness.setLocalState(null);
    this.provider.destroy();
    void this.local?.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  private update(patch: Partial<RoomStatus>): void {
    if (this.destroyed) return;
    const next = { ...this.status, ...patch };
    const changed = (Object.keys(patch) as (keyof RoomStatus)[]).some((key) => next[key] !== this.status[key]);
    if (!changed) return;
    const hadPending = this.status.pendingEdits > 0;
    this.status = next;
    if (hadPending !== next.pendingEdits > 0) setRoomPending(this.options.user.id, this.roomId, next.pendingEdits > 0);
    for (const listener of this.listeners) listener();
  }

  private refreshConnection(): void {
    if (this.status.connection === 'closed' && this.status.closed) return;
    const { wsconnected, synced } = this.provider;
    if (wsconnected) this.everConnected = true;
    // A new connection starts from the role the page knows; the server repeats itself if needed.
    if (!wsconnected && this.status.serverReadOnly) this.update({ serverReadOnly: false });
    let connection: ConnectionState;
    if (wsconnected && synced) connection = 'live';
    else if (!navigator.onLine) connection = 'offline';
    else if (wsconnected) connection = 'connecting';
    // A connection that has dropped, or that never got through, is "offline" while it retries.
    else connection = this.everConnected || this.provider.wsUnsuccessfulReconnects > 0 ? 'offline' : 'connecting';
    this.update({ connection, synced: this.status.synced || (wsconnected && synced) });
    if (connection === 'live' && this.status.pendingEdits > 0) this.watchFlush();
  }

  /**
   * After a reconnect the server's sync step 1 makes the provider send everything the server
   * lacks, before the provider reports `synced`. The edits count as delivered once the socket's
   * send buffer is empty.
   */
  private watchFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => {
      const ws = this.provider.ws;
      if (!this.provider.wsconnected || !this.provider.synced || !ws) return;
      if (ws.bufferedAmount > 0) return;
      if (this.flushTimer) clearInterval(this.flushTimer);
      this.flushTimer = null;
      this.update({ pendingEdits: 0 });
    }, 50);
  }

  private onDocUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Remote updates arrive with the provider or the IndexedDB store as origin; everything else
    // was made here.
    if (origin === this.provider || origin === this.local) return;
    if (this.status.connection === 'live') return;
    this.update({ pendingEdits: this.status.pendingEdits + 1 });
  };

  /**
   * The browser knows before the socket does: an open WebSocket can sit silent for the
   * provider's 30 s timeout when the network drops. Disconnect at once and say so.
   */
  private onBrowserOffline = (): void => {
    this.provider.disconnect();
    if (this.status.connection !== 'closed') this.update({ connection: 'offline' });
  };

  private onBrowserOnline = (): void => {
    if (this.status.connection === 'closed') return;
    this.provider.connect();
    this.refreshConnection();
  };
}
