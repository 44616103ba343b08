/**
 * Choosing one of the site's maps for a round or a breakout: the current step's map first
 * (when it is a map), else the first in use.
 */
import { useState } from 'react';
import { useRooms } from '../api/queries.js';

export interface MapChoice {
  maps: { id: string; title: string }[];
  /** The map chosen, or '' when the site has none. */
  chosen: string;
  choose: (roomId: string) => void;
}

export function useMapChoice(siteSlug: string, stepRoomId: string | null): MapChoice {
  const rooms = useRooms(siteSlug, 'false');
  const maps = (rooms.data?.pages ?? []).flatMap((p) => p.rooms).filter((r) => r.kind === 'map');
  const [picked, choose] = useState('');
  const chosen = picked || (stepRoomId && maps.some((m) => m.id === stepRoomId) ? stepRoomId : (maps[0]?.id ?? ''));
  return { maps, chosen, choose };
}

export function MapSelect({ id, label, choice, required }: { id: string; label: string; choice: MapChoice; required: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={choice.chosen} onChange={(e) => choice.choose(e.target.value)} required={required}>
        {choice.maps.length === 0 && <option value="">No maps yet</option>}
        {choice.maps.map((m) => (
          <option key={m.id} value={m.id}>
            {m.title}
          </option>
        ))}
      </select>
    </div>
  );
}
