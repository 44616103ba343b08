/**
 * Reading the map incrementally: the result of `readMap`, kept up to date by re-reading only
 * the entries a change touched.
 *
 * `readMap` builds and sorts every element and connection; on a map of thousands that costs
 * milliseconds per change, and — worse for the editor — every object is new, so everything
 * downstream has to compare deeply to find what changed. The reader keeps one plain object
 * per entry and, after each batch of Y events, re-reads only the entries the events name. An
 * unchanged element, connection, group or loop note keeps its object, and a list none of whose
 * entries changed keeps its array, so consumers can compare by identity.
 */
import type * as Y from 'yjs';
import { MAP_ROOTS, compareIds, connectsElements, readEntry, withoutMissingGroup } from './doc.js';
import type { LoopNote, MapConnection, MapData, MapElement, MapGroup } from './model.js';
import { samePlainData } from './samePlainData.js';

/** A live view of the map in one doc. */
export interface MapReader {
  /**
   * The map as `readMap(doc)` would return it now. Returns the same object until the map
   * changes; after a change, the objects of entries that did not change are the previous ones.
   */
  read(): MapData;
  /** Calls `onChange` after every change to the map (after the reader has noted it); returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** Stops observing the doc. */
  destroy(): void;
}

type Kind = keyof typeof MAP_ROOTS;
const KINDS = Object.keys(MAP_ROOTS) as Kind[];
type Entry = { elements: MapElement; connections: MapConnection; groups: MapGroup; loopNotes: LoopNote };

/** One root's entries as last read: the valid ones only, and their ids in `readMap`'s order. */
class Entries<K extends Kind> {
  readonly byId = new Map<string, Entry[K]>();
  /** Set when the set of ids changed (not merely an entry's content); the sorted ids are then rebuilt. */
  idsChanged = true;
  private sorted: string[] = [];

  constructor(
    private readonly root: Y.Map<unknown>,
    private readonly readOne: (id: string, value: unknown) => Entry[K] | null,
  ) {}

  /** Re-reads the given ids (all when null); true if anything was re-read. */
  refresh(ids: Iterable<string> | null): boolean {
    if (ids === null) {
      this.byId.clear();
      for (const [id, value] of this.root) {
        const entry = this.readOne(id, value);
        if (entry) this.byId.set(id, entry);
      }
      this.idsChanged = true;
      return true;
    }
    let any = false;
    for (const id of ids) {
      any = true;
      const entry = this.root.has(id) ? this.readOne(id, this.root.get(id)) : null;
      const had = this.byId.has(id);
      if (entry) this.byId.set(id, entry);
      else this.byId.delete(id);
      if (had !== Boolean(entry)) this.idsChanged = true;
    }
    return any;
  }

  /** The ids in order, sorted again only when the set of ids changed. */
  ids(): readonly string[] {
    if (this.idsChanged) {
      this.sorted = [...this.byId.keys()].sort(compareIds);
      this.idsChanged = false;
    }
    return this.sorted;
  }
}

const keyOf = (entry: Entry[Kind]): string => ('id' in entry ? entry.id : entry.key);

/**
 * One list of the map from the entries as last read, in order, through `show` (which may drop
 * an entry or change it). An entry equal to the one shown before keeps the previous object,
 * and a list equal to the previous one keeps the previous array: a change that was written but
 * reads the same (the same value set again, a concurrent edit that lost) changes nothing.
 */
function list<T extends Entry[Kind]>(previous: readonly T[] | undefined, entries: Entries<Kind>, show: (entry: T) => T | null): T[] {
  const before = new Map<string, T>();
  for (const entry of previous ?? []) before.set(keyOf(entry), entry);
  const out: T[] = [];
  let same = previous !== undefined;
  for (const id of entries.ids()) {
    let entry = show(entries.byId.get(id) as T);
    if (!entry) continue;
    const old = before.get(id);
    if (old && old !== entry && samePlainData(old, entry)) entry = old;
    if (same && previous![out.length] !== entry) same = false;
    out.push(entry);
  }
  return same && out.length === previous!.length ? (previous as T[]) : out;
}

