import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Rng, hostileUpdate, targetDoc } from '../../test/reliability/hostile.js';
import { applyGuarded, checkUpdate, dropPending, encodeStructs, leftMidTransaction, metaOf, sanitizeUpdate, withoutKnown } from './guard.js';
import { replayStoredDoc } from './replay.js';

/** The 11-byte update of issue 13: an item of deleted content with length 0, in root "t". */
const POISON = Uint8Array.from([0x01, 0x01, 0xb9, 0x60, 0x00, 0x01, 0x01, 0x01, 0x74, 0x00, 0x00]);

function honestDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('elements').set('a', 'kept');
  doc.getText('text').insert(0, 'honest text');
  return doc;
}

describe('checkUpdate', () => {
  it('refuses the poisoned update that, applied unguarded, leaves a doc mid-transaction', () => {
    expect(checkUpdate(POISON)).toMatch(/length 0/);
    // Without the guard: Yjs throws and the doc is broken for good.
    const doc = honestDoc();
    expect(() => Y.applyUpdate(doc, POISON)).toThrow();
    expect(leftMidTransaction(doc)).toBe(true);
  });

  it('accepts every honest update', () => {
    const doc = honestDoc();
    const updates: Uint8Array[] = [Y.encodeStateAsUpdate(doc)];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('text');
    for (let i = 0; i < 50; i++) {
      text.insert(i % 7, `w${i}`);
      if (i % 3 === 0) text.delete(1, 2);
      doc.getMap('elements').set(`k${i % 5}`, { n: i });
    }
    doc.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('paragraph')]);
    for (const u of updates) expect(checkUpdate(u)).toBeNull();
    // The clocks each holds, read from the one decode, agree with Yjs's own reading.
    for (const u of updates) expect(metaOf(Y.decodeUpdate(u))).toEqual(Y.parseUpdateMeta(u));
  });

  it('refuses a reference to a later clock of its own client, and empty deletions', () => {
    const forward = new Y.Item(Y.createID(7, 0), null, Y.createID(7, 3), null, null, null, null, new Y.ContentAny([1]));
    expect(checkUpdate(encodeStructs([forward]))).toMatch(/origin that is not earlier/);
    const emptyDeletion = encodeStructs([], new Map([[7, [{ clock: 3, len: 0 }]]]));
    expect(checkUpdate(emptyDeletion)).toMatch(/length 0/);
    const subdoc = new Y.Item(Y.createID(7, 0), null, null, null, null, 'list' as never, null, new Y.ContentDoc(new Y.Doc()));
    expect(checkUpdate(encodeStructs([subdoc]))).toMatch(/subdocument/);
  });
});

describe('applyGuarded', () => {
  it('reports an item whose right origin lies to the left of its origin (replays would order the text differently)', () => {
    const doc = new Y.Doc();
    const text = doc.getText('text');
    text.insert(0, 'ab');
    const a = Y.createID(doc.clientID, 0);
    const b = Y.createID(doc.clientID, 1);
    const reversed = new Y.Item(Y.createID(99, 0), null, b, null, a, null, null, new Y.ContentString('x'));
    const error = applyGuarded(doc, encodeStructs([reversed]), null, { checkPlacement: true });
    expect(error?.message).toMatch(/not between its origins/);
    const honest = new Y.Item(Y.createID(98, 0), null, a, null, b, null, null, new Y.ContentString('y'));
    const fresh = new Y.Doc();
    fresh.getText('text').insert(0, 'ab');
    const sameIds = encodeStructs([new Y.Item(Y.createID(98, 0), null, Y.createID(fresh.clientID, 0), null, Y.createID(fresh.clientID, 1), null, null, new Y.ContentString('y'))]);
    expect(honest.length).toBe(1);
    expect(applyGuarded(fresh, sameIds, null, { checkPlacement: true })).toBeNull();
    expect(fresh.getText('text').toString()).toBe('ayb');
  });

  it('reports content put where readers would fail (a value inside an XML fragment)', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('prosemirror');
    fragment.insert(0, [new Y.XmlElement('paragraph')]);
    const first = fragment.get(0) as Y.XmlElement;
    const bad = new Y.Item(Y.createID(99, 0), null, first._item!.id, null, null, null, null, new Y.ContentAny([null]));
    const error = applyGuarded(doc, encodeStructs([bad]), null, { checkPlacement: true });
    expect(error?.message).toMatch(/ContentAny into a YXmlFragment/);
  });

  // The whole class, not the one example: structs built with every field an attacker sets.
  it('after the check, no hostile update of 20,000 throws inside Yjs or leaves the doc unusable', () => {
    const rng = new Rng(13);
    const base = targetDoc();
    const baseState = Y.encodeStateAsUpdate(base);
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      const update = hostileUpdate(rng, base);
      if (checkUpdate(update) !== null) continue;
      passed++;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, baseState);
      const error = applyGuarded(doc, withoutKnown(doc, update), null, { checkPlacement: true });
      if (error) {
        // Only what Yjs accepts and readers or replays would not: the room reloads; Yjs never throws.
        expect(error.message).toMatch(/ puts | not between its origins/);
        continue;
      }
      dropPending(doc); // as a room does
      let emitted = 0;
      doc.on('update', () => emitted++);
      // Giving roots their types walks their lists: it fails on an item linked into another.
      doc.getText('text').insert(0, 'x');
      doc.getXmlFragment('prosemirror').toString();
      doc.getArray('list').toJSON();
      emitted = 0;
      doc.getMap('elements').set('after', i);
      expect(emitted).toBe(1);
      const again = new Y.Doc();
      expect(applyGuarded(again, Y.encodeStateAsUpdate(doc))).toBeNull();
      expect(again.getMap('elements').get('after')).toBe(i);
      // Replayed, it reads the same: clients syncing from the room converge with it.
      expect(again.getText('text').toString()).toBe(doc.getText('text').toString());
      expect(again.getXmlFragment('prosemirror').toString()).toBe(doc.getXmlFragment('prosemirror').toString());
    }
    expect(passed).toBeGreaterThan(500);
  });
});

describe('stored bad updates', () => {
  it('a log holding the poisoned update replays without it, keeping every honest edit', () => {
    const doc = honestDoc();
    const first = Y.encodeStateAsUpdate(doc);
    const later: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => later.push(u));
    doc.getText('text').insert(0, 'more ');
    const { doc: replayed, problems } = replayStoredDoc({ snapshot: first, updates: [POISON, ...later] });
    expect(problems).toHaveLength(1);
    expect(replayed.getText('text').toString()).toBe('more honest text');
    expect(replayed.getMap('elements').get('a')).toBe('kept');
  });

  it('a snapshot holding a bad struct is rewritten with it as garbage', () => {
    const doc = honestDoc();
    const snapshot = Y.mergeUpdates([Y.encodeStateAsUpdate(doc), POISON]);
    expect(applyGuarded(new Y.Doc(), snapshot)).not.toBeNull();
    const { update, replaced } = sanitizeUpdate(snapshot);
    expect(replaced).toBe(1);
    expect(checkUpdate(update)).toBeNull();
    const { doc: replayed, problems } = replayStoredDoc({ snapshot, updates: [] });
    expect(problems[0]).toMatch(/replaced by garbage/);
    expect(replayed.getText('text').toString()).toBe('honest text');
  });
});
