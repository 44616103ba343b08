/**
 * Small hooks that read the open room through `useSyncExternalStore`, so a component renders
 * again exactly when what it shows changes (a remote edit, someone joining), and never tears.
 */
import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { observeParkingLot, readParkingLot, type ParkingLotItem } from '../../shared/doc/parkingLot.js';
import { peopleInRoom, type PresentPerson } from '../../shared/doc/presence.js';
import type { RoomStatus } from './RoomConnection.js';
import { useRoomConnection } from './RoomProvider.js';

/**
 * Subscribes to a source and keeps the last computed value until the source reports a change,
 * so `getSnapshot` returns the same object between changes as React requires.
 */
export function useExternalValue<T>(subscribe: (onChange: () => void) => () => void, read: () => T, deps: readonly unknown[]): T {
  const store = useMemo(() => {
    let value = read();
    let stale = false;
    return {
      subscribe(onChange: () => void) {
        // Anything may have changed between the first read and subscribing.
        stale = true;
        return subscribe(() => {
          stale = true;
          onChange();
        });
      },
      get(): T {
        if (stale) {
          value = read();
          stale = false;
        }
        return value;
      },
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return useSyncExternalStore(store.subscribe, store.get);
}

/**
 * A value read from the open room's doc whenever one root map of it changes (its own keys, not
 * nested types): for roots whose values are replaced whole, as the server writes them.
 * `deps` are what `read` uses besides the doc.
 *
 * @example
 * const scores = useRootMapValue(MAP_VOTES_ROOT, readVoteScores)
 */
export function useRootMapValue<T>(root: string, read: (doc: Y.Doc) => T, deps: readonly unknown[] = []): T {
  const conn = useRoomConnection();
  return useExternalValue(
    (onChange) => {
      const map = conn.doc.getMap(root);
      map.observe(onChange);
      return () => map.unobserve(onChange);
    },
    () => read(conn.doc),
    // `read` is a new function each render; what it depends on is in `deps`.
    [conn, root, ...deps],
  );
}

export function useRoomStatus(): RoomStatus {
  const conn = useRoomConnection();
  return useSyncExternalStore(conn.subscribe, conn.getStatus);
}

/** Everyone in the room, one entry per person, yourself first. */
export function usePeople(): PresentPerson[] {
  const conn = useRoomConnection();
  return useExternalValue(
    (onChange) => {
      conn.awareness.on('change', onChange);
      return () => conn.awareness.off('change', onChange);
    },
    () => peopleInRoom(conn.awareness.getStates(), conn.user.id),
    [conn],
  );
}

export function useParkingLot(): ParkingLotItem[] {
  const conn = useRoomConnection();
  return useExternalValue((onChange) => observeParkingLot(conn.doc, onChange), () => readParkingLot(conn.doc), [conn]);
}
