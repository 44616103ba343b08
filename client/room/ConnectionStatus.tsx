import { CloseCode, ORIGIN_NOT_ALLOWED_REASON } from '../../shared/closeCodes.js';
import { useHealth } from '../api/queries.js';
import { closeMessage, refusesEdits, type RoomStatus } from './RoomConnection.js';
import { useRoomConnection } from './RoomProvider.js';
import { useRoomStatus } from './hooks.js';

const LABEL = { connecting: 'Connecting…', live: 'Live', offline: 'Offline', closed: 'Disconnected' } as const;

/**
 * Whether the edits made here are stored, from the server's "saved" acknowledgements: "Saving…"
 * while connected and some are not acknowledged yet, "Saved" once they all are, and how many
 * are not yet saved while they cannot be sent (offline, reconnecting, refused). Empty before
 * the first edit.
 *
 * @example
 * saveState({ ...status, connection: 'offline', pendingEdits: 3 }) // '3 edits not yet saved'
 */
export function saveState(status: RoomStatus): string {
  const pending = status.pendingEdits;
  const sending = status.connection === 'live' && !refusesEdits(status);
  if (pending === 0) return sending && status.anySaved ? 'Saved' : '';
  if (sending) return 'Saving…';
  return pending === 1 ? '1 edit not yet saved' : `${pending} edits not yet saved`;
}

/**
 * Always-visible connection state, with whether the edits made here are saved. `compact` (a
 * map room's top bar): one line, its explanation shown only when something is wrong.
 */
export function ConnectionStatus({ compact = false }: { compact?: boolean }) {
  const conn = useRoomConnection();
  const status = useRoomStatus();
  const save = saveState(status);
  const closed = status.closed;
  // Refused for the page's address: only the server knows the right one (PUBLIC_URL).
  const wrongAddress = closed?.code === CloseCode.Forbidden && closed.reason === ORIGIN_NOT_ALLOWED_REASON;
  const publicUrl = useHealth(wrongAddress).data?.publicUrl ?? null;
  let detail: string;
  if (status.connection === 'closed') {
    detail = closed && wrongAddress ? closeMessage(closed.code, closed.reason, { pageOrigin: location.origin, publicUrl }) : (closed?.message ?? '');
  } else if (status.connection === 'offline') {
    detail =
      status.localCopy === 'ready'
        ? 'Keep working: your edits are kept on this device and will be sent when the connection returns.'
        : 'Trying to reconnect. Edits stay in this tab until the connection returns; do not close it.';
  } else if (status.connection === 'connecting') detail = status.synced ? 'Reconnecting…' : 'Loading the room…';
  else detail = 'Changes are shared as you make them.';

  return (
    <div className={`connection connection-${status.connection}${compact ? ' connection-compact' : ''}`} data-testid="connection">
      {/* role=status announces changes politely without moving focus */}
      <p role="status" className="connection-line">
        <span className="connection-dot" aria-hidden="true" />
        <strong className="connection-state">{LABEL[status.connection]}</strong>
        {/* Always there, so the line never gains or loses an element as edits are saved. */}
        {/* Not announced: "Saving…, Saved" on every keystroke would talk over the person typing.
            Going offline is announced by the connection state itself. */}
        <span className="connection-save" aria-live="off">
          {save && ` · ${save}`}
        </span>
      </p>
      {/* Compact and live, "changes are shared as you make them" goes without saying. */}
      <p className={compact && status.connection === 'live' ? 'connection-detail visually-hidden' : 'connection-detail'}>{detail}</p>
      {wrongAddress && publicUrl && (
        <p>
          {/* Only the origin was wrong, so the same path opens this room there. */}
          <a href={`${new URL(publicUrl).origin}${location.pathname}${location.search}`}>Open this room at {publicUrl}</a>
        </p>
      )}
      {(status.connection === 'offline' || status.connection === 'closed') && closed?.code !== CloseCode.Forbidden && (
        <button type="button" className="button-secondary" onClick={() => conn.reconnect()}>
          Try again now
        </button>
      )}
    </div>
  );
}
