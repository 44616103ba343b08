import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  MAP_ROOTS,
  addConnectedElement,
  addConnection,
  addElement,
  addGroup,
  addMapData,
  mapUndoScope,
  moveElements,
  observeMap,
  readMap,
  removeConnections,
  removeElements,
  removeGroup,
  removeLoopNote,
  replaceMapData,
  setLoopMarkers,
  setLoopNote,
  setPolarityView,
  updateConnection,
  updateElement,
  updateGroup,
} from './doc.js';
import { exportMapJson, importMapJson } from './json.js';
import { findLoops, matchLoopNotes } from './loops.js';
import { council, exchange, nhs, police } from './docFixtures.js';
import { seededRandom } from './loopsFixtures.js';
import { polarityDisputed } from './model.js';

const t0 = new Date('2026-11-22T10:00:00Z');
const t1 = new Date('2026-11-22T10:05:00Z');

function sample(doc: Y.Doc) {
  addElement(doc, { id: 'footfall', kind: 'variable', label: 'Footfall on the high street', x: 0, y: 0, tags: ['economy'] }, council, t0);
  addElement(doc, { id: 'isolation', kind: 'variable', label: 'Social isolation', x: 200, y: 0 }, nhs, t0);
  addElement(doc, { id: 'shops', kind: 'actor', label: 'Shopkeepers', x: 100, y: 150, agency: 'Torbay Business Forum' }, council, t0);
  addConnection(doc, { id: 'c1', from: 'footfall', to: 'isolation', polarity: '-' }, nhs, t0);
  addConnection(doc, { id: 'c2', from: 'isolation', to: 'footfall', polarity: '-' }, council, t0);
}

