/**
 * Other people's pointers on the map, drawn in map coordinates so each lands on the same spot
 * whatever the viewer's pan and zoom; and the hook that publishes your own pointer and
 * selection, throttled so a moving mouse does not flood the room.
 */
import { ViewportPortal } from '@xyflow/react';
import { useCallback, useEffect, useRef } from 'react';
import { MAP_PRESENCE_FIELD, readMapPresence, type MapPresence, type RemoteMapPresence } from '../../shared/map/presence.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { samePlainData } from '../../shared/map/samePlainData.js';

/** Pointer positions go out at most this often. */
const CURSOR_SEND_MS = 60;

export function useRemoteMapPresence(): RemoteMapPresence[] {
  const conn = useRoomConnection();
  // Your own pointer changes the awareness too: keep the same array when the others' presence
  // did not change, so moving your mouse does not re-render the whole editor.
  const last = useRef<RemoteMapPresence[]>([]);
  return useExternalValue(
    (onChange) => {
      conn.awareness.on('change', onChange);
      return () => conn.awareness.off('change', onChange);
    },
    () => {
      const next = readMapPresence(conn.awareness.getStates(), conn.doc.clientID);
      if (!samePlainData(next, last.current)) last.current = next;
      return last.current;
    },
    [conn],
  );
}

/** Publishes this tab's pointer (map coordinates, or null when off the map) and selection. */
export function usePublishMapPresence(selection: readonly string[]) {
  const conn = useRoomConnection();
  const state = useRef<MapPresence>({ cursor: null, selection: [] });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const send = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    conn.awareness.setLocalStateField(MAP_PRESENCE_FIELD, { ...state.current });
  }, [conn]);

  const key = selection.join(',');
  useEffect(() => {
    state.current.selection = key ? key.split(',').slice(0, 200) : [];
    send();
  }, [key, send]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      conn.awareness.setLocalStateField(MAP_PRESENCE_FIELD, null);
    },
    [conn],
  );

  return useCallback(
    (cursor: { x: number; y: number } | null) => {
      state.current.cursor = cursor && { x: Math.round(cursor.x), y: Math.round(cursor.y) };
      if (cursor === null) send();
      else if (!timer.current) timer.current = setTimeout(send, CURSOR_SEND_MS);
    },
    [send],
  );
}

export function RemoteCursors({ presences }: { presences: readonly RemoteMapPresence[] }) {
  return (
    <ViewportPortal>
      {presences
        .filter((p) => p.cursor)
        .map((p) => (
          <div
            key={p.clientId}
            className="remote-cursor"
            data-person={p.user.name}
            style={{ transform: `translate(${p.cursor!.x}px, ${p.cursor!.y}px)`, color: p.user.colour }}
            aria-hidden="true"
          >
            <svg width="18" height="18" viewBox="0 0 18 18">
              <path d="M1 1 L1 15 L5 11 L8 17 L10 16 L7 10 L13 10 Z" fill="currentColor" stroke="white" strokeWidth="1.2" />
            </svg>
            <span className="remote-cursor-name" style={{ background: p.user.colour }}>
              {p.user.name} · {p.user.organisation}
            </span>
          </div>
        ))}
    </ViewportPortal>
  );
}
