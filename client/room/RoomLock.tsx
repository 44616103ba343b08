import type { Room } from '../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../shared/roles.js';
import { messageOf } from '../api/http.js';
import { useUpdateRoom } from '../api/queries.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';

/**
 * Whether the room is locked, and by whom, with the facilitator's Lock / Unlock. A locked
 * room is read live by everyone; the server drops the edits of all but the site's
 * facilitators (it is not the page that stops them), so the notice says who can unlock it.
 */
export function RoomLock({ room, role, meId, part = 'all' }: { room: Room; role: SiteRole | null; meId: string; part?: 'all' | 'button' | 'notice' }) {
  const update = useUpdateRoom();
  const facilitator = roleAtLeast(role, 'facilitator');
  // The learning log is part of the site and archived rooms are read-only already.
  if (room.kind === 'log' || room.archived || (!room.locked && !facilitator)) return null;
  const who = room.lockedBy?.id === meId ? 'you' : room.lockedBy ? `${room.lockedBy.name}${room.lockedBy.organisation ? ` (${room.lockedBy.organisation})` : ''}` : 'a facilitator';
  const since = room.lockedAt ? ` since ${formatDateTime(room.lockedAt)}` : '';
  const toggle = (
    <button
      type="button"
      className="button-secondary"
      disabled={update.isPending}
      title={room.locked ? undefined : 'Keep the room as it is while you present it: only facilitators can then change it.'}
      onClick={() => update.mutate({ id: room.id, locked: !room.locked })}
    >
      {room.locked ? 'Unlock editing' : 'Lock editing'}
    </button>
  );
  const failed = update.isError && <ErrorMessage>{messageOf(update.error)}</ErrorMessage>;
  // The map room splits it: the button in its top bar, the notice over the canvas.
  if (part === 'button') {
    return facilitator ? (
      <div className="room-lock-button">
        {toggle}
        {failed}
      </div>
    ) : null;
  }
  if (part === 'notice' && !room.locked) return null;
  return (
    <div className={room.locked ? 'room-lock room-lock-on' : 'room-lock'} data-testid="room-lock">
      {room.locked ? (
        <p role="status">
          <strong>Locked by {who}</strong>
          {since}.{' '}
          {facilitator
            ? 'Only facilitators can edit it now; everyone else reads it live.'
            : 'You can read it live; your edits are off until a facilitator unlocks it.'}
        </p>
      ) : (
        <p>Lock editing to keep the room as it is while you present it: only facilitators can then change it.</p>
      )}
      {part === 'all' && facilitator && toggle}
      {part === 'all' && failed}
    </div>
  );
}
