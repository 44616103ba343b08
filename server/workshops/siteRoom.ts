/**
 * The check every part of a workshop makes on a room it is given (a step's map, a vote's map,
 * a breakout's map): that it is one of the workshop's site's rooms, of the kinds that part works
 * on. A room of another site reads as missing, so ids of other sites cannot be probed.
 */
import type { RoomKind } from '../../shared/api.js';
import type { Directory, RoomRecord } from '../storage/types.js';

/**
 * The room when it is one of the site's and of one of `kinds`; null otherwise.
 *
 * @example
 * const map = await siteRoom(store, workshop.siteId, input.roomId, ['map'])
 */
export async function siteRoom(store: Pick<Directory, 'getRoom'>, siteId: string, roomId: string, kinds: readonly RoomKind[]): Promise<RoomRecord | null> {
  const room = await store.getRoom(roomId);
  return room && room.siteId === siteId && kinds.includes(room.kind) ? room : null;
}
