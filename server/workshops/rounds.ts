/**
 * A workshop's rounds: dot votes on a map, private notes and check-in rounds. The promise kept
 * here is that nobody sees what anyone else put in a round until the facilitator closes it:
 * entries are stored by the server in its own tables (`WorkshopStore`), never in a doc, and a
 * participant asking for the round gets only their own. What everyone sees live is the round's
 * public state in the workshop room's doc (open, how many have taken part), written by the
 * server; closing writes the results there at once for everyone, and a vote's tallies onto its
 * map as scores.
 */
import { newId } from '../../shared/ids.js';
import { addMapData, readMap } from '../../shared/map/doc.js';
import { placeMapData } from '../../shared/map/placement.js';
import { loopOnMap } from '../../shared/map/loops.js';
import { recordRoundVotes } from '../../shared/map/votes.js';
import {
  ROUND_LIMITS,
  tallyVotes,
  voteProblem,
  writeRound,
  type CreateRoundRequest,
  type MyEntries,
  type NotesToMapRequest,
  type RevealedNote,
  type Round,
  type RoundPerson,
  type RoundResults,
  type RoundState,
} from '../../shared/workshops/rounds.js';
import { notesAsMapData } from '../../shared/workshops/notesToMap.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Directory, RoundEntryRecord, RoundRecord, WorkshopRecord, WorkshopStore } from '../storage/types.js';
import type { WriteAsServer } from '../versions/service.js';
import type { DocReader } from '../ydoc/reader.js';
import { siteRoom } from './siteRoom.js';

export interface RoundServiceDeps {
  store: WorkshopStore & Pick<Directory, 'getRoom' | 'getUserById'>;
  docs: DocReader;
  writeAsServer: WriteAsServer;
  log: Logger;
}

/** What a round is, as the API and the doc show it, before anything of anyone's. */
function stateOf(round: RoundRecord, submitted: number, results: RoundResults | null): RoundState {
  return {
    id: round.id,
    kind: round.kind,
    roomId: round.roomId,
    prompt: round.prompt,
    votesPerPerson: round.votesPerPerson,
    anonymous: round.anonymous,
    status: round.status,
    submitted,
    openedAt: round.createdAt,
    closedAt: round.closedAt,
    results,
  };
}

/** Who someone is, as a workshop names them; an account deleted since reads as someone who left. */
export async function personOf(store: Pick<Directory, 'getUserById'>, userId: string): Promise<RoundPerson> {
  const user = await store.getUserById(userId);
  return { userId, name: user?.name ?? 'Someone who has left', organisation: user?.organisation ?? '' };
}

const people = (entries: readonly RoundEntryRecord[]) => new Set(entries.map((e) => e.userId)).size;

export class RoundService {
  constructor(private readonly deps: RoundServiceDeps) {}

  /**
   * Opens a round of the workshop. A vote is on one of the site's maps; private notes may name
   * the map their notes can become elements of.
   *
   * @example
   * await rounds.open(workshop, { kind: 'vote', roomId: mapId, votesPerPerson: 3 }, facilitatorId)
   */
  async open(workshop: WorkshopRecord, input: CreateRoundRequest, userId: string): Promise<Round> {
    if (workshop.endedAt) throw errors.conflict('This workshop has ended: it has no new rounds.');
    if (input.roomId !== undefined) {
      if (!(await siteRoom(this.deps.store, workshop.siteId, input.roomId, ['map']))) {
        throw errors.badRequest('A round works on one of the maps of the workshop’s site: that map was not found.');
      }
    }
    const round = await this.deps.store.createRound(
      {
        workshopId: workshop.id,
        kind: input.kind,
        roomId: input.roomId ?? null,
        prompt: input.prompt ?? '',
        votesPerPerson: input.kind === 'vote' ? (input.votesPerPerson ?? ROUND_LIMITS.votesPerPersonDefault) : null,
        anonymous: input.kind === 'vote' ? (input.anonymous ?? true) : false,
        createdBy: userId,
      },
      { max: ROUND_LIMITS.roundsPerWorkshopMax },
    );
    if (!round) {
      throw errors.limitReached(`A workshop has at most ${ROUND_LIMITS.roundsPerWorkshopMax} rounds.`, {
        setting: 'ROUND_LIMITS.roundsPerWorkshopMax',
        limit: ROUND_LIMITS.roundsPerWorkshopMax,
      });
    }
    const state = stateOf(round, 0, null);
    await this.show(workshop, state, userId);
    this.deps.log.info('round opened', { workshop: workshop.id, round: round.id, kind: round.kind, user: userId });
    return { ...state, mine: { targets: [], notes: [] } };
  }

