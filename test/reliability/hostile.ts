/**
 * Hostile input for the fuzz suite, from a seeded generator so every failure can be replayed:
 * Yjs updates built struct by struct with the fields an attacker controls (lengths, clocks,
 * client ids, origins, parents, content kinds, deletions), byte-level mutations of real
 * frames, and hostile awareness. Nothing here is random without the seed.
 */
import * as Y from 'yjs';
import { encodeStructs } from '../../server/ydoc/guard.js';
import { DOC_CONTENT_FIELD } from '../../shared/doc/extensions.js';
import { ROOM_KINDS_RULES } from '../../shared/rooms/kinds.js';
import { awarenessJsonFrame, docRoomList, docRoomMap } from '../helpers/sync.js';

/** The kind of room the fuzz attacks: its doc holds text, a map and a list. */
export const FUZZ_ROOM_KIND = 'doc';

/** The roots a room of that kind has (its rules refuse updates that write any other). */
const REAL_ROOTS = Object.keys(ROOM_KINDS_RULES[FUZZ_ROOM_KIND].roots);

/** Root names the kind does not have (refused by the rules), and names odd in themselves. */
const ODD_ROOTS = ['elements', 'text', 'prosemirror', 'list', 'new-root', '', 'r'.repeat(2000)];

/** A small, fast, seeded generator (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * A doc of the fuzz room's kind with every kind of shared type the workspace uses, to aim
 * references at: maps in a map, formatted text, an element holding text, a list. The corpus
 * (test/reliability/corpus/) names ids of this doc by clock, so a change here must keep each
 * item at its clock: the maps at 0–11, the formatted text at 12–24, the paragraph at 25–37,
 * the list at 38–41.
 */
export function targetDoc(clientID = 1000): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const elements = docRoomMap(doc);
  for (let i = 0; i < 4; i++) {
    const e = new Y.Map<unknown>();
    elements.set(`e${i}`, e);
    e.set('label', `Element ${i}`);
    e.set('position', { x: i * 10, y: i * 5 });
  }
  elements.delete('e2');
  const fragment = doc.getXmlFragment(DOC_CONTENT_FIELD);
  // The text's own item takes one clock, so it holds one character fewer than a text root did.
  const text = new Y.XmlText();
  fragment.insert(0, [text]);
  text.insert(0, 'hello worl');
  text.format(0, 5, { bold: true });
  text.delete(2, 2);
  const paragraph = new Y.XmlElement('paragraph');
  fragment.insert(0, [paragraph]);
  const inner = new Y.XmlText();
  paragraph.insert(0, [inner]);
  inner.insert(0, 'a paragraph');
  const list = docRoomList(doc);
  list.push([1, 'two', { three: 3 }, new Uint8Array([4])]);
  list.delete(1, 1);
  return doc;
}

interface KnownIds {
  clients: number[];
  state: Map<number, number>;
  /** Ids of items whose content is a shared type (valid parents). */
  typeIds: Y.ID[];
}

