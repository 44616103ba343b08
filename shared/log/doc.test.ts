import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { council, exchange, nhs, police } from '../map/docFixtures.js';
import { seededRandom } from '../map/loopsFixtures.js';
import { addBehaviour } from './behaviours.js';
import {
  LOG_LIMITS,
  addAuthor,
  addEntry,
  addLink,
  entryField,
  isLogDate,
  logUndoScope,
  observeLog,
  readEntries,
  removeAuthor,
  removeEntry,
  removeLink,
  setBehaviours,
  setFieldText,
  touchEntry,
  updateEntry,
  type LogLink,
} from './doc.js';

const t0 = new Date('2026-03-04T10:00:00.000Z');
const t1 = new Date('2026-03-05T10:00:00.000Z');
const bench: LogLink = { roomId: 'map-room-1', targetKind: 'element', targetId: 'e-bench', label: 'Places to rest' };

describe('learning log entries', () => {
  it('adds an entry with every field and reads it back as plain data', () => {
    const doc = new Y.Doc();
    addEntry(
      doc,
      {
        id: 'e1',
        date: '2026-03-04',
        title: '  Walked the   high street with carers ',
        authors: [
          { userId: council.userId, name: council.name, organisation: council.organisation },
          { userId: null, name: 'Sam Carer', organisation: 'Torbay Carers' },
          { userId: null, name: 'sam carer', organisation: 'torbay carers' },
        ],
        behaviours: ['co-producing', 'across-boundaries', 'co-producing'],
        links: [bench, { ...bench, label: 'again' }],
        text: { tried: 'A walk.\n\nWith six carers.', learned: 'Benches matter.' },
      },
      council,
      t0,
    );
    const [entry] = readEntries(doc);
    expect(entry).toEqual({
      id: 'e1',
      date: '2026-03-04',
      title: 'Walked the high street with carers',
      authors: [
        { userId: 'u-c', name: 'Cal Council', organisation: 'Torbay Council' },
        { userId: null, name: 'Sam Carer', organisation: 'Torbay Carers' },
      ],
      tried: 'A walk.\n\nWith six carers.',
      happened: '',
      learned: 'Benches matter.',
      evidence: '',
      behaviours: ['co-producing', 'across-boundaries'],
      links: [bench],
      created: { ...council, at: t0.toISOString() },
      updated: { ...council, at: t0.toISOString() },
    });
    // Each text field is a fragment an editor can bind to, holding paragraphs as Tiptap does.
    const tried = entryField(doc, 'e1', 'tried')!;
    expect(tried).toBeInstanceOf(Y.XmlFragment);
    expect(tried.toArray().map((p) => (p as Y.XmlElement).nodeName)).toEqual(['paragraph', 'paragraph', 'paragraph']);
    expect(tried.toString()).toBe('<paragraph>A walk.</paragraph><paragraph></paragraph><paragraph>With six carers.</paragraph>');
  });

  it('credits the actor when no authors are given', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'T' }, police, t0);
    expect(readEntries(doc)[0]!.authors).toEqual([{ userId: 'u-p', name: 'Pat Police', organisation: 'Devon and Cornwall Police' }]);
  });

  it('refuses bad dates, empty or long titles, unknown behaviours and too many authors or links, writing nothing', () => {
    const doc = new Y.Doc();
    const add = (over: object) => () => addEntry(doc, { id: 'x', date: '2026-03-04', title: 'T', ...over }, council);
    for (const date of ['2026-02-30', '2026-3-4', '04/03/2026', '', '2026-13-01']) expect(add({ date }), date).toThrow(RangeError);
    expect(add({ title: '   ' })).toThrow(/title cannot be empty/);
    expect(add({ title: 'x'.repeat(LOG_LIMITS.titleMax + 1) })).toThrow(/at most 200/);
    expect(add({ behaviours: ['not-a-behaviour'] })).toThrow(/vocabulary/);
    expect(add({ authors: Array.from({ length: 51 }, (_, i) => ({ userId: null, name: `P${i}`, organisation: '' })) })).toThrow(/50 authors/);
    expect(add({ links: Array.from({ length: 101 }, (_, i) => ({ ...bench, targetId: `e${i}` })) })).toThrow(/100 links/);
    expect(add({ links: [{ ...bench, targetKind: 'connection' }] })).toThrow(/element or a loop/);
    expect(readEntries(doc)).toEqual([]);
    expect(isLogDate('2024-02-29')).toBe(true);
    expect(isLogDate('2025-02-29')).toBe(false);
  });

  it('updates date and title, stamping who changed it last, and reports a missing entry', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'First' }, council, t0);
    expect(updateEntry(doc, 'e1', { date: '2026-03-01', title: 'Renamed' }, police, t1)).toBe(true);
    expect(readEntries(doc)[0]).toMatchObject({ date: '2026-03-01', title: 'Renamed', created: { name: 'Cal Council' }, updated: { name: 'Pat Police', at: t1.toISOString() } });
    expect(() => updateEntry(doc, 'e1', { date: 'soon' }, police)).toThrow(RangeError);
    expect(updateEntry(doc, 'gone', { title: 'x' }, police)).toBe(false);
    expect(touchEntry(doc, 'e1', nhs, t1)).toBe(true);
    expect(readEntries(doc)[0]!.updated.name).toBe('Nia NHS');
  });

  it('adds and removes authors and links once each', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'T', authors: [] }, council);
    const sam = { userId: null, name: 'Sam Carer', organisation: 'Torbay Carers' };
    expect(addAuthor(doc, 'e1', sam, council)).toBe(true);
    expect(addAuthor(doc, 'e1', { ...sam, name: 'SAM CARER' }, council)).toBe(true);
    expect(addAuthor(doc, 'e1', { userId: 'u-p', name: 'Pat', organisation: 'Police' }, council)).toBe(true);
    expect(readEntries(doc)[0]!.authors.map((a) => a.name)).toEqual(['Sam Carer', 'Pat']);
    removeAuthor(doc, 'e1', sam, council);
    expect(readEntries(doc)[0]!.authors.map((a) => a.name)).toEqual(['Pat']);
    expect(() => addAuthor(doc, 'e1', { userId: null, name: ' ', organisation: '' }, council)).toThrow(/name cannot be empty/);

    const loop: LogLink = { roomId: 'map-room-1', targetKind: 'loop', targetId: 'c1|c2', label: 'The confidence loop' };
    addLink(doc, 'e1', bench, council);
    addLink(doc, 'e1', loop, council);
    addLink(doc, 'e1', { ...bench, label: 'renamed' }, council);
    expect(readEntries(doc)[0]!.links).toEqual([bench, loop]);
    removeLink(doc, 'e1', bench, council);
    expect(readEntries(doc)[0]!.links).toEqual([loop]);
    expect(addLink(doc, 'gone', bench, council)).toBe(false);
    expect(removeAuthor(doc, 'gone', sam, council)).toBe(false);
  });

  it('sets behaviours by difference, accepting the site’s own', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'T', behaviours: ['curiosity', 'sharing-power'] }, council);
    const own = addBehaviour(doc, { id: 'b-walks', label: 'Listening walks', description: '' }, council);
    expect(setBehaviours(doc, 'e1', ['sharing-power', own], council)).toBe(true);
    expect(readEntries(doc)[0]!.behaviours).toEqual(['sharing-power', 'b-walks']);
    expect(() => setBehaviours(doc, 'e1', ['made-up'], council)).toThrow(RangeError);
    expect(setBehaviours(doc, 'gone', [], council)).toBe(false);
  });

  it('sorts newest first by date, then by when made', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'a', date: '2026-01-10', title: 'A' }, council, t0);
    addEntry(doc, { id: 'b', date: '2026-02-01', title: 'B' }, council, t0);
    addEntry(doc, { id: 'c', date: '2026-01-10', title: 'C' }, council, t1);
    expect(readEntries(doc).map((e) => e.id)).toEqual(['b', 'c', 'a']);
    removeEntry(doc, 'c');
    expect(readEntries(doc).map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('skips malformed entries written by a misbehaving client', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'ok', date: '2026-01-10', title: 'Fine' }, council);
    const root = doc.getMap('logEntries');
    root.set('not-a-map', 'nope');
    const bad = new Y.Map<unknown>();
    root.set('bad-date', bad);
    bad.set('date', 'tomorrow');
    bad.set('title', 'x');
    const odd = new Y.Map<unknown>();
    root.set('odd-lists', odd);
    odd.set('date', '2026-01-01');
    odd.set('title', 'Odd');
    odd.set('created', { ...council, at: t0.toISOString() });
    odd.set('authors', 'not a list');
    expect(readEntries(doc).map((e) => [e.id, e.authors, e.tried])).toEqual([
      ['ok', [{ userId: 'u-c', name: 'Cal Council', organisation: 'Torbay Council' }], ''],
      ['odd-lists', [], ''],
    ]);
  });

  it('writes plain text into a field and reads rich text as plain text', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'T' }, council);
    expect(setFieldText(doc, 'e1', 'evidence', 'Footfall counts\r\nfrom the BID')).toBe(true);
    expect(readEntries(doc)[0]!.evidence).toBe('Footfall counts\nfrom the BID');
    expect(setFieldText(doc, 'gone', 'evidence', 'x')).toBe(false);
    // What Tiptap writes: formatting, a list and a hard break.
    const happened = entryField(doc, 'e1', 'happened')!;
    doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      const run = new Y.XmlText();
      happened.insert(0, [p]);
      p.insert(0, [run]);
      run.insert(0, 'Shops ');
      run.insert(6, 'joined', { bold: true });
      const list = new Y.XmlElement('bulletList');
      happened.insert(1, [list]);
      const item = new Y.XmlElement('listItem');
      list.insert(0, [item]);
      const para = new Y.XmlElement('paragraph');
      item.insert(0, [para]);
      para.insert(0, [new Y.XmlText('one'), new Y.XmlElement('hardBreak'), new Y.XmlText('two')]);
    });
    expect(readEntries(doc)[0]!.happened).toBe('Shops joined\none\ntwo');
  });

  it('undo scope covers entries and their text, and observe reports changes', () => {
    const doc = new Y.Doc();
    addEntry(doc, { id: 'e1', date: '2026-03-04', title: 'T' }, council);
    const undo = new Y.UndoManager(logUndoScope(doc));
    let calls = 0;
    const stop = observeLog(doc, () => calls++);
    setFieldText(doc, 'e1', 'learned', 'Something');
    updateEntry(doc, 'e1', { title: 'Changed' }, council);
    expect(calls).toBe(2);
    // Both edits fall in one capture window, so one undo takes both back (one more change).
    undo.undo();
    expect(readEntries(doc)[0]!.title).toBe('T');
    expect(readEntries(doc)[0]!.learned).toBe('');
    expect(calls).toBe(3);
    stop();
    updateEntry(doc, 'e1', { title: 'Again' }, council);
    expect(calls).toBe(3);
  });
});