describe('map doc helpers', () => {
  it('write elements, connections and groups with who did it, and read them back sorted and clean', () => {
    const doc = new Y.Doc();
    sample(doc);
    addGroup(doc, { id: 'g1', label: 'The high street', x: -50, y: -50, width: 400, height: 300 }, council, t0);
    updateElement(doc, 'shops', { label: '  Shopkeepers and traders ', tags: ['economy', 'Economy', 'trade'], groupId: 'g1' }, police, t1);
    const map = readMap(doc);
    expect(map.elements.map((e) => e.id)).toEqual(['footfall', 'isolation', 'shops']);
    const shops = map.elements.find((e) => e.id === 'shops')!;
    expect(shops).toMatchObject({
      label: 'Shopkeepers and traders',
      tags: ['economy', 'trade'],
      agency: 'Torbay Business Forum',
      groupId: 'g1',
      created: { name: 'Cal Council', organisation: 'Torbay Council', at: t0.toISOString() },
      updated: { name: 'Pat Police', organisation: 'Devon and Cornwall Police', at: t1.toISOString() },
    });
    expect(map.connections.map((c) => [c.id, c.from, c.to, c.polarity])).toEqual([
      ['c1', 'footfall', 'isolation', '-'],
      ['c2', 'isolation', 'footfall', '-'],
    ]);
    expect(map.groups).toMatchObject([{ id: 'g1', label: 'The high street', width: 400 }]);
  });

  it('refuse bad input with a reason a person can act on, and write nothing', () => {
    const doc = new Y.Doc();
    sample(doc);
    const before = Y.encodeStateVector(doc);
    expect(() => addElement(doc, { id: 'x', kind: 'variable', label: '  ', x: 0, y: 0 }, council)).toThrow(/label cannot be empty/);
    expect(() => addElement(doc, { id: 'x', kind: 'blob' as never, label: 'X', x: 0, y: 0 }, council)).toThrow(/Kind must be one of/);
    expect(() => addElement(doc, { id: 'x', kind: 'note', label: 'X', x: Number.NaN, y: 0 }, council)).toThrow(/x must be a number/);
    expect(() => addElement(doc, { id: 'footfall', kind: 'note', label: 'X', x: 0, y: 0 }, council)).toThrow(/already an element/);
    expect(() => addConnection(doc, { id: 'c9', from: 'footfall', to: 'nowhere' }, council)).toThrow(/Both ends/);
    expect(() => updateConnection(doc, 'c1', { polarity: '*' as never }, council)).toThrow(/Polarity must be/);
    expect(() => addGroup(doc, { id: 'g', label: 'G', x: 0, y: 0, width: 0, height: 10 }, council)).toThrow(/positive size/);
    expect(() => updateElement(doc, 'footfall', { label: 'x'.repeat(201) }, council)).toThrow(/at most 200/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(updateElement(doc, 'gone', { label: 'X' }, council)).toBe(false);
  });

  it('moving changes only the position, not who last changed the element', () => {
    const doc = new Y.Doc();
    sample(doc);
    moveElements(doc, [{ id: 'footfall', x: 10.04, y: -20.06 }, { id: 'nowhere', x: 1, y: 1 }]);
    const footfall = readMap(doc).elements.find((e) => e.id === 'footfall')!;
    expect([footfall.x, footfall.y]).toEqual([10, -20.1]);
    expect(footfall.updated.name).toBe('Cal Council');
  });

  it('deleting elements deletes their connections; deleting a group keeps its elements', () => {
    const doc = new Y.Doc();
    sample(doc);
    addGroup(doc, { id: 'g1', label: 'G', x: 0, y: 0, width: 10, height: 10 }, council);
    updateElement(doc, 'shops', { groupId: 'g1' }, council);
    addConnection(doc, { id: 'c3', from: 'shops', to: 'footfall', polarity: '+' }, council);
    removeElements(doc, ['isolation']);
    expect(readMap(doc).connections.map((c) => c.id)).toEqual(['c3']);
    expect(doc.getMap(MAP_ROOTS.connections).size).toBe(1);
    removeGroup(doc, 'g1');
    expect(readMap(doc).elements.find((e) => e.id === 'shops')!.groupId).toBeNull();
    removeConnections(doc, ['c3']);
    expect(readMap(doc).connections).toEqual([]);
  });

  it('keeps one polarity view per agency and marks connections agencies disagree on', () => {
    const doc = new Y.Doc();
    sample(doc);
    setPolarityView(doc, 'c1', '-', nhs, t0);
    expect(polarityDisputed(readMap(doc).connections[0]!)).toBe(false);
    setPolarityView(doc, 'c1', '+', police, t0);
    setPolarityView(doc, 'c1', '+', { ...police, name: 'Another officer' }, t1);
    const c1 = readMap(doc).connections[0]!;
    expect(c1.views.map((v) => [v.organisation, v.polarity, v.by.name])).toEqual([
      ['Devon and Cornwall Police', '+', 'Another officer'],
      ['Torbay and South Devon NHS Foundation Trust', '-', 'Nia NHS'],
    ]);
    expect(polarityDisputed(c1)).toBe(true);
    setPolarityView(doc, 'c1', null, police);
    expect(polarityDisputed(readMap(doc).connections[0]!)).toBe(false);
    // Unknown views never make a dispute.
    updateConnection(doc, 'c2', { polarity: '?' }, council);
    setPolarityView(doc, 'c2', '?', nhs);
    setPolarityView(doc, 'c2', '+', police);
    expect(polarityDisputed(readMap(doc).connections[1]!)).toBe(false);
  });

  it('keeps loop notes by key, and replaces or removes them', () => {
    const doc = new Y.Doc();
    setLoopNote(doc, 'a>b', { name: 'Vicious circle of emptiness', note: 'Fewer visitors, fewer shops' }, council, t0);
    setLoopNote(doc, 'a>b', { name: 'Vicious circle', note: '' }, police, t1);
    expect(readMap(doc).loopNotes).toEqual([{ key: 'a>b', name: 'Vicious circle', note: '', updated: { ...police, at: t1.toISOString() } }]);
    removeLoopNote(doc, 'a>b');
    expect(readMap(doc).loopNotes).toEqual([]);
  });

  it('keeps whether a loop’s marker is shown with its note, through import, export and a restored version', () => {
    const doc = new Y.Doc();
    sample(doc);
    setLoopNote(doc, 'a>b', { name: 'Vicious circle', note: '', marker: true }, council, t0);
    setLoopNote(doc, 'b>c', { name: 'Unmarked', note: 'words' }, council, t0);
    const map = readMap(doc);
    expect(map.loopNotes).toEqual([
      { key: 'a>b', name: 'Vicious circle', note: '', marker: true, updated: { ...council, at: t0.toISOString() } },
      { key: 'b>c', name: 'Unmarked', note: 'words', updated: { ...council, at: t0.toISOString() } },
    ]);
    // A note is written whole: renaming without the marker hides it.
    setLoopNote(doc, 'a>b', { name: 'Renamed', note: '' }, council, t1);
    expect(readMap(doc).loopNotes[0]).not.toHaveProperty('marker');

    // Through the JSON file and back into another room.
    const file = exportMapJson(map, t0);
    expect(file).toContain('"marker": true');
    expect(file.match(/"marker"/g)).toHaveLength(1);
    const imported = importMapJson(file, { keepIds: true });
    expect(imported.ok && imported.map.loopNotes.map((n) => n.marker)).toEqual([true, undefined]);
    const other = new Y.Doc();
    if (imported.ok) addMapData(other, imported.map, council, t0);
    expect(readMap(other).loopNotes).toEqual(map.loopNotes);
    // A saved version restored over the live map brings its markers back.
    replaceMapData(doc, map);
    expect(readMap(doc).loopNotes).toEqual(map.loopNotes);
    // A stray non-boolean is not a marker.
    doc.getMap(MAP_ROOTS.loopNotes).set('x>y', { name: '', note: '', marker: 'yes', updated: map.loopNotes[0]!.updated });
    expect(readMap(doc).loopNotes.find((n) => n.key === 'x>y')).not.toHaveProperty('marker');
  });

  it('shows and hides several loops’ markers in one step, keeping their words', () => {
    const doc = new Y.Doc();
    setLoopNote(doc, 'a>b', { name: 'Named', note: 'kept' }, council, t0);
    let updates = 0;
    doc.on('update', () => updates++);
    setLoopMarkers(doc, [{ key: 'a>b', note: readMap(doc).loopNotes[0]! }, { key: 'c>d', note: null }], true, police, t1);
    expect(updates).toBe(1);
    expect(readMap(doc).loopNotes.map((n) => [n.key, n.name, n.note, n.marker])).toEqual([
      ['a>b', 'Named', 'kept', true],
      ['c>d', '', '', true],
    ]);
    const [named, bare] = readMap(doc).loopNotes;
    setLoopMarkers(doc, [{ key: 'a>b', note: named! }, { key: 'c>d', note: bare! }], false, police, t1);
    // The note with words stays without its marker; the one that held only a marker goes.
    expect(readMap(doc).loopNotes.map((n) => [n.key, n.name, n.marker])).toEqual([['a>b', 'Named', undefined]]);
  });

  it('adds a whole map in one update, views and notes included', () => {
    const source = new Y.Doc();
    sample(source);
    setPolarityView(source, 'c1', '+', police);
    setLoopNote(source, 'k', { name: 'Loop', note: 'n' }, council);
    addGroup(source, { id: 'g1', label: 'G', x: 0, y: 0, width: 10, height: 10 }, council);
    const data = readMap(source);
    const target = new Y.Doc();
    let updates = 0;
    target.on('update', () => updates++);
    addMapData(target, data, council);
    expect(updates).toBe(1);
    const copy = readMap(target);
    expect(copy.elements.map((e) => e.label)).toEqual(data.elements.map((e) => e.label));
    expect(copy.connections[0]!.views).toMatchObject([{ organisation: 'Devon and Cornwall Police', polarity: '+' }]);
    expect(copy.loopNotes.map((n) => n.key)).toEqual(['k']);
  });

  it('undoes only the acting person’s own changes', () => {
    const mine = new Y.Doc();
    const theirs = new Y.Doc();
    sample(mine);
    exchange(mine, theirs);
    const undo = new Y.UndoManager(mapUndoScope(mine));
    updateElement(mine, 'footfall', { label: 'Footfall' }, council);
    updateElement(theirs, 'isolation', { label: 'Loneliness' }, nhs);
    exchange(mine, theirs);
    undo.undo();
    const labels = readMap(mine).elements.map((e) => e.label);
    expect(labels).toEqual(['Footfall on the high street', 'Loneliness', 'Shopkeepers']);
  });

  it('adds a connected element in one undo step, or nothing when the connection is refused', () => {
    const doc = new Y.Doc();
    sample(doc);
    const undo = new Y.UndoManager(mapUndoScope(doc), { captureTimeout: 0 });
    addConnectedElement(doc, { id: 'rent', kind: 'variable', label: 'Rents', x: 400, y: 0 }, { id: 'c-rent', from: 'shops' }, council);
    const added = readMap(doc);
    expect(added.elements.map((e) => e.id)).toContain('rent');
    expect(added.connections.find((c) => c.id === 'c-rent')).toMatchObject({ from: 'shops', to: 'rent', polarity: '?' });
    undo.undo();
    expect(readMap(doc).elements.map((e) => e.id)).not.toContain('rent');
    expect(readMap(doc).connections.map((c) => c.id)).not.toContain('c-rent');
    expect(() => addConnectedElement(doc, { id: 'lost', kind: 'variable', label: 'Lost', x: 0, y: 0 }, { id: 'c-lost', from: 'gone' }, council)).toThrow(/no longer on the map/);
    expect(readMap(doc).elements.map((e) => e.id)).not.toContain('lost');
  });

  it('tells observers about every change and stops when asked', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = observeMap(doc, () => calls++);
    sample(doc);
    updateGroup(doc, 'missing', { label: 'x' }, council);
    setLoopNote(doc, 'k', { name: 'n', note: '' }, council);
    stop();
    moveElements(doc, [{ id: 'footfall', x: 5, y: 5 }]);
    expect(calls).toBe(6);
  });

  it('drops malformed entries written by another client instead of trusting them', () => {
    const doc = new Y.Doc();
    sample(doc);
    const bad = new Y.Map<unknown>();
    bad.set('kind', 'variable');
    bad.set('label', 42);
    doc.getMap(MAP_ROOTS.elements).set('bad', bad);
    doc.getMap(MAP_ROOTS.elements).set('string', 'not a map' as never);
    const badConnection = new Y.Map<unknown>();
    badConnection.set('from', 'footfall');
    doc.getMap(MAP_ROOTS.connections).set('bc', badConnection);
    const map = readMap(doc);
    expect(map.elements.map((e) => e.id)).toEqual(['footfall', 'isolation', 'shops']);
    expect(map.connections.map((c) => c.id)).toEqual(['c1', 'c2']);
  });
});

