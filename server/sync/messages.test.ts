import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { concatBytes } from '../../test/helpers/sync.js';
import {
  KEEPALIVE_MESSAGE,
  MessageType,
  ProtocolViolation,
  SyncMessageType,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  parseFrame,
  type IncomingMessage,
} from './messages.js';

/** A doc with some content, and the update that produced it. */
function sampleDoc(): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, 'Hello, Torbay');
  doc.getMap('elements').set('e1', 'Footfall');
  return { doc, update: Y.encodeStateAsUpdate(doc) };
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function awarenessPayload(entries: { clientID: number; clock: number; json: string }[]): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(e, entry.clientID);
      encoding.writeVarUint(e, entry.clock);
      encoding.writeVarString(e, entry.json);
    }
  });
}

function awarenessMessage(payload: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness);
    encoding.writeVarUint8Array(e, payload);
  });
}

function syncMessage(sub: number, payload: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
}

function expectViolation(bytes: Uint8Array, message?: RegExp): void {
  let caught: unknown;
  try {
    parseFrame(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught, `frame [${[...bytes].join(',')}] should be rejected`).toBeInstanceOf(ProtocolViolation);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe('parseFrame', () => {
  it('reads sync step 1 with its state vector', () => {
    const { doc } = sampleDoc();
    const [message, ...rest] = parseFrame(encodeSyncStep1(doc));
    expect(rest).toEqual([]);
    expect(message?.type).toBe('sync-step1');
    const sv = (message as Extract<IncomingMessage, { type: 'sync-step1' }>).stateVector;
    expect(Y.decodeStateVector(sv)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
  });

  it('reads sync step 2 and sync update carrying the exact update bytes', () => {
    const { update } = sampleDoc();
    // With which clocks of which clients it holds, as Yjs's own parseUpdateMeta says.
    const meta = Y.parseUpdateMeta(update);
    expect(parseFrame(syncMessage(SyncMessageType.Step2, update))).toEqual([{ type: 'sync-step2', update, meta }]);
    expect(parseFrame(encodeUpdate(update))).toEqual([{ type: 'sync-update', update, meta }]);
  });

  it('reads an awareness message into entries with decoded states, and null for a leaving client', () => {
    const payload = awarenessPayload([
      { clientID: 42, clock: 3, json: JSON.stringify({ user: { name: 'Asha' } }) },
      { clientID: 7, clock: 9, json: 'null' },
    ]);
    const [message] = parseFrame(awarenessMessage(payload));
    expect(message).toEqual({
      type: 'awareness',
      update: payload,
      entries: [
        { clientID: 42, clock: 3, state: { user: { name: 'Asha' } } },
        { clientID: 7, clock: 9, state: null },
      ],
    });
  });

  it('reads what the y-protocols awareness encoder produces', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalStateField('user', { name: 'Bo', colour: '#f00' });
    const [message] = parseFrame(
      encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    );
    expect(message?.type).toBe('awareness');
    const entries = (message as Extract<IncomingMessage, { type: 'awareness' }>).entries;
    expect(entries).toEqual([{ clientID: doc.clientID, clock: expect.any(Number), state: { user: { name: 'Bo', colour: '#f00' } } }]);
    awareness.destroy();
  });

  it('reads an auth message (ignored) and a query-awareness message', () => {
    expect(parseFrame(encodePermissionDenied('nope'))).toEqual([{ type: 'auth' }]);
    expect(parseFrame(frame((e) => encoding.writeVarUint(e, MessageType.QueryAwareness)))).toEqual([
      { type: 'query-awareness' },
    ]);
  });

  it('reads every message of a frame that carries several, in order', () => {
    const { doc, update } = sampleDoc();
    const bytes = concatBytes(
      encodeSyncStep1(doc),
      encodeUpdate(update),
      awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: '{}' }])),
      frame((e) => encoding.writeVarUint(e, MessageType.QueryAwareness)),
      syncMessage(SyncMessageType.Step2, update),
    );
    expect(parseFrame(bytes).map((m) => m.type)).toEqual([
      'sync-step1',
      'sync-update',
      'awareness',
      'query-awareness',
      'sync-step2',
    ]);
  });

  it('rejects an empty frame', () => {
    expectViolation(new Uint8Array(0), /empty/);
  });

  it('rejects a frame truncated at any byte offset', () => {
    const { doc, update } = sampleDoc();
    const firstLength = encodeUpdate(update).byteLength;
    const frames = {
      step1: encodeSyncStep1(doc),
      step2: syncMessage(SyncMessageType.Step2, update),
      update: encodeUpdate(update),
      awareness: awarenessMessage(awarenessPayload([{ clientID: 300, clock: 2, json: '{"user":{"name":"A"}}' }])),
      auth: encodePermissionDenied('reason'),
      several: concatBytes(encodeUpdate(update), awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: '{}' }]))),
    };
    for (const [name, bytes] of Object.entries(frames)) {
      expect(parseFrame(bytes).length, name).toBeGreaterThan(0);
      for (let cut = 1; cut < bytes.byteLength; cut++) {
        // Cut exactly between two messages, the rest is a valid shorter frame.
        if (name === 'several' && cut === firstLength) {
          expect(parseFrame(bytes.slice(0, cut)).map((m) => m.type)).toEqual(['sync-update']);
          continue;
        }
        // A view into a larger buffer, as ws hands frames over: the bytes past the cut are
        // still in memory and must not be read.
        const backing = new Uint8Array(bytes.byteLength + 16);
        backing.set(bytes);
        expectViolation(backing.subarray(0, cut));
        // And as a standalone copy.
        expectViolation(bytes.slice(0, cut));
      }
    }
  });

  it('rejects unknown message types and unknown sync sub-types', () => {
    expectViolation(frame((e) => encoding.writeVarUint(e, 4)), /unknown message type 4/);
    expectViolation(frame((e) => encoding.writeVarUint(e, 99)), /unknown message type 99/);
    expectViolation(frame((e) => encoding.writeVarUint(e, 1_000_000)), /unknown message type/);
    expectViolation(syncMessage(3, new Uint8Array([0, 0])), /unknown sync message type 3/);
    // A good message followed by an unknown one rejects the whole frame.
    expectViolation(concatBytes(encodeUpdate(sampleDoc().update), frame((e) => encoding.writeVarUint(e, 17))));
  });

  it('rejects updates and state vectors that do not decode', () => {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4]);
    expectViolation(encodeUpdate(garbage), /not a valid Yjs update/);
    expectViolation(syncMessage(SyncMessageType.Step2, garbage), /not a valid Yjs update/);
    expectViolation(syncMessage(SyncMessageType.Step1, garbage), /state vector/);
    // An update cut short inside its own (consistent) length prefix.
    const { update } = sampleDoc();
    expectViolation(encodeUpdate(update.slice(0, update.byteLength - 3)), /not a valid Yjs update/);
  });

  it('rejects awareness states that are not JSON, over-long entry lists and trailing bytes', () => {
    expectViolation(awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: '{not json' }])), /not JSON/);
    expectViolation(awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: '' }])), /not JSON/);
    const many = Array.from({ length: 20_001 }, (_, i) => ({ clientID: i, clock: 1, json: '{}' }));
    expectViolation(awarenessMessage(awarenessPayload(many)), /20001 entries/);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expectViolation(awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: deep }])), /nests too deeply/);
    const big = JSON.stringify({ s: 'x'.repeat(70_000) });
    expectViolation(awarenessMessage(awarenessPayload([{ clientID: 1, clock: 1, json: big }])), /awareness state of/);
    const trailing = concatBytes(awarenessPayload([{ clientID: 1, clock: 1, json: '{}' }]), new Uint8Array([5]));
    expectViolation(awarenessMessage(trailing), /trailing/);
  });

  it('rejects a frame with more than 1000 messages', () => {
    const query = frame((e) => encoding.writeVarUint(e, MessageType.QueryAwareness));
    expect(parseFrame(concatBytes(...Array.from({ length: 1000 }, () => query)))).toHaveLength(1000);
    expectViolation(concatBytes(...Array.from({ length: 1001 }, () => query)), /too many/);
  });
});

