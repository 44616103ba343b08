/**
 * The elements' words (label, kind, agency, description), read by each element node on its
 * own. React Flow's nodes carry only what places and draws a box (position, kind, lens state):
 * a rename then re-renders one node instead of handing React Flow a new nodes array, which
 * makes it run the selectors of every node and link on the canvas (about a thousand on a large
 * map zoomed in) and rebuild its lookup of all nodes.
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { MapElement } from '../../shared/map/model.js';

export class ElementStore {
  private elements = new Map<string, MapElement>();
  private readonly listeners = new Map<string, Set<() => void>>();

  /**
   * Takes the map's elements and tells the readers of each one that changed. The map reader
   * keeps an unchanged element's object, so a changed one is a different object.
   */
  publish(elements: readonly MapElement[]): void {
    const previous = this.elements;
    const next = new Map<string, MapElement>();
    const changed: string[] = [];
    for (const element of elements) {
      next.set(element.id, element);
      if (previous.get(element.id) !== element) changed.push(element.id);
    }
    if (changed.length === 0 && next.size === previous.size) return;
    for (const id of previous.keys()) if (!next.has(id)) changed.push(id);
    this.elements = next;
    for (const id of changed) for (const listener of this.listeners.get(id) ?? []) listener();
  }

  get(id: string): MapElement | undefined {
    return this.elements.get(id);
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

export const ElementStoreContext = createContext<ElementStore | null>(null);

/** One element of the map being drawn, re-rendering only when that element changes. */
export function useElement(id: string): MapElement | undefined {
  const store = useContext(ElementStoreContext);
  const subscribe = useCallback((listener: () => void) => store?.subscribe(id, listener) ?? (() => undefined), [store, id]);
  const get = useCallback(() => store?.get(id), [store, id]);
  return useSyncExternalStore(subscribe, get);
}
