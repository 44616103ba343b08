/**
 * The room feed on Redis (`REDIS_URL`), for several server processes sharing one database.
 *
 * Updates go through a Redis Stream per room (`slw:<schema>:room:<id>`), as y-redis does, not plain
 * pub/sub: an instance that loads a room notes the stream's last id first, loads from storage,
 * then reads the stream from that id, so no update falls between loading and listening; and a
 * reader that falls behind reads on from where it was. Entries are trimmed by age once the room
 * is compacted (storage has them), and capped in number.
 *
 * Presence and events are ephemeral, so they use pub/sub: a missed cursor move is replaced by
 * the next one within 40 ms, and access is re-checked on a timer anyway.
 *
 * Three connections: commands (publishing), one blocking reader of every subscribed stream
 * (woken with CLIENT UNBLOCK when rooms come and go) and one pub/sub subscriber. Each message
 * names the instance that sent it, which ignores its own.
 */
import { Redis } from 'ioredis';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../logger.js';
import type { FeedEvent, RoomFeed, RoomFeedHandlers } from '../sync/feed.js';

/** Keys and channels of one deployment: deployments sharing a Redis (one per schema) never hear each other. */
const keysOf = (namespace: string) => ({
  stream: (roomId: string) => `slw:${namespace}:room:${roomId}`,
  streamPrefix: `slw:${namespace}:room:`,
  awareness: `slw:${namespace}:awareness`,
  events: `slw:${namespace}:events`,
});
/** An upper bound per room stream; compaction trims sooner. */
const STREAM_MAX = 10_000;
/** How long stream entries are kept after a compaction, for instances loading the room now. */
const KEEP_AFTER_COMPACTION_MS = 5 * 60_000;
/** How long one blocking read waits before looking again at which rooms to read. */
const BLOCK_MS = 5_000;
/** Updates kept to publish again after an outage; past this, rooms are caught up from storage. */
const UNSENT_MAX = 50_000;

interface Subscription {
  roomId: string;
  from: string;
  handlers: RoomFeedHandlers;
}

export interface RedisFeedOptions {
  url: string;
  log: Logger;
  /** The deployment's name in Redis (its database schema): instances of one deployment share it. */
  namespace?: string;
}

/**
 * Connects the three connections; resolves once the reader knows its client id.
 *
 * @example
 * const feed = await openRedisFeed({ url: 'redis://127.0.0.1:6379', log })
 */
