import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  MAP_ROOTS,
  addConnection,
  addElement,
  addGroup,
  moveElements,
  readMap,
  removeConnections,
  removeElements,
  removeGroup,
  removeLoopNote,
  setLoopNote,
  setPolarityView,
  updateConnection,
  updateElement,
  updateGroup,
} from './doc.js';
import { council, exchange, nhs, police } from './docFixtures.js';
import { seededRandom } from './loopsFixtures.js';
import { createMapReader } from './reader.js';

const t0 = new Date('2026-11-22T10:00:00Z');

function sample(doc: Y.Doc) {
  addGroup(doc, { id: 'g1', label: 'The high street', x: -50, y: -50, width: 400, height: 300 }, council, t0);
  addElement(doc, { id: 'footfall', kind: 'variable', label: 'Footfall', x: 0, y: 0, groupId: 'g1' }, council, t0);
  addElement(doc, { id: 'isolation', kind: 'variable', label: 'Social isolation', x: 200, y: 0 }, nhs, t0);
  addElement(doc, { id: 'shops', kind: 'actor', label: 'Shopkeepers', x: 100, y: 150 }, council, t0);
  addConnection(doc, { id: 'c1', from: 'footfall', to: 'isolation', polarity: '-' }, nhs, t0);
  addConnection(doc, { id: 'c2', from: 'isolation', to: 'footfall', polarity: '-' }, council, t0);
}

