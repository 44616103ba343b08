/**
 * Named versions of maps and documents, kept by the server beside each room (`VersionStore`),
 * not inside its doc: opening a room downloads the room, never its versions. A version is a
 * snapshot of the room's whole doc taken by the server (through the `DocReader`: the live doc
 * when the room is loaded, else storage), and a restore is a change the server makes itself
 * (`writeAsServer`), so it re-creates other people's elements with their own attribution.
 */
import type * as Y from 'yjs';
import { VERSION_LIMITS, type VersionContent, type VersionSummary } from '../../shared/api.js';
import { newId } from '../../shared/ids.js';
import { shorten } from '../../shared/text.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { VersionAuthor, VersionRecord, VersionStore } from '../storage/types.js';
import type { DocReader } from '../ydoc/reader.js';
import { contentOfState, snapshotOf, writeContent, type VersionedKind } from './content.js';

/** Changes a room's doc as the server: stored, then relayed (`SyncServer.writeAsServer`). */
export type WriteAsServer = <T>(roomId: string, change: (doc: Y.Doc) => T, userId: string | null) => Promise<T>;

/** The room a version belongs to: its id and kind are all the service needs. */
export interface VersionedRoom {
  id: string;
  kind: VersionedKind;
}

export interface VersionServiceDeps {
  store: VersionStore;
  docs: DocReader;
  writeAsServer: WriteAsServer;
  log: Logger;
  /** Largest snapshot a version may hold (`MAX_VERSION_BYTES`). */
  maxVersionBytes: number;
  /** Versions kept per room; the oldest beyond go. */
  keep?: number;
}

/** A snapshot about to be stored as a version. */
export interface VersionSnapshot {
  state: Uint8Array;
  summary: VersionSummary;
}

const MB = 1024 * 1024;

/** The name of the version saved automatically before a restore, within the length limit. */
export function beforeRestoringName(name: string): string {
  const prefix = 'Before restoring “';
  const room = VERSION_LIMITS.nameMax - prefix.length - 1;
  return `${prefix}${shorten(name, room)}”`;
}

export class VersionService {
  constructor(private readonly deps: VersionServiceDeps) {}

  /** The room's versions, newest first. */
  list(roomId: string): Promise<VersionRecord[]> {
    return this.deps.store.listVersions(roomId);
  }

  /**
   * Saves the room as it is at this moment under `name`.
   *
   * @example
   * await versions.save({ id: roomId, kind: 'map' }, 'after workshop 3', { userId, name, organisation })
   */
  async save(room: VersionedRoom, name: string, author: VersionAuthor): Promise<VersionRecord> {
    const snapshot = await this.deps.docs.read(room.id, (doc) => this.checked(snapshotOf(room.kind, doc)));
    return this.store(room.id, { id: newId(), name, author, createdAt: new Date().toISOString() }, snapshot);
  }

  /** A version with its content, for viewing and comparing; null when the room has no such version. */
  async read(room: VersionedRoom, versionId: string): Promise<{ version: VersionRecord; content: VersionContent } | null> {
    const found = await this.deps.store.getVersion(room.id, versionId);
    return found && { version: found.version, content: contentOfState(room.kind, found.state) };
  }

  /** Deletes a version; false when the room had none with that id. */
  delete(roomId: string, versionId: string): Promise<boolean> {
    return this.deps.store.deleteVersion(roomId, versionId);
  }

  /**
   * Makes the room's content what it was in the version, for everyone, as a change the server
   * makes for `author`. The room as it was just before is saved first, as "Before restoring
   * …", in the same turn of the room's queue, so no edit falls between that snapshot and the
   * restore, and going back is restoring that version. Null when there is no such version.
   */
  async restore(room: VersionedRoom, versionId: string, author: VersionAuthor): Promise<{ restored: VersionRecord; before: VersionRecord } | null> {
    const found = await this.deps.store.getVersion(room.id, versionId);
    if (!found) return null;
    const content = contentOfState(room.kind, found.state);
    const createdAt = new Date().toISOString();
    const before = await this.deps.writeAsServer(
      room.id,
      (doc) => {
        // Thrown before anything is written, so a room too large to save is left as it is.
        const snapshot = this.checked(snapshotOf(room.kind, doc));
        writeContent(doc, content);
        return snapshot;
      },
      author.userId,
    );
    const saved = await this.store(room.id, { id: newId(), name: beforeRestoringName(found.version.name), author, createdAt }, before);
    this.deps.log.info('version restored', { room: room.id, version: versionId, before: saved.id, user: author.userId });
    return { restored: found.version, before: saved };
  }

  /** Stores a snapshot as a version, keeping the room's newest `keep`. */
  async store(
    roomId: string,
    meta: { id: string; name: string; author: VersionAuthor; createdAt: string },
    snapshot: VersionSnapshot,
  ): Promise<VersionRecord> {
    const { version } = await this.deps.store.createVersion(
      { id: meta.id, roomId, name: meta.name, createdBy: meta.author, createdAt: meta.createdAt, summary: { ...snapshot.summary }, state: snapshot.state },
      { keep: this.deps.keep ?? VERSION_LIMITS.perRoom },
    );
    return version;
  }

  /** The snapshot, or a 409 `limit_reached` when it is larger than a version may be. */
  private checked(snapshot: VersionSnapshot): VersionSnapshot {
    const limit = this.deps.maxVersionBytes;
    if (snapshot.state.byteLength <= limit) return snapshot;
    throw errors.limitReached(
      `This room is ${(snapshot.state.byteLength / MB).toFixed(1)} MB, more than the ${(limit / MB).toFixed(1)} MB a saved version may hold. ` +
        'Export it as a file instead, or ask an administrator to raise MAX_VERSION_BYTES.',
      { setting: 'MAX_VERSION_BYTES', limit },
    );
  }
}