export async function openRedisFeed(options: RedisFeedOptions): Promise<RoomFeed> {
  const instance = newId(12);
  const log = options.log;
  const keys = keysOf(options.namespace ?? 'public');
  const STREAM = keys.stream;
  const AWARENESS_CHANNEL = keys.awareness;
  const EVENT_CHANNEL = keys.events;
  // Commands fail at once while Redis is away rather than queueing without bound: the updates
  // are in storage, and rooms catch up from it when Redis is back.
  const common = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
  const commands = new Redis(options.url, { ...common, enableOfflineQueue: false });
  const reader = new Redis(options.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
  for (const [name, conn] of [['commands', commands], ['reader', reader], ['subscriber', subscriber]] as const) {
    conn.on('error', (error: Error) => log.warn('redis connection error', { connection: name, error: error.message }));
  }
  await Promise.all([commands.connect(), reader.connect(), subscriber.connect()]);

  const subscriptions = new Map<string, Set<Subscription>>();
  const eventHandlers: ((event: FeedEvent) => void)[] = [];
  const reconnectHandlers: (() => void)[] = [];
  let readerId = Number(await reader.client('ID'));
  let closed = false;
  let wake: (() => void) | null = null;

  /**
   * Updates whose publishing failed while Redis was away, oldest first: published again when
   * it is back (an update applied twice changes nothing). Bounded: past the bound the rooms are
   * noted instead, and the other instances are told to read those rooms from storage.
   */
  const unsent: { roomId: string; update: Uint8Array }[] = [];
  const overflowed = new Set<string>();

  const xadd = (roomId: string, update: Uint8Array) =>
    commands.xadd(STREAM(roomId), 'MAXLEN', '~', STREAM_MAX, '*', 'i', instance, 'u', Buffer.from(update.buffer, update.byteOffset, update.byteLength));

  // Back after a cut: what this instance failed to publish goes out now.
  commands.on('ready', () => {
    const waiting = unsent.splice(0);
    for (const { roomId, update } of waiting) {
      xadd(roomId, update).catch(() => {
        unsent.push({ roomId, update });
      });
    }
    for (const roomId of overflowed) publishEvent({ type: 'catch-up', roomId });
    overflowed.clear();
  });
  // The reader back after a cut: a Redis that restarted has lost entries not read yet, and
  // storage has them all. Rooms catch up from it.
  let readerReady = true;
  reader.on('close', () => (readerReady = false));
  reader.on('ready', () => {
    void reader.client('ID').then((id) => (readerId = Number(id)), () => undefined);
    if (readerReady) return;
    readerReady = true;
    for (const handler of reconnectHandlers) handler();
  });

  function publishEvent(event: FeedEvent): void {
    commands.publish(EVENT_CHANNEL, JSON.stringify({ from: instance, event })).catch((error: Error) =>
      log.warn('publishing an event to redis failed', { error: error.message }),
    );
  }

  await subscriber.subscribe(AWARENESS_CHANNEL, EVENT_CHANNEL);
  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    try {
      const name = channel.toString();
      if (name === EVENT_CHANNEL) {
        const { from, event } = JSON.parse(message.toString()) as { from: string; event: FeedEvent };
        if (from !== instance) for (const handler of eventHandlers) handler(event);
        return;
      }
      // <instance id (12 bytes)><room id length (1 byte)><room id><awareness update>
      const from = message.subarray(0, 12).toString();
      if (from === instance) return;
      const length = message[12]!;
      const roomId = message.subarray(13, 13 + length).toString();
      const update = new Uint8Array(message.subarray(13 + length));
      for (const sub of subscriptions.get(roomId) ?? []) sub.handlers.awareness(update);
    } catch (error) {
      log.warn('ignored a malformed message from redis', { error });
    }
  });

  const interrupt = () => {
    wake?.();
    // A blocking read holds the reader: end it so the next read covers the new set of rooms.
    commands.client('UNBLOCK', readerId).catch(() => undefined);
  };

  async function readLoop(): Promise<void> {
    while (!closed) {
      const rooms = [...subscriptions.keys()];
      if (rooms.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      const positions = rooms.map((roomId) => {
        // Every subscriber of a room shares the furthest-behind position; new ones start where asked.
        const subs = [...subscriptions.get(roomId)!];
        return subs.reduce((min, s) => (compareIds(s.from, min) < 0 ? s.from : min), subs[0]!.from);
      });
      let result: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        result = (await reader.xreadBuffer('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', ...rooms.map(STREAM), ...positions)) as typeof result;
      } catch (error) {
        if (closed) return;
        log.warn('reading room streams from redis failed; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [key, entries] of result ?? []) {
        const roomId = key.toString().slice(keys.streamPrefix.length);
        for (const [idBuffer, fields] of entries) {
          const id = idBuffer.toString();
          const values = fieldsOf(fields);
          for (const sub of subscriptions.get(roomId) ?? []) {
            if (compareIds(id, sub.from) <= 0) continue;
            sub.from = id;
            if (values.i !== instance && values.u) sub.handlers.update(new Uint8Array(values.u));
          }
        }
      }
    }
  }
  void readLoop();

  return {
    async position(roomId) {
      try {
        const last = (await commands.xrevrange(STREAM(roomId), '+', '-', 'COUNT', 1)) as [string, string[]][];
        return last[0]?.[0] ?? '0-0';
      } catch (error) {
        // Without Redis the room still loads; it catches up when the feed comes back.
        log.warn('could not read a room stream position from redis', { room: roomId, error: (error as Error).message });
        return '$';
      }
    },

    subscribe(roomId, from, handlers) {
      const sub: Subscription = { roomId, from: from === '$' ? `${Date.now()}-0` : from, handlers };
      let set = subscriptions.get(roomId);
      if (!set) subscriptions.set(roomId, (set = new Set()));
      set.add(sub);
      interrupt();
      return () => {
        set.delete(sub);
        if (set.size === 0 && subscriptions.get(roomId) === set) subscriptions.delete(roomId);
      };
    },

    publishUpdate(roomId, update) {
      xadd(roomId, update).catch((error: Error) => {
        if (closed) return;
        if (unsent.length < UNSENT_MAX) unsent.push({ roomId, update });
        else overflowed.add(roomId);
        log.warn('publishing an update to redis failed; it is stored, and goes out when redis is back', { room: roomId, error: error.message });
      });
    },

    publishAwareness(roomId, update) {
      const room = Buffer.from(roomId);
      const message = Buffer.concat([Buffer.from(instance), Buffer.from([room.length]), room, Buffer.from(update.buffer, update.byteOffset, update.byteLength)]);
      commands.publish(AWARENESS_CHANNEL, message).catch(() => undefined);
    },

    compacted(roomId) {
      commands.xtrim(STREAM(roomId), 'MINID', '~', `${Date.now() - KEEP_AFTER_COMPACTION_MS}-0`).catch(() => undefined);
    },

    publishEvent,

    onEvent(handler) {
      eventHandlers.push(handler);
    },

    onReconnect(handler) {
      reconnectHandlers.push(handler);
    },

    async close() {
      closed = true;
      interrupt();
      await Promise.all([commands.quit(), reader.quit(), subscriber.quit()].map((p) => p.catch(() => undefined)));
      for (const conn of [commands, reader, subscriber]) conn.disconnect();
    },
  };
}

/** A stream entry's fields as a record (`i` the instance as text, `u` the update as bytes). */
function fieldsOf(fields: Buffer[]): { i?: string; u?: Buffer } {
  const out: { i?: string; u?: Buffer } = {};
  for (let k = 0; k + 1 < fields.length; k += 2) {
    const name = fields[k]!.toString();
    if (name === 'i') out.i = fields[k + 1]!.toString();
    else if (name === 'u') out.u = fields[k + 1]!;
  }
  return out;
}

/** Orders stream ids (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
