/**
 * What a version of each kind of room holds, for the server: the snapshot it stores (the
 * room's whole doc), the summary listed beside it, the content a viewer is sent (a map as
 * plain data, a document as ProseMirror JSON) and how that content is written back into a
 * doc, to restore it or to rebuild a version an older release kept inside the doc.
 */
import type { JSONContent } from '@tiptap/core';
import * as Y from 'yjs';
import type { RoomKind, VersionContent, VersionSummary } from '../../shared/api.js';
import { docContentJson, replaceDocContent } from '../../shared/doc/content.js';
import { wordCount } from '../../shared/doc/versions.js';
import { readMap, replaceMapData } from '../../shared/map/doc.js';
import { replayStoredDoc } from '../ydoc/replay.js';

/** A document body as the API sends it: ProseMirror JSON whose top node is `doc`. */
type DocBody = Extract<VersionContent, { kind: 'doc' }>['doc'];

/** The kinds of room that have versions (a site's learning log has none). */
export type VersionedKind = Extract<RoomKind, 'map' | 'doc'>;

export function isVersioned(kind: RoomKind): kind is VersionedKind {
  return kind === 'map' || kind === 'doc';
}

/** The room's content as a viewer of a version is sent it. */
export function contentOfDoc(kind: VersionedKind, doc: Y.Doc): VersionContent {
  return kind === 'map' ? { kind, map: readMap(doc) } : { kind, doc: docContentJson(doc) as DocBody };
}

export function summaryOf(content: VersionContent): VersionSummary {
  return content.kind === 'map'
    ? { elements: content.map.elements.length, connections: content.map.connections.length }
    : { words: wordCount(content.doc as JSONContent) };
}

/**
 * The snapshot a version stores of a room's doc, and its summary. Synchronous, so it can run
 * inside a `DocReader` read or a server write.
 *
 * @example
 * const { state, summary } = await docs.read(roomId, (doc) => snapshotOf('map', doc))
 */
export function snapshotOf(kind: VersionedKind, doc: Y.Doc): { state: Uint8Array; summary: VersionSummary } {
  return { state: Y.encodeStateAsUpdate(doc), summary: summaryOf(contentOfDoc(kind, doc)) };
}

/** The content of a stored snapshot, read as a room would load it (bad structs left out). */
export function contentOfState(kind: VersionedKind, state: Uint8Array): VersionContent {
  const { doc } = replayStoredDoc({ snapshot: state, updates: [] });
  try {
    return contentOfDoc(kind, doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Makes a doc's content equal to `content` (the map's elements, connections, frames and loop
 * notes, or the document's body), changing only what differs. Comments and the parking lot
 * are conversation about the content, not content, and stay as they are.
 */
export function writeContent(doc: Y.Doc, content: VersionContent): void {
  if (content.kind === 'map') replaceMapData(doc, content.map);
  else replaceDocContent(doc, content.doc as JSONContent);
}
