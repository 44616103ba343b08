/**
 * Turning the map's SVG drawing (`renderMapSvg`) into a PNG and into a printed page. Both stay
 * inside the page's Content-Security-Policy: the PNG draws the SVG from a `blob:` URL
 * (img-src allows blob:), and printing inserts the SVG as nodes, whose presentation
 * attributes are not inline styles, laid out by the print rules in styles.css.
 */

/** Chromium refuses canvases beyond 32,767 px a side or about 268 million pixels; stay well under. */
const MAX_SIDE = 16_384;
const MAX_PIXELS = 120_000_000;

export const PNG_SCALES = [1, 2, 4] as const;
export type PngScale = (typeof PNG_SCALES)[number];

export const PAPER_SIZES = ['a4', 'a3'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** The drawing's own size in CSS pixels, from its `width` and `height` attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('the drawing has no size');
  return { width, height };
}

/**
 * The SVG drawn at `scale` device pixels per CSS pixel, as a PNG. A map too large for a canvas
 * at that scale is drawn at the largest scale that fits, which is returned.
 *
 * @example
 * const { blob, scale } = await svgToPng(renderMapSvg(map), 2)
 */
export async function svgToPng(svg: string, scale: number): Promise<{ blob: Blob; scale: number; width: number; height: number }> {
  const size = svgSize(svg);
  const fit = Math.min(scale, MAX_SIDE / size.width, MAX_SIDE / size.height, Math.sqrt(MAX_PIXELS / (size.width * size.height)));
  const width = Math.max(1, Math.floor(size.width * fit));
  const height = Math.max(1, Math.floor(size.height * fit));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image(size.width, size.height);
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw on a canvas');
    context.drawImage(image, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the picture is too large for this browser');
    return { blob, scale: fit, width, height };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Prints the drawing alone, fitted to a landscape A4 or A3 page (the browser's print dialog
 * also saves it as a PDF). The rest of the page is hidden while printing.
 */
export function printSvg(svg: string, paper: PaperSize) {
  const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml');
  if (parsed.getElementsByTagName('parsererror').length > 0) throw new Error('the drawing could not be read');
  const holder = document.createElement('div');
  holder.className = 'map-print';
  holder.dataset.paper = paper;
  holder.append(document.importNode(parsed.documentElement, true));
  document.body.append(holder);
  document.body.classList.add('printing-map');
  const done = () => {
    holder.remove();
    document.body.classList.remove('printing-map');
  };
  // print() blocks until the dialog closes in most browsers; afterprint covers the others.
  window.addEventListener('afterprint', done, { once: true });
  window.print();
}