  /** The workshop's rounds as `userId` may see them: everything public, and their own entries. */
  async list(workshop: WorkshopRecord, userId: string): Promise<Round[]> {
    const rounds = await this.deps.store.listRounds(workshop.id);
    return Promise.all(rounds.map((round) => this.view(round, userId)));
  }

  async get(workshop: WorkshopRecord, roundId: string, userId: string): Promise<Round> {
    return this.view(await this.round(workshop, roundId), userId);
  }

  /**
   * Replaces the person's dots in an open vote: each on an element or connection of the round's
   * map, at most `votesPerPerson` (several may be on one item).
   */
  async vote(workshop: WorkshopRecord, roundId: string, userId: string, targets: readonly string[]): Promise<Round> {
    const round = await this.round(workshop, roundId);
    if (round.kind !== 'vote') throw errors.badRequest('This round is not a vote: add notes to it instead.');
    this.requireOpen(workshop, round);
    // Elements, connections, and loops still on the map (by their keys).
    const onMap = await this.deps.docs.read(round.roomId!, (doc) => {
      const map = readMap(doc);
      const ids = new Set([...map.elements.map((e) => e.id), ...map.connections.map((c) => c.id)]);
      for (const key of new Set(targets)) if (!ids.has(key) && loopOnMap(map, key)) ids.add(key);
      return ids;
    });
    const problem = voteProblem(targets, round.votesPerPerson ?? 0, (id) => onMap.has(id));
    if (problem) throw errors.badRequest(problem);
    if (!(await this.deps.store.replaceRoundEntries(round.id, userId, targets))) this.closedMeanwhile();
    return this.entered(workshop, round, userId);
  }

  /**
   * Adds a note to an open private round (up to `notesPerPersonMax` each), or sets the person's
   * answer in a check-in round (one each: a second replaces the first).
   */
  async note(workshop: WorkshopRecord, roundId: string, userId: string, text: string): Promise<Round> {
    const round = await this.round(workshop, roundId);
    if (round.kind === 'vote') throw errors.badRequest('This round is a vote: place your votes on the map instead.');
    this.requireOpen(workshop, round);
    if (round.kind === 'check-in') {
      if (text.length > ROUND_LIMITS.answerMax) throw errors.badRequest(`An answer is one line: at most ${ROUND_LIMITS.answerMax} characters.`);
      if (!(await this.deps.store.replaceRoundEntries(round.id, userId, [text]))) this.closedMeanwhile();
    } else {
      const added = await this.deps.store.addRoundEntry(round.id, userId, text, { max: ROUND_LIMITS.notesPerPersonMax });
      if (added === 'closed') this.closedMeanwhile();
      if (added === 'full') throw errors.badRequest(`Each person may add ${ROUND_LIMITS.notesPerPersonMax} notes in a round.`);
    }
    return this.entered(workshop, round, userId);
  }

  /**
   * Closes the round (a vote) or reveals it (notes, answers): the results go to everyone at
   * once in the workshop room, and a vote's tallies become scores on its map. Closing a round
   * closed already answers 409, so a double click cannot count the votes twice.
   */
  async close(workshop: WorkshopRecord, roundId: string, userId: string): Promise<Round> {
    const found = await this.round(workshop, roundId);
    const round = await this.deps.store.closeRound(found.id);
    if (!round) throw errors.conflict('This round is closed already.');
    const entries = await this.deps.store.listRoundEntries(round.id);
    const results = await this.results(round, entries);
    const state = stateOf(round, people(entries), results);
    await this.show(workshop, state, userId);
    if (round.kind === 'vote' && round.roomId) {
      await this.deps.writeAsServer(round.roomId, (doc) => recordRoundVotes(doc, round.id, results.tallies), userId);
    }
    this.deps.log.info('round closed', { workshop: workshop.id, round: round.id, kind: round.kind, participants: results.participants, user: userId });
    return { ...state, mine: this.mine(round, entries, userId) };
  }

