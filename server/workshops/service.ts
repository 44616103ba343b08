/**
 * Workshops: an agenda stored beside the site's rooms (`WorkshopStore`), and a room of kind
 * `workshop` whose doc holds the live state (the current step, the timer). Only the server
 * writes that state, through the room's queue (`writeAsServer`) and with its own clock, so every
 * client connected to the room receives the change live and it is stored like any update.
 */
import { newId } from '../../shared/ids.js';
import { replaceDocContent, replaceFragmentContent } from '../../shared/doc/content.js';
import * as build from '../../shared/doc/build.js';
import { addEntry, entryField } from '../../shared/log/doc.js';
import { readMap } from '../../shared/map/doc.js';
import { LIMITS, VERSION_LIMITS, type VersionContent } from '../../shared/api.js';
import { shorten } from '../../shared/text.js';
import type { CreateWorkshopRequest, EndedWorkshop, EndWorkshopRequest, HandRequest, SummonRequest, WorkshopPeople, WorkshopTimerRequest } from '../../shared/workshops/api.js';
import { workshopRecord } from '../../shared/workshops/record.js';
import { readRounds, voteTargets, type VoteTarget } from '../../shared/workshops/rounds.js';
import { readWorkshopLive, WORKSHOP_HANDS_MAX, WORKSHOP_HISTORY_MAX, writeWorkshopLive, type WorkshopLive } from '../../shared/workshops/live.js';
import { addTime, pauseTimer, startTimer } from '../../shared/workshops/timer.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Directory, SiteRecord, VersionAuthor, WorkshopRecord, WorkshopStore } from '../storage/types.js';
import type { WriteAsServer } from '../versions/service.js';
import type { DocReader } from '../ydoc/reader.js';
import { BreakoutService } from './breakouts.js';
import { personOf, RoundService } from './rounds.js';
import { siteRoom } from './siteRoom.js';

export interface WorkshopServiceDeps {
  store: WorkshopStore & Pick<Directory, 'createRoom' | 'getRoom' | 'getUserById' | 'getOrCreateLogRoom' | 'updateRoom'>;
  /** A room was locked or unlocked: connected clients' write access is checked again. */
  onAccessChanged: () => void;
  /** The workspace's public address, for links that must work outside the app (the record's, in the log). */
  publicUrl: string;
  /** A version's content (the version service's `read`), for a breakout's base. */
  readVersion: (room: { id: string; kind: 'map' | 'doc' }, versionId: string) => Promise<VersionContent | null>;
  /** Saves a named version of a map or document (the version service's `save`). */
  saveVersion: (room: { id: string; kind: 'map' | 'doc' }, name: string, author: VersionAuthor) => Promise<{ id: string; name: string }>;
  docs: DocReader;
  writeAsServer: WriteAsServer;
  log: Logger;
}

const MINUTE = 60_000;

export class WorkshopService {
  /** Its votes, private notes and check-in rounds. */
  readonly rounds: RoundService;
  /** Its breakout groups, each in a copy of a map, and merging their work back. */
  readonly breakouts: BreakoutService;

  constructor(private readonly deps: WorkshopServiceDeps) {
    this.rounds = new RoundService(deps);
    this.breakouts = new BreakoutService(deps);
  }

  /**
   * Creates a workshop of `site` with its room. Each step's map or document must be one of the
   * site's; a room of another site reads as missing, so ids cannot be probed.
   *
   * @example
   * await workshops.create(site, { title: 'Mapping morning', startsAt, steps: [{ title: 'Check-in', kind: 'round', minutes: 10 }] }, userId)
   */
  async create(site: SiteRecord, input: CreateWorkshopRequest, userId: string): Promise<WorkshopRecord> {
    const steps = await Promise.all(
      input.steps.map(async (step, index) => {
        if (step.roomId !== undefined) {
          if (!(await siteRoom(this.deps.store, site.id, step.roomId, ['map', 'doc']))) {
            throw errors.badRequest(`Step ${index + 1} ("${step.title}"): its room must be a map or document of ${site.name}.`);
          }
        }
        return { id: newId(), title: step.title, kind: step.kind, minutes: step.minutes, roomId: step.roomId ?? null, lock: Boolean(step.roomId && step.lock) };
      }),
    );
    // The room first: a workshop row never names a room that does not exist. A failure between
    // the two leaves an empty workshop room, listed nowhere.
    const room = await this.deps.store.createRoom({ siteId: site.id, kind: 'workshop', title: input.title, createdBy: userId });
    const workshop = await this.deps.store.createWorkshop({
      siteId: site.id,
      roomId: room.id,
      title: input.title,
      startsAt: new Date(input.startsAt).toISOString(),
      steps,
      createdBy: userId,
    });
    this.deps.log.info('workshop created', { workshop: workshop.id, site: site.slug, room: room.id, steps: steps.length, user: userId });
    return workshop;
  }

