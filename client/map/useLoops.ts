import { useMemo } from 'react';
import { findLoops, matchLoopNotes, type LoopSearchResult } from '../../shared/map/loops.js';
import type { LoopNote, MapData } from '../../shared/map/model.js';

/**
 * The map's loops, searched again only when the graph changes (elements added or removed,
 * connections or polarities changed), never when someone merely drags. The search is bounded
 * in time (40 ms) so a dense map cannot freeze the page.
 */
export function useLoops(map: MapData): {
  result: LoopSearchResult;
  notes: Map<string, LoopNote>;
  broken: LoopNote[];
  /** Changes exactly when the graph does (not on moves); other graph measures key on it too. */
  graphKey: string;
} {
  // In two parts: a rename or a move keeps the connections' array (the reader keeps unchanged
  // lists), so the dearer half, thousands of strings on a large map, is not built again.
  const elementsKey = useMemo(() => map.elements.map((e) => e.id).join(','), [map.elements]);
  const connectionsKey = useMemo(() => map.connections.map((c) => `${c.id}:${c.from}>${c.to}${c.polarity}`).join(','), [map.connections]);
  const graphKey = `${elementsKey}|${connectionsKey}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const result = useMemo(() => findLoops(map), [graphKey]);
  const notesKey = JSON.stringify(map.loopNotes);
  return useMemo(() => {
    const matches = matchLoopNotes(map.loopNotes, result, map);
    const notes = new Map<string, LoopNote>();
    for (const { note, loop } of matches.kept) notes.set(loop.key, note);
    return { result, notes, broken: matches.broken, graphKey };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, notesKey]);
}