  /**
   * Makes revealed notes elements of a map (the round's own unless another of the site's maps
   * is named), each with its author's organisation as agency, in the free space beside what is
   * there, framed when a group title is given. Written by the server as the facilitator.
   */
  async notesToMap(workshop: WorkshopRecord, roundId: string, user: { id: string; name: string; organisation: string }, input: NotesToMapRequest): Promise<{ roomId: string; elementIds: string[] }> {
    const round = await this.round(workshop, roundId);
    if (round.kind !== 'private-notes') throw errors.badRequest('Only a private round’s notes become elements.');
    if (round.status !== 'closed') throw errors.conflict('Reveal the notes first.');
    const roomId = input.roomId ?? round.roomId;
    if (!roomId) throw errors.badRequest('Say which map the notes go on (roomId): this round names none.');
    const room = await siteRoom(this.deps.store, workshop.siteId, roomId, ['map']);
    if (!room) throw errors.badRequest('The notes go on one of the maps of the workshop’s site: that map was not found.');
    if (room.archived) throw errors.conflict('That map is archived: restore it first.');
    const entries = await this.deps.store.listRoundEntries(round.id);
    const { notes } = await this.results(round, entries);
    const byId = new Map(notes.map((n) => [n.id, n]));
    const chosen = [...new Set(input.noteIds)].map((id) => byId.get(id));
    if (chosen.some((n) => n === undefined)) throw errors.badRequest('One of the chosen notes is not in this round.');
    const by = { userId: user.id, name: user.name, organisation: user.organisation, at: new Date().toISOString() };
    const data = notesAsMapData(chosen as RevealedNote[], { kind: input.kind ?? 'variable', group: input.group }, newId, by);
    await this.deps.writeAsServer(
      roomId,
      (doc) => addMapData(doc, placeMapData(readMap(doc), data), { userId: user.id, name: user.name, organisation: user.organisation }),
      user.id,
    );
    this.deps.log.info('notes added to a map', { workshop: workshop.id, round: round.id, room: roomId, elements: data.elements.length, user: user.id });
    return { roomId, elementIds: data.elements.map((e) => e.id) };
  }

  private async round(workshop: WorkshopRecord, roundId: string): Promise<RoundRecord> {
    const round = await this.deps.store.getRound(workshop.id, roundId);
    if (!round) throw errors.notFound('That round');
    return round;
  }

  private requireOpen(workshop: WorkshopRecord, round: RoundRecord): void {
    if (workshop.endedAt) throw errors.conflict('This workshop has ended: its rounds take nothing more.');
    if (round.status !== 'open') this.closedMeanwhile();
  }

  private closedMeanwhile(): never {
    throw errors.conflict('The facilitator has closed this round: nothing more can be added to it.');
  }

  private async view(round: RoundRecord, userId: string, entries?: readonly RoundEntryRecord[]): Promise<Round> {
    entries ??= await this.deps.store.listRoundEntries(round.id);
    const results = round.status === 'closed' ? await this.results(round, entries) : null;
    return { ...stateOf(round, people(entries), results), mine: this.mine(round, entries, userId) };
  }

  private mine(round: RoundRecord, entries: readonly RoundEntryRecord[], userId: string): MyEntries {
    const own = entries.filter((e) => e.userId === userId);
    return round.kind === 'vote'
      ? { targets: own.map((e) => e.value), notes: [] }
      : { targets: [], notes: own.map((e) => ({ id: e.id, text: e.value, createdAt: e.createdAt })) };
  }

  private async results(round: RoundRecord, entries: readonly RoundEntryRecord[]): Promise<RoundResults> {
    const who = new Map<string, RoundPerson>();
    for (const userId of new Set(entries.map((e) => e.userId))) who.set(userId, await personOf(this.deps.store, userId));
    if (round.kind === 'vote') {
      return { participants: who.size, tallies: tallyVotes(entries.map((e) => ({ userId: e.userId, targetId: e.value })), who, round.anonymous), notes: [] };
    }
    const notes: RevealedNote[] = entries.map((e) => ({ id: e.id, text: e.value, author: who.get(e.userId)!, createdAt: e.createdAt }));
    return { participants: who.size, tallies: [], notes };
  }

  /**
   * After someone's entry is stored: everyone sees how many have taken part (a count, nothing of
   * what they put), and the person gets the round as they see it, from the same read of the entries.
   */
  private async entered(workshop: WorkshopRecord, round: RoundRecord, userId: string): Promise<Round> {
    const entries = await this.deps.store.listRoundEntries(round.id);
    // Closed meanwhile: `writeRound` keeps the closed state the close wrote.
    await this.show(workshop, stateOf(round, people(entries), null), userId);
    return this.view(round, userId, entries);
  }

  private async show(workshop: WorkshopRecord, state: RoundState, userId: string): Promise<void> {
    await this.deps.writeAsServer(workshop.roomId, (doc) => writeRound(doc, state), userId);
  }
}
