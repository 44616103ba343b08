/**
 * Presence that goes to the server from this tab only.
 *
 * y-websocket's `WebsocketProvider` sends every awareness change it sees to the server, other
 * people's included: each cursor move the server relays to a tab comes straight back from it.
 * In a 40-person workshop with cursors at 20 Hz that was about 31,000 messages a second, every
 * one a stale copy the server parsed and dropped, and edits queued behind them (edit p99
 * 223 ms; docs/benchmarks.md, "Workshop room").
 */
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';

/** The y-websocket message type of an awareness update. */
const MESSAGE_AWARENESS = 1;

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** An awareness message with one client's state (or its removal), as y-websocket writes it. */
function awarenessMessage(provider: WebsocketProvider, clientID: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(provider.awareness, [clientID]));
  return encoding.toUint8Array(encoder);
}

/**
 * Makes `provider` send only this tab's own awareness changes (its state, the 15 s renewals,
 * and its removal when set to null): the server already has everyone else's, and relays them.
 * Everything else the provider does is unchanged: it still sends the own state on each
 * (re)connect and a null state on `disconnect()`.
 *
 * The provider must have BroadcastChannel off (`disableBc: true`, as `RoomConnection` does):
 * the stock handler also shares changes with other tabs that way, which this one does not.
 *
 * @example
 * const provider = new WebsocketProvider(url, roomId, doc, { disableBc: true });
 * sendOwnAwarenessOnly(provider);
 * provider.awareness.setLocalStateField('cursor', { x: 1, y: 2 }); // sent
 * // an update from the server about someone else: applied here, not sent back
 */
export function sendOwnAwarenessOnly(provider: WebsocketProvider): void {
  const { awareness } = provider;
  // The provider removes `_awarenessUpdateHandler` on destroy, so the replacement takes the
  // same field: it is removed then too.
  awareness.off('update', provider._awarenessUpdateHandler);
  provider._awarenessUpdateHandler = ({ added, updated, removed }: AwarenessChange) => {
    const own = awareness.clientID;
    if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return;
    const ws = provider.ws;
    // As the stock handler: nothing is queued while disconnected; the next connect sends the state.
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
    ws.send(awarenessMessage(provider, own));
  };
  awareness.on('update', provider._awarenessUpdateHandler);
}