describe('map convergence', () => {
  it('two people editing one element’s different fields at once both keep their change', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    sample(a);
    exchange(a, b);
    moveElements(a, [{ id: 'footfall', x: 500, y: 500 }]);
    updateElement(b, 'footfall', { label: 'Visitors to the high street' }, police);
    exchange(a, b);
    const footfall = readMap(a).elements.find((e) => e.id === 'footfall')!;
    expect([footfall.x, footfall.label]).toEqual([500, 'Visitors to the high street']);
    expect(readMap(b)).toEqual(readMap(a));
  });

  it('a connection to an element deleted at the same moment disappears everywhere', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    sample(a);
    exchange(a, b);
    removeElements(a, ['shops']);
    addConnection(b, { id: 'c9', from: 'shops', to: 'isolation', polarity: '+' }, police);
    exchange(a, b);
    expect(readMap(a).connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(readMap(b)).toEqual(readMap(a));
  });

  it('several people making random edits, exchanged in a seeded random order, end with equal maps', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = seededRandom(seed);
      const actors = [council, police, nhs];
      const docs = actors.map(() => new Y.Doc());
      sample(docs[0]!);
      for (const d of docs.slice(1)) exchange(docs[0]!, d);
      let n = 0;
      for (let step = 0; step < 60; step++) {
        const i = Math.floor(random() * docs.length);
        const doc = docs[i]!;
        const actor = actors[i]!;
        const ids = readMap(doc).elements.map((e) => e.id);
        const pick = () => ids[Math.floor(random() * ids.length)]!;
        const r = random();
        try {
          if (r < 0.25) addElement(doc, { id: `e${seed}-${n++}`, kind: 'variable', label: `F${n}`, x: random() * 900, y: random() * 900 }, actor);
          else if (r < 0.45 && ids.length > 1) addConnection(doc, { id: `c${seed}-${n++}`, from: pick(), to: pick(), polarity: random() < 0.5 ? '+' : '-' }, actor);
          else if (r < 0.6 && ids.length) moveElements(doc, [{ id: pick(), x: random() * 900, y: random() * 900 }]);
          else if (r < 0.7 && ids.length) updateElement(doc, pick(), { label: `L${n++}` }, actor);
          else if (r < 0.78 && ids.length > 3) removeElements(doc, [pick()]);
          else if (r < 0.86) {
            const c = readMap(doc).connections;
            if (c.length) setPolarityView(doc, c[Math.floor(random() * c.length)]!.id, random() < 0.5 ? '+' : '-', actor);
          } else if (r < 0.93) setLoopNote(doc, `k${Math.floor(random() * 3)}`, { name: `N${n++}`, note: '' }, actor);
          else {
            // Exchange with another peer mid-way, in a random direction.
            const j = Math.floor(random() * docs.length);
            if (j !== i) exchange(doc, docs[j]!);
          }
        } catch (error) {
          // A connection to an element this peer does not have yet is refused, as in the UI.
          if (!(error instanceof RangeError)) throw error;
        }
      }
      // Deliver everything in a random order of pairs until all agree.
      for (let round = 0; round < 3; round++) {
        for (const i of [0, 1, 2].sort(() => random() - 0.5)) for (const j of [0, 1, 2]) if (i !== j) exchange(docs[i]!, docs[j]!);
      }
      const first = readMap(docs[0]!);
      for (const d of docs.slice(1)) expect(readMap(d), `seed ${seed}`).toEqual(first);
      const elementIds = new Set(first.elements.map((e) => e.id));
      for (const c of first.connections) expect(elementIds.has(c.from) && elementIds.has(c.to)).toBe(true);
    }
  });
});

