/**
 * Reading the open room's map for React: the map as plain data, re-read when anyone changes it.
 */
import { observeMap, readMap } from '../../shared/map/doc.js';
import type { MapData } from '../../shared/map/model.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';

export function useMapData(): MapData {
  const conn = useRoomConnection();
  return useExternalValue((onChange) => observeMap(conn.doc, onChange), () => readMap(conn.doc), [conn]);
}
