/**
 * The part of the canvas nothing floats over: where new elements go, what a fit fills and what
 * "in view" means. The room's panels, their rail and the tools float over the canvas (the
 * canvas is the whole room), so an element placed or fitted under them would be out of sight.
 */

export interface ScreenRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Something floating over the canvas: the tools along its top, or panels at its side. */
export interface Cover extends ScreenRect {
  /** 'side': beside the canvas, or (as wide as the canvas: a phone's sheet) along its bottom. */
  along: 'top' | 'side';
}

/** A rectangle in screen pixels from the canvas's top-left corner. */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Below this, covers are ignored: a canvas too small to share is better used whole. */
const MIN_OPEN = 120;

/**
 * What is left of `canvas` once `covers` are taken off its edges: panels on its right take
 * everything right of them, tools along the top everything above their bottom, and a sheet as
 * wide as the canvas (a phone) everything below its top.
 *
 * @example
 * openAreaOf({ left: 0, top: 50, width: 1400, height: 850 }, [{ left: 1000, top: 60, width: 390, height: 800, along: 'side' }])
 * // { x: 0, y: 0, width: 1000, height: 850 }
 */
export function openAreaOf(canvas: ScreenRect, covers: readonly Cover[]): Area {
  let left = 0;
  let top = 0;
  let right = canvas.width;
  let bottom = canvas.height;
  for (const cover of covers) {
    if (cover.width <= 0 || cover.height <= 0) continue;
    const x = cover.left - canvas.left;
    const y = cover.top - canvas.top;
    if (x >= canvas.width || y >= canvas.height || x + cover.width <= 0 || y + cover.height <= 0) continue;
    if (cover.along === 'top') top = Math.max(top, y + cover.height);
    else if (cover.width >= canvas.width * 0.9) bottom = Math.min(bottom, y);
    else if (x + cover.width / 2 > canvas.width / 2) right = Math.min(right, x);
    else left = Math.max(left, x + cover.width);
  }
  if (right - left < MIN_OPEN || bottom - top < MIN_OPEN) return { x: 0, y: 0, width: canvas.width, height: canvas.height };
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The open area of the canvas element `canvas`, measured now, with what floats over it in its
 * parent (the map's stage): `top` and `side` are selectors of the tools and of the panels.
 */
export function openArea(canvas: HTMLElement | null, fallback: { width: number; height: number }, selectors: { top: string; side: string }): Area {
  const whole = { x: 0, y: 0, ...fallback };
  if (!canvas || canvas.hidden) return whole;
  const rect = canvas.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return whole;
  const stage = canvas.parentElement;
  const measure = (selector: string, along: Cover['along']) =>
    [...(stage?.querySelectorAll<HTMLElement>(selector) ?? [])].map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height, along };
    });
  return openAreaOf(rect, [...measure(selectors.top, 'top'), ...measure(selectors.side, 'side')]);
}
