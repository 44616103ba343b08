/**
 * The workshop's live state (step, timer, hands, follow, summon) from its room's doc, written only
 * by the server.
 */
import { readWorkshopLive, WORKSHOP_LIVE_ROOT, type WorkshopLive } from '../../shared/workshops/live.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';

/**
 * The live state from the room's doc, rendering again whenever the server changes it. Until the
 * doc has arrived (an empty root) it is the state the workshop was read with.
 */
export function useWorkshopLive(initial: WorkshopLive): WorkshopLive {
  const conn = useRoomConnection();
  return useExternalValue(
    (onChange) => {
      const root = conn.doc.getMap(WORKSHOP_LIVE_ROOT);
      root.observe(onChange);
      return () => root.unobserve(onChange);
    },
    () => (conn.doc.getMap(WORKSHOP_LIVE_ROOT).size > 0 ? readWorkshopLive(conn.doc) : initial),
    [conn, initial],
  );
}

