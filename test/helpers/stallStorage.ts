/**
 * A store whose `appendUpdate` a test can hold up: wrap the real store, `stall()`, and every
 * append waits (before it reaches the store) until `resume()`. For tests of what the server
 * does while an update is not yet stored (no "saved" acknowledgement, nothing relayed).
 */
import type { Storage } from '../../server/storage/types.js';

export interface StallableStorage {
  storage: Storage;
  /** From now on appends wait until `resume()`. */
  stall(): void;
  /** Lets waiting and later appends through. */
  resume(): void;
  /** Appends begun (waiting or not), in order: room and update size. */
  readonly appends: { room: string; bytes: number }[];
  /** Appends the inner store has resolved, in order. */
  readonly stored: { room: string; bytes: number }[];
}

/**
 * @example
 * const stallable = stallableStorage(await openStorage({ dataDir, seedSites: false }))
 * const server = await startTestServer({}, dataDir, { storage: stallable.storage })
 * stallable.stall() // edits from now on wait to be stored
 */
export function stallableStorage(inner: Storage): StallableStorage {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const appends: StallableStorage['appends'] = [];
  const stored: StallableStorage['stored'] = [];
  const appendUpdate: Storage['appendUpdate'] = async (room, update, ...rest) => {
    appends.push({ room, bytes: update.byteLength });
    if (gate) await gate;
    await inner.appendUpdate(room, update, ...rest);
    stored.push({ room, bytes: update.byteLength });
  };
  const storage = new Proxy(inner, {
    get(target, property) {
      if (property === 'appendUpdate') return appendUpdate;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    storage,
    appends,
    stored,
    stall() {
      gate ??= new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    resume() {
      gate = null;
      open();
    },
  };
}
