import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParkingLotItem } from '../../shared/doc/parkingLot.js';
import { addElement, removeElements, setLoopNote, setPolarityView, addConnection, updateElement, type Actor } from '../../shared/map/doc.js';
import { reply, setResolved, startThread } from '../../shared/map/comments.js';
import { ROOM_KINDS_RULES, mayWriteRoom, type RoomKindRules } from '../../shared/rooms/kinds.js';
import type { SiteRole } from '../../shared/roles.js';
import { applyGuarded } from './guard.js';
import { AttributionLedger, RuleViolation, checkTransaction, typeRoots, type Writer } from './rules.js';

const alice: Actor = { userId: 'u-alice', name: 'Alice', organisation: 'Torbay Council' };
const bob: Actor = { userId: 'u-bob', name: 'Bob', organisation: 'West Cheshire CCG' };
const writer = (actor: Actor, role: SiteRole = 'member'): Writer => ({ userId: actor.userId, role, presence: { name: actor.name, organisation: actor.organisation } });

/** A room's doc on the server, with its kind's rules, taking client updates as the room does. */
function serverRoom(rules: RoomKindRules = ROOM_KINDS_RULES.map) {
  const fresh = () => {
    const doc = new Y.Doc();
    typeRoots(doc, rules);
    return doc;
  };
  const ledger = new AttributionLedger();
  const stored: Uint8Array[] = [];
  return {
    doc: fresh(),
    ledger,
    /**
     * Applies a client's update; returns the refusal or null (and learns what it wrote). A
     * refused update is thrown away with the doc, which is rebuilt from what was accepted.
     */
    receive(update: Uint8Array, from: Writer): Error | null {
      const written: string[] = [];
      const error = applyGuarded(this.doc, update, 'client', {
        inspect: (transaction) => {
          const checked = checkTransaction(transaction, rules, from, ledger);
          if ('violation' in checked) return checked.violation;
          written.push(...checked.attributions);
          return null;
        },
      });
      if (error) {
        this.doc = fresh();
        for (const u of stored) Y.applyUpdate(this.doc, u);
      } else {
        stored.push(update);
        ledger.add(written);
      }
      return error;
    },
  };
}

/** A client doc in step with the server's, and the update of one change made on it. */
function change(server: { doc: Y.Doc }, edit: (doc: Y.Doc) => void): Uint8Array {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc));
  const before = Y.encodeStateVector(client);
  edit(client);
  return Y.encodeStateAsUpdate(client, before);
}

