/**
 * Saving something the page made (an export) as a file: through a temporary object URL and a
 * link click, which every browser treats as a download without a round trip to the server.
 */
export function download(name: string, content: Blob | string, type = 'text/plain') {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download by the next turn; give slow browsers a moment more.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The bytes of a `data:` URL (what `canvas.toDataURL` makes) as a Blob,
 * decoded here: `fetch(dataUrl)` would do it too, but the Content-Security-Policy
 * (connect-src 'self') refuses data: URLs to fetch.
 *
 * @example
 * dataUrlToBlob('data:text/plain;charset=utf-8,a%20b') // Blob of "a b", type text/plain;charset=utf-8
 */
export function dataUrlToBlob(dataUrl: string): Blob {
  const comma = dataUrl.indexOf(',');
  const header = dataUrl.slice(0, comma);
  if (!header.startsWith('data:') || comma < 0) throw new Error('not a data: URL');
  const base64 = header.endsWith(';base64');
  const type = header.slice('data:'.length, base64 ? -';base64'.length : undefined) || 'text/plain;charset=US-ASCII';
  const body = dataUrl.slice(comma + 1);
  if (!base64) return new Blob([decodeURIComponent(body)], { type });
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** A file name from a room's title: letters and digits joined by hyphens, lower case. */
export function fileBase(title: string, fallback: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase() || fallback;
}