function knownIds(doc: Y.Doc): KnownIds {
  const state = Y.decodeStateVector(Y.encodeStateVector(doc));
  const typeIds: Y.ID[] = [];
  for (const structs of doc.store.clients.values()) {
    for (const s of structs) if (s instanceof Y.Item && s.content instanceof Y.ContentType) typeIds.push(s.id);
  }
  return { clients: [...state.keys()], state, typeIds };
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function randomContent(rng: Rng): Y.Item['content'] {
  const empty = rng.chance(0.15);
  switch (rng.int(10)) {
    case 0:
      return new Y.ContentString(empty ? '' : rng.pick(['x', 'hello', '\u{1F600}', '\uD800', 'a'.repeat(rng.int(300))]));
    case 1:
      return new Y.ContentAny(empty ? [] : [rng.pick<unknown>([1, 'two', null, { k: 'v' }, nested(rng.int(200)), true])]);
    case 2:
      return new Y.ContentDeleted(empty ? 0 : rng.pick([1, 2, 1000, 2 ** 31, 2 ** 45]));
    case 3:
      return new Y.ContentJSON(empty ? [] : [rng.pick<unknown>([1, 'x', { a: 1 }])]);
    case 4:
      return new Y.ContentBinary(new Uint8Array(rng.int(8)));
    case 5:
      return new Y.ContentEmbed((rng.chance(0.5) ? { image: 'x' } : nested(rng.int(200))) as object);
    case 6:
      return new Y.ContentFormat(rng.pick(['bold', 'italic', 'k'.repeat(2000)]), (rng.chance(0.5) ? null : nested(rng.int(150))) as object);
    case 7:
      return new Y.ContentType(
        rng.pick<() => unknown>([
          () => new Y.Map(),
          () => new Y.Array(),
          () => new Y.Text(),
          () => new Y.XmlElement('p'),
          () => new Y.XmlText(),
          () => new Y.XmlFragment(),
          () => new Y.XmlHook('h'),
        ])() as never,
      );
    case 8:
      return new Y.ContentDoc(new Y.Doc());
    default:
      return new Y.ContentString(empty ? '' : 'y');
  }
}

/**
 * One update built struct by struct, aimed at `doc`'s existing ids, its own ids (earlier,
 * the same, later) and ids nobody has, with any content kind and any deletions.
 */
export function hostileUpdate(rng: Rng, doc: Y.Doc): Uint8Array {
  const known = knownIds(doc);
  const structs: (Y.Item | Y.GC | Y.Skip)[] = [];
  const ownIds: Y.ID[] = [];
  const clients = rng.int(3) + (rng.chance(0.1) ? 0 : 1);
  for (let c = 0; c < clients; c++) {
    const client = rng.pick([
      ...known.clients,
      rng.int(2 ** 32),
      4294967295,
      2 ** 40,
      0,
      rng.int(50_000),
    ]);
    const state = known.state.get(client) ?? 0;
    let clock = rng.pick([0, state, state, state + 1 + rng.int(3), rng.int(100), 2 ** 40 - 1, 2 ** 45]);
    const count = 1 + rng.int(4);
    for (let i = 0; i < count; i++) {
      const id = Y.createID(client, clock);
      const pickId = (): Y.ID | null => {
        switch (rng.int(8)) {
          case 0:
            return null;
          case 1: {
            const other = rng.pick(known.clients.length > 0 ? known.clients : [client]);
            return Y.createID(other, rng.int(Math.max(1, known.state.get(other) ?? 1)));
          }
          case 2:
            return ownIds.length > 0 ? rng.pick(ownIds) : null;
          case 3:
            return Y.createID(client, clock + rng.int(5)); // itself or later: never valid
          case 4:
            return Y.createID(rng.int(2 ** 32), rng.int(1000));
          case 5:
            return known.typeIds.length > 0 ? rng.pick(known.typeIds) : null;
          case 6:
            return Y.createID(client, 2 ** 45);
          default:
            return ownIds.length > 0 ? rng.pick(ownIds) : null;
        }
      };
      let struct: Y.Item | Y.GC | Y.Skip;
      const kind = rng.int(10);
      if (kind === 0) struct = new Y.GC(id, rng.pick([0, 1, 3, 2 ** 41]));
      else if (kind === 1) struct = new Y.Skip(id, rng.pick([0, 1, 5]));
      else {
        const origin = pickId();
        // Right origins near the origin: adjacent (honest), the same, or reversed (right before left).
        const near = origin && rng.chance(0.5) ? Y.createID(origin.client, Math.max(0, origin.clock + rng.pick([-3, -1, 0, 1, 2]))) : null;
        const rightOrigin = near ?? (rng.chance(0.4) ? pickId() : null);
        let parent: string | Y.ID | null = null;
        let parentSub: string | null = null;
        if (!origin && !rightOrigin) {
          // Mostly the room's own roots, so most such updates reach Yjs and the guard.
          parent = rng.chance(0.5)
            ? rng.pick(rng.chance(0.75) ? REAL_ROOTS : ODD_ROOTS)
            : (pickId() ?? rng.pick(REAL_ROOTS));
          if (rng.chance(0.5)) parentSub = rng.pick(['label', 'k', 's'.repeat(1500)]);
        }
        const content = randomContent(rng);
        // Yjs's Item constructor takes a type or a name for the parent; a decoded update
        // carries the name or the id, which is what `write` expects.
        struct = new Y.Item(id, null, origin, null, rightOrigin, parent as never, parentSub, content);
      }
      structs.push(struct);
      ownIds.push(id);
      clock += Math.max(struct.length, 0);
    }
  }
  const deletions = new Map<number, { clock: number; len: number }[]>();
  const dsClients = rng.int(3);
  for (let i = 0; i < dsClients; i++) {
    const client = rng.pick([...known.clients, rng.int(2 ** 32)]);
    const ranges: { clock: number; len: number }[] = [];
    for (let r = 0; r < 1 + rng.int(3); r++) {
      ranges.push({ clock: rng.int(Math.max(1, (known.state.get(client) ?? 0) + 5)), len: rng.pick([0, 1, 2, 7, 2 ** 41]) });
    }
    deletions.set(client, ranges);
  }
  return encodeStructs(structs, deletions);
}

/** Bytes changed, inserted, removed or set to edge values. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const b = Array.from(bytes);
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(6)) {
      case 0:
        if (b.length) b[at % b.length] = rng.int(256);
        break;
      case 1:
        b.splice(at, 0, rng.int(256));
        break;
      case 2:
        if (b.length) b.splice(at % b.length, 1 + rng.int(3));
        break;
      case 3:
        if (b.length) b[at % b.length] = b[at % b.length]! ^ (1 << rng.int(8));
        break;
      case 4:
        if (b.length) b[at % b.length] = rng.pick([0, 1, 0x7f, 0x80, 0xff]);
        break;
      default:
        b.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f); // a huge varint length
    }
  }
  return new Uint8Array(b);
}

/** Hostile awareness: deep, large, many ids, forged ids and identities, nulls for others. */
export function hostileAwareness(rng: Rng, victims: readonly number[]): Uint8Array {
  const entries: { clientID: number; clock: number; json: string }[] = [];
  const count = rng.pick([1, 1, 2, 5, 50]);
  for (let i = 0; i < count; i++) {
    const clientID = victims.length > 0 && rng.chance(0.3) ? rng.pick(victims) : rng.int(2 ** 32);
    const clock = rng.pick([0, 1, 2, 1000, 2 ** 40]);
    const json = rng.pick([
      'null',
      '[' .repeat(5000) + ']'.repeat(5000),
      JSON.stringify({ user: { id: 'admin', name: 'A (admin)', organisation: 'Council', colour: '#000000' } }),
      JSON.stringify({ big: 'x'.repeat(rng.pick([10, 70_000])) }),
      '{"a":',
      '{}',
    ]);
    entries.push({ clientID, clock, json });
  }
  return awarenessJsonFrame(entries);
}