describe('loops and their notes across peers', () => {
  it('peers editing apart end with the same loops, and notes stay on loops that survive', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    sample(a); // footfall ⇄ isolation: one loop
    addConnection(a, { id: 'c3', from: 'isolation', to: 'shops', polarity: '+' }, council);
    addConnection(a, { id: 'c4', from: 'shops', to: 'footfall', polarity: '+' }, council);
    exchange(a, b);
    const loops = findLoops(readMap(a)).loops;
    expect(loops).toHaveLength(2);
    const [short, long] = loops as [(typeof loops)[0], (typeof loops)[0]];
    setLoopNote(a, short.key, { name: 'Empty streets', note: 'fewer people, more isolation' }, council);
    setLoopNote(b, long.key, { name: 'Shops as meeting places', note: '' }, police);

    // Apart: A flips a polarity and moves things; B adds a parallel arrow and breaks the long loop.
    updateConnection(a, 'c1', { polarity: '+' }, council);
    moveElements(a, [{ id: 'footfall', x: 300, y: 300 }]);
    addConnection(b, { id: 'c9', from: 'footfall', to: 'isolation', polarity: '-' }, police);
    removeConnections(b, ['c4']);
    exchange(a, b);

    const mapA = readMap(a);
    expect(readMap(b)).toEqual(mapA);
    const resultA = findLoops(mapA);
    expect(findLoops(readMap(b)).loops).toEqual(resultA.loops);
    const matches = matchLoopNotes(mapA.loopNotes, resultA, mapA);
    expect(matches.kept.map((m) => m.note.name)).toEqual(['Empty streets']);
    expect(matches.kept[0]!.loop.type).toBe('balancing');
    expect(matches.broken.map((n) => n.name)).toEqual(['Shops as meeting places']);
  });
});
