/**
 * Named versions of a document ("agreed at the March board"), kept in the room's doc so
 * everyone sees the same list and they travel with the room. Each is a frozen copy of the body
 * as ProseMirror JSON; viewing or comparing one never touches the live text, and restoring one
 * is an ordinary, undoable edit.
 *
 * Schema: `doc.getArray('docVersions')` holds plain objects `{ id, name, at, by, json }`, oldest
 * first. A plain value per version (not a Y.Map) because a version never changes once saved:
 * one opaque item each keeps the doc small. At most DOC_VERSIONS_MAX are kept.
 */
import type { JSONContent } from '@tiptap/core';
import { diffArrays, diffWords } from 'diff';
import type * as Y from 'yjs';
import { readAttribution } from '../comments/threads.js';
import type { Actor } from '../map/doc.js';
import type { Attribution } from '../map/model.js';
import { docContentJson, plainText, replaceDocContent } from './content.js';

export const DOC_VERSIONS_ROOT = 'docVersions';
export const DOC_VERSION_NAME_MAX = 120;
/** Versions kept per document; the oldest go first. Each is a full copy, so the doc stays bounded. */
export const DOC_VERSIONS_MAX = 50;

/**
 * The transaction origin of a restore. The editor adds it to its undo manager's tracked
 * origins (Collaboration `yUndoOptions: { trackedOrigins: [DOC_RESTORE_ORIGIN] }`), so the
 * person who restored can undo the restore; everyone else's undo stack is untouched.
 */
export const DOC_RESTORE_ORIGIN: unique symbol = Symbol('doc-restore');

export interface DocVersionInfo {
  id: string;
  name: string;
  /** ISO 8601 time it was saved. */
  at: string;
  by: Attribution;
}

export interface DocVersion extends DocVersionInfo {
  /** The body at that moment, as ProseMirror JSON of the document schema. */
  json: JSONContent;
}

const root = (doc: Y.Doc) => doc.getArray<unknown>(DOC_VERSIONS_ROOT);

function cleanName(name: string): string {
  const clean = name.trim();
  if (!clean) throw new RangeError('Give the version a name, such as “agreed at the March board”.');
  if (clean.length > DOC_VERSION_NAME_MAX) throw new RangeError(`A version name can be at most ${DOC_VERSION_NAME_MAX} characters.`);
  return clean;
}

/** A stored version, or null for anything malformed (written by a misbehaving client). */
function parse(value: unknown): DocVersion | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const by = readAttribution(v.by);
  const json = v.json as JSONContent | undefined;
  if (typeof v.id !== 'string' || typeof v.name !== 'string' || typeof v.at !== 'string' || !by) return null;
  if (typeof json !== 'object' || json === null || json.type !== 'doc') return null;
  return { id: v.id, name: v.name, at: v.at, by, json };
}

/**
 * Saves the body as it is now under a name; drops the oldest versions beyond DOC_VERSIONS_MAX
 * in the same transaction. Returns the id.
 *
 * @example
 * saveDocVersion(doc, newId(), 'After workshop 3', actor)
 */
export function saveDocVersion(doc: Y.Doc, id: string, name: string, actor: Actor, now = new Date()): string {
  const clean = cleanName(name);
  const json = docContentJson(doc);
  const at = now.toISOString();
  const version: DocVersion = { id, name: clean, at, by: { userId: actor.userId, name: actor.name, organisation: actor.organisation, at }, json };
  const versions = root(doc);
  doc.transact(() => {
    const excess = versions.length + 1 - DOC_VERSIONS_MAX;
    if (excess > 0) versions.delete(0, excess);
    versions.push([version]);
  });
  return id;
}

/**
 * The versions, oldest first, without their content (for the list).
 *
 * @example
 * listDocVersions(doc).map((v) => v.name) // ['First draft', 'After workshop 3']
 */
export function listDocVersions(doc: Y.Doc): DocVersionInfo[] {
  const out: DocVersionInfo[] = [];
  for (const value of root(doc)) {
    const v = parse(value);
    if (v) out.push({ id: v.id, name: v.name, at: v.at, by: v.by });
  }
  return out;
}

/** @example readDocVersion(doc, id)?.json */
export function readDocVersion(doc: Y.Doc, id: string): DocVersion | null {
  for (const value of root(doc)) {
    const v = parse(value);
    if (v?.id === id) return v;
  }
  return null;
}

/** Deletes a version; false if it was already gone. @example deleteDocVersion(doc, id) */
export function deleteDocVersion(doc: Y.Doc, id: string): boolean {
  const index = root(doc)
    .toArray()
    .findIndex((value) => parse(value)?.id === id);
  if (index < 0) return false;
  doc.transact(() => root(doc).delete(index, 1));
  return true;
}

/**
 * Makes the live body equal to a saved version, as one transaction with DOC_RESTORE_ORIGIN:
 * it syncs to everyone and the restorer can undo it. False if the version is gone.
 *
 * @example
 * restoreDocVersion(doc, id) // then Ctrl+Z in the restorer's editor takes it back
 */
export function restoreDocVersion(doc: Y.Doc, id: string): boolean {
  const version = readDocVersion(doc, id);
  if (!version) return false;
  replaceDocContent(doc, version.json, DOC_RESTORE_ORIGIN);
  return true;
}

/** @example const stop = observeDocVersions(doc, render) */
export function observeDocVersions(doc: Y.Doc, onChange: () => void): () => void {
  const versions = root(doc);
  versions.observe(onChange);
  return () => versions.unobserve(onChange);
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
 * diffDocs(readDocVersion(doc, a)!.json, docContentJson(doc))
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
