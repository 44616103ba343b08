/**
 * What a site's summary is drafted from and published with, read from the site's rooms: its
 * maps, its learning log and its documents. Only the site's own rooms are read, so a draft that
 * names another site's map (typed into the doc by hand) publishes nothing of it.
 */
import { listBehaviours } from '../../shared/log/behaviours.js';
import { readEntries, type LogEntry } from '../../shared/log/doc.js';
import { readMap } from '../../shared/map/doc.js';
import type { MapData } from '../../shared/map/model.js';
import type { SummaryDraft } from '../../shared/summaries/doc.js';
import type { RoomRecord, SiteRecord, Storage } from '../storage/types.js';
import type { DocReader } from '../ydoc/reader.js';

export interface SiteMaterial {
  maps: Map<string, { title: string; map: MapData }>;
  logRoomId: string;
  logEntries: LogEntry[];
  behaviours: { id: string; label: string; description: string }[];
  documents: Map<string, { title: string; workshopRecord: boolean }>;
}

/** Workshop records are documents the server titles so when a workshop ends. */
const isWorkshopRecord = (room: RoomRecord) => room.kind === 'doc' && room.title.startsWith('Workshop record: ');

/**
 * Reads the site's material. With `only`, just the maps and the log a draft refers to (what
 * publishing needs); without, every map (what the editor offers to pick from).
 */
export async function readSiteMaterial(
  deps: { storage: Pick<Storage, 'listRooms' | 'getOrCreateLogRoom'>; docs: DocReader },
  site: SiteRecord,
  only?: SummaryDraft,
): Promise<SiteMaterial> {
  const rooms = await deps.storage.listRooms(site.id, { includeArchived: true });
  const log = await deps.storage.getOrCreateLogRoom(site.id);
  const wantedMaps = only ? new Set(only.items.filter((i) => i.section === 'diagram').map((i) => i.mapRoomId)) : null;
  const needLog = !only || only.items.some((i) => i.section === 'evidence' && i.evidenceKind === 'log');

  const maps = new Map<string, { title: string; map: MapData }>();
  const documents = new Map<string, { title: string; workshopRecord: boolean }>();
  for (const room of rooms) {
    if (room.kind === 'doc') documents.set(room.id, { title: room.title, workshopRecord: isWorkshopRecord(room) });
    if (room.kind !== 'map' || room.archived || (wantedMaps && !wantedMaps.has(room.id))) continue;
    maps.set(room.id, { title: room.title, map: await deps.docs.read(room.id, readMap) });
  }
  const { entries, behaviours } = await deps.docs.read(log.id, (doc) => ({
    entries: needLog ? readEntries(doc) : [],
    behaviours: listBehaviours(doc).map((b) => ({ id: b.id, label: b.label, description: b.description })),
  }));
  return { maps, logRoomId: log.id, logEntries: entries, behaviours, documents };
}
