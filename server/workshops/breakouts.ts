/**
 * Breakouts: the facilitator splits people into groups, each working in its own copy of a map
 * (a new map room of the site, made from the main map with its ids kept), for the step's
 * timebox. The main map is saved as a version first: that is the base each group's changes
 * are compared with, so the facilitator sees what a group did, not what others did to the main
 * map meanwhile. Chosen changes are merged into the main map by the server; closing the
 * breakout locks the groups' copies.
 */
import { addMapData, readMap, removeConnections, removeElements, updateConnection, updateElement } from '../../shared/map/doc.js';
import type { MapData } from '../../shared/map/model.js';
import { breakoutChanges, planMerge, type BreakoutChange } from '../../shared/workshops/breakout.js';
import type { MergeBreakoutResult, StartBreakoutRequest } from '../../shared/workshops/api.js';
import { readWorkshopLive, writeWorkshopLive, type Breakout, type WorkshopLive } from '../../shared/workshops/live.js';
import { LIMITS } from '../../shared/api.js';
import { shorten } from '../../shared/text.js';
import { errors } from '../errors.js';
import type { WorkshopRecord } from '../storage/types.js';
import type { WorkshopServiceDeps } from './service.js';
import { siteRoom } from './siteRoom.js';

type Person = { id: string; name: string; organisation: string };

export class BreakoutService {
  constructor(private readonly deps: WorkshopServiceDeps) {}

  /**
   * Starts a breakout on one of the site's maps: the map saved as the base version, a copy for
   * each group, and everyone's page told which group they are in.
   */
  async start(workshop: WorkshopRecord, input: StartBreakoutRequest, user: Person): Promise<WorkshopLive> {
    if (workshop.endedAt) throw errors.conflict('This workshop has ended.');
    const live = await this.deps.docs.read(workshop.roomId, readWorkshopLive);
    if (live.breakout && live.breakout.closedAt === null) throw errors.conflict('Breakouts are under way: close them before starting others.');
    const main = await siteRoom(this.deps.store, workshop.siteId, input.roomId, ['map']);
    if (!main || main.archived) {
      throw errors.badRequest('Breakouts work on one of the site’s maps in use: that map was not found.');
    }
    const seen = new Set<string>();
    const groups = [];
    for (const group of input.groups) {
      const members = [];
      for (const userId of group.userIds) {
        if (seen.has(userId)) throw errors.badRequest('Each person is in one group only.');
        seen.add(userId);
        const person = await this.deps.store.getUserById(userId);
        if (!person) throw errors.badRequest(`Group “${group.name}”: one of its people was not found.`);
        members.push({ userId, name: person.name, organisation: person.organisation });
      }
      groups.push({ name: group.name, members });
    }

    const author = { userId: user.id, name: user.name, organisation: user.organisation };
    const base = await this.deps.saveVersion({ id: main.id, kind: 'map' }, shorten(`Before breakouts in “${workshop.title}”`, 200), author);
    const map = await this.deps.docs.read(main.id, readMap);
    const copies = [];
    for (const group of groups) {
      const room = await this.deps.store.createRoom({ siteId: workshop.siteId, kind: 'map', title: shorten(`${main.title} — ${group.name}`, LIMITS.titleMax), createdBy: user.id });
      await this.deps.store.addWorkshopRoom(workshop.id, room.id);
      await this.deps.writeAsServer(room.id, (doc) => addMapData(doc, copyOf(map), author), user.id);
      copies.push({ ...group, roomId: room.id });
    }
    const breakout: Breakout = { mainRoomId: main.id, baseVersionId: base.id, startedAt: Date.now(), closedAt: null, groups: copies };
    this.deps.log.info('breakouts started', { workshop: workshop.id, map: main.id, groups: copies.length, user: user.id });
    return this.deps.writeAsServer(
      workshop.roomId,
      (doc) => {
        writeWorkshopLive(doc, { breakout });
        return readWorkshopLive(doc);
      },
      user.id,
    );
  }

