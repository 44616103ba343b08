/**
 * Owns the open room: creates its `RoomConnection` (Y.Doc, sync, offline copy, presence) when
 * the room opens and destroys it when it closes. Components below read it through the hooks in
 * `hooks.ts` and change the document only through the named helpers in `shared/doc/`.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { RoomConnection, type RoomConnectionOptions } from './RoomConnection.js';

export const RoomContext = createContext<RoomConnection | null>(null);

export interface RoomProviderProps extends Omit<RoomConnectionOptions, 'onPermissionChanged'> {
  onPermissionChanged?: () => void;
  children: ReactNode;
}

export function RoomProvider({ children, roomId, title, user, serverUrl, offline, onPermissionChanged }: RoomProviderProps) {
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  const userId = user.id;
  const userName = user.name;
  const userOrg = user.organisation;
  const onPermissionChangedRef = useLatest(onPermissionChanged);

  useEffect(() => {
    // Created in the effect, not during render: React may render twice and throw one render
    // away, and a thrown-away connection would leak a socket.
    const conn = new RoomConnection({
      roomId,
      title,
      user: { id: userId, name: userName, organisation: userOrg },
      serverUrl,
      offline,
      onPermissionChanged: () => onPermissionChangedRef.current?.(),
    });
    setConnection(conn);
    return () => {
      conn.destroy();
      setConnection(null);
    };
    // The title only labels the offline copy; a rename must not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roomId, userId, userName, userOrg, serverUrl, offline]);

  if (!connection) return <p role="status">Opening the room…</p>;
  return <RoomContext.Provider value={connection}>{children}</RoomContext.Provider>;
}

function useLatest<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

/** The open room's connection; only valid inside `RoomProvider`. */
export function useRoomConnection(): RoomConnection {
  const conn = useContext(RoomContext);
  if (!conn) throw new Error('useRoomConnection must be used inside <RoomProvider>.');
  return conn;
}