describe('learning log convergence', () => {
  it('two people tagging and linking one entry at once both keep their change', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addEntry(a, { id: 'e1', date: '2026-03-04', title: 'T', behaviours: ['curiosity'] }, council);
    exchange(a, b);
    setBehaviours(a, 'e1', ['curiosity', 'sharing-power'], council);
    setBehaviours(b, 'e1', ['building-trust'], police);
    addLink(a, 'e1', bench, council);
    addLink(b, 'e1', { ...bench, targetId: 'e-toilets', label: 'Toilets' }, police);
    exchange(a, b);
    expect(readEntries(a)).toEqual(readEntries(b));
    const [entry] = readEntries(a);
    expect(new Set(entry!.behaviours)).toEqual(new Set(['sharing-power', 'building-trust']));
    expect(entry!.links.map((l) => l.targetId).sort()).toEqual(['e-bench', 'e-toilets']);
  });

  it('three peers making random edits, exchanged in a seeded random order, end with equal logs', () => {
    const behaviourIds = ['curiosity', 'sharing-power', 'building-trust', 'across-boundaries'];
    for (let seed = 1; seed <= 25; seed++) {
      const random = seededRandom(seed);
      const actors = [council, police, nhs];
      const docs = actors.map(() => new Y.Doc());
      addEntry(docs[0]!, { id: `seed-${seed}`, date: '2026-01-01', title: 'Start' }, council);
      for (const d of docs.slice(1)) exchange(docs[0]!, d);
      let n = 0;
      for (let step = 0; step < 60; step++) {
        const i = Math.floor(random() * docs.length);
        const doc = docs[i]!;
        const actor = actors[i]!;
        const ids = readEntries(doc).map((e) => e.id);
        const pick = () => ids[Math.floor(random() * ids.length)]!;
        const r = random();
        const day = `2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}`;
        if (r < 0.15) addEntry(doc, { id: `e${seed}-${n++}`, date: day, title: `Entry ${n}` }, actor);
        else if (!ids.length) continue;
        else if (r < 0.3) updateEntry(doc, pick(), { title: `T${n++}`, date: day }, actor);
        else if (r < 0.42) setFieldText(doc, pick(), 'learned', `Learned ${n++} by ${actor.name}`);
        else if (r < 0.52) {
          // Typing into the middle of a field, as an editor would.
          const fragment = entryField(doc, pick(), 'tried')!;
          const first = fragment.get(0);
          if (first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText) (first.get(0) as Y.XmlText).insert(0, `${actor.name[0]}`);
          else setFieldText(doc, pick(), 'tried', 'Tried');
        } else if (r < 0.64) setBehaviours(doc, pick(), behaviourIds.filter(() => random() < 0.5), actor);
        else if (r < 0.74) addLink(doc, pick(), { ...bench, targetId: `e-${Math.floor(random() * 4)}` }, actor);
        else if (r < 0.8) removeLink(doc, pick(), { ...bench, targetId: `e-${Math.floor(random() * 4)}` }, actor);
        else if (r < 0.86) addAuthor(doc, pick(), { userId: null, name: `Guest ${Math.floor(random() * 3)}`, organisation: 'Carers' }, actor);
        else if (r < 0.9 && ids.length > 2) removeEntry(doc, pick());
        else {
          const j = Math.floor(random() * docs.length);
          if (j !== i) exchange(doc, docs[j]!);
        }
      }
      for (let round = 0; round < 3; round++) {
        for (const i of [0, 1, 2].sort(() => random() - 0.5)) for (const j of [0, 1, 2]) if (i !== j) exchange(docs[i]!, docs[j]!);
      }
      const first = readEntries(docs[0]!);
      expect(first.length, `seed ${seed}`).toBeGreaterThan(0);
      for (const d of docs.slice(1)) expect(readEntries(d), `seed ${seed}`).toEqual(first);
    }
  });
});