  get(id: string): Promise<WorkshopRecord | null> {
    return this.deps.store.getWorkshop(id);
  }

  /** The site's workshops, newest first. */
  list(siteId: string): Promise<WorkshopRecord[]> {
    return this.deps.store.listWorkshops(siteId);
  }

  /** The live state as it is now: the live doc when the room is open, else storage. */
  live(workshop: WorkshopRecord): Promise<WorkshopLive> {
    return this.deps.docs.read(workshop.roomId, readWorkshopLive);
  }

  /**
   * Moves everyone to step `index`, starting its timebox now (server time), and locks the step's
   * map or document if the agenda says so (unlocking the one the previous step locked).
   */
  async goToStep(workshop: WorkshopRecord, index: number, userId: string): Promise<WorkshopLive> {
    const step = workshop.steps[index];
    if (!step) {
      throw errors.badRequest(`This workshop has ${workshop.steps.length} steps: give an index from 0 to ${workshop.steps.length - 1}.`);
    }
    await this.change(workshop, userId, (live, now) => ({
      step: index,
      timer: startTimer(live.timer, now, step.minutes * MINUTE),
      // The oldest moves go first past the cap: the record then starts later, but stays honest.
      history: [...live.history, { step: index, at: now }].slice(-WORKSHOP_HISTORY_MAX),
    }));
    return this.holdLock(workshop, step.lock && step.roomId ? step.roomId : null, userId);
  }

  /**
   * Makes `roomId` (or none) the room the workshop holds locked: unlocks the one it held, and
   * locks the new one unless someone locked it already (their lock is theirs to lift, so the
   * workshop does not take it over). Returns the live state with what it holds.
   */
  private async holdLock(workshop: WorkshopRecord, roomId: string | null, userId: string): Promise<WorkshopLive> {
    const live = await this.live(workshop);
    const held = live.lockedRoomId;
    if (held === roomId) return live;
    let changed = false;
    if (held) changed = (await this.deps.store.updateRoom(held, { locked: false })) !== null;
    let holding: string | null = null;
    const room = roomId ? await this.deps.store.getRoom(roomId) : null;
    if (room && !room.locked && !room.archived) {
      await this.deps.store.updateRoom(room.id, { locked: true, lockedBy: userId });
      holding = room.id;
      changed = true;
    }
    if (changed) this.deps.onAccessChanged();
    return this.deps.writeAsServer(
      workshop.roomId,
      (doc) => {
        writeWorkshopLive(doc, { lockedRoomId: holding });
        return readWorkshopLive(doc);
      },
      userId,
    );
  }

  /**
   * Starts (or resumes), pauses, or adds time to the timer, now. Starting a timer that was never
   * set starts the current step's timebox.
   */
  timer(workshop: WorkshopRecord, request: WorkshopTimerRequest, userId: string): Promise<WorkshopLive> {
    return this.change(workshop, userId, (live, now) => {
      switch (request.action) {
        case 'start': {
          const timebox = live.timer.status === 'idle' ? (workshop.steps[live.step]?.minutes ?? 0) * MINUTE : undefined;
          // Starting the first step's time is when the workshop began, for the record.
          const history = live.history.length === 0 ? { history: [{ step: live.step, at: now }] } : {};
          return { timer: startTimer(live.timer, now, timebox), ...history };
        }
        case 'pause':
          return { timer: pauseTimer(live.timer, now) };
        case 'add':
          return { timer: addTime(live.timer, now, request.minutes * MINUTE) };
      }
    });
  }

