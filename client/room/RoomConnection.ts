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
import {
  CloseCode,
  LOCKED_REASON,
  NOT_IN_WORKSHOP_REASON,
  ORIGIN_NOT_ALLOWED_REASON,
  READ_ONLY_REASON,
  TERMINAL_CLOSE_CODES,
  WORKSHOP_ENDED_REASON,
} from '../../shared/closeCodes.js';
import { AUTH_WRITABLE } from '../../shared/sync/writable.js';
import { PRESENCE_FIELD, colourFor, type PresenceUser } from '../../shared/doc/presence.js';
import { paths } from '../../shared/routes.js';
import {
  AUTH_PERMISSION_DENIED as PERMISSION_DENIED,
  AUTH_SAVED,
  MESSAGE_AUTH,
  readSaved,
  syncEditKind,
} from '../../shared/sync/saved.js';
import { isRoomPending, offlineDatabaseName, rememberRoom, setRoomPending } from './offlineRegistry.js';
import { sendOwnAwarenessOnly } from './ownAwareness.js';
import { SaveTracker } from './saveTracker.js';

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'closed';

export interface RoomStatus {
  connection: ConnectionState;
  /** This session has received the server's copy at least once. */
  synced: boolean;
  /** The offline copy: loaded, still loading, or not available in this browser. */
  localCopy: 'loading' | 'ready' | 'unavailable';
  /**
   * Edits made here (local transactions) that the server has not acknowledged storing yet,
   * counting edits left unsaved when the room was last closed as one.
   */
  pendingEdits: number;
  /** The server has acknowledged storing an edit made here since the room opened. */
  anySaved: boolean;
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
      if (reason === WORKSHOP_ENDED_REASON) return 'The workshop has ended, and your access as its guest with it. Thank you for taking part.';
      if (reason === NOT_IN_WORKSHOP_REASON) return 'As a guest you can open only your workshop and the maps and documents it works on.';
      return 'You no longer have access to this room.';
    case CloseCode.NotFound:
      return 'This room does not exist any more.';
    case CloseCode.BadRequest:
      return 'This is not a valid room address.';
    case CloseCode.PolicyViolation:
      return 'The server refused an edit made on this page: it broke the room’s rules (such as who may change what). Reload the page to carry on from the room as it is stored.';
    case CloseCode.MessageTooBig:
      return 'A change was too large for the server to accept. Reload the page to continue.';
    default:
      return `The server closed the connection (code ${code}). Reload the page to continue.`;
  }
}

/**
 * Whether the page reconnects after the server closed the connection with `code`: after a
 * restart or redeploy (1012, or 1001 from a proxy or an older server), a room that failed, or
 * "try again later", it does, and resyncs; after the codes that need the person to act (signed
 * out, no access, an edit refused) it stops and says why (`closeMessage`).
 *
 * @example
 * reconnectsAfter(CloseCode.ServiceRestart) // true: another instance takes over
 * reconnectsAfter(CloseCode.Unauthorized) // false: sign in again first
 */