/**
 * Starts reading the map of `doc` incrementally; `destroy()` when done.
 *
 * Reads taken inside another observer of the same doc, before this reader's own observers ran
 * for that transaction, can miss the transaction's changes: read from `subscribe` callbacks or
 * outside transactions.
 *
 * @example
 * const reader = createMapReader(doc);
 * const unsubscribe = reader.subscribe(() => render(reader.read()));
 * // later
 * unsubscribe();
 * reader.destroy();
 */
export function createMapReader(doc: Y.Doc): MapReader {
  const roots = {
    elements: doc.getMap<unknown>(MAP_ROOTS.elements),
    connections: doc.getMap<unknown>(MAP_ROOTS.connections),
    groups: doc.getMap<unknown>(MAP_ROOTS.groups),
    loopNotes: doc.getMap<unknown>(MAP_ROOTS.loopNotes),
  };
  const entries = {
    elements: new Entries<'elements'>(roots.elements, readEntry.elements),
    connections: new Entries<'connections'>(roots.connections, readEntry.connections),
    groups: new Entries<'groups'>(roots.groups, readEntry.groups),
    loopNotes: new Entries<'loopNotes'>(roots.loopNotes, readEntry.loopNotes),
  };
  // What changed since the last read, by root: entry ids, or null for "everything".
  const dirty: Record<Kind, Set<string> | null> = { elements: null, connections: null, groups: null, loopNotes: null };
  let current: MapData | null = null;
  const listeners = new Set<() => void>();

  const observers = KINDS.map((kind) => {
    const root = roots[kind];
    const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      let ids = dirty[kind];
      for (const event of events) {
        if (ids === null) break;
        if (event.target === root) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
        } else {
          // A change inside an entry (a field of an element, a connection's views): the path
          // from the root starts with the entry's id.
          const id = event.path[0];
          if (typeof id === 'string') ids.add(id);
          else ids = null;
        }
      }
      dirty[kind] = ids;
      for (const listener of [...listeners]) listener();
    };
    root.observeDeep(observer);
    return () => root.unobserveDeep(observer);
  });

  function read(): MapData {
    const changed = {} as Record<Kind, boolean>;
    for (const kind of KINDS) {
      const ids = dirty[kind];
      changed[kind] = current === null || ids === null ? entries[kind].refresh(null) : ids.size > 0 && entries[kind].refresh(ids);
      dirty[kind] = new Set();
    }
    if (current && !KINDS.some((kind) => changed[kind])) return current;

    // Whether an element is grouped depends on the set of groups; whether a connection is on
    // the map, on the set of elements: a change to either set revisits the dependants.
    const groupIdsChanged = entries.groups.idsChanged;
    const elementIdsChanged = entries.elements.idsChanged;
    const groupsById = entries.groups.byId;
    const elementsById = entries.elements.byId;
    const groups = current && !changed.groups ? current.groups : list(current?.groups, entries.groups, (g) => g);
    const elements =
      current && !changed.elements && !groupIdsChanged ? current.elements : list(current?.elements, entries.elements, (e) => withoutMissingGroup(e, groupsById));
    const connections =
      current && !changed.connections && !elementIdsChanged
        ? current.connections
        : list(current?.connections, entries.connections, (c) => (connectsElements(c, elementsById) ? c : null));
    const loopNotes = current && !changed.loopNotes ? current.loopNotes : list(current?.loopNotes, entries.loopNotes, (n) => n);
    if (current && elements === current.elements && connections === current.connections && groups === current.groups && loopNotes === current.loopNotes) {
      return current;
    }
    current = { elements, connections, groups, loopNotes };
    return current;
  }

  return {
    read,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    destroy() {
      for (const stop of observers) stop();
      listeners.clear();
    },
  };
}