  /** Everyone who has joined the workshop's room, in the order they first came. */
  async people(workshop: WorkshopRecord): Promise<WorkshopPeople['people']> {
    const came = await this.deps.store.listAttendance(workshop.roomId);
    return Promise.all(came.map(async (a) => ({ ...(await personOf(this.deps.store, a.userId)), firstSeen: a.firstSeen })));
  }

  /**
   * Starts "follow me" in one of the workshop's maps (`roomId`), led by `user`, or stops it
   * (null). Participants' pages follow the leader's view through the map room's presence.
   */
  async follow(workshop: WorkshopRecord, roomId: string | null, user: { id: string; name: string }): Promise<WorkshopLive> {
    if (roomId !== null) await this.siteMap(workshop, roomId);
    return this.change(workshop, user.id, () => ({ follow: roomId === null ? null : { userId: user.id, name: user.name, roomId } }));
  }

  /** "Bring everyone here": every participant's page opens the map at the part given. */
  async summon(workshop: WorkshopRecord, request: SummonRequest, user: { id: string; name: string }): Promise<WorkshopLive> {
    await this.siteMap(workshop, request.roomId);
    return this.change(workshop, user.id, (_live, now) => ({ summon: { roomId: request.roomId, view: request.view ?? null, by: user.name, at: now } }));
  }

  /** A map or document of the workshop's site, or 400. */
  private async siteMap(workshop: WorkshopRecord, roomId: string): Promise<void> {
    if (!(await siteRoom(this.deps.store, workshop.siteId, roomId, ['map', 'doc']))) {
      throw errors.badRequest('That is not a map or document of the workshop’s site.');
    }
  }

  /**
   * Raises or lowers a hand. People raise and lower their own; a facilitator (`mayLowerOthers`)
   * may lower anyone's, as when they have been heard. Raising twice keeps the first place.
   */
  hand(
    workshop: WorkshopRecord,
    request: HandRequest,
    user: { id: string; name: string; organisation: string },
    mayLowerOthers: boolean,
  ): Promise<WorkshopLive> {
    const target = request.userId ?? user.id;
    if (target !== user.id && (request.raised || !mayLowerOthers)) throw errors.forbidden('Only facilitators lower other people’s hands; nobody raises one for someone else.');
    return this.change(workshop, user.id, (live, now) => {
      const others = live.hands.filter((h) => h.userId !== target);
      if (!request.raised) return { hands: others };
      if (live.hands.some((h) => h.userId === target)) return {};
      if (live.hands.length >= WORKSHOP_HANDS_MAX) throw errors.conflict('Too many hands are up: lower some first.');
      return { hands: [...live.hands, { userId: user.id, name: user.name, organisation: user.organisation, at: now }] };
    });
  }