describe('createMapReader', () => {
  it('reads what readMap reads, and the same object until the map changes', () => {
    const doc = new Y.Doc();
    sample(doc);
    const reader = createMapReader(doc);
    const first = reader.read();
    expect(first).toEqual(readMap(doc));
    expect(reader.read()).toBe(first);
    doc.getMap('somethingElse').set('x', 1);
    expect(reader.read()).toBe(first);
  });

  it('keeps the objects of what did not change, and the lists none of whose entries changed', () => {
    const doc = new Y.Doc();
    sample(doc);
    const reader = createMapReader(doc);
    const before = reader.read();
    moveElements(doc, [{ id: 'shops', x: 300, y: 300 }]);
    const after = reader.read();
    expect(after).toEqual(readMap(doc));
    expect(after.elements.find((e) => e.id === 'shops')).toMatchObject({ x: 300, y: 300 });
    expect(after.elements.find((e) => e.id === 'footfall')).toBe(before.elements.find((e) => e.id === 'footfall'));
    expect(after.connections).toBe(before.connections);
    expect(after.groups).toBe(before.groups);
    expect(after.loopNotes).toBe(before.loopNotes);

    // A change inside a connection's nested views map is a change of that connection only.
    setPolarityView(doc, 'c1', '+', police);
    const viewed = reader.read();
    expect(viewed).toEqual(readMap(doc));
    expect(viewed.elements).toBe(after.elements);
    expect(viewed.connections[0]!.views.map((v) => v.organisation)).toEqual(['Devon and Cornwall Police']);
    expect(viewed.connections[1]).toBe(after.connections[1]);
  });

  it('drops a connection whose end is gone, and brings it back when the end returns', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    sample(a);
    exchange(a, b);
    const reader = createMapReader(a);
    reader.read();
    removeElements(b, ['shops']);
    addConnection(a, { id: 'c9', from: 'shops', to: 'isolation', polarity: '+' }, police);
    expect(reader.read().connections.map((c) => c.id)).toEqual(['c1', 'c2', 'c9']);
    exchange(a, b);
    expect(reader.read().connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(reader.read()).toEqual(readMap(a));
    // The stored connection is still in the doc: an element written under the same id brings it back.
    addElement(a, { id: 'shops', kind: 'actor', label: 'Shopkeepers again', x: 0, y: 0 }, council);
    expect(reader.read().connections.map((c) => c.id)).toEqual(['c1', 'c2', 'c9']);
    expect(reader.read()).toEqual(readMap(a));
  });

  it('ungroups an element whose group was deleted by someone else, as readMap does', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    sample(a);
    exchange(a, b);
    const reader = createMapReader(a);
    const before = reader.read();
    removeGroup(b, 'g1');
    updateElement(a, 'shops', { groupId: 'g1' }, council);
    expect(reader.read().elements.find((e) => e.id === 'shops')!.groupId).toBe('g1');
    // b's removal ungrouped footfall in the doc; shops stays grouped in the doc (a's concurrent
    // change) but its group is gone.
    exchange(a, b);
    const after = reader.read();
    expect(after).toEqual(readMap(a));
    expect(after.groups).toEqual([]);
    expect(after.elements.map((e) => e.groupId)).toEqual([null, null, null]);
    // Unchanged by the exchange: isolation keeps its object; the ungrouped copy of shops is kept
    // while shops does not change.
    expect(after.elements[1]).toBe(before.elements[1]);
    moveElements(a, [{ id: 'isolation', x: 1, y: 1 }]);
    expect(reader.read().elements[2]).toBe(after.elements[2]);
    // And a group under that id again groups it once more.
    addGroup(a, { id: 'g1', label: 'Back', x: 0, y: 0, width: 10, height: 10 }, council);
    expect(reader.read().elements.find((e) => e.id === 'shops')!.groupId).toBe('g1');
    expect(reader.read()).toEqual(readMap(a));
  });

  it('drops malformed entries as readMap does, and reads them once they are mended', () => {
    const doc = new Y.Doc();
    sample(doc);
    const reader = createMapReader(doc);
    reader.read();
    const bad = new Y.Map<unknown>();
    doc.transact(() => {
      doc.getMap(MAP_ROOTS.elements).set('bad', bad);
      bad.set('kind', 'variable');
      bad.set('label', 42);
      bad.set('x', 0);
      bad.set('y', 0);
    });
    doc.getMap(MAP_ROOTS.elements).set('string', 'not a map' as never);
    doc.getMap(MAP_ROOTS.loopNotes).set('k', { name: 3 } as never);
    expect(reader.read()).toEqual(readMap(doc));
    expect(reader.read().elements.map((e) => e.id)).toEqual(['footfall', 'isolation', 'shops']);
    bad.set('label', 'Mended');
    expect(reader.read().elements.map((e) => e.id)).toEqual(['bad', 'footfall', 'isolation', 'shops']);
    expect(reader.read()).toEqual(readMap(doc));
  });

  it('tells subscribers after each change, with the change already readable, and stops when asked', () => {
    const doc = new Y.Doc();
    sample(doc);
    const reader = createMapReader(doc);
    const seen: string[] = [];
    const unsubscribe = reader.subscribe(() => seen.push(reader.read().elements.find((e) => e.id === 'shops')!.label));
    updateElement(doc, 'shops', { label: 'Traders' }, council);
    setLoopNote(doc, 'k', { name: 'A loop', note: '' }, council);
    unsubscribe();
    updateElement(doc, 'shops', { label: 'Shops' }, council);
    expect(seen).toEqual(['Traders', 'Traders']);
    const last = reader.read();
    expect(last.elements.find((e) => e.id === 'shops')!.label).toBe('Shops');
    reader.destroy();
    updateElement(doc, 'shops', { label: 'Not seen' }, council);
    expect(reader.read()).toBe(last);
  });

  it('equals readMap after every step of random local and remote edits by several people', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const actors = [council, police, nhs];
      const docs = actors.map(() => new Y.Doc());
      sample(docs[0]!);
      for (const d of docs.slice(1)) exchange(docs[0]!, d);
      // Readers on two peers, one started before the first exchange (the other reads late).
      const watched = [0, 1];
      const readers = watched.map((i) => createMapReader(docs[i]!));
      const previous = readers.map((r) => r.read());
      let n = 0;
      // Every write gets its own time, so an entry written again never reads equal by chance.
      let ms = t0.getTime();
      const tick = () => new Date((ms += 1000));
      for (let step = 0; step < 120; step++) {
        const i = Math.floor(random() * docs.length);
        const doc = docs[i]!;
        const actor = actors[i]!;
        const map = readMap(doc);
        const ids = map.elements.map((e) => e.id);
        const pickFrom = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
        const pick = () => pickFrom(ids)!;
        const r = random();
        try {
          if (r < 0.12) addElement(doc, { id: `e${n++}`, kind: 'variable', label: `F${n}`, x: random() * 900, y: random() * 900 }, actor, tick());
          else if (r < 0.24 && ids.length > 1) addConnection(doc, { id: `c${n++}`, from: pick(), to: pick(), polarity: random() < 0.5 ? '+' : '-' }, actor, tick());
          else if (r < 0.36 && ids.length) moveElements(doc, [{ id: pick(), x: random() * 900, y: random() * 900 }]);
          else if (r < 0.44 && ids.length) updateElement(doc, pick(), { label: `L${n++}`, tags: random() < 0.5 ? ['t'] : [] }, actor, tick());
          else if (r < 0.5 && ids.length > 3) removeElements(doc, [pick()]);
          else if (r < 0.56 && map.connections.length) setPolarityView(doc, pickFrom(map.connections)!.id, pickFrom(['+', '-', null] as const)!, actor, tick());
          else if (r < 0.6 && map.connections.length) updateConnection(doc, pickFrom(map.connections)!.id, { polarity: '?', delay: random() < 0.5 }, actor, tick());
          else if (r < 0.63 && map.connections.length) removeConnections(doc, [pickFrom(map.connections)!.id]);
          else if (r < 0.67) addGroup(doc, { id: `g${n++}`, label: 'Frame', x: 0, y: 0, width: 100, height: 100 }, actor, tick());
          else if (r < 0.7 && map.groups.length) updateGroup(doc, pickFrom(map.groups)!.id, { x: random() * 100 }, actor, tick());
          else if (r < 0.73 && map.groups.length) {
            // Half the time as a concurrent removal looks once merged: the group gone, its
            // elements still naming it.
            const id = pickFrom(map.groups)!.id;
            if (random() < 0.5) removeGroup(doc, id);
            else doc.getMap(MAP_ROOTS.groups).delete(id);
          }
          else if (r < 0.78 && map.groups.length && ids.length) updateElement(doc, pick(), { groupId: pickFrom(map.groups)!.id }, actor, tick());
          else if (r < 0.82) setLoopNote(doc, `k${Math.floor(random() * 3)}`, { name: `N${n++}`, note: '' }, actor, tick());
          else if (r < 0.84) removeLoopNote(doc, `k${Math.floor(random() * 3)}`);
          else if (r < 0.86 && ids.length) {
            // Another client writes junk into an element (the doc is untrusted).
            const element = doc.getMap(MAP_ROOTS.elements).get(pick());
            if (element instanceof Y.Map) element.set(random() < 0.5 ? 'x' : 'kind', 'junk');
          } else if (r < 0.88) {
            // Several edits in one transaction (an import, an undo step).
            doc.transact(() => {
              const id = `e${n++}`;
              addElement(doc, { id, kind: 'note', label: 'In a batch', x: 0, y: 0 }, actor, tick());
              if (ids.length) addConnection(doc, { id: `c${n++}`, from: id, to: pick(), polarity: '+' }, actor, tick());
              if (ids.length) moveElements(doc, [{ id: pick(), x: 1, y: 2 }]);
            });
          } else {
            const j = Math.floor(random() * docs.length);
            if (j !== i) exchange(doc, docs[j]!);
          }
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
        }
        // Not every step is read: changes pile up between reads too.
        if (random() < 0.7) {
          watched.forEach((w, k) => {
            const now = readers[k]!.read();
            const expected = readMap(docs[w]!);
            expect(now, `seed ${seed}, step ${step}, peer ${w}`).toEqual(expected);
            // Whatever is deeply equal to what it was is the very same object.
            const before = new Map([...previous[k]!.elements, ...previous[k]!.connections].map((x) => [x.id, x]));
            for (const x of [...now.elements, ...now.connections]) {
              const old = before.get(x.id);
              if (old && JSON.stringify(old) === JSON.stringify(x)) expect(x, `seed ${seed}, step ${step}: ${x.id} kept`).toBe(old);
            }
            previous[k] = now;
          });
        }
      }
    }
  });
});
