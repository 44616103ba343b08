/**
 * Turning what people type into SQLite FTS5 queries, and FTS5's marked-up snippets into
 * `SnippetPart`s. Kept apart from `sqlite.ts` so both are tested on their own.
 */
import type { SnippetPart } from '../../../shared/search/types.js';

/** Private-use characters FTS5's snippet() puts around each match; stripped from indexed text. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

/** At most this many words of a query are used; a longer query would match nothing anyway. */
const MAX_TERMS = 16;
/** Words as FTS5's unicode61 tokenizer sees them: letters, numbers and their combining marks. */
const TERM = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * A safe FTS5 query for what someone typed: each word quoted (so nothing they type is FTS5
 * syntax), all of them required, the last matched as a prefix (as they are still typing it).
 * Null when there is no word at all, e.g. only punctuation: such a query finds nothing.
 *
 * @example
 * ftsQuery('childhood obes') // '"childhood" "obes"*'
 * ftsQuery('"AND (') // null
 */
export function ftsQuery(text: string): string | null {
  const terms = text.normalize('NFC').match(TERM)?.slice(0, MAX_TERMS);
  if (!terms || terms.length === 0) return null;
  return terms.map((term, i) => `"${term}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** Text as it goes into the index: without the characters that mark matches in snippets. */
export function indexableText(text: string): string {
  return text.replace(MARKERS, '');
}

/**
 * Splits a snippet marked with {@link MATCH_START} and {@link MATCH_END} into runs, so the
 * client marks matches without the server ever sending HTML.
 *
 * @example
 * splitSnippet('Childhood \uE000obesity\uE001 rates')
 * // [{ text: 'Childhood ', match: false }, { text: 'obesity', match: true }, { text: ' rates', match: false }]
 */
export function splitSnippet(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  for (const piece of marked.split(/([\uE000\uE001])/)) {
    if (piece === MATCH_START || piece === MATCH_END) {
      match = piece === MATCH_START;
      continue;
    }
    if (!piece) continue;
    const last = parts[parts.length - 1];
    // Adjacent matched words ("childhood obesity") arrive as two marked runs with a space
    // between; keep whatever FTS5 gave, but never two runs of the same kind in a row.
    if (last && last.match === match) last.text += piece;
    else parts.push({ text: piece, match });
  }
  return parts;
}