  /**
   * Ends the workshop, once: every client sees it end, the maps and documents its steps worked
   * on are saved as named versions, and a record (attendance, agenda with actual timings,
   * rounds, decisions, actions) is written as a new document of the site, with an entry in the
   * site's learning log that points to it.
   */
  async end(
    workshop: WorkshopRecord,
    input: EndWorkshopRequest,
    user: { id: string; name: string; organisation: string },
  ): Promise<Omit<EndedWorkshop, 'workshop'> & { workshop: WorkshopRecord }> {
    if (workshop.endedAt) throw errors.conflict('This workshop has ended already.');
    // The record's room first: if the site can take no more rooms, nothing has ended yet and the
    // facilitator is told why. Of two ends at once, the one that loses archives its empty room.
    const recordTitle = shorten(`Workshop record: ${workshop.title}`, LIMITS.titleMax);
    const record = await this.deps.store.createRoom({ siteId: workshop.siteId, kind: 'doc', title: recordTitle, createdBy: user.id });
    const ended = await this.deps.store.endWorkshop(workshop.id);
    if (!ended) {
      await this.deps.store.updateRoom(record.id, { archived: true });
      throw errors.conflict('This workshop has ended already.');
    }
    const now = Date.now();
    const author = { userId: user.id, name: user.name, organisation: user.organisation };
    const { live, rounds } = await this.deps.writeAsServer(
      workshop.roomId,
      (doc) => {
        writeWorkshopLive(doc, { endedAt: now, timer: pauseTimer(readWorkshopLive(doc).timer, now), hands: [], follow: null });
        return { live: readWorkshopLive(doc), rounds: readRounds(doc) };
      },
      user.id,
    );

    await this.holdLock(workshop, null, user.id);
    const versions: EndedWorkshop['versions'] = [];
    const roomIds = [...new Set(workshop.steps.map((s) => s.roomId).filter((id): id is string => id !== null))];
    const labels = new Map<string, Map<string, VoteTarget>>();
    const versionName = shorten(`End of “${workshop.title}”`, VERSION_LIMITS.nameMax);
    for (const roomId of roomIds) {
      const room = await this.deps.store.getRoom(roomId);
      if (!room || room.archived || (room.kind !== 'map' && room.kind !== 'doc')) continue;
      const version = await this.deps.saveVersion({ id: room.id, kind: room.kind }, versionName, author);
      versions.push({ roomId, versionId: version.id, name: version.name });
    }
    for (const roomId of new Set(rounds.map((r) => r.roomId).filter((id): id is string => id !== null))) {
      labels.set(
        roomId,
        await this.deps.docs.read(roomId, (doc) => voteTargets(readMap(doc))),
      );
    }
    const attendance = await this.people(workshop);
    const content = workshopRecord({
      title: workshop.title,
      startsAt: workshop.startsAt,
      steps: workshop.steps,
      history: live.history,
      endedAt: now,
      attendance,
      rounds,
      labelOf: (roomId, id) => labels.get(roomId)?.get(id),
      decisions: input.decisions ?? [],
      actions: input.actions ?? [],
    });
    await this.deps.writeAsServer(record.id, (doc) => replaceDocContent(doc, content), user.id);
    await this.deps.writeAsServer(workshop.roomId, (doc) => writeWorkshopLive(doc, { recordRoomId: record.id }), user.id);

    const logRoom = await this.deps.store.getOrCreateLogRoom(workshop.siteId);
    const logEntryId = newId();
    const people = attendance.length;
    const organisations = new Set(attendance.map((a) => a.organisation).filter(Boolean)).size;
    await this.deps.writeAsServer(
      logRoom.id,
      (doc) => {
        addEntry(
          doc,
          {
            id: logEntryId,
            date: new Date(now).toISOString().slice(0, 10),
            title: shorten(`Workshop: ${workshop.title}`, 200),
            text: {
              happened: `${people} ${people === 1 ? 'person' : 'people'} from ${organisations} ${organisations === 1 ? 'organisation' : 'organisations'} took part; ${rounds.filter((r) => r.status === 'closed').length} rounds were run.`,
            },
          },
          author,
        );
        // The record, linked: its title as a link to the document, which the log's editors follow.
        const evidence = entryField(doc, logEntryId, 'evidence');
        const href = `${this.deps.publicUrl}/rooms/${record.id}`;
        if (evidence) replaceFragmentContent(doc, evidence, build.doc(build.paragraph('The workshop record: ', build.text(recordTitle, [{ type: 'link', attrs: { href } }]), '.')));
      },
      user.id,
    );
    this.deps.log.info('workshop ended', { workshop: workshop.id, record: record.id, versions: versions.length, people, user: user.id });
    return { workshop: ended, recordRoomId: record.id, versions, logEntryId };
  }

  /**
   * Changes the live state in the room's queue, reading the clock there: the time is the moment
   * the change is made, after any edits queued before it.
   */
  private async change(
    workshop: WorkshopRecord,
    userId: string,
    next: (live: WorkshopLive, now: number) => Partial<WorkshopLive>,
  ): Promise<WorkshopLive> {
    if (workshop.endedAt) throw errors.conflict('This workshop has ended: its step and timer no longer change.');
    return this.deps.writeAsServer(
      workshop.roomId,
      (doc) => {
        writeWorkshopLive(doc, next(readWorkshopLive(doc), Date.now()));
        return readWorkshopLive(doc);
      },
      userId,
    );
  }
}
