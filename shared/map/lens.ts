/**
 * Lenses: which elements someone wants to look at ("what did the council add?", "everything
 * tagged housing", "where is 'footfall'?"). Pure, so the canvas, the outline and tests agree.
 */
import { ELEMENT_KINDS, type ElementKind, type MapData, type MapElement } from './model.js';
import { compareText } from '../compareText.js';

export interface Lens {
  /** Kinds to show; empty means every kind. */
  kinds: readonly ElementKind[];
  /** The owning agency (the element's Agency field); '' for any. */
  agency: string;
  /** The organisation of whoever added the element; '' for anyone. */
  addedBy: string;
  /** A tag the element carries (case-insensitive); '' for any. */
  tag: string;
  /** Words that must all appear in the label, description or tags; '' for no search. */
  search: string;
}

export const NO_LENS: Lens = { kinds: [], agency: '', addedBy: '', tag: '', search: '' };

export function lensActive(lens: Lens): boolean {
  return lens.kinds.length > 0 || Boolean(lens.agency || lens.addedBy || lens.tag || lens.search.trim());
}

const fold = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export function elementMatches(element: MapElement, lens: Lens): boolean {
  if (lens.kinds.length > 0 && !lens.kinds.includes(element.kind)) return false;
  if (lens.agency && element.agency !== lens.agency) return false;
  if (lens.addedBy && element.created.organisation !== lens.addedBy) return false;
  if (lens.tag && !element.tags.some((t) => t.toLowerCase() === lens.tag.toLowerCase())) return false;
  const words = fold(lens.search).split(/\s+/).filter(Boolean);
  if (words.length) {
    const haystack = fold(`${element.label} ${element.description} ${element.tags.join(' ')}`);
    if (!words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

/** Ids of the elements the lens keeps. */
export function applyLens(map: Pick<MapData, 'elements'>, lens: Lens): Set<string> {
  return new Set(map.elements.filter((e) => elementMatches(e, lens)).map((e) => e.id));
}

/** The choices a lens panel offers, from what is on the map now. */
export function lensChoices(map: Pick<MapData, 'elements'>): { kinds: ElementKind[]; agencies: string[]; addedBy: string[]; tags: string[] } {
  const sorted = (values: Iterable<string>) => [...new Set(values)].filter(Boolean).sort((a, b) => compareText(a, b));
  const tags = new Map<string, string>();
  for (const e of map.elements) for (const t of e.tags) if (!tags.has(t.toLowerCase())) tags.set(t.toLowerCase(), t);
  return {
    kinds: ELEMENT_KINDS.filter((k) => map.elements.some((e) => e.kind === k)),
    agencies: sorted(map.elements.map((e) => e.agency)),
    addedBy: sorted(map.elements.map((e) => e.created.organisation)),
    tags: sorted(tags.values()),
  };
}
