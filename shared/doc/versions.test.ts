import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bulletList, doc, heading, paragraph } from './build.js';
import { normaliseDocJson } from './extensions.js';
import { DOC_VERSIONS_ROOT, clearLegacyDocVersions, diffDocs, readLegacyDocVersions, wordCount } from './versions.js';

const ann = { userId: 'u-a', name: 'Ann', organisation: 'Torbay Council' };
const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m)).toISOString();

const draft = doc(heading(1, 'Actions'), paragraph('Meet in May'), bulletList('Police', 'NHS'));

describe('versions an older release kept inside the doc', () => {
  it('reads them oldest first, leaving out malformed ones, and clears the root', () => {
    const ydoc = new Y.Doc();
    expect(readLegacyDocVersions(ydoc)).toEqual([]);
    ydoc.getArray(DOC_VERSIONS_ROOT).push([
      { id: 'v1', name: 'First draft', at: at(0), by: { ...ann, at: at(0) }, json: normaliseDocJson(draft) },
      { id: 'bad', name: 'no content' },
      'junk',
      { id: 'v2', name: 'Second', at: at(5), by: { ...ann, at: at(5) }, json: { type: 'doc', content: [] } },
    ]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
    expect(readLegacyDocVersions(copy).map((v) => [v.id, v.name, v.by.name])).toEqual([
      ['v1', 'First draft', 'Ann'],
      ['v2', 'Second', 'Ann'],
    ]);
    expect(readLegacyDocVersions(copy)[0]!.json).toEqual(normaliseDocJson(draft));
    clearLegacyDocVersions(copy);
    expect(copy.getArray(DOC_VERSIONS_ROOT).length).toBe(0);
    expect(readLegacyDocVersions(copy)).toEqual([]);
  });

  it('counts the words of a body', () => {
    expect(wordCount(draft)).toBe(6);
    expect(wordCount({ type: 'doc', content: [] })).toBe(0);
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
