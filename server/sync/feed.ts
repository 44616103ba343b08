/**
 * How a room hears what other server processes did to it: the "feed" of a room. With one
 * process there is none (every edit arrives here). With several behind a load balancer, a room
 * open on two instances must see the edits and presence that reached the other one, and every
 * instance must hear of access changes made through another's API (`server/fanout/redis.ts`).
 *
 * The feed carries only what is already stored: an instance publishes an update after storage
 * has it, so a feed that loses messages (Redis restarting) loses nothing but time; rooms catch
 * up from storage when the feed comes back (`onReconnect`).
 */

/** Something every instance must act on, not tied to one room's doc. */
export type FeedEvent =
  /** Someone's access changed (role, sign-out, a room archived or locked): re-check their sockets, or everyone's. */
  | { type: 'access'; userId: string | null }
  /** Updates of a room were stored but could not be published: read the room from storage. */
  | { type: 'catch-up'; roomId: string };

export interface RoomFeedHandlers {
  /** An update another instance stored, in the order they stored them. */
  update(update: Uint8Array): void;
  /** A presence change (an awareness update) of clients connected to another instance. */
  awareness(update: Uint8Array): void;
}

export interface RoomFeed {
  /**
   * Where the room's feed stands now. Asked before the room loads from storage, then given to
   * `subscribe`: an update stored between the two is read twice (harmless: Yjs applies an update
   * once), never missed.
   */
  position(roomId: string): Promise<string>;
  /** Listens to the room from `from`; returns the function that stops listening. */
  subscribe(roomId: string, from: string, handlers: RoomFeedHandlers): () => void;
  /** Tells the other instances of an update this one has stored. Never throws. */
  publishUpdate(roomId: string, update: Uint8Array): void;
  /** Tells the other instances of presence changes of this one's clients. Never throws. */
  publishAwareness(roomId: string, update: Uint8Array): void;
  /** The room was compacted here: the feed may drop what storage now holds. */
  compacted(roomId: string): void;
  publishEvent(event: FeedEvent): void;
  onEvent(handler: (event: FeedEvent) => void): void;
  /** Called after the feed was cut off and came back: rooms catch up from storage. */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}
