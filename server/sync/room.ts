/**
 * One live room: its Y.Doc, its awareness and its connections. Every message for the room
 * runs through one serial queue, so the doc is only touched after the stored state has loaded
 * and an update is relayed only after it is durably stored.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { PRESENCE_FIELD, colourFor, type PresenceUser } from '../../shared/doc/presence.js';
import type { Logger } from '../logger.js';
import type { DocStore } from '../storage/types.js';
import { applyGuarded, dropPending, withoutKnown, type UpdateMeta } from '../ydoc/guard.js';
import { replayStoredDoc } from '../ydoc/replay.js';
import { AttributionLedger, RuleViolation, checkTransaction, typeRoots } from '../ydoc/rules.js';
import type { RoomKind } from '../../shared/api.js';
import { ROOM_KINDS_RULES, type RoomKindRules } from '../../shared/rooms/kinds.js';
import type { Connection } from './connection.js';
import type { RoomFeed } from './feed.js';
import {
  encodeAwareness,
  encodeAwarenessEntries,
  encodePermissionDenied,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  type IncomingMessage,
} from './messages.js';

/** Awareness ids one connection may speak for: a tab has one; a reconnect may briefly hold two. */
export const MAX_AWARENESS_IDS_PER_CONNECTION = 4;
/** All presence in one room together (30 states of 7 MB each were once kept and relayed). */
export const MAX_ROOM_AWARENESS_BYTES = 2 * 1024 * 1024;
/**
 * How long a room gathers presence changes before sending them to everyone, as one message.
 * Relayed one by one, 40 people moving cursors at 20 Hz cost 40 × 20 × 40 = 32,000 messages a
 * second and held edits up behind them (edit p99 223 ms); gathered, the room sends one message
 * a tick to each connection whatever the cursor rate: 40 × 25 a second. 40 ms is about two
 * frames, less than people notice in a moving cursor.
 */
export const AWARENESS_TICK_MS = 40;

/** The presence identity of a connection, from the account: never what the client says. */
function presenceOf(conn: Connection): PresenceUser {
  const { userId, presence } = conn.identity;
  return { id: userId, name: presence.name, organisation: presence.organisation, colour: colourFor(userId) };
}

/** The origin of changes the server itself makes; relayed to every connection. */
const SERVER_ORIGIN = Symbol('server');
/** The origin of changes another instance stored (the room's feed): relayed, not stored again. */
const REMOTE_ORIGIN = Symbol('remote');

/** An update that changes nothing (no structs, empty delete set) encodes as two zero bytes. */
const EMPTY_UPDATE_BYTES = 2;

export interface RoomLimits {
  compactAfterUpdates: number;
  compactAfterBytes: number;
}

type RoomState = 'loading' | 'ready' | 'failed' | 'closed';

export class Room {
  /**
   * The live doc. Replaced (never mutated back) when an update breaks it: read `room.doc`
   * each time rather than keeping a reference.
   */
  get doc(): Y.Doc {
    return this.current;
  }
  private current = new Y.Doc({ gc: true });
  /**
   * Awareness keeps a doc only for its client id and to follow its destruction; a doc of its
   * own lets the room swap its live doc without ending everyone's presence.
   */
  readonly awareness = new awarenessProtocol.Awareness(new Y.Doc());
  readonly connections = new Set<Connection>();
  state: RoomState = 'loading';
  /** Set by the registry while the room waits to be unloaded. */
  idleTimer: NodeJS.Timeout | undefined;