describe('encode helpers', () => {
  it('sync step 1 and step 2 round-trip: applying step 2 for a state vector brings a doc up to date', () => {
    const { doc } = sampleDoc();
    const other = new Y.Doc();
    other.getText('notes').insert(0, 'x');
    const [step1] = parseFrame(encodeSyncStep1(other));
    const sv = (step1 as Extract<IncomingMessage, { type: 'sync-step1' }>).stateVector;
    const [step2] = parseFrame(encodeSyncStep2(doc, sv));
    expect(step2?.type).toBe('sync-step2');
    Y.applyUpdate(other, (step2 as Extract<IncomingMessage, { type: 'sync-step2' }>).update);
    expect(other.getText('notes').toString()).toContain('Hello, Torbay');
    expect(other.getMap('elements').get('e1')).toBe('Footfall');
    // Without a state vector, step 2 carries the whole doc.
    const [full] = parseFrame(encodeSyncStep2(doc));
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, (full as Extract<IncomingMessage, { type: 'sync-step2' }>).update);
    expect(fresh.getText('notes').toString()).toBe('Hello, Torbay');
  });

  it('encodeUpdate round-trips the exact bytes', () => {
    const { update } = sampleDoc();
    expect(parseFrame(encodeUpdate(update))).toEqual([{ type: 'sync-update', update, meta: Y.parseUpdateMeta(update) }]);
  });

  it('encodeAwareness round-trips through parseFrame and applies to another awareness', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalStateField('user', { name: 'Cy' });
    const bytes = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
    const [message] = parseFrame(bytes) as [Extract<IncomingMessage, { type: 'awareness' }>];
    const remote = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(remote, message.update, 'test');
    expect(remote.getStates().get(doc.clientID)).toEqual({ user: { name: 'Cy' } });
    awareness.destroy();
    remote.destroy();
  });

  it('the keepalive is a valid awareness message with no entries', () => {
    expect(parseFrame(KEEPALIVE_MESSAGE)).toEqual([{ type: 'awareness', update: new Uint8Array([0]), entries: [] }]);
  });

  it('permission denied is the y-protocols auth message with the reason', () => {
    const decoder = decoding.createDecoder(encodePermissionDenied('not a member'));
    expect(decoding.readVarUint(decoder)).toBe(MessageType.Auth);
    expect(decoding.readVarUint(decoder)).toBe(0);
    expect(decoding.readVarString(decoder)).toBe('not a member');
    expect(decoding.hasContent(decoder)).toBe(false);
  });
});
