/**
 * The votes workshops' dot votes left on this map (`shared/map/votes.ts`), per element and
 * connection, following the doc: a vote closing elsewhere shows here at once.
 */
import { readVoteScores, MAP_VOTES_ROOT } from '../../shared/map/votes.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';

export function useVoteScores(): ReadonlyMap<string, number> {
  const conn = useRoomConnection();
  return useExternalValue(
    (onChange) => {
      const root = conn.doc.getMap(MAP_VOTES_ROOT);
      root.observe(onChange);
      return () => root.unobserve(onChange);
    },
    () => new Map([...readVoteScores(conn.doc)].map(([id, score]) => [id, score.votes])),
    [conn],
  );
}
