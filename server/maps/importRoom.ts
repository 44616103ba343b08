/**
 * A new map room made from a file people bring (Kumu, LOOPY, Vensim or our own JSON): the one
 * place the import API and the CLI's `map import` share, so both check a file the same way as
 * the map page does (shared/map/importFile.ts) and say the same things about it.
 *
 * The file is read completely before anything is written: a file that does not import creates
 * no room. The map goes into the room as its first update, attributed to the person importing.
 */
import * as Y from 'yjs';
import { LIMITS } from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { addMapData, type Actor } from '../../shared/map/doc.js';
import { importMapFile, UnknownMapFormatError, type MapFormat } from '../../shared/map/importFile.js';
import { AppError, errors } from '../errors.js';
import type { RoomRecord, SiteRecord, Storage } from '../storage/types.js';

export interface ImportRoomInput {
  site: SiteRecord;
  /** Who imports: recorded as the room's creator and as the author of everything in it. */
  by: Omit<Actor, 'userId'> & { userId: string | null };
  fileName: string;
  bytes: Uint8Array;
  /** The room's title; by default the file's name without its extension. */
  title?: string | undefined;
  /** Caps checked as the room is created (see Storage.createRoom). */
  limits?: { maxInSite?: number; maxByCreator?: number };
}

export interface ImportRoomResult {
  room: RoomRecord;
  format: MapFormat;
  elements: number;
  connections: number;
  /** What was changed or merged on the way in, each naming where in the file. */
  warnings: string[];
}

/** The title a file gives its room: its name without the extension, on one line, within the limit. */
export function titleFromFileName(name: string): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ');
  const oneLine = base.replace(/\s+/g, ' ').trim();
  return (oneLine || 'Imported map').slice(0, LIMITS.titleMax);
}

/**
 * Reads the file, then creates the room and writes the map into it.
 *
 * @throws AppError 400 `unsupported_format` for a file in no format we read, 400
 *   `validation_failed` (details: `{ format, issues }`) for one that does not import;
 *   RoomLimitError from storage when a room cap is reached.
 */
export async function importMapRoom(storage: Storage, input: ImportRoomInput): Promise<ImportRoomResult> {
  const { by } = input;
  let result;
  try {
    result = await importMapFile(
      { name: input.fileName, bytes: input.bytes },
      { newId, by: { userId: by.userId ?? '', name: by.name, organisation: by.organisation, at: new Date().toISOString() } },
    );
  } catch (error) {
    if (error instanceof UnknownMapFormatError) throw new AppError(400, ErrorCode.UnsupportedFormat, error.message);
    throw error;
  }
  if (!result.ok) {
    const issues = result.errors.map((e) => e.message);
    const shown = issues.slice(0, 5).join(' ');
    throw new AppError(
      400,
      ErrorCode.ValidationFailed,
      `"${input.fileName}" does not import (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}): ${shown}${issues.length > 5 ? ` … and ${issues.length - 5} more` : ''}`,
      { details: { format: result.format, issues } },
    );
  }
  if (result.map.elements.length === 0) throw errors.badRequest(`"${input.fileName}" holds no elements: there is nothing to import.`);

  const room = await storage.createRoom(
    { siteId: input.site.id, kind: 'map', title: input.title ?? titleFromFileName(input.fileName), createdBy: by.userId },
    input.limits ?? {},
  );
  const doc = new Y.Doc();
  addMapData(doc, result.map, { userId: by.userId ?? '', name: by.name, organisation: by.organisation });
  await storage.appendUpdate(room.id, Y.encodeStateAsUpdate(doc), { userId: by.userId });
  doc.destroy();
  return {
    room,
    format: result.format,
    elements: result.map.elements.length,
    connections: result.map.connections.length,
    warnings: result.warnings.map((w) => w.message),
  };
}
