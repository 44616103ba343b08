/**
 * The workshop's live state (step, timer, hands, follow, summon) from its room's doc, written only
 * by the server.
 */
import { readWorkshopLive, WORKSHOP_LIVE_ROOT, type WorkshopLive } from '../../shared/workshops/live.js';
import { useRootMapValue } from '../room/hooks.js';

/**
 * The live state from the room's doc, rendering again whenever the server changes it. Until the
 * doc has arrived (an empty root) it is the state the workshop was read with.
 */
export function useWorkshopLive(initial: WorkshopLive): WorkshopLive {
  return useRootMapValue(WORKSHOP_LIVE_ROOT, (doc) => (doc.getMap(WORKSHOP_LIVE_ROOT).size > 0 ? readWorkshopLive(doc) : initial), [initial]);
}

