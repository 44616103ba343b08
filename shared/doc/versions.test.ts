import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bulletList, doc, heading, paragraph } from './build.js';
import { docContent, docContentJson, replaceDocContent } from './content.js';
import { normaliseDocJson } from './extensions.js';
import {
  DOC_RESTORE_ORIGIN,
  DOC_VERSIONS_MAX,
  DOC_VERSIONS_ROOT,
  deleteDocVersion,
  diffDocs,
  listDocVersions,
  observeDocVersions,
  readDocVersion,
  restoreDocVersion,
  saveDocVersion,
} from './versions.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
const bo = { userId: 'u-b', name: 'Bo', organisation: 'Devon and Cornwall Police' };
const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m));

/** Two peers that pass every update to each other as it happens, like a live room. */
function livePair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
  return [a, b];
}

const draft = doc(heading(1, 'Actions'), paragraph('Meet in May'), bulletList('Police', 'NHS'));
const revised = doc(heading(1, 'Actions'), paragraph('Meet in June'), bulletList('Police', 'NHS'), paragraph('Invite the VCSE'));

describe('document versions', () => {
  it('saves the content under a name with who and when, and reads it back', () => {
    const ydoc = new Y.Doc();
    replaceDocContent(ydoc, draft);
    saveDocVersion(ydoc, 'v1', '  First draft ', ann, at(0));
    expect(listDocVersions(ydoc)).toEqual([{ id: 'v1', name: 'First draft', at: at(0).toISOString(), by: { ...ann, at: at(0).toISOString() } }]);
    expect(readDocVersion(ydoc, 'v1')!.json).toEqual(normaliseDocJson(draft));
    // Later edits do not change the saved copy.
    replaceDocContent(ydoc, revised);
    expect(readDocVersion(ydoc, 'v1')!.json).toEqual(normaliseDocJson(draft));
    expect(readDocVersion(ydoc, 'nope')).toBeNull();
  });

  it('refuses empty and over-long names', () => {
    const ydoc = new Y.Doc();
    expect(() => saveDocVersion(ydoc, 'v', ' ', ann)).toThrow(/Give the version a name/);
    expect(() => saveDocVersion(ydoc, 'v', 'x'.repeat(121), ann)).toThrow(/at most 120/);
    expect(listDocVersions(ydoc)).toEqual([]);
  });

  it(`keeps at most ${DOC_VERSIONS_MAX}, dropping the oldest`, () => {
    const ydoc = new Y.Doc();
    for (let i = 0; i < DOC_VERSIONS_MAX + 3; i++) saveDocVersion(ydoc, `v${i}`, `Version ${i}`, ann, at(i));
    const ids = listDocVersions(ydoc).map((v) => v.id);
    expect(ids).toHaveLength(DOC_VERSIONS_MAX);
    expect(ids[0]).toBe('v3');
    expect(ids.at(-1)).toBe(`v${DOC_VERSIONS_MAX + 2}`);
  });

  it('skips malformed entries, deletes, and tells observers', () => {
    const ydoc = new Y.Doc();
    let calls = 0;
    const stop = observeDocVersions(ydoc, () => calls++);
    ydoc.getArray(DOC_VERSIONS_ROOT).push([{ id: 'bad', name: 'no content' }, 'junk']);
    saveDocVersion(ydoc, 'v1', 'ok', ann);
    expect(listDocVersions(ydoc).map((v) => v.id)).toEqual(['v1']);
    expect(deleteDocVersion(ydoc, 'v1')).toBe(true);
    expect(deleteDocVersion(ydoc, 'v1')).toBe(false);
    stop();
    saveDocVersion(ydoc, 'v2', 'unseen', ann);
    expect(calls).toBe(3);
  });

  it('restores a version for everyone, and only the restorer can undo it', () => {
    const [a, b] = livePair();
    replaceDocContent(a, draft);
    saveDocVersion(a, 'v1', 'First draft', ann, at(0));
    replaceDocContent(b, revised);
    expect(docContentJson(a)).toEqual(normaliseDocJson(revised));

    // Bo's undo manager tracks his restores; Ann's tracks hers (the editor's setup).
    const undoB = new Y.UndoManager(docContent(b), { trackedOrigins: new Set([DOC_RESTORE_ORIGIN]) });
    const undoA = new Y.UndoManager(docContent(a), { trackedOrigins: new Set([DOC_RESTORE_ORIGIN]) });
    expect(restoreDocVersion(b, 'v1')).toBe(true);
    expect(docContentJson(a)).toEqual(normaliseDocJson(draft));
    expect(undoA.undoStack).toHaveLength(0);
    expect(undoB.undoStack).toHaveLength(1);
    undoB.undo();
    expect(docContentJson(a)).toEqual(normaliseDocJson(revised));
    expect(docContentJson(b)).toEqual(normaliseDocJson(revised));
    expect(restoreDocVersion(b, 'gone')).toBe(false);
  });

  it('keeps versions saved by two people at once', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    saveDocVersion(a, 'va', 'Ann’s', ann, at(1));
    saveDocVersion(b, 'vb', 'Bo’s', bo, at(1));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(listDocVersions(a)).toEqual(listDocVersions(b));
    expect(listDocVersions(a).map((v) => v.id).sort()).toEqual(['va', 'vb']);
  });
});

describe('comparing versions', () => {
  it('lists blocks as unchanged, changed (with a word diff), added and removed', () => {
    const before = doc(heading(1, 'Actions'), paragraph('Meet in May'), paragraph('Old note'), bulletList('Police', 'NHS'));
    const after = doc(heading(1, 'Actions'), paragraph('Meet in June'), bulletList('Police', 'NHS', 'Council'), paragraph('Invite the VCSE'));
    const diff = diffDocs(before, after);
    expect(diff.map((d) => [d.kind, d.type, d.text])).toEqual([
      ['unchanged', 'heading', 'Actions'],
      ['changed', 'paragraph', 'Meet in June'],
      ['removed', 'paragraph', 'Old note'],
      ['changed', 'bulletList', 'Police\nNHS\nCouncil'],
      ['added', 'paragraph', 'Invite the VCSE'],
    ]);
    const changed = diff[1]!;
    expect(changed.kind === 'changed' && changed.before).toBe('Meet in May');
    expect(changed.kind === 'changed' && changed.parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text])).toEqual([
      ['removed', 'May'],
      ['added', 'June'],
    ]);
  });

  it('finds nothing changed between a document and itself', () => {
    expect(diffDocs(draft, draft).every((d) => d.kind === 'unchanged')).toBe(true);
  });
});
