/**
 * How much of a large map the side panels list at once. A list of thousands helps nobody
 * choose, and re-rendering it held up every remote change on a large map by tens of ms.
 */

/** Elements offered at once in the inspector's "Affects" list; a larger map gets a search box. */
export const MAX_TARGET_OPTIONS = 100;

/** Loops listed at first, and added by each "show more". */
export const LOOPS_PAGE = 50;
