/**
 * A link into a map – from a mention in a document, a learning-log entry or a search result –
 * names what to show with `?select=ID`: an element, a connection, a frame, a comment thread (its
 * element or connection is shown) or a loop (by its key: the loop is highlighted). Once the map
 * has arrived, select it and bring it into view, once per address.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { readComments } from '../../shared/map/comments.js';
import type { FeedbackLoop } from '../../shared/map/loops.js';
import type { MapData } from '../../shared/map/model.js';
import { useRoomStatus } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';

export function useSelectFromAddress(
  map: MapData,
  loops: readonly FeedbackLoop[],
  select: (selection: { element?: string; connection?: string; group?: string }) => void,
  highlight: (loop: FeedbackLoop) => void,
  glide: number,
) {
  const conn = useRoomConnection();
  const flow = useReactFlow();
  const [params] = useSearchParams();
  const wanted = params.get('select');
  const { synced } = useRoomStatus();
  const done = useRef<string | null>(null);

  useEffect(() => {
    if (!wanted || !synced || done.current === wanted) return;
    let id = wanted;
    // A comment thread leads to what it is about.
    const thread = readComments(conn.doc).find((t) => t.id === id);
    if (thread) id = thread.target.id;
    const show = (nodeIds: string[]) => {
      done.current = wanted;
      // After React Flow has the selection: fit to what was asked for, not too close.
      setTimeout(() => void flow.fitView({ nodes: nodeIds.map((n) => ({ id: n })), duration: glide, maxZoom: 1.2, padding: 0.4 }), 50);
    };
    if (map.elements.some((e) => e.id === id)) {
      select({ element: id });
      show([id]);
    } else if (map.groups.some((g) => g.id === id)) {
      select({ group: id });
      show([id]);
    } else {
      const connection = map.connections.find((c) => c.id === id);
      const loop = loops.find((l) => l.key === id);
      if (connection) {
        select({ connection: id });
        show([connection.from, connection.to]);
      } else if (loop) {
        highlight(loop);
        show(loop.elementIds);
      }
    }
  }, [wanted, synced, map, loops, conn, flow, select, highlight, glide]);
}
