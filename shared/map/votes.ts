/**
 * Votes as scores on a map's elements and connections: what a workshop's dot votes leave on the
 * map once the facilitator closes them. Only the server writes them (the root's rule in
 * `shared/rooms/kinds.ts` is `server`), from the votes it held, so nobody can give an element
 * more votes than it got.
 *
 * Schema: `doc.getMap('mapVotes')`, keyed by element or connection id, each a plain
 * `{ votes, rounds: { [roundId]: votes } }`, replaced whole.
 */
import type * as Y from 'yjs';
import { z } from 'zod';

export const MAP_VOTES_ROOT = 'mapVotes';

const ScoreSchema = z.object({
  votes: z.number().int().min(0),
  rounds: z.record(z.string(), z.number().int().min(0)),
});
export type VoteScore = z.infer<typeof ScoreSchema>;

function votesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(MAP_VOTES_ROOT);
}

/** Each scored element's or connection's votes, over every closed round. */
export function readVoteScores(doc: Y.Doc): Map<string, VoteScore> {
  const scores = new Map<string, VoteScore>();
  votesMap(doc).forEach((value, id) => {
    const parsed = ScoreSchema.safeParse(value);
    if (parsed.success) scores.set(id, parsed.data);
  });
  return scores;
}

/**
 * For the server: records a closed round's votes (`votes` per target) on the map, in one
 * transaction. Recording the same round again replaces its votes rather than adding them twice.
 *
 * @example
 * recordRoundVotes(doc, 'round-1', [{ targetId: 'footfall', votes: 4 }])
 */
export function recordRoundVotes(doc: Y.Doc, roundId: string, tallies: readonly { targetId: string; votes: number }[]): void {
  const map = votesMap(doc);
  doc.transact(() => {
    for (const { targetId, votes } of tallies) {
      const current = ScoreSchema.safeParse(map.get(targetId));
      const rounds = { ...(current.success ? current.data.rounds : {}), [roundId]: votes };
      const total = Object.values(rounds).reduce((sum, n) => sum + n, 0);
      map.set(targetId, { votes: total, rounds });
    }
  });
}
