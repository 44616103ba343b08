/**
 * Named versions of a document ("agreed at the March board") are kept by the server beside the
 * room, as snapshots of its doc (`server/versions/`), so opening a document never downloads
 * them. This module holds what is shared about them: comparing two bodies block by block, and
 * reading the versions that older releases kept inside the doc, which the server moves out
 * (`server/versions/inDoc.ts`).
 *
 * The old schema: `doc.getArray('docVersions')` holds plain objects `{ id, name, at, by, json }`,
 * oldest first, `json` the body as ProseMirror JSON.
 */
import type { JSONContent } from '@tiptap/core';
import { diffArrays, diffWords } from 'diff';
import type * as Y from 'yjs';
import { readAttribution } from '../comments/threads.js';
import type { Attribution } from '../map/model.js';
import { plainText } from './content.js';

/** The root where older releases kept a document's versions, inside the room's doc. */
export const DOC_VERSIONS_ROOT = 'docVersions';

/** A version as older releases kept it inside the doc. */
export interface LegacyDocVersion {
  id: string;
  name: string;
  /** ISO 8601 time it was saved. */
  at: string;
  by: Attribution;
  /** The body at that moment, as ProseMirror JSON of the document schema. */
  json: JSONContent;
}

/** A stored version, or null for anything malformed (written by a misbehaving client). */
function parse(value: unknown): LegacyDocVersion | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const by = readAttribution(v.by);
  const json = v.json as JSONContent | undefined;
  if (typeof v.id !== 'string' || typeof v.name !== 'string' || typeof v.at !== 'string' || !by) return null;
  if (typeof json !== 'object' || json === null || json.type !== 'doc') return null;
  return { id: v.id, name: v.name, at: v.at, by, json };
}

/**
 * The versions an older release kept inside the doc, oldest first; malformed ones are left out
 * (`clearLegacyDocVersions` removes them all the same).
 *
 * @example
 * readLegacyDocVersions(doc).map((v) => v.name) // ['First draft', 'After workshop 3']
 */
export function readLegacyDocVersions(doc: Y.Doc): LegacyDocVersion[] {
  if (!doc.share.has(DOC_VERSIONS_ROOT)) return [];
  return doc
    .getArray<unknown>(DOC_VERSIONS_ROOT)
    .toArray()
    .map(parse)
    .filter((v): v is LegacyDocVersion => v !== null);
}

/** Deletes everything under the old versions root, in one transaction. */
export function clearLegacyDocVersions(doc: Y.Doc): void {
  if (!doc.share.has(DOC_VERSIONS_ROOT)) return;
  const root = doc.getArray(DOC_VERSIONS_ROOT);
  if (root.length > 0) doc.transact(() => root.delete(0, root.length));
}

/**
 * How many words a body holds, for a version's summary.
 *
 * @example
 * wordCount({ type: 'doc', content: [paragraph('Meet in May')] }) // 3
 */
export function wordCount(json: JSONContent): number {
  return plainText(json).split(/\s+/).filter(Boolean).length;
}

// ---------------------------------------------------------------------------------------------
// Differences between two versions

export interface DocDiffPart {
  text: string;
  kind: 'added' | 'removed' | 'same';
}

export type DocDiffEntry =
  | { kind: 'added' | 'removed' | 'unchanged'; type: string; text: string }
  /** A block edited in place: `parts` is a word-level diff from `before` to `after`. */
  | { kind: 'changed'; type: string; text: string; before: string; after: string; parts: DocDiffPart[] };

interface Block {
  type: string;
  text: string;
}

function topLevelBlocks(json: JSONContent): Block[] {
  return (json.content ?? []).map((node) => ({ type: node.type ?? '', text: plainText(node).trim() }));
}

function wordDiff(before: string, after: string): DocDiffPart[] {
  return diffWords(before, after).map((p) => ({ text: p.value, kind: p.added ? 'added' : p.removed ? 'removed' : 'same' }));
}

/** Whether two block texts share at least a third of their characters (word-aligned). */
function similar(before: string, after: string): boolean {
  if (!before && !after) return true;
  const same = wordDiff(before, after).reduce((n, p) => n + (p.kind === 'same' ? p.text.length : 0), 0);
  return (2 * same) / (before.length + after.length) >= 1 / 3;
}

/**
 * What changed between two documents, block by block (top-level paragraphs, headings, lists,
 * tables), for a "compare versions" view. A block replaced by one of the same type with mostly
 * the same words reads as a change of that block, with a word-level diff.
 *
 * @example
 * diffDocs(version.content.doc, docContentJson(doc))
 * // [{ kind: 'unchanged', type: 'heading', text: 'Actions' }, { kind: 'changed', type: 'paragraph', before: 'Meet in May', after: 'Meet in June', … }]
 */
export function diffDocs(before: JSONContent, after: JSONContent): DocDiffEntry[] {
  const a = topLevelBlocks(before);
  const b = topLevelBlocks(after);
  const key = (block: Block) => `${block.type}\u0000${block.text}`;
  const changes = diffArrays(a.map(key), b.map(key));
  const out: DocDiffEntry[] = [];
  let i = 0;
  let j = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    const count = change.value.length;
    if (!change.added && !change.removed) {
      for (let k = 0; k < count; k++) out.push({ kind: 'unchanged', ...b[j + k]! });
      i += count;
      j += count;
    } else if (change.removed) {
      const next = changes[c + 1];
      const added = next?.added ? next.value.length : 0;
      // Within a run of removed and added blocks, a removed block whose like (same type,
      // mostly the same words) was added in its place was edited, not replaced.
      let k = 0;
      for (let r = 0; r < count; r++) {
        const from = a[i + r]!;
        let match = -1;
        for (let m = k; m < added && match < 0; m++) if (b[j + m]!.type === from.type && similar(from.text, b[j + m]!.text)) match = m;
        if (match < 0) {
          out.push({ kind: 'removed', ...from });
          continue;
        }
        for (; k < match; k++) out.push({ kind: 'added', ...b[j + k]! });
        const to = b[j + match]!;
        out.push({ kind: 'changed', type: to.type, text: to.text, before: from.text, after: to.text, parts: wordDiff(from.text, to.text) });
        k = match + 1;
      }
      for (; k < added; k++) out.push({ kind: 'added', ...b[j + k]! });
      i += count;
      j += added;
      if (added) c++;
    } else {
      for (let k = 0; k < count; k++) out.push({ kind: 'added', ...b[j + k]! });
      j += count;
    }
  }
  return out;
}
