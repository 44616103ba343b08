import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sendOwnAwarenessOnly } from './ownAwareness.js';

/** A socket the test opens by hand; it keeps what the provider sends. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  static last: FakeSocket | undefined;
  readyState = FakeSocket.CONNECTING;
  binaryType = 'arraybuffer';
  readonly sent: Uint8Array[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.last = this;
  }

  send(data: Uint8Array): void {
    this.sent.push(new Uint8Array(data));
  }

  close(): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1000, reason: '' });
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.({});
  }

  /** Delivers a message from the "server", as the browser would. */
  receive(bytes: Uint8Array): void {
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
}

/** The client ids (and states) of every awareness message sent, in order. */
function awarenessSent(socket: FakeSocket): { clientID: number; state: unknown }[][] {
  const messages: { clientID: number; state: unknown }[][] = [];
  for (const bytes of socket.sent) {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== 1) continue;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const entries = [];
    for (let n = decoding.readVarUint(inner); n > 0; n--) {
      const clientID = decoding.readVarUint(inner);
      decoding.readVarUint(inner);
      entries.push({ clientID, state: JSON.parse(decoding.readVarString(inner)) as unknown });
    }
    messages.push(entries);
  }
  return messages;
}

/** What the server relays about someone else: an awareness message with their state at `clock`. */
function remotePresence(clientID: number, clock: number): Uint8Array {
  const entries = encoding.createEncoder();
  encoding.writeVarUint(entries, 1);
  encoding.writeVarUint(entries, clientID);
  encoding.writeVarUint(entries, clock);
  encoding.writeVarString(entries, JSON.stringify({ cursor: clock }));
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(entries));
  return encoding.toUint8Array(message);
}

const providers: WebsocketProvider[] = [];

/** A provider over a fake socket, opened, with a presence of its own; patched as our client is, or stock. */
function connected(ownOnly: boolean): { provider: WebsocketProvider; socket: FakeSocket } {
  const provider = new WebsocketProvider('ws://server/sync', 'room', new Y.Doc(), {
    disableBc: true,
    WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket,
  });
  providers.push(provider);
  if (ownOnly) sendOwnAwarenessOnly(provider);
  provider.awareness.setLocalStateField('user', { name: 'Asha' });
  const socket = FakeSocket.last!;
  socket.open();
  return { provider, socket };
}

afterEach(() => {
  for (const provider of providers.splice(0)) {
    provider.destroy();
    provider.doc.destroy();
  }
});

describe('sendOwnAwarenessOnly', () => {
  it('the stock provider sends other people’s presence back (what this replaces)', () => {
    const { socket } = connected(false);
    socket.sent.length = 0;
    socket.receive(remotePresence(4242, 1));
    expect(awarenessSent(socket).flat().map((e) => e.clientID)).toContain(4242);
  });

  it('does not send other people’s presence, whether it arrives, changes or times out', () => {
    const { provider, socket } = connected(true);
    socket.sent.length = 0;
    for (let cursor = 1; cursor <= 5; cursor++) socket.receive(remotePresence(4242, cursor));
    socket.receive(remotePresence(4343, 1));
    expect(provider.awareness.getStates().get(4242)).toEqual({ cursor: 5 });
    awarenessProtocol.removeAwarenessStates(provider.awareness, [4242], 'timeout');
    expect(awarenessSent(socket)).toEqual([]);
  });

  it('sends its own changes, alone, and its removal when set to null', () => {
    const { provider, socket } = connected(true);
    const own = provider.awareness.clientID;
    // The provider announces the own state on connecting, as before.
    expect(awarenessSent(socket).flat().map((e) => e.clientID)).toEqual([own]);
    socket.receive(remotePresence(4242, 1));
    socket.sent.length = 0;
    provider.awareness.setLocalStateField('cursor', { x: 1 });
    provider.awareness.setLocalState(null);
    expect(awarenessSent(socket)).toEqual([
      [{ clientID: own, state: { user: { name: 'Asha' }, cursor: { x: 1 } } }],
      [{ clientID: own, state: null }],
    ]);
  });

  it('sends nothing while disconnected, and stops listening when the provider is destroyed', () => {
    const { provider, socket } = connected(true);
    provider.disconnect();
    socket.sent.length = 0;
    provider.awareness.setLocalStateField('cursor', { x: 2 });
    expect(awarenessSent(socket)).toEqual([]);
    provider.destroy();
    // A destroyed provider's awareness has no listener of ours left.
    const listeners = (provider.awareness as unknown as { _observers: Map<string, Set<unknown>> })._observers.get('update');
    expect(listeners?.size ?? 0).toBe(0);
  });
});
