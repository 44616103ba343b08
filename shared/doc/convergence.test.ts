import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seededRandom } from '../map/loopsFixtures.js';
import { commentedTexts, readComments, reply, startThread } from './comments.js';
import { docContent, docContentJson, rawDocJson, replaceDocContent } from './content.js';
import { normaliseDocJson } from './extensions.js';
import { docBlocks } from './search.js';
import { templateJson } from './templates.js';

const actor = (n: number) => ({ userId: `u${n}`, name: `Peer ${n}`, organisation: 'Torbay' });

/** Every XmlText in the body: where an editor types. */
function texts(type: Y.XmlFragment | Y.XmlElement, out: Y.XmlText[] = []): Y.XmlText[] {
  for (const child of type.toArray()) {
    if (child instanceof Y.XmlText) out.push(child);
    else if (child instanceof Y.XmlElement) texts(child, out);
  }
  return out;
}

const WORDS = ['loneliness', 'police', 'GP', 'footfall', 'budget', 'housing', 'trust', ' ', ', '];

/**
 * One random edit of the kind the editor makes through y-prosemirror: typing, deleting,
 * formatting (overlapping comment marks included), adding and removing paragraphs, changing a
 * heading's level, and starting or replying to a comment thread.
 */
function randomEdit(doc: Y.Doc, peer: number, rand: () => number, step: number): void {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const body = docContent(doc);
  const all = texts(body);
  const op = rand();
  doc.transact(() => {
    if (op < 0.35 && all.length) {
      const t = pick(all);
      t.insert(Math.floor(rand() * (t.length + 1)), pick(WORDS));
    } else if (op < 0.5 && all.length) {
      const t = pick(all);
      if (t.length > 1) {
        const at = Math.floor(rand() * (t.length - 1));
        t.delete(at, 1 + Math.floor(rand() * Math.min(4, t.length - at - 1)));
      }
    } else if (op < 0.62 && all.length) {
      const t = pick(all);
      if (t.length > 2) {
        const at = Math.floor(rand() * (t.length - 2));
        const threadId = `t-${peer}-${step}`;
        // y-prosemirror's key for a mark that may overlap itself: name--<8 hash characters>.
        t.format(at, 2, rand() < 0.5 ? { bold: {} } : { [`comment--${threadId.replace(/[^a-z0-9]/gi, '').padEnd(8, '0').slice(-8)}`]: { threadId } });
      }
    } else if (op < 0.75) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`peer ${peer} step ${step}`)]);
      body.insert(Math.floor(rand() * (body.length + 1)), [p]);
    } else if (op < 0.82 && body.length > 2) {
      body.delete(Math.floor(rand() * body.length), 1);
    } else if (op < 0.9) {
      const headings = body.toArray().filter((b): b is Y.XmlElement => b instanceof Y.XmlElement && b.nodeName === 'heading');
      if (headings.length) pick(headings).setAttribute('level', 1 + Math.floor(rand() * 3) as unknown as string);
    } else if (op < 0.95) {
      startThread(doc, { id: `t-${peer}-${step}`, messageId: `m-${peer}-${step}`, text: `Question ${step}` }, actor(peer));
    } else {
      const threads = readComments(doc);
      if (threads.length) reply(doc, pick(threads).id, `r-${peer}-${step}`, `Reply ${step}`, actor(peer));
    }
  });
}

/**
 * `peers` docs start from the same template, each makes `rounds` edits while updates travel
 * between them in a seeded random order (some late, some in bursts), then everything is
 * delivered and every doc must read the same.
 */
function simulate(seed: number, peers: number, rounds: number): Y.Doc[] {
  const rand = seededRandom(seed);
  const docs = Array.from({ length: peers }, () => new Y.Doc());
  replaceDocContent(docs[0]!, templateJson('action-learning-set', { siteName: 'Torbay' }));
  const start = Y.encodeStateAsUpdate(docs[0]!);
  docs.slice(1).forEach((d) => Y.applyUpdate(d, start, 'remote'));
  // In flight: [to, update]. Out-of-order delivery is allowed: Yjs holds an update until what it
  // depends on arrives.
  const inFlight: [number, Uint8Array][] = [];
  docs.forEach((d, from) =>
    d.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      for (let to = 0; to < peers; to++) if (to !== from) inFlight.push([to, update]);
    }),
  );
  const deliver = (count: number) => {
    for (let i = 0; i < count && inFlight.length; i++) {
      const [to, update] = inFlight.splice(Math.floor(rand() * inFlight.length), 1)[0]!;
      Y.applyUpdate(docs[to]!, update, 'remote');
    }
  };
  for (let step = 0; step < rounds; step++) {
    const peer = Math.floor(rand() * peers);
    randomEdit(docs[peer]!, peer, rand, step);
    deliver(Math.floor(rand() * 4));
  }
  deliver(Infinity);
  return docs;
}

describe('document convergence', () => {
  it.each([1, 2, 3, 42, 2026])('three peers editing at once agree on the document (seed %i)', (seed) => {
    const docs = simulate(seed, 3, 150);
    const [first, ...rest] = docs;
    const content = rawDocJson(first!);
    for (const other of rest) {
      expect(rawDocJson(other)).toEqual(content);
      expect(docBlocks(other)).toEqual(docBlocks(first!));
      expect(readComments(other)).toEqual(readComments(first!));
      expect(Y.encodeStateVector(other)).toEqual(Y.encodeStateVector(first!));
    }
    // The run exercised threads and overlapping comment marks, not only typing.
    expect(readComments(first!).length).toBeGreaterThan(0);
    expect(commentedTexts(first!).size).toBeGreaterThan(0);
    // What they agree on is a document of the schema: nothing the readers drop.
    const json = docContentJson(first!);
    expect(() => normaliseDocJson(json)).not.toThrow();
    expect(json.content!.length).toBe(content.content!.length);
  });

  it('two peers restoring different versions at once still agree', () => {
    const [a, b] = simulate(7, 2, 40);
    replaceDocContent(a!, templateJson('workshop-notes'));
    replaceDocContent(b!, templateJson('theory-of-change'));
    Y.applyUpdate(a!, Y.encodeStateAsUpdate(b!));
    Y.applyUpdate(b!, Y.encodeStateAsUpdate(a!));
    expect(rawDocJson(a!)).toEqual(rawDocJson(b!));
  });
});
