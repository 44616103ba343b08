/**
 * Which rooms this browser keeps an offline copy of, per person, and whether any of them holds
 * edits the server has not had yet. Sign-out uses it to delete the copies (a council laptop is
 * often shared) and to warn before that would throw away unsent work.
 *
 * Kept in localStorage because it must be readable synchronously at sign-out, and it is tiny.
 */
const KEY_PREFIX = 'slw:offline-rooms:';

export interface OfflineRoom {
  /** The IndexedDB database holding the room's document. */
  database: string;
  title: string;
  /** Edits made here that the server has not acknowledged. */
  pending: boolean;
}

type Registry = Record<string, OfflineRoom>;

function read(userId: string): Registry {
  try {
    const raw = localStorage.getItem(KEY_PREFIX + userId);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return typeof parsed === 'object' && parsed !== null ? (parsed as Registry) : {};
  } catch {
    return {};
  }
}

function write(userId: string, registry: Registry): void {
  try {
    localStorage.setItem(KEY_PREFIX + userId, JSON.stringify(registry));
  } catch {
    // Storage full or blocked: the registry is a convenience, the document itself is in IndexedDB.
  }
}

/** The IndexedDB name for a person's copy of a room: per person, so people sharing a browser never share copies. */
export function offlineDatabaseName(userId: string, roomId: string): string {
  return `slw-room:${userId}:${roomId}`;
}

export function rememberRoom(userId: string, roomId: string, title: string): void {
  const registry = read(userId);
  registry[roomId] = { database: offlineDatabaseName(userId, roomId), title, pending: registry[roomId]?.pending ?? false };
  write(userId, registry);
}

export function setRoomPending(userId: string, roomId: string, pending: boolean): void {
  const registry = read(userId);
  const entry = registry[roomId];
  if (!entry || entry.pending === pending) return;
  entry.pending = pending;
  write(userId, registry);
}

export function isRoomPending(userId: string, roomId: string): boolean {
  return read(userId)[roomId]?.pending ?? false;
}

/** Rooms whose offline copy still holds edits the server has not had. */
export function roomsWithPendingEdits(userId: string): OfflineRoom[] {
  return Object.values(read(userId)).filter((room) => room.pending);
}

/** Deletes every offline copy this person has in this browser (at sign-out). */
export async function forgetAllRooms(userId: string): Promise<void> {
  const registry = read(userId);
  await Promise.all(
    Object.values(registry).map(
      (room) =>
        new Promise<void>((resolve) => {
          const req = indexedDB.deleteDatabase(room.database);
          req.onsuccess = req.onerror = req.onblocked = () => resolve();
        }),
    ),
  );
  try {
    localStorage.removeItem(KEY_PREFIX + userId);
  } catch {
    // nothing more to do
  }
}
