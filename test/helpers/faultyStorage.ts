/**
 * A store a test can break after the server has started: calls to the methods it names fail
 * (reject) or stall (never settle), for tests of what the server reports when its store does.
 * Like `stallStorage.ts`, it wraps the real store and passes everything else through.
 */
import type { Storage } from '../../server/storage/types.js';

export type Fault = 'fail' | 'stall';

export interface FaultyStorage {
  storage: Storage;
  /** From now on, calls of `method` fail or stall; `null` heals it. */
  set(method: keyof Storage, fault: Fault | null): void;
}

/**
 * @example
 * const faulty = faultyStorage(await openStorage({ dataDir, seedSites: true }))
 * const server = await startTestServer({}, dataDir, { storage: faulty.storage })
 * faulty.set('getSetting', 'stall') // /api/ready now answers 503 after its timeout
 */
export function faultyStorage(inner: Storage): FaultyStorage {
  const faults = new Map<PropertyKey, Fault>();
  const storage = new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const fault = faults.get(property);
      if (fault === 'fail') return () => Promise.reject(new Error(`${String(property)} failed (a test broke it)`));
      if (fault === 'stall') return () => new Promise<never>(() => undefined);
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return {
    storage,
    set(method, fault) {
      if (fault) faults.set(method, fault);
      else faults.delete(method);
    },
  };
}
