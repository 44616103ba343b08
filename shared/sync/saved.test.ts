import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { AUTH_SAVED, MESSAGE_AUTH, decodeSaved, encodeSaved, readSaved, syncEditKind } from './saved.js';

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('the saved acknowledgement', () => {
  it.each([1, 127, 128, 300_000, 2 ** 31])('round-trips seq %i', (seq) => {
    const bytes = encodeSaved(seq);
    expect(decodeSaved(bytes)).toBe(seq);
    // As a y-websocket message handler reads it: type, sub-type, then the rest.
    const decoder = decoding.createDecoder(bytes);
    expect(decoding.readVarUint(decoder)).toBe(MESSAGE_AUTH);
    expect(decoding.readVarUint(decoder)).toBe(AUTH_SAVED);
    expect(readSaved(decoder)).toBe(seq);
    expect(decoding.hasContent(decoder)).toBe(false);
  });

  it('is a small auth message: type 2, our sub-type, the number', () => {
    expect([...encodeSaved(5)]).toEqual([2, AUTH_SAVED, 5]);
  });

  it('decodes nothing from other messages or broken bytes', () => {
    const denied = message((e) => {
      encoding.writeVarUint(e, MESSAGE_AUTH);
      authProtocol.writePermissionDenied(e, 'read-only');
    });
    const sync = message((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, new Y.Doc());
    });
    expect(decodeSaved(denied)).toBeNull();
    expect(decodeSaved(sync)).toBeNull();
    expect(decodeSaved(new Uint8Array([MESSAGE_AUTH, AUTH_SAVED]))).toBeNull();
    expect(decodeSaved(new Uint8Array())).toBeNull();
  });

  it('is ignored by the y-protocols auth reader that unmodified y-websocket clients use', () => {
    const denied: string[] = [];
    const decoder = decoding.createDecoder(encodeSaved(7));
    decoding.readVarUint(decoder); // the provider reads the type before calling its handler
    authProtocol.readAuthMessage(decoder, new Y.Doc(), (_doc, reason) => denied.push(reason));
    expect(denied).toEqual([]);
  });
});

describe('syncEditKind', () => {
  const doc = new Y.Doc();
  doc.getMap('m').set('k', 'v');
  const sync = (write: (encoder: encoding.Encoder) => void) =>
    message((e) => {
      encoding.writeVarUint(e, 0);
      write(e);
    });

  it('names the sync messages that carry edits, as y-protocols writes them', () => {
    expect(syncEditKind(sync((e) => syncProtocol.writeSyncStep2(e, doc)))).toBe('step2');
    expect(syncEditKind(sync((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc))))).toBe('update');
  });

  it('is null for sync step 1, awareness, the auth channel and empty frames', () => {
    expect(syncEditKind(sync((e) => syncProtocol.writeSyncStep1(e, doc)))).toBeNull();
    expect(syncEditKind(message((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, new Uint8Array([0]));
    }))).toBeNull();
    expect(syncEditKind(encodeSaved(1))).toBeNull();
    expect(syncEditKind(new Uint8Array())).toBeNull();
    expect(syncEditKind(new Uint8Array([0]))).toBeNull();
  });
});
