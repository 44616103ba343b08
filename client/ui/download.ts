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

/** A file name from a room's title: letters and digits joined by hyphens, lower case. */
export function fileBase(title: string, fallback: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase() || fallback;
}
