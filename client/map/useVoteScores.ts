/**
 * The votes workshops' dot votes left on this map (`shared/map/votes.ts`), per element and
 * connection, following the doc: a vote closing elsewhere shows here at once.
 */
import { readVoteScores, MAP_VOTES_ROOT } from '../../shared/map/votes.js';
import { useRootMapValue } from '../room/hooks.js';

export function useVoteScores(): ReadonlyMap<string, number> {
  return useRootMapValue(MAP_VOTES_ROOT, (doc) => new Map([...readVoteScores(doc)].map(([id, score]) => [id, score.votes])));
}
