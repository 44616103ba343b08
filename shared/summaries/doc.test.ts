import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  SUMMARY_LIMITS,
  addSummaryItem,
  moveSummaryItem,
  observeSummary,
  readSummaryDraft,
  removeSummaryItem,
  setSummaryField,
  updateSummaryItem,
} from './doc.js';

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('a summary draft', () => {
  it('holds a title, an issue and items in section order, then by order within a section', () => {
    const doc = new Y.Doc();
    setSummaryField(doc, 'title', '  Dementia-friendly high streets ');
    setSummaryField(doc, 'issue', 'People stay away from the high street.\r\nWe want them back.');
    const lesson = addSummaryItem(doc, 'lesson', { text: 'Start with the street.' });
    const agency = addSummaryItem(doc, 'agency', { text: 'Torbay Council', agencyType: 'local-authority' });
    const second = addSummaryItem(doc, 'lesson', { text: 'Count what residents feel.' });
    const draft = readSummaryDraft(doc);
    expect(draft.title).toBe('Dementia-friendly high streets');
    expect(draft.issue).toBe('People stay away from the high street.\nWe want them back.');
    expect(draft.items.map((i) => i.id)).toEqual([agency, lesson, second]);
    expect(draft.items[1]).toMatchObject({ section: 'lesson', publishable: true, themes: [], consent: false });
  });

  it('starts items drawn from private work private, and what is written for the public publishable', () => {
    const doc = new Y.Doc();
    for (const section of ['evidence', 'quotation', 'contributor'] as const) addSummaryItem(doc, section, { text: 'x' });
    for (const section of ['lesson', 'intervention', 'diagram'] as const) addSummaryItem(doc, section, { text: 'y' });
    const bySection = Object.fromEntries(readSummaryDraft(doc).items.map((i) => [i.section, i.publishable]));
    expect(bySection).toEqual({ evidence: false, quotation: false, contributor: false, lesson: true, intervention: true, diagram: true });
  });

  it('keeps two people’s edits to different fields of one item', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const id = addSummaryItem(a, 'lesson', { text: 'First words' });
    sync(a, b);
    updateSummaryItem(a, id, { text: 'Better words' });
    updateSummaryItem(b, id, { themes: ['place', 'place', 'workforce'], publishable: false });
    sync(a, b);
    for (const doc of [a, b]) expect(readSummaryDraft(doc).items[0]).toMatchObject({ text: 'Better words', themes: ['place', 'workforce'], publishable: false });
  });

  it('refuses over-long text, too many tags and unknown sections with messages for people', () => {
    const doc = new Y.Doc();
    expect(() => setSummaryField(doc, 'title', 'x'.repeat(SUMMARY_LIMITS.titleMax + 1))).toThrow(/at most 200 characters/);
    const id = addSummaryItem(doc, 'lesson');
    expect(() => updateSummaryItem(doc, id, { text: 'x'.repeat(SUMMARY_LIMITS.textMax + 1) })).toThrow(/at most/);
    expect(() => updateSummaryItem(doc, id, { themes: Array.from({ length: 31 }, (_, i) => `t${i}`) })).toThrow(/At most 30 themes/);
    expect(() => updateSummaryItem(doc, id, { evidenceKind: 'file' as never })).toThrow(/log entry, a document or a link/);
    expect(() => addSummaryItem(doc, 'secret' as never)).toThrow(/Not a part/);
    expect(updateSummaryItem(doc, 'nope', { text: 'x' })).toBe(false);
  });

  it('reads hostile values written straight into the doc as harmless defaults', () => {
    const doc = new Y.Doc();
    const items = doc.getMap<Y.Map<unknown>>('summaryItems');
    const fields = new Y.Map<unknown>();
    items.set('bad', fields);
    fields.set('section', 'lesson');
    fields.set('text', 42);
    fields.set('themes', 'not a list');
    fields.set('publishable', 'yes');
    fields.set('order', Number.NaN);
    const wrong = new Y.Map<unknown>();
    items.set('wrong', wrong);
    wrong.set('section', 'no such section');
    const draft = readSummaryDraft(doc);
    expect(draft.items).toHaveLength(1);
    expect(draft.items[0]).toMatchObject({ id: 'bad', text: '', themes: [], publishable: false, order: 0 });
  });

  it('moves an item within its section, removes it, and tells observers', () => {
    const doc = new Y.Doc();
    let changes = 0;
    const stop = observeSummary(doc, () => changes++);
    const a = addSummaryItem(doc, 'barrier', { text: 'A' });
    const b = addSummaryItem(doc, 'barrier', { text: 'B' });
    expect(moveSummaryItem(doc, b, -1)).toBe(true);
    expect(readSummaryDraft(doc).items.map((i) => i.text)).toEqual(['B', 'A']);
    expect(moveSummaryItem(doc, b, -1)).toBe(false);
    removeSummaryItem(doc, a);
    expect(readSummaryDraft(doc).items.map((i) => i.text)).toEqual(['B']);
    expect(changes).toBeGreaterThanOrEqual(4);
    stop();
    const before = changes;
    setSummaryField(doc, 'title', 'Quiet');
    expect(changes).toBe(before);
  });
});
