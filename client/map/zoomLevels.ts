/**
 * The zooms at which a large map changes how it is drawn. Each step down drops what cannot be
 * read at that size and costs the most to draw.
 */
import type { ReactFlowState } from '@xyflow/react';

/**
 * A large map zoomed out below this is drawn plainly, on one canvas (`ZoomedOutCanvas`):
 * connections as their curves without labels or arrowheads, elements as coloured boxes without
 * their text. Labels (0.9rem) are under 6 px there and kinds under 5 px: unreadable, yet drawing
 * them costs the most. Measured on a 2,000-element map, the DOM drawing between zoom 0.25 and 0.4
 * (hundreds of elements and thousands of links in view) took 100–400 ms a frame to zoom; the
 * canvas takes one. The element under the pointer, and any selected or dragged, are real nodes
 * over the canvas; the outline lists it all, and selects connections there. Smaller maps are
 * always drawn in full.
 */
export const ZOOMED_OUT = { below: 0.42, elementsAbove: 300 } as const;

/** A store selector: whether the view is zoomed out past `ZOOMED_OUT` (for a large map). */
export const zoomedPastOverview = (s: ReactFlowState): boolean => s.transform[2] < ZOOMED_OUT.below;

/**
 * A large map shows its links' labels (polarity, delay, disputed) from this zoom in: under it
 * their text (0.85rem) is under 8 px, while the polarity still shows as the line's colour and
 * dashes. Zooming in past `ZOOMED_OUT` on a map of long links put some 2,000 links in view, and
 * their labels doubled what mounted in that one frame.
 */
export const EDGE_LABELS_FROM = 0.6;

/** A store selector: whether the view is zoomed out past `EDGE_LABELS_FROM`. */
export const zoomedPastEdgeLabels = (s: ReactFlowState): boolean => s.transform[2] < EDGE_LABELS_FROM;