  private tail: Promise<void>;
  private logCount = 0;
  private logBytes = 0;
  /** Updates the doc emitted during the current apply, to store and then relay. */
  private emitted: { update: Uint8Array; origin: unknown }[] = [];
  /**
   * Who has written as each Yjs client id since the room loaded. A client id is one browser
   * tab's: another person writing past its clock would make Yjs drop that tab's own next edits
   * as already known. (After a restart the first writer claims it again.)
   */
  private readonly writers = new Map<number, string>();
  /** Which connection speaks for each awareness client id, so no one can forge another's. */
  private readonly awarenessOwners = new Map<number, Connection>();
  /** The JSON size of each presence state held, and their sum, to bound the room's presence. */
  private readonly awarenessSizes = new Map<number, number>();
  private awarenessBytes = 0;
  /** Awareness ids changed since the last tick: their state as it is then goes out at the next. */
  private readonly awarenessChanged = new Set<number>();
  /** The next tick, while changes wait for it; none while nothing changed or no one is here. */
  private awarenessTick: NodeJS.Timeout | undefined;
  /** The rules of the room's kind; known once a connection or the server says what the room is. */
  private rules: RoomKindRules | undefined;
  /** Attributions the doc has held, so writing one back (an undo) is not taken for a forgery. */
  private readonly ledger = new AttributionLedger();
  /** Attribution keys learned but not stored yet: they go with the room's next stored update. */
  private unstoredAttributions: string[] = [];
  /** The keys stored for this room, read once at its first load. */
  private storedAttributions: Promise<string[]> | undefined;
  /** Stops listening to the room's feed; set once the room listens. */
  private stopFeed: (() => void) | undefined;
  /**
   * Another instance changed the doc since the ledger last learned it: the attributions its
   * edits wrote are not known here yet (they are stored with them there). Learned again
   * before the next local edit is checked, never after it is applied (that would learn a
   * forgery as known).
   */
  private ledgerStale = false;
  /** Presence ids of this instance's clients changed since the last tick, for the feed. */
  private readonly awarenessToPublish = new Set<number>();

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
    /** What other instances do to this room (several processes on one database), if any. */
    private readonly feed?: RoomFeed,
  ) {
    // The server is not a participant: it must not show up in anyone's presence list.
    this.awareness.setLocalState(null);
    this.watch(this.current);
    this.awareness.on('update', this.gatherAwareness);
    // Load only after an unloading predecessor has stored everything, or this doc would miss it.
    this.tail = (previous ?? Promise.resolve())
      .then(() => this.load())
      .catch((error: unknown) => this.fail(error));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.emitted.push({ update, origin });
  };

  private watch(doc: Y.Doc): void {
    doc.on('update', this.onDocUpdate);
  }

  /** Replaces the live doc with one rebuilt from storage (which never holds a bad update). */
  private async load(): Promise<void> {
    const started = Date.now();
    // The feed's position before the load: what is stored after it is read from the feed too.
    const from = this.feed && !this.stopFeed ? await this.feed.position(this.id) : null;
    const stored = await this.store.loadDoc(this.id);
    this.storedAttributions ??= this.store.loadAttributions(this.id);
    this.ledger.add(await this.storedAttributions);
    const { doc, problems } = replayStoredDoc(stored);
    if (problems.length > 0) {
      // Bad updates stored before the update guard: the room opens without them.
      this.log.warn('left out stored updates that could not be applied', { room: this.id, problems });
    }
    this.current.off('update', this.onDocUpdate);
    this.current = doc;
    this.watch(doc);
    this.applyRules();
    this.emitted = [];
    this.logCount = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    if (this.state === 'loading') this.state = 'ready';
    if (from !== null && this.feed && this.state === 'ready') {
      this.stopFeed = this.feed.subscribe(this.id, from, {
        update: (update) => this.receiveRemote(update),
        awareness: (update) => this.receiveRemoteAwareness(update),
      });
    }
    this.log.debug('room loaded', { room: this.id, ms: Date.now() - started, logCount: this.logCount });
  }

  /**
   * An update another instance stored: applied and relayed to this instance's connections,
   * not stored again. It was checked by the instance its sender is connected to.
   */
  private receiveRemote(update: Uint8Array): void {
    void this.enqueue(async () => {
      this.emitted = [];
      try {
        Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
      } catch (error) {
        this.log.warn('an update from another instance failed to apply; reloading the room from storage', { room: this.id, error });
        await this.reload();
        return;
      }
      const changes = this.emitted;
      this.emitted = [];
      if (changes.length === 0) return;
      this.ledgerStale = true;
      for (const { update: change } of changes) {
        const message = encodeUpdate(change);
        for (const conn of this.connections) conn.send(message);
      }
    });
  }

  /** Presence of another instance's clients: held and sent on like any, never published back. */
  private receiveRemoteAwareness(update: Uint8Array): void {
    if (this.state !== 'ready') return;
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN);
    } catch (error) {
      this.log.warn('ignored a malformed presence update from another instance', { room: this.id, error });
    }
  }

  /**
   * After the feed was cut off (Redis restarted), updates published meanwhile never arrived:
   * reads what storage has that this doc lacks, and applies and relays it as if it had come.
   */
  catchUp(): void {
    void this.enqueue(async () => {
      const { doc } = replayStoredDoc(await this.store.loadDoc(this.id));
      try {
        const missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(this.doc));
        this.receiveRemote(missing);
      } finally {
        doc.destroy();
      }
    });
  }

  /**
   * Says what kind of room this is (the access policy knows it; a room the server opened for
   * its own change may learn it later). The rules then apply to every client's update.
   */
  setKind(kind: RoomKind): void {
    if (this.rules) return;
    this.rules = ROOM_KINDS_RULES[kind];
    void this.enqueue(() => this.applyRules());
  }

  /** Types the kind's roots in the live doc and learns the attributions it holds. */
  private applyRules(): void {
    if (!this.rules) return;
    try {
      typeRoots(this.doc, this.rules);
    } catch (error) {
      // A root stored with another type (written before the registry): checks see it untyped.
      this.log.warn('a root of the stored doc has another type than its kind says', { room: this.id, error });
    }
    this.unstoredAttributions.push(...this.ledger.learn(this.doc, this.rules));
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
      // received is stored even if its sender has gone. Not so after the sender broke the
      // protocol: nothing more from it is trusted.
      for (const message of messages) {
        if (conn.rejected) return;
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
        // Numbered before anything may drop it, as the client numbers every one it sends.
        conn.editMessages++;
        if (conn.readOnly) {
          this.log.debug('dropped an edit from a read-only connection', { room: this.id, user: conn.identity.userId });
          // Say so once, so a client that thought it could write stops offering edits instead
          // of piling up changes that will never be stored. (An empty step 2 is no edit.)
          if (!conn.toldReadOnly && message.update.length > EMPTY_UPDATE_BYTES) {
            conn.toldReadOnly = true;
            conn.send(encodePermissionDenied(conn.readOnly));
          }
          return;
        }
        await this.applyAndStore(conn, message.update, message.meta, message.type === 'sync-update');
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

  private async applyAndStore(conn: Connection, update: Uint8Array, meta: UpdateMeta, askAgainIfIncomplete: boolean): Promise<void> {
    this.emitted = [];
    if (this.ledgerStale && this.rules) {
      this.ledger.learn(this.doc, this.rules);
      this.ledgerStale = false;
    }
    const admitted = this.admit(conn, update, meta);
    if ('reason' in admitted) {
      this.log.warn('refused an update', { room: this.id, user: conn.identity.userId, reason: admitted.reason });
      this.reject(conn, 'update refused');
      return;
    }
    const rules = this.rules;
    const written: string[] = [];
    const applyError = applyGuarded(this.doc, admitted.update, conn, {
      checkPlacement: true,
      inspect: (transaction) => {
        if (!rules) return new RuleViolation('the room is not open for edits yet');
        const checked = checkTransaction(transaction, rules, conn.identity, this.ledger);
        if ('violation' in checked) return checked.violation;
        written.push(...checked.attributions);
        return null;
      },
    });
    if (applyError) {
      await this.recover(conn, applyError);
      return;
    }
    this.unstoredAttributions.push(...this.ledger.add(written));
    // The room's doc never keeps structs waiting for updates it lacks, so every struct in it
    // was checked against the doc when it integrated, and the sender of a failing update is
    // always the one at fault. (An edit made while read-only leaves the next ones waiting.)
    const complete = !dropPending(this.doc);
    if (!complete) {
      this.log.debug('dropped the part of an update that waits for updates the room lacks', { room: this.id });
      if (askAgainIfIncomplete) conn.send(encodeSyncStep1(this.doc));
    }
    // Claimed only where the doc moved on: structs dropped as waiting claim nothing.
    for (const [client, before] of admitted.extends) {
      if (Y.getState(this.doc.store, client) > before) this.writers.set(client, conn.identity.userId);
    }
    await this.storeAndRelay(conn.identity.userId);
    // Saved only now that it is stored, and only when none of it was left out: a dropped or
    // partly dropped edit is never acknowledged (shared/sync/saved.ts). One that held nothing
    // new is acknowledged too: the room already stored all of it.
    if (complete) conn.send(encodeSaved(conn.editMessages));
  }

  /**
   * Stores what the doc emitted during the last apply, then relays it to everyone but its
   * origin. Store before relaying: the queue holds every other message for this room until
   * the append resolves, so nobody can see state that a crash would lose.
   */
  private async storeAndRelay(userId: string | null): Promise<void> {
    const changes = this.emitted;
    this.emitted = [];
    for (const { update: change } of changes) {
      // The attributions learned since the last store go with the first update, in its
      // transaction: stored exactly when what wrote them is.
      const attributions = this.unstoredAttributions;
      this.unstoredAttributions = [];
      try {
        await this.store.appendUpdate(this.id, change, { userId, attributions });
      } catch (error) {
        this.unstoredAttributions.push(...attributions);
        throw error;
      }
      this.logCount++;
      this.logBytes += change.byteLength;
    }
    for (const { update: change, origin } of changes) {
      const message = encodeUpdate(change);
      for (const other of this.connections) if (other !== origin) other.send(message);
      this.feed?.publishUpdate(this.id, change);
    }
    if (changes.length > 0) this.onStored?.(this.id);
    if (this.logCount >= this.limits.compactAfterUpdates || this.logBytes >= this.limits.compactAfterBytes) {
      await this.compact();
    }
  }

  /**
   * Changes the doc as the server (restoring a version, moving data out of the doc), in the
   * room's queue like any client's edit: stored, then relayed to every connection. `userId` is
   * the account the change is made for, recorded with the stored update. Resolves with what
   * `change` returned once stored; rejects when the room could not take the change.
   */
  writeAsServer<T>(change: (doc: Y.Doc) => T, userId: string | null): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      void this.enqueue(async () => {
        this.emitted = [];
        let result!: T;
        try {
          this.doc.transact(() => {
            result = change(this.doc);
          }, SERVER_ORIGIN);
          // Attributions the server wrote (a restored version's) may be written back later.
          if (this.rules) this.unstoredAttributions.push(...this.ledger.learn(this.doc, this.rules));
        } catch (error) {
          // Part of the change may be in the doc: rebuild it from storage, which has none of it.
          await this.reload();
          done = true;
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        await this.storeAndRelay(userId);
        done = true;
        resolve(result);
      }).then(() => {
        if (!done) reject(new Error(`room ${this.id} is ${this.state}; the change was not made`));
      });
    });
  }

  /**
   * Checks which client ids an update writes past the doc's clock (with the clock each had),
   * and trims what the doc has. A client id is another person's when they have written as it
   * since the room loaded, or announce it as their presence now (a y-websocket tab's awareness
   * id is its doc's client id, and it is announced before its first edit).
   */
  private admit(
    conn: Connection,
    update: Uint8Array,
    meta: UpdateMeta,
  ): { update: Uint8Array; extends: [client: number, before: number][] } | { reason: string } {
    const extended: [number, number][] = [];
    const me = conn.identity.userId;
    for (const [client, end] of meta.to) {
      const state = Y.getState(this.doc.store, client);
      if (end <= state) continue;
      const writer = this.writers.get(client);
      const present = this.awarenessOwners.get(client)?.identity.userId;
      if ((writer !== undefined && writer !== me) || (present !== undefined && present !== me)) {
        return { reason: `writes as Yjs client ${client}, which is another person's` };
      }
      extended.push([client, state]);
    }
    return { update: withoutKnown(this.doc, update, meta), extends: extended };
  }

  /**
   * An update failed inside Yjs, or applied and broke the room's rules. The doc may hold part
   * of it (and an unfinished transaction), so it is thrown away: nothing of the failed apply
   * was stored or relayed, so storage holds exactly what everyone was sent. The room reloads
   * from storage and asks every client for what it lacks (sync step 1), so no honest edit is
   * lost, and carries on.
   */
  private async recover(sender: Connection, error: Error): Promise<void> {
    const refused = error instanceof RuleViolation;
    this.log.warn(refused ? 'refused an update that breaks the room’s rules; reloading the room' : 'an update failed inside Yjs; reloading the room from storage', {
      room: this.id,
      user: sender.identity.userId,
      error: refused ? error.message : error,
    });
    if (refused) {
      // Refused by the room's rules (a forged attribution, a root the sender may not write):
      // a policy violation, which a client should not retry.
      sender.rejected = true;
      sender.close(CloseCode.PolicyViolation, 'update refused: it breaks the room’s rules');
    } else {
      this.reject(sender, 'update could not be applied');
    }
    await this.reload();
  }

  /**
   * Throws the live doc away for the stored one, and asks every client still trusted for what
   * the room lacks (sync step 1), so no honest edit is lost.
   */
  private async reload(): Promise<void> {
    this.emitted = [];
    await this.load();
    for (const conn of this.connections) if (!conn.rejected) conn.send(encodeSyncStep1(this.doc));
  }

  /** Closes a connection that broke the protocol and ignores anything it already queued. */
  reject(conn: Connection, reason: string): void {
    conn.rejected = true;
    conn.close(CloseCode.ProtocolError, reason);
  }

  private applyAwareness(conn: Connection, message: Extract<IncomingMessage, { type: 'awareness' }>): void {
    // Queued before its socket closed but handled after it left: its presence is over, and
    // applying it would leave a ghost (and an owner entry) that nothing would ever remove.
    if (!this.connections.has(conn)) return;
    // Accepted entries with their states as JSON, written once: for the size, and to apply.
    const accepted: { clientID: number; clock: number; json: string }[] = [];
    let claimed = conn.controlledClients.size;
    for (const { clientID, clock, state } of message.entries) {
      // Stock y-websocket clients send every change they receive back to the server (ours do
      // not: client/room/ownAwareness.ts), so most entries are stale echoes of other people's
      // ids: no-ops, neither forgeries nor claims. An equal clock is one too, though
      // y-protocols would apply it as a removal when its state is null (that removed anyone's
      // presence for everyone): owners always move their clock on.
      const current = this.awareness.meta.get(clientID)?.clock;
      if (current !== undefined && clock <= current) continue;
      const owner = this.awarenessOwners.get(clientID);
      // The same person may take over their own id: a client that reconnects after a network
      // blip keeps its id while the server may not yet have noticed the old socket is dead.
      const sameOwner = owner === conn || owner?.identity.userId === conn.identity.userId;
      if (owner && !sameOwner) {
        this.log.warn('ignored an awareness entry for a client id owned by another person', { room: this.id, user: conn.identity.userId });
        continue;
      }
      if (state === null) {
        // Only its owner ends a presence (the server ends it when the owner leaves).
        if (owner) accepted.push({ clientID, clock, json: 'null' });
        continue;
      }
      if (typeof state !== 'object' || Array.isArray(state)) continue;
      if (owner !== conn) {
        if (claimed >= MAX_AWARENESS_IDS_PER_CONNECTION) {
          this.log.warn('ignored an awareness id over the per-connection limit', { room: this.id, user: conn.identity.userId });
          continue;
        }
        claimed++;
      }
      const json = JSON.stringify({ ...(state as Record<string, unknown>), [PRESENCE_FIELD]: presenceOf(conn) });
      if (this.awarenessBytes - (this.awarenessSizes.get(clientID) ?? 0) + json.length > MAX_ROOM_AWARENESS_BYTES) {
        this.log.warn('ignored an awareness state: the room holds all the presence it may', { room: this.id, user: conn.identity.userId });
        continue;
      }
      accepted.push({ clientID, clock, json });
    }
    if (accepted.length === 0) return;
    for (const { clientID, json } of accepted) {
      this.awarenessOwners.get(clientID)?.controlledClients.delete(clientID);
      this.forgetPresence(clientID);
      if (json !== 'null') {
        this.awarenessOwners.set(clientID, conn);
        conn.controlledClients.add(clientID);
        this.awarenessSizes.set(clientID, json.length);
        this.awarenessBytes += json.length;
      }
    }
    // Applied as re-encoded here, never as the client sent it: only the accepted entries, with
    // the identity the server stamped.
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), conn);
  }

  /** Forgets who owns an awareness id and the room presence it held. */
  private forgetPresence(clientID: number): void {
    this.awarenessOwners.delete(clientID);
    this.awarenessBytes -= this.awarenessSizes.get(clientID) ?? 0;
    this.awarenessSizes.delete(clientID);
  }

  /** Notes which ids changed (renewals and removals too), for the next tick to send. */
  private readonly gatherAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    for (const ids of [added, updated, removed]) {
      for (const id of ids) {
        this.awarenessChanged.add(id);
        // This instance's own clients' presence goes to the other instances too.
        if (this.feed && origin !== REMOTE_ORIGIN) this.awarenessToPublish.add(id);
      }
    }
    if (this.awarenessChanged.size === 0 || this.awarenessTick) return;
    if (this.connections.size === 0 && this.awarenessToPublish.size === 0) return;
    this.awarenessTick = setTimeout(this.sendAwareness, AWARENESS_TICK_MS);
    // Presence waiting to be sent is no reason to keep a process alive.
    this.awarenessTick.unref();
  };

  /**
   * Sends what changed since the last tick, one message to every connection. Each id goes with
   * its state and clock as they are now, not as they were at each change: a removal (null) and
   * a state set after it can never arrive in the wrong order, because only the latest is sent
   * and a later tick carries a later clock, which is what clients order presence by.
   */
  private readonly sendAwareness = (): void => {
    this.awarenessTick = undefined;
    const changed = [...this.awarenessChanged];
    this.awarenessChanged.clear();
    if (this.feed && this.awarenessToPublish.size > 0) {
      const own = [...this.awarenessToPublish];
      this.awarenessToPublish.clear();
      this.feed.publishAwareness(this.id, awarenessProtocol.encodeAwarenessUpdate(this.awareness, own));
    }
    if (changed.length === 0 || this.connections.size === 0) return;
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    // Echo to the sender too: it is how the reference server keeps quiet clients' sockets busy.
    for (const conn of this.connections) conn.send(message);
  };

  /** Drops presence changes no one is left to be sent, and the tick that would send them. */
  private stopAwarenessTicks(): void {
    clearTimeout(this.awarenessTick);
    this.awarenessTick = undefined;
    this.awarenessChanged.clear();
  }

  /** Removes a connection and its presence; returns true when the room is now empty. */
  leave(conn: Connection): boolean {
    if (!this.connections.delete(conn)) return this.connections.size === 0;
    const clients = [...conn.controlledClients];
    for (const id of clients) this.forgetPresence(id);
    if (clients.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, clients, 'disconnect');
    // A newcomer is sent the whole presence when it joins; nothing gathered before is owed to it.
    // The other instances are owed the removals, at once.
    if (this.connections.size === 0) {
      if (this.awarenessToPublish.size > 0) this.sendAwareness();
      this.stopAwarenessTicks();
    }
    return this.connections.size === 0;
  }

  private async compact(): Promise<void> {
    const started = Date.now();
    // Compaction runs in the queue after the appends of every applied update have resolved, so
    // the live doc holds exactly what was stored (plus, at most, structs still waiting for a
    // missing dependency, which are harmless in a snapshot): encoding it is the snapshot,
    // without the store rebuilding the doc from its log.
    await this.store.compactDoc(this.id, Y.encodeStateAsUpdate(this.doc));
    this.feed?.compacted(this.id);
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
    this.stopFeed?.();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.awareness.off('update', this.gatherAwareness);
    this.stopAwarenessTicks();
    this.awareness.destroy();
    this.current.off('update', this.onDocUpdate);
    this.current.destroy();
  }
}
