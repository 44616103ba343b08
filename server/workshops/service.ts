/**
 * Workshops: an agenda stored beside the site's rooms (`WorkshopStore`), and a room of kind
 * `workshop` whose doc holds the live state (the current step, the timer). Only the server
 * writes that state, through the room's queue (`writeAsServer`) and with its own clock, so every
 * client connected to the room receives the change live and it is stored like any update.
 */
import { newId } from '../../shared/ids.js';
import type { CreateWorkshopRequest, WorkshopTimerRequest } from '../../shared/workshops/api.js';
import { readWorkshopLive, writeWorkshopLive, type WorkshopLive } from '../../shared/workshops/live.js';
import { addTime, pauseTimer, startTimer } from '../../shared/workshops/timer.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Directory, SiteRecord, WorkshopRecord, WorkshopStore } from '../storage/types.js';
import type { WriteAsServer } from '../versions/service.js';
import type { DocReader } from '../ydoc/reader.js';
import { RoundService } from './rounds.js';

export interface WorkshopServiceDeps {
  store: WorkshopStore & Pick<Directory, 'createRoom' | 'getRoom' | 'getUserById'>;
  docs: DocReader;
  writeAsServer: WriteAsServer;
  log: Logger;
}

const MINUTE = 60_000;

export class WorkshopService {
  /** Its votes, private notes and check-in rounds. */
  readonly rounds: RoundService;

  constructor(private readonly deps: WorkshopServiceDeps) {
    this.rounds = new RoundService(deps);
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
          const room = await this.deps.store.getRoom(step.roomId);
          if (!room || room.siteId !== site.id || (room.kind !== 'map' && room.kind !== 'doc')) {
            throw errors.badRequest(`Step ${index + 1} ("${step.title}"): its room must be a map or document of ${site.name}.`);
          }
        }
        return { id: newId(), title: step.title, kind: step.kind, minutes: step.minutes, roomId: step.roomId ?? null };
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

  /** Moves everyone to step `index`, starting its timebox now (server time). */
  goToStep(workshop: WorkshopRecord, index: number, userId: string): Promise<WorkshopLive> {
    const step = workshop.steps[index];
    if (!step) {
      throw errors.badRequest(`This workshop has ${workshop.steps.length} steps: give an index from 0 to ${workshop.steps.length - 1}.`);
    }
    return this.change(workshop, userId, (live, now) => ({ step: index, timer: startTimer(live.timer, now, step.minutes * MINUTE) }));
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
          return { timer: startTimer(live.timer, now, timebox) };
        }
        case 'pause':
          return { timer: pauseTimer(live.timer, now) };
        case 'add':
          return { timer: addTime(live.timer, now, request.minutes * MINUTE) };
      }
    });
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