export function reconnectsAfter(code: number): boolean {
  return !TERMINAL_CLOSE_CODES.has(code);
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
  private destroyed = false;
  /** Which edits made here the server has stored, from its "saved" acknowledgements. */
  private readonly saves = new SaveTracker();
  /**
   * The offline copy holds edits the server had not acknowledged when the room was last closed
   * (offline registry), and has not loaded yet: they count as one edit until it has.
   */
  private carriedOver: boolean;

  constructor(private readonly options: RoomConnectionOptions) {
    this.roomId = options.roomId;
    this.user = { ...options.user, colour: colourFor(options.user.id) };
    const offline = options.offline ?? true;
    this.carriedOver = offline && isRoomPending(options.user.id, options.roomId);
    this.status = {
      connection: 'connecting',
      synced: false,
      localCopy: offline ? 'loading' : 'unavailable',
      pendingEdits: this.carriedOver ? 1 : 0,
      anySaved: false,
      closed: null,
      serverReadOnly: false,
    };
    // Before the provider's listener: an edit is recorded before the provider sends it, so
    // the message it goes out in is known to carry it.
    this.doc.on('update', this.onDocUpdate);

    if (offline) {
      try {
        this.local = new IndexeddbPersistence(offlineDatabaseName(options.user.id, options.roomId), this.doc);
        rememberRoom(options.user.id, options.roomId, options.title);
        this.local.whenSynced.then(
          () => this.localCopyLoaded('ready'),
          () => this.localCopyLoaded('unavailable'),
        );
      } catch {
        // IndexedDB can be switched off (some private modes, locked-down browsers): work online only.
        this.status.localCopy = 'unavailable';
        this.status.pendingEdits = 0;
        this.carriedOver = false;
      }
    }

    this.provider = new WebsocketProvider(options.serverUrl ?? defaultSyncUrl(), options.roomId, this.doc, {
      // Cross-tab BroadcastChannel would bypass the server's access checks between tabs; the
      // server and IndexedDB already keep tabs in step.
      disableBc: true,
      WebSocketPolyfill: this.countingWebSocket(),
      shouldReconnect: (event) => {
        if (event.code === CloseCode.PermissionChanged) options.onPermissionChanged?.();
        return reconnectsAfter(event.code);
      },
    });
    // The y-protocols auth message: the server says it will drop our edits from now on.
    // Our "saved" acknowledgements come on the same channel (shared/sync/saved.ts).
    this.provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder, provider) => {
      const type = decoding.readVarUint(decoder);
      if (type === AUTH_SAVED) {
        if (this.saves.saved(provider.ws, readSaved(decoder))) this.refreshPending();
        return;
      }
      if (type === AUTH_WRITABLE) {
        // Unlocked, restored or given a role that writes: the page re-reads the room and role.
        this.update({ serverReadOnly: false });
        options.onPermissionChanged?.();
        return;
      }
      if (type !== PERMISSION_DENIED) return;
      const reason = decoding.readVarString(decoder);
      if (reason !== READ_ONLY_REASON && reason !== LOCKED_REASON) return;
      this.update({ serverReadOnly: true });
      options.onPermissionChanged?.();
    };
    this.awareness = this.provider.awareness;
    // The provider would send everyone's presence it receives back to the server; the server
    // has it already. Our own state set to null (destroy) is still sent, so others see us leave.
    sendOwnAwarenessOnly(this.provider);
    this.awareness.setLocalStateField(PRESENCE_FIELD, this.user);

    this.provider.on('status', () => this.refreshConnection());
    this.provider.on('sync', () => this.refreshConnection());
    this.provider.on('connection-close', () => this.refreshConnection());
    this.provider.on('closed', ({ code, reason }) => {
      // The server refused an edit made here: this device's copy holds it, and would offer it
      // again on every visit. Forget the copy; the room as stored is loaded on reload.
      if (code === CloseCode.PolicyViolation) void this.local?.clearData();
      const address = { pageOrigin: location.origin, publicUrl: null };
      this.update({ connection: 'closed', closed: { code, reason, message: closeMessage(code, reason, address) } });
    });
    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
    if (!navigator.onLine) this.onBrowserOffline();
  }

  getStatus = (): RoomStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Resolves once the server has acknowledged storing every edit made here (or after
   * `timeoutMs`, when it cannot: offline, closed). A request that acts on the room as the
   * server holds it (save a version, start a round) waits for this first, so what someone has
   * just typed is in it: the request goes over HTTP and could overtake edits on the socket.
   */
  whenSaved(timeoutMs = 5000): Promise<boolean> {
    if (this.status.pendingEdits === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (saved: boolean) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(saved);
      };
      const check = () => {
        if (this.status.pendingEdits === 0) done(true);
        else if (this.status.connection === 'closed') done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.listeners.add(check);
    });
  }

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
  }

  /**
   * The browser's WebSocket, numbering the sync edit messages the provider sends on it as the
   * server numbers them, so its "saved" acknowledgements can be matched to edits.
   */
  private countingWebSocket(): typeof WebSocket {
    const saves = this.saves;
    return class CountingWebSocket extends WebSocket {
      override send(data: Parameters<WebSocket['send']>[0]): void {
        const kind = data instanceof Uint8Array ? syncEditKind(data) : null;
        // A socket not open sends nothing (or throws), so the server counts nothing either.
        if (kind && this.readyState === WebSocket.OPEN) saves.sent(this, kind);
        super.send(data);
      }
    };
  }

  private refreshPending(): void {
    this.update({ pendingEdits: this.saves.count + (this.carriedOver ? 1 : 0), anySaved: this.saves.anySaved });
  }

  private localCopyLoaded(localCopy: 'ready' | 'unavailable'): void {
    // Loading it brought in the carried-over edits (counted as an edit then), or nothing the
    // doc lacked: either way they no longer count apart.
    this.carriedOver = false;
    this.update({ localCopy });
    this.refreshPending();
  }

  private onDocUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Remote updates arrive with the provider or the IndexedDB store as origin; everything else
    // was made here. The offline copy's first load is an edit when it held unsaved ones: the
    // provider sends it on at once if connected, or the next sync step 2 carries it.
    const fromLocalCopy = this.local !== null && origin === this.local;
    if (fromLocalCopy && this.carriedOver) {
      this.carriedOver = false;
      this.saves.edit();
    } else if (fromLocalCopy || origin === this.provider) {
      this.saves.notEdit();
      return;
    } else {
      this.saves.edit();
    }
    this.refreshPending();
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
