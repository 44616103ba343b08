/**
 * The room's parking lot: short notes anyone in the room can add while the session goes on
 * ("come back to this"), a standard facilitation tool. It is the first shared structure every
 * room has, before the map and document editors.
 *
 * Schema: `doc.getArray('parkingLot')` holds one `Y.Map` per note with the keys of
 * `ParkingLotItem`. Notes live in a Y.Array of Y.Maps (not a plain JSON array) so notes added
 * by two people at once, or offline, both survive the merge, and an edit changes one note.
 * Write only through the helpers below; each change is one transaction, so it is one undo step
 * and one update on the wire.
 */
import * as Y from 'yjs';

export const PARKING_LOT_KEY = 'parkingLot';
export const PARKING_LOT_TEXT_MAX = 500;

export interface Author {
  id: string;
  name: string;
  organisation: string;
}

export interface ParkingLotItem {
  id: string;
  text: string;
  author: Author;
  createdAt: string;
  editedAt: string | null;
}

function items(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(PARKING_LOT_KEY);
}

/** Trims, and refuses empty or over-long text with a message a person can act on. */
export function cleanParkingLotText(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length === 0) throw new RangeError('Write something first.');
  if (clean.length > PARKING_LOT_TEXT_MAX) {
    throw new RangeError(`A note can be at most ${PARKING_LOT_TEXT_MAX} characters.`);
  }
  return clean;
}

/** Adds a note at the end; returns its id. */
export function addParkingLotItem(doc: Y.Doc, text: string, author: Author, id: string, now = new Date()): string {
  const clean = cleanParkingLotText(text);
  doc.transact(() => {
    const item = new Y.Map<unknown>();
    item.set('id', id);
    item.set('text', clean);
    item.set('author', { id: author.id, name: author.name, organisation: author.organisation });
    item.set('createdAt', now.toISOString());
    item.set('editedAt', null);
    items(doc).push([item]);
  });
  return id;
}

function indexOf(doc: Y.Doc, id: string): number {
  return items(doc).toArray().findIndex((item) => item.get('id') === id);
}

/** Changes a note's text; false if the note is gone (someone removed it meanwhile). */
export function editParkingLotItem(doc: Y.Doc, id: string, text: string, now = new Date()): boolean {
  const clean = cleanParkingLotText(text);
  const index = indexOf(doc, id);
  if (index < 0) return false;
  doc.transact(() => {
    const item = items(doc).get(index);
    item.set('text', clean);
    item.set('editedAt', now.toISOString());
  });
  return true;
}

/** Removes a note; false if it was already gone. */
export function removeParkingLotItem(doc: Y.Doc, id: string): boolean {
  const index = indexOf(doc, id);
  if (index < 0) return false;
  doc.transact(() => items(doc).delete(index, 1));
  return true;
}

function asAuthor(value: unknown): Author {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof Author, unknown>>;
  return {
    id: typeof v.id === 'string' ? v.id : '',
    name: typeof v.name === 'string' ? v.name : 'Someone',
    organisation: typeof v.organisation === 'string' ? v.organisation : '',
  };
}

/**
 * The notes in order. Entries written by other clients are untrusted: anything that is not a
 * well-formed note is skipped rather than shown half-broken.
 */
export function readParkingLot(doc: Y.Doc): ParkingLotItem[] {
  const out: ParkingLotItem[] = [];
  for (const item of items(doc)) {
    if (!(item instanceof Y.Map)) continue;
    const id = item.get('id');
    const text = item.get('text');
    const createdAt = item.get('createdAt');
    const editedAt = item.get('editedAt');
    if (typeof id !== 'string' || typeof text !== 'string' || typeof createdAt !== 'string') continue;
    out.push({
      id,
      text,
      author: asAuthor(item.get('author')),
      createdAt,
      editedAt: typeof editedAt === 'string' ? editedAt : null,
    });
  }
  return out;
}

/** Calls `onChange` whenever the notes change (from anyone); returns the unsubscribe. */
export function observeParkingLot(doc: Y.Doc, onChange: () => void): () => void {
  const array = items(doc);
  array.observeDeep(onChange);
  return () => array.unobserveDeep(onChange);
}
