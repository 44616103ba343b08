/**
 * Looking at the learning log: filter entries by behaviour, agency, date and linked map
 * element or loop, and search their text. Pure functions over `readEntries` output.
 */
import { compareNewestFirst, type LogEntry } from './doc.js';

export interface LogFilter {
  /** Entries showing any of these behaviours (ids as `listBehaviours` gives them). */
  behaviours?: readonly string[];
  /** Entries with an author from this organisation (any case and spacing). */
  organisation?: string;
  /** From this day (YYYY-MM-DD), inclusive. */
  from?: string;
  /** Up to this day (YYYY-MM-DD), inclusive. */
  to?: string;
  /** Entries linked to this element or loop of a map. */
  linkedTo?: { roomId: string; targetId: string };
  /** Every word must appear somewhere: title, text fields, authors, link labels (any case). */
  text?: string;
}

const fold = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

function haystack(entry: LogEntry): string {
  return fold(
    [
      entry.title,
      entry.tried,
      entry.happened,
      entry.learned,
      entry.evidence,
      ...entry.authors.flatMap((a) => [a.name, a.organisation]),
      ...entry.links.map((l) => l.label),
    ].join(' '),
  );
}

/**
 * The entries that pass every part of the filter given, newest first.
 *
 * @example
 * filterEntries(readEntries(doc), { behaviours: ['sharing-power'], organisation: 'Torbay Council', from: '2026-01-01' })
 */
export function filterEntries(entries: readonly LogEntry[], filter: LogFilter): LogEntry[] {
  const behaviours = filter.behaviours?.length ? new Set(filter.behaviours) : null;
  const organisation = filter.organisation ? fold(filter.organisation) : '';
  const words = filter.text ? fold(filter.text).split(' ').filter(Boolean) : [];
  const linked = filter.linkedTo;
  return entries
    .filter(
      (e) =>
        (!behaviours || e.behaviours.some((b) => behaviours.has(b))) &&
        (!organisation || e.authors.some((a) => fold(a.organisation) === organisation)) &&
        (!filter.from || e.date >= filter.from) &&
        (!filter.to || e.date <= filter.to) &&
        (!linked || e.links.some((l) => l.roomId === linked.roomId && l.targetId === linked.targetId)) &&
        (words.length === 0 || words.every((w) => haystack(e).includes(w))),
    )
    .sort(compareNewestFirst);
}

/** The organisations of the log's authors, each once (first spelling kept), A to Z: the agency filter's choices. */
export function logOrganisations(entries: readonly LogEntry[]): string[] {
  const byKey = new Map<string, string>();
  for (const e of entries) for (const a of e.authors) if (a.organisation.trim() && !byKey.has(fold(a.organisation))) byKey.set(fold(a.organisation), a.organisation.trim());
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

/** How many entries show each behaviour (ids with none are absent): for a summary across the log. */
export function behaviourCounts(entries: readonly LogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) for (const b of e.behaviours) counts.set(b, (counts.get(b) ?? 0) + 1);
  return counts;
}