  /** What a group changed in its copy, against the main map as it was when the breakout began. */
  async changes(workshop: WorkshopRecord, groupRoomId: string): Promise<BreakoutChange[]> {
    const { breakout } = await this.group(workshop, groupRoomId);
    const [base, copy] = await Promise.all([this.base(breakout), this.deps.docs.read(groupRoomId, readMap)]);
    return breakoutChanges(base, copy);
  }

  /**
   * Merges the chosen changes of a group into the main map, as the facilitator; says what it
   * could not merge, and why.
   */
  async merge(workshop: WorkshopRecord, groupRoomId: string, ids: readonly string[], user: Person): Promise<MergeBreakoutResult> {
    const { breakout } = await this.group(workshop, groupRoomId);
    const [base, copy] = await Promise.all([this.base(breakout), this.deps.docs.read(groupRoomId, readMap)]);
    const changes = breakoutChanges(base, copy);
    const actor = { userId: user.id, name: user.name, organisation: user.organisation };
    // Planned and written in the main map's queue, against the main map as it is at that moment.
    const result = await this.deps.writeAsServer(
      breakout.mainRoomId,
      (doc) => {
        const plan = planMerge(readMap(doc), copy, changes, new Set(ids));
        doc.transact(() => {
          addMapData(doc, { elements: plan.addElements, connections: plan.addConnections, groups: [], loopNotes: [] }, actor);
          for (const { id, patch } of plan.updateElements) updateElement(doc, id, patch, actor);
          for (const { id, patch } of plan.updateConnections) updateConnection(doc, id, patch, actor);
          removeConnections(doc, plan.removeConnections);
          removeElements(doc, plan.removeElements);
        });
        const merged =
          plan.addElements.length + plan.addConnections.length + plan.updateElements.length + plan.updateConnections.length + plan.removeElements.length + plan.removeConnections.length;
        return { merged, skipped: plan.skipped };
      },
      user.id,
    );
    this.deps.log.info('breakout merged', { workshop: workshop.id, group: groupRoomId, merged: result.merged, skipped: result.skipped.length, user: user.id });
    return result;
  }

  /** Closes the breakout: the groups' copies are locked (their work stays to compare and merge). */
  async close(workshop: WorkshopRecord, user: Person): Promise<WorkshopLive> {
    const live = await this.deps.docs.read(workshop.roomId, readWorkshopLive);
    const breakout = live.breakout;
    if (!breakout || breakout.closedAt !== null) throw errors.conflict('No breakouts are under way.');
    for (const group of breakout.groups) await this.deps.store.updateRoom(group.roomId, { locked: true, lockedBy: user.id });
    this.deps.onAccessChanged();
    return this.deps.writeAsServer(
      workshop.roomId,
      (doc) => {
        const current = readWorkshopLive(doc).breakout;
        if (current) writeWorkshopLive(doc, { breakout: { ...current, closedAt: Date.now() } });
        return readWorkshopLive(doc);
      },
      user.id,
    );
  }

  private async group(workshop: WorkshopRecord, groupRoomId: string): Promise<{ breakout: Breakout }> {
    const { breakout } = await this.deps.docs.read(workshop.roomId, readWorkshopLive);
    if (!breakout || !breakout.groups.some((g) => g.roomId === groupRoomId)) throw errors.notFound('That breakout group');
    return { breakout };
  }

  private async base(breakout: Breakout): Promise<MapData> {
    const content = await this.deps.readVersion({ id: breakout.mainRoomId, kind: 'map' }, breakout.baseVersionId);
    if (content?.kind !== 'map') throw errors.conflict('The main map’s version from before the breakouts is gone (deleted?): compare the maps by eye.');
    return content.map;
  }
}

/** The map as a copy to start a group from: the same ids, so changes can be told apart later. */
function copyOf(map: MapData): MapData {
  return { ...map, connections: map.connections.map((c) => ({ ...c, views: [] })) };
}
