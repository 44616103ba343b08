/**
 * One live room: its Y.Doc, its awareness and its connections. Every message for the room
 * runs through one serial queue, so the doc is only touched after the stored state has loaded
 * and an update is relayed only after it is durably stored.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode, READ_ONLY_REASON } from '../../shared/closeCodes.js';
import type { Logger } from '../logger.js';
import type { DocStore } from '../storage/types.js';
import type { Connection } from './connection.js';
import {
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  type IncomingMessage,
} from './messages.js';

/** An update that changes nothing (no structs, empty delete set) encodes as two zero bytes. */
const EMPTY_UPDATE_BYTES = 2;

export interface RoomLimits {
  compactAfterUpdates: number;
  compactAfterBytes: number;
}

type RoomState = 'loading' | 'ready' | 'failed' | 'closed';

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  state: RoomState = 'loading';
  /** Set by the registry while the room waits to be unloaded. */
  idleTimer: NodeJS.Timeout | undefined;

  private tail: Promise<void>;
  private logCount = 0;
  private logBytes = 0;
  /** Updates the doc emitted during the current apply, to store and then relay. */
  private emitted: { update: Uint8Array; origin: unknown }[] = [];
  /** Which connection speaks for each awareness client id, so no one can forge another's. */
  private readonly awarenessOwners = new Map<number, Connection>();

  constructor(
    readonly id: string,
    private readonly store: DocStore,
    private readonly limits: RoomLimits,
    private readonly log: Logger,
    private readonly onFailure: (room: Room, error: unknown) => void,
    /** The previous incarnation of this room still finishing its last writes, if any. */
    previous?: Promise<void>,
    /** Called after changes to the doc were stored (not for loads or dropped edits). */
    private readonly onStored?: (roomId: string) => void,
  ) {
    // The server is not a participant: it must not show up in anyone's presence list.
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.emitted.push({ update, origin });
    });
    this.awareness.on('update', this.relayAwareness);
    // Load only after an unloading predecessor has stored everything, or this doc would miss it.
    this.tail = (previous ?? Promise.resolve())
      .then(() => this.load())
      .catch((error: unknown) => this.fail(error));
  }

  private async load(): Promise<void> {
    const started = Date.now();
    const stored = await this.store.loadDoc(this.id);
    Y.transact(
      this.doc,
      () => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
        for (const update of stored.updates) Y.applyUpdate(this.doc, update);
      },
      'load',
    );
    this.emitted = [];
    this.logCount = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    if (this.state === 'loading') this.state = 'ready';
    this.log.debug('room loaded', { room: this.id, ms: Date.now() - started, logCount: this.logCount });
  }

  /** Runs `task` after everything queued before it; a failure fails the whole room. */
  private enqueue(task: () => Promise<void> | void): Promise<void> {
    const run = async () => {
      if (this.state !== 'ready') return;
      await task();
    };
    this.tail = this.tail.then(run, () => undefined).catch((error: unknown) => this.fail(error));
    return this.tail;
  }

  private fail(error: unknown): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.log.error('room failed; closing its connections so clients resync from storage', {
      room: this.id,
      error,
    });
    for (const conn of this.connections) conn.close(CloseCode.InternalError, 'room failed on the server');
    this.onFailure(this, error);
  }

  join(conn: Connection): void {
    this.connections.add(conn);
    // Queued behind the load: the first sync step must describe the stored doc, or the client
    // would be told the doc is empty and upload everything it has (y-websocket server #81).
    void this.enqueue(() => {
      conn.send(encodeSyncStep1(this.doc));
      const states = [...this.awareness.getStates().keys()];
      if (states.length > 0) {
        conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
      }
    });
  }

  /**
   * Asks a connection for everything the room lacks (sync step 1), e.g. when it may write
   * again: the edits it made while read-only were dropped, and Yjs holds back every later edit
   * of that client until those arrive, so without this its edits would silently go nowhere.
   */
  resync(conn: Connection): void {
    void this.enqueue(() => conn.send(encodeSyncStep1(this.doc)));
  }

  /** Queues validated messages from one connection, preserving their order. */
  receive(conn: Connection, messages: IncomingMessage[]): void {
    void this.enqueue(async () => {
      // Messages that arrived before the socket closed are still handled: an edit the server
      // received is stored even if its sender has gone.
      for (const message of messages) {
        await this.handle(conn, message);
      }
    });
  }

  private async handle(conn: Connection, message: IncomingMessage): Promise<void> {
    switch (message.type) {
      case 'sync-step1':
        conn.send(encodeSyncStep2(this.doc, message.stateVector));
        return;
      case 'sync-step2':
      case 'sync-update':
        if (conn.readOnly) {
          this.log.debug('dropped an edit from a read-only connection', { room: this.id, user: conn.identity.userId });
          // Say so once, so a client that thought it could write stops offering edits instead
          // of piling up changes that will never be stored. (An empty step 2 is no edit.)
          if (!conn.toldReadOnly && message.update.length > EMPTY_UPDATE_BYTES) {
            conn.toldReadOnly = true;
            conn.send(encodePermissionDenied(READ_ONLY_REASON));
          }
          return;
        }
        await this.applyAndStore(conn, message.update);
        return;
      case 'awareness':
        this.applyAwareness(conn, message);
        return;
      case 'query-awareness':
        conn.send(
          encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])),
        );
        return;
      case 'auth':
        return;
    }
  }

  private async applyAndStore(conn: Connection, update: Uint8Array): Promise<void> {
    this.emitted = [];
    let applyError: unknown;
    try {
      Y.applyUpdate(this.doc, update, conn);
    } catch (error) {
      // The update decoded but could not be integrated. Whatever Yjs did integrate before
      // failing was emitted below and is stored like any other change, so the doc in memory
      // and the stored log never disagree.
      applyError = error;
    }
    const changes = this.emitted;
    this.emitted = [];
    // Store before relaying: the queue holds every other message for this room until the
    // append resolves, so nobody can see state that a crash would lose.
    for (const { update: change } of changes) {
      await this.store.appendUpdate(this.id, change);
      this.logCount++;
      this.logBytes += change.byteLength;
    }
    for (const { update: change, origin } of changes) {
      const message = encodeUpdate(change);
      for (const other of this.connections) if (other !== origin) other.send(message);
    }
    if (changes.length > 0) this.onStored?.(this.id);
    if (applyError) {
      this.log.warn('rejected an update that could not be applied', { room: this.id, error: applyError });
      conn.close(CloseCode.ProtocolError, 'update could not be applied');
    }
    if (this.logCount >= this.limits.compactAfterUpdates || this.logBytes >= this.limits.compactAfterBytes) {
      await this.compact();
    }
  }

  private applyAwareness(conn: Connection, message: Extract<IncomingMessage, { type: 'awareness' }>): void {
    // Queued before its socket closed but handled after it left: its presence is over, and
    // applying it would leave a ghost (and an owner entry) that nothing would ever remove.
    if (!this.connections.has(conn)) return;
    // y-websocket clients send every change they receive back to the server, so most entries
    // from other people's ids are stale echoes: no-ops, neither forgeries nor claims.
    const fresh = message.entries.filter(({ clientID, clock }) => {
      const current = this.awareness.meta.get(clientID)?.clock;
      return current === undefined || clock > current;
    });
    for (const { clientID } of fresh) {
      const owner = this.awarenessOwners.get(clientID);
      // The same person may take over their own id: a client that reconnects after a network
      // blip keeps its id while the server may not yet have noticed the old socket is dead.
      if (owner && owner !== conn && owner.identity.userId !== conn.identity.userId) {
        this.log.warn('ignored an awareness update for a client id owned by another person', {
          room: this.id,
          user: conn.identity.userId,
        });
        return;
      }
    }
    for (const { clientID, state } of fresh) {
      this.awarenessOwners.get(clientID)?.controlledClients.delete(clientID);
      if (state === null) {
        this.awarenessOwners.delete(clientID);
      } else {
        this.awarenessOwners.set(clientID, conn);
        conn.controlledClients.add(clientID);
      }
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, conn);
  }

  private readonly relayAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    // Echo to the sender too: it is how the reference server keeps quiet clients' sockets busy.
    for (const conn of this.connections) conn.send(message);
  };

  /** Removes a connection and its presence; returns true when the room is now empty. */
  leave(conn: Connection): boolean {
    if (!this.connections.delete(conn)) return this.connections.size === 0;
    const clients = [...conn.controlledClients];
    for (const id of clients) this.awarenessOwners.delete(id);
    if (clients.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, clients, 'disconnect');
    return this.connections.size === 0;
  }

  private async compact(): Promise<void> {
    const started = Date.now();
    // Compaction runs in the queue after the appends of every applied update have resolved, so
    // the live doc holds exactly what was stored (plus, at most, structs still waiting for a
    // missing dependency, which are harmless in a snapshot): encoding it is the snapshot,
    // without the store rebuilding the doc from its log.
    await this.store.compactDoc(this.id, Y.encodeStateAsUpdate(this.doc));
    this.log.debug('room compacted', { room: this.id, updates: this.logCount, bytes: this.logBytes, ms: Date.now() - started });
    this.logCount = 0;
    this.logBytes = 0;
  }

  /** Compacts what is left in the log (when the room is healthy) and frees the doc. */
  async close(): Promise<void> {
    await this.enqueue(async () => {
      if (this.logCount > 0) await this.compact();
    });
    this.state = 'closed';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.awareness.off('update', this.relayAwareness);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
