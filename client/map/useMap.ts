/**
 * Reading the open room's map for React: the map as plain data, read again (incrementally)
 * when anyone changes it.
 */
import { useRef } from 'react';
import type * as Y from 'yjs';
import type { MapData } from '../../shared/map/model.js';
import { sameApartFromPositions } from '../../shared/map/samePlainData.js';
import { createMapReader, type MapReader } from '../../shared/map/reader.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';

// One reader per doc for the doc's lifetime: every component reading the map shares its
// cache, and remounting (or React's StrictMode double effects) never starts a cold one.
const readers = new WeakMap<Y.Doc, MapReader>();

function readerOf(doc: Y.Doc): MapReader {
  let reader = readers.get(doc);
  if (!reader) {
    reader = createMapReader(doc);
    readers.set(doc, reader);
  }
  return reader;
}

/**
 * The room's map. Re-renders on every change to it; between changes the same object, and after
 * one, elements, connections, groups and loop notes that did not change are the previous
 * objects (and a list none of whose entries changed is the previous array), so consumers can
 * compare by identity.
 */
export function useMapData(): MapData {
  const conn = useRoomConnection();
  const reader = readerOf(conn.doc);
  return useExternalValue((onChange) => reader.subscribe(onChange), () => reader.read(), [reader]);
}

/**
 * `map`, or the previous value while what changed is only where elements are: for what does not
 * look at positions (side panels, lenses, loops), so a drag or a remote move does not re-render
 * it. Its elements' positions may therefore be out of date; read positions from `map`.
 */
export function useWithoutMoves(map: MapData): MapData {
  const last = useRef(map);
  if (!sameApartFromPositions(last.current, map)) last.current = map;
  return last.current;
}
