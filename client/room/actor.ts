import type { Actor } from '../../shared/map/doc.js';
import type { RoomConnection } from './RoomConnection.js';

/** Who is writing, as the shared helpers record it (created / updated by). */
export function actorOf(conn: RoomConnection): Actor {
  return { userId: conn.user.id, name: conn.user.name, organisation: conn.user.organisation };
}
