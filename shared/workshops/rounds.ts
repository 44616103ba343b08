/**
 * Rounds of a workshop: dot voting on a map, private notes revealed at once, and check-in or
 * check-out rounds (one line each, shown together). What people put in a round is held by the
 * server (its own tables, never a doc) until the facilitator closes or reveals the round: only
 * then does anything but each person's own entries leave the server.
 *
 * The round's public face is in the workshop room's doc, under `workshopRounds` (only the server
 * writes it): that it is open, how many people have taken part, and, once closed, its results.
 * Schemas of the round endpoints (`/api/workshops/{id}/rounds…`) and the pure rules (limits,
 * tallies) are here, shared by the server, the page and the tests.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { oneLineText, RoomIdSchema } from '../api.js';
import { ELEMENT_KINDS, type MapData } from '../map/model.js';

export const WORKSHOP_ROUNDS_ROOT = 'workshopRounds';

export const ROUND_KINDS = ['vote', 'private-notes', 'check-in'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];
export const ROUND_KIND_NAMES: Readonly<Record<RoundKind, string>> = {
  vote: 'Dot vote',
  'private-notes': 'Private notes',
  'check-in': 'Check-in round',
};

export const ROUND_LIMITS = {
  /** Dots one person may place in a vote (they may stack several on one item). */
  votesPerPersonMax: 20,
  votesPerPersonDefault: 3,
  /** A note, and a check-in answer (one line). */
  noteMax: 500,
  answerMax: 200,
  /** Notes one person may add in one private round. */
  notesPerPersonMax: 30,
  promptMax: 200,
  roundsPerWorkshopMax: 60,
  /** An id voted on: a loop's key joins its element and connection ids. */
  targetMax: 2000,
} as const;

export const RoundIdSchema = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'not a round id');

/** `POST /api/workshops/{id}/rounds` */
export const CreateRoundRequestSchema = z
  .object({
    kind: z.enum(ROUND_KINDS),
    /** The map voted on (votes), or the map notes may become elements of (private notes). */
    roomId: RoomIdSchema.optional(),
    /** The question people answer or vote on ("Which causes matter most?"). */
    prompt: oneLineText('a prompt is needed', ROUND_LIMITS.promptMax).optional(),
    votesPerPerson: z.number().int().min(1).max(ROUND_LIMITS.votesPerPersonMax).optional(),
    /** Votes: whether the results name who voted for what. Notes always show their authors to the facilitator's record. */
    anonymous: z.boolean().optional(),
  })
  .refine((r) => r.kind !== 'vote' || r.roomId !== undefined, { message: 'a vote needs the map it is on (roomId)', path: ['roomId'] });
export type CreateRoundRequest = z.input<typeof CreateRoundRequestSchema>;

/** `PUT …/rounds/{roundId}/votes`: the person's dots, replacing any they placed before. */
export const CastVotesRequestSchema = z.object({
  /** Element or connection ids, or loop keys (`shared/map/loops.ts`), which are longer. */
  targets: z.array(z.string().min(1).max(ROUND_LIMITS.targetMax)).max(ROUND_LIMITS.votesPerPersonMax),
});

/** `POST …/rounds/{roundId}/notes`: a note (private notes) or the person's answer (check-in, replacing theirs). */
export const AddNoteRequestSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'write something first')
    .max(ROUND_LIMITS.noteMax),
});

/** `POST …/rounds/{roundId}/to-map`: revealed notes the facilitator chose, as elements of a map. */
export const NotesToMapRequestSchema = z.object({
  noteIds: z.array(z.string().min(1).max(64)).min(1, 'choose at least one note').max(200),
  /** The map; the round's own when left out. */
  roomId: RoomIdSchema.optional(),
  kind: z.enum(ELEMENT_KINDS).optional(),
  /** A frame around them, titled so ("What keeps people at home"). */
  group: oneLineText('a group needs a title', 200).optional(),
});
export type NotesToMapRequest = z.input<typeof NotesToMapRequestSchema>;
export const NotesToMapResponseSchema = z.object({ roomId: z.string(), elementIds: z.array(z.string()) });

const PersonSchema = z.object({ userId: z.string(), name: z.string(), organisation: z.string() });
export type RoundPerson = z.infer<typeof PersonSchema>;

export const TallySchema = z.object({
  /** An element or connection of the round's map. */
  targetId: z.string(),
  votes: z.number().int(),
  /** Who placed the dots, once each; empty in an anonymous vote. */
  voters: z.array(PersonSchema),
});
export type Tally = z.infer<typeof TallySchema>;

export const RevealedNoteSchema = z.object({
  id: z.string(),
  text: z.string(),
  author: PersonSchema,
  createdAt: z.string(),
});
export type RevealedNote = z.infer<typeof RevealedNoteSchema>;

export const RoundResultsSchema = z.object({
  /** People who took part (voted, or wrote at least one note). */
  participants: z.number().int(),
  /** Votes: most votes first. */
  tallies: z.array(TallySchema),
  /** Notes and answers, oldest first. */
  notes: z.array(RevealedNoteSchema),
});
export type RoundResults = z.infer<typeof RoundResultsSchema>;