describe('the room rules', () => {
  it('accept what the shared helpers write for the sender', () => {
    const room = serverRoom();
    const edits: ((doc: Y.Doc) => void)[] = [
      (d) => addElement(d, { id: 'e1', kind: 'variable', label: 'Carer stress', x: 0, y: 0 }, alice),
      (d) => addElement(d, { id: 'e2', kind: 'variable', label: 'Hospital admissions', x: 200, y: 0 }, alice),
      (d) => addConnection(d, { id: 'c1', from: 'e1', to: 'e2', polarity: '+' }, alice),
      (d) => setPolarityView(d, 'c1', '-', alice),
      (d) => updateElement(d, 'e1', { label: 'Carer strain' }, alice),
      (d) => setLoopNote(d, 'loop-1', { name: 'Crisis loop', note: '' }, alice),
      (d) => startThread(d, { id: 't1', messageId: 'm1', target: { kind: 'element', id: 'e1' }, text: 'Evidence?' }, alice),
      (d) => addParkingLotItem(d, 'Ask the police', { id: alice.userId, name: alice.name, organisation: alice.organisation }, 'p1'),
    ];
    for (const edit of edits) expect(room.receive(change(room, edit), writer(alice))).toBeNull();
    expect(room.doc.getMap('mapElements').size).toBe(2);
  });

  it('refuse an element "added by" someone else, or by the sender in another agency', () => {
    const room = serverRoom();
    const asBob = change(room, (d) => addElement(d, { id: 'e1', kind: 'actor', label: 'Forged', x: 0, y: 0 }, bob));
    expect(room.receive(asBob, writer(alice))).toBeInstanceOf(RuleViolation);
    const otherAgency = change(room, (d) => addElement(d, { id: 'e2', kind: 'actor', label: 'Forged', x: 0, y: 0 }, { ...alice, organisation: 'Devon Police' }));
    expect(room.receive(otherAgency, writer(alice))?.message).toMatch(/does not name the sender/);
  });

  it('refuse a forged comment, polarity view, loop note and parking-lot author', () => {
    const room = serverRoom();
    expect(room.receive(change(room, (d) => addElement(d, { id: 'e1', kind: 'variable', label: 'A', x: 0, y: 0 }, alice)), writer(alice))).toBeNull();
    expect(room.receive(change(room, (d) => addElement(d, { id: 'e2', kind: 'variable', label: 'B', x: 0, y: 0 }, alice)), writer(alice))).toBeNull();
    expect(room.receive(change(room, (d) => addConnection(d, { id: 'c1', from: 'e1', to: 'e2', polarity: '+' }, alice)), writer(alice))).toBeNull();
    expect(room.receive(change(room, (d) => startThread(d, { id: 't1', messageId: 'm1', target: { kind: 'element', id: 'e1' }, text: 'Hi' }, alice)), writer(alice))).toBeNull();
    const forged: ((doc: Y.Doc) => void)[] = [
      (d) => reply(d, 't1', 'm2', 'Agreed', bob),
      (d) => setResolved(d, 't1', true, bob),
      (d) => setPolarityView(d, 'c1', '-', bob),
      (d) => setLoopNote(d, 'loop-1', { name: 'Theirs', note: '' }, bob),
      (d) => addParkingLotItem(d, 'Said by Bob', { id: bob.userId, name: bob.name, organisation: bob.organisation }, 'p1'),
    ];
    for (const edit of forged) expect(room.receive(change(room, edit), writer(alice))).toBeInstanceOf(RuleViolation);
  });

  it('accept an attribution written back where the doc held it (undoing a deletion)', () => {
    const room = serverRoom();
    expect(room.receive(change(room, (d) => addElement(d, { id: 'e1', kind: 'variable', label: 'Bob’s', x: 0, y: 0 }, bob)), writer(bob))).toBeNull();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
    const undo = new Y.UndoManager(client.getMap('mapElements'), { trackedOrigins: new Set([null]) });
    let sent = Y.encodeStateVector(client);
    removeElements(client, ['e1']);
    expect(room.receive(Y.encodeStateAsUpdate(client, sent), writer(alice))).toBeNull();
    sent = Y.encodeStateVector(client);
    undo.undo();
    // The element comes back, re-created by Alice's client with Bob's `created` and `updated`.
    expect(client.getMap('mapElements').has('e1')).toBe(true);
    expect(room.receive(Y.encodeStateAsUpdate(client, sent), writer(alice))).toBeNull();
    expect((room.doc.getMap('mapElements').get('e1') as Y.Map<unknown>).get('created')).toMatchObject({ userId: bob.userId });
    // Bob's attribution held at e1 does not make it Alice's to put anywhere else.
    const copied = change(room, (d) => {
      const e = new Y.Map<unknown>();
      e.set('created', (room.doc.getMap('mapElements').get('e1') as Y.Map<unknown>).get('created'));
      d.getMap('mapElements').set('e9', e);
    });
    expect(room.receive(copied, writer(alice))).toBeInstanceOf(RuleViolation);
  });

  it('learns the attributions a stored doc holds when a room loads', () => {
    const stored = new Y.Doc();
    addElement(stored, { id: 'e1', kind: 'variable', label: 'Old', x: 0, y: 0 }, bob);
    const ledger = new AttributionLedger();
    ledger.learn(stored, ROOM_KINDS_RULES.map);
    const created = (stored.getMap('mapElements').get('e1') as Y.Map<unknown>).get('created') as Record<string, unknown>;
    expect(ledger.has(AttributionLedger.key('mapElements/e1/created', created))).toBe(true);
    expect(ledger.has(AttributionLedger.key('mapElements/e2/created', created))).toBe(false);
  });

  it('refuse roots the kind does not have, and roots only the server writes, even for facilitators', () => {
    const room = serverRoom();
    expect(room.receive(change(room, (d) => d.getMap('somethingElse').set('k', 1)), writer(alice))?.message).toMatch(/does not have/);
    const versions = change(room, (d) => d.getMap('mapVersions').set('v1', { name: 'x' }));
    expect(room.receive(versions, writer(alice, 'facilitator'))?.message).toMatch(/only the server writes/);
    // A doc room has no map roots: a map's elements in it are refused.
    const docRoom = serverRoom(ROOM_KINDS_RULES.doc);
    expect(docRoom.receive(change(docRoom, (d) => addElement(d, { id: 'e1', kind: 'note', label: 'x', x: 0, y: 0 }, alice)), writer(alice))).toBeInstanceOf(RuleViolation);
  });

  it('refuse deleting from a root the sender may not write', () => {
    const rules: RoomKindRules = { kind: 'map', roots: { settings: { type: 'map', write: 'facilitators' }, [`mapElements`]: { type: 'map', write: 'members' } } };
    const room = serverRoom(rules);
    expect(room.receive(change(room, (d) => d.getMap('settings').set('timer', 5)), writer(alice, 'facilitator'))).toBeNull();
    expect(room.receive(change(room, (d) => d.getMap('settings').set('timer', 9)), writer(bob))?.message).toMatch(/only facilitators write/);
    expect(room.receive(change(room, (d) => d.getMap('settings').delete('timer')), writer(bob))).toBeInstanceOf(RuleViolation);
    expect(room.doc.getMap('settings').get('timer')).toBe(5);
  });

  it('do not read a document body’s formatting as attributions', () => {
    const room = serverRoom(ROOM_KINDS_RULES.doc);
    const body = change(room, (d) => {
      const p = new Y.XmlElement('paragraph');
      p.setAttribute('author', JSON.stringify({ id: 'someone' }) as never);
      d.getXmlFragment('content').insert(0, [p]);
    });
    expect(room.receive(body, writer(alice))).toBeNull();
  });
});

describe('mayWriteRoom', () => {
  it('lets facilitators alone write a locked room, and nobody an archived one', () => {
    expect(mayWriteRoom('map', 'member', { locked: false })).toBe(true);
    expect(mayWriteRoom('map', 'member', { locked: true })).toBe(false);
    expect(mayWriteRoom('doc', 'facilitator', { locked: true })).toBe(true);
    expect(mayWriteRoom('map', 'viewer', { locked: false })).toBe(false);
    expect(mayWriteRoom('map', 'facilitator', { locked: false, archived: true })).toBe(false);
  });
});
