/**
 * Moving out the versions older releases kept inside rooms' docs (`mapVersions`,
 * `docVersions`). Each becomes a version row, its content rebuilt as a doc of its own with the
 * shared write helpers, keeping its id, name, saver and time; then the root is emptied through
 * the room's queue like any server change, so connected clients get the removal live and the
 * docs shrink at their next compaction.
 *
 * Run once per database, in the background after a start; recorded in a setting when every
 * room was done. Safe to run again, or after a crash half-way: a version row is keyed by the
 * room and the old id (`createVersion` leaves an existing one as it is), and emptying an empty
 * root writes nothing. Clients cannot write the old roots back: the room-kind rules
 * (`shared/rooms/kinds.ts`) leave them to the server.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { VERSION_LIMITS, VersionIdSchema, type VersionContent } from '../../shared/api.js';
import { clearLegacyDocVersions, readLegacyDocVersions } from '../../shared/doc/versions.js';
import { clearLegacyMapVersions, readLegacyMapVersions } from '../../shared/map/versions.js';
import type { Logger } from '../logger.js';
import type { Directory, VersionAuthor } from '../storage/types.js';
import type { DocReader } from '../ydoc/reader.js';
import { isVersioned, summaryOf, writeContent, type VersionedKind } from './content.js';
import type { VersionService, WriteAsServer } from './service.js';

/** Set once every room's doc has been searched and emptied of old versions. */
export const IN_DOC_VERSIONS_MOVED = 'versions.moved-out-of-docs';

/** An old version, whichever kind of room it was kept in. */
interface OldVersion {
  id: string;
  name: string;
  author: VersionAuthor;
  createdAt: string;
  content: VersionContent;
}

function oldVersionsOf(kind: VersionedKind, doc: Y.Doc): OldVersion[] {
  const author = (a: { userId: string; name: string; organisation: string }): VersionAuthor => ({
    userId: a.userId || null,
    name: a.name,
    organisation: a.organisation,
  });
  if (kind === 'map') {
    return readLegacyMapVersions(doc).map((v) => ({ id: v.id, name: v.name, author: author(v.saved), createdAt: v.saved.at, content: { kind, map: v.map } }));
  }
  return readLegacyDocVersions(doc).map((v) => ({
    id: v.id,
    name: v.name,
    author: author(v.by),
    createdAt: v.at,
    content: { kind, doc: v.json as Extract<VersionContent, { kind: 'doc' }>['doc'] },
  }));
}

/** The old id when it can be a version id; otherwise one derived from it, the same every run. */
function versionIdOf(oldId: string): string {
  return VersionIdSchema.safeParse(oldId).success ? oldId : createHash('sha256').update(oldId).digest('base64url').slice(0, 21);
}

export interface InDocMoveDeps {
  directory: Pick<Directory, 'listSites' | 'listRooms' | 'getSetting' | 'setSetting'>;
  docs: DocReader;
  writeAsServer: WriteAsServer;
  versions: VersionService;
  log: Logger;
}

/**
 * Moves one room's old versions out of its doc; returns how many were stored as version rows.
 *
 * @example
 * await moveRoomVersions(deps, { id: roomId, kind: 'map' }) // 3
 */
export async function moveRoomVersions(deps: InDocMoveDeps, room: { id: string; kind: VersionedKind }): Promise<number> {
  const old = await deps.docs.read(room.id, (doc) => oldVersionsOf(room.kind, doc));
  if (old.length === 0) return 0;
  let moved = 0;
  for (const v of old) {
    const doc = new Y.Doc();
    try {
      // Written by clients of older releases: one that cannot be rebuilt is reported, not kept.
      writeContent(doc, v.content);
      const snapshot = { state: Y.encodeStateAsUpdate(doc), summary: summaryOf(v.content) };
      await deps.versions.store(room.id, { id: versionIdOf(v.id), name: v.name.slice(0, VERSION_LIMITS.nameMax), author: v.author, createdAt: v.createdAt }, snapshot);
      moved++;
    } catch (error) {
      deps.log.warn('an old version kept in the doc could not be rebuilt; left out', { room: room.id, version: v.id, error });
    } finally {
      doc.destroy();
    }
  }
  await deps.writeAsServer(room.id, (doc) => (room.kind === 'map' ? clearLegacyMapVersions(doc) : clearLegacyDocVersions(doc)), null);
  deps.log.info('moved versions out of the doc', { room: room.id, versions: moved });
  return moved;
}

/**
 * Moves the old versions out of every map and document, one room at a time, unless that was
 * done before; `stopped` ends the pass early (the server is closing), leaving it for the next
 * start. A room that fails is logged and tried again at the next start.
 */
export async function moveInDocVersions(deps: InDocMoveDeps, stopped: () => boolean = () => false): Promise<{ rooms: number; versions: number }> {
  const done = { rooms: 0, versions: 0 };
  if (await deps.directory.getSetting(IN_DOC_VERSIONS_MOVED)) return done;
  let failed = false;
  // Every site (listed for nobody in particular), archived rooms included.
  for (const site of await deps.directory.listSites('')) {
    for (const room of await deps.directory.listRooms(site.id, { includeArchived: true })) {
      if (stopped()) return done;
      if (!isVersioned(room.kind)) continue;
      try {
        const moved = await moveRoomVersions(deps, { id: room.id, kind: room.kind });
        if (moved > 0) done.rooms++;
        done.versions += moved;
      } catch (error) {
        failed = true;
        deps.log.error('moving versions out of a room failed; trying again at the next start', { room: room.id, error });
      }
    }
  }
  if (!failed) await deps.directory.setSetting(IN_DOC_VERSIONS_MOVED, new Date().toISOString());
  return done;
}