/** A round as the workshop room's doc shows it to everyone (and the API too). */
export const RoundStateSchema = z.object({
  id: z.string(),
  kind: z.enum(ROUND_KINDS),
  roomId: z.string().nullable(),
  prompt: z.string(),
  votesPerPerson: z.number().int().nullable(),
  anonymous: z.boolean(),
  status: z.enum(['open', 'closed']),
  /** How many people have taken part so far: a count, never what they put. */
  submitted: z.number().int(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  results: RoundResultsSchema.nullable(),
});
export type RoundState = z.infer<typeof RoundStateSchema>;

export const MyEntriesSchema = z.object({
  targets: z.array(z.string()),
  notes: z.array(z.object({ id: z.string(), text: z.string(), createdAt: z.string() })),
});
export type MyEntries = z.infer<typeof MyEntriesSchema>;

/** `GET …/rounds/{roundId}`: the round, with the caller's own entries (all anyone gets before it closes). */
export const RoundSchema = RoundStateSchema.extend({ mine: MyEntriesSchema });
export type Round = z.infer<typeof RoundSchema>;
export const RoundListSchema = z.object({ rounds: z.array(RoundSchema) });

/** A vote's dots as stored: one row per dot. */
export interface StoredVote {
  userId: string;
  targetId: string;
}

/**
 * What is wrong with a person's dots, or null: at most `votesPerPerson`, each on something
 * that exists on the map (`exists`).
 *
 * @example
 * voteProblem(['a', 'a', 'b'], 3, (id) => id !== 'x') // null (two dots on a, one on b)
 */
export function voteProblem(targets: readonly string[], votesPerPerson: number, exists: (id: string) => boolean): string | null {
  if (targets.length > votesPerPerson) return `Each person has ${votesPerPerson} ${votesPerPerson === 1 ? 'vote' : 'votes'}; ${targets.length} were given.`;
  const missing = targets.find((t) => !exists(t));
  return missing === undefined ? null : 'One of the votes is for something no longer on the map: reload and vote again.';
}

/**
 * The votes counted per target, most first (ties in the order of `targetOrder`, then by id), with
 * each voter named once per target unless the vote is anonymous.
 *
 * @example
 * tallyVotes([{ userId: 'u1', targetId: 'a' }, { userId: 'u2', targetId: 'a' }], people, true)
 * // [{ targetId: 'a', votes: 2, voters: [] }]
 */
export function tallyVotes(votes: readonly StoredVote[], people: ReadonlyMap<string, RoundPerson>, anonymous: boolean): Tally[] {
  const byTarget = new Map<string, { votes: number; voters: string[] }>();
  for (const vote of votes) {
    const tally = byTarget.get(vote.targetId) ?? { votes: 0, voters: [] };
    tally.votes++;
    if (!tally.voters.includes(vote.userId)) tally.voters.push(vote.userId);
    byTarget.set(vote.targetId, tally);
  }
  return [...byTarget]
    .map(([targetId, t]) => ({
      targetId,
      votes: t.votes,
      voters: anonymous ? [] : t.voters.map((id) => people.get(id) ?? { userId: id, name: 'Someone', organisation: '' }),
    }))
    .sort((a, b) => b.votes - a.votes || (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0));
}

/** Something on a map a vote can be on, as people know it. */
export interface VoteTarget {
  label: string;
  /** An element (which a document can link to), rather than a connection or a loop. */
  element: boolean;
}

/**
 * What can be voted on in a map, by id, in ballot order: its elements by label, its connections
 * as "From → To", and the loops people have named as "Loop: name" (those `includeLoop` keeps).
 * The page's ballot and results, and the workshop record, all name targets this way.
 *
 * @example
 * voteTargets(map).get('bf') // { label: 'Benches → Footfall', element: false }
 */
export function voteTargets(map: Pick<MapData, 'elements' | 'connections' | 'loopNotes'>, includeLoop: (key: string) => boolean = () => true): Map<string, VoteTarget> {
  const targets = new Map(map.elements.map((e): [string, VoteTarget] => [e.id, { label: e.label, element: true }]));
  for (const c of map.connections) targets.set(c.id, { label: `${targets.get(c.from)?.label ?? '?'} → ${targets.get(c.to)?.label ?? '?'}`, element: false });
  for (const note of map.loopNotes) if (note.name && includeLoop(note.key)) targets.set(note.key, { label: `Loop: ${note.name}`, element: false });
  return targets;
}

function roundsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(WORKSHOP_ROUNDS_ROOT);
}

/** The rounds the workshop room's doc shows, oldest first; anything not as the server writes it is skipped. */
export function readRounds(doc: Y.Doc): RoundState[] {
  const rounds: RoundState[] = [];
  for (const value of roundsMap(doc).values()) {
    const parsed = RoundStateSchema.safeParse(value);
    if (parsed.success) rounds.push(parsed.data);
  }
  return rounds.sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * For the server: shows a round's public state to everyone in the workshop room (replaced
 * whole). An open state never replaces a closed one (a count of entries that arrives after the
 * close): false when it did not.
 */
export function writeRound(doc: Y.Doc, round: RoundState): boolean {
  const map = roundsMap(doc);
  const current = RoundStateSchema.safeParse(map.get(round.id));
  if (round.status === 'open' && current.success && current.data.status === 'closed') return false;
  map.set(round.id, { ...RoundStateSchema.parse(round) });
  return true;
}
