/**
 * Revealed notes as map elements: the facilitator picks notes from a private round and they
 * become elements of the map, each with its author's organisation as its agency, laid out in a
 * grid inside a frame named for the group when one is given. The result is plain map data for
 * `placeMapData` (which finds the free space) and `addMapData`.
 */
import type { Attribution, MapData, MapElement, MapGroup } from '../map/model.js';
import { ELEMENT_BOX, PLACEMENT_GAP } from '../map/placement.js';
import type { RevealedNote } from './rounds.js';

/** Longest label made from a note; the whole note goes into the description when longer. */
export const NOTE_LABEL_MAX = 120;
const COLUMNS = 4;
/** Room inside a frame around its elements, and above them for its title. */
const FRAME_PADDING = 40;
const FRAME_TITLE = 40;

/**
 * The note's label: its text on one line, cut at a word before `NOTE_LABEL_MAX` with an
 * ellipsis when longer.
 *
 * @example
 * noteLabel('Bus route 12\nwas cut') // 'Bus route 12 was cut'
 */
export function noteLabel(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= NOTE_LABEL_MAX) return line;
  const cut = line.slice(0, NOTE_LABEL_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > NOTE_LABEL_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The notes as elements of `options.kind` in a grid from (0, 0), in a frame
 * titled `group` when given. Ids come from `newId`.
 *
 * @example
 * notesAsMapData(notes, { kind: 'variable', group: 'What keeps people at home' }, newId, by)
 */
export function notesAsMapData(
  notes: readonly RevealedNote[],
  options: { kind: MapElement['kind']; group?: string },
  newId: () => string,
  by: Attribution,
): MapData {
  const groupId = options.group ? newId() : null;
  const top = groupId ? FRAME_PADDING + FRAME_TITLE : 0;
  const left = groupId ? FRAME_PADDING : 0;
  const elements: MapElement[] = notes.map((note, i) => {
    const label = noteLabel(note.text);
    return {
      id: newId(),
      kind: options.kind,
      label,
      description: label === note.text.trim() ? '' : note.text.trim(),
      tags: [],
      agency: note.author.organisation,
      x: left + (i % COLUMNS) * (ELEMENT_BOX.width + PLACEMENT_GAP),
      y: top + Math.floor(i / COLUMNS) * (ELEMENT_BOX.height + PLACEMENT_GAP),
      groupId,
      created: by,
      updated: by,
    };
  });
  const groups: MapGroup[] = [];
  if (groupId && options.group) {
    const columns = Math.min(COLUMNS, Math.max(1, notes.length));
    const rows = Math.max(1, Math.ceil(notes.length / COLUMNS));
    groups.push({
      id: groupId,
      label: options.group,
      x: 0,
      y: 0,
      width: 2 * FRAME_PADDING + columns * ELEMENT_BOX.width + (columns - 1) * PLACEMENT_GAP,
      height: top + FRAME_PADDING + rows * ELEMENT_BOX.height + (rows - 1) * PLACEMENT_GAP,
      created: by,
      updated: by,
    });
  }
  return { elements, connections: [], groups, loopNotes: [] };
}
