/**
 * The text side of the PostgreSQL search index, pure so it is tested on its own: what people
 * type as query phrases, entries as `tsvector`s, phrases as `tsquery`s, and snippets. Every
 * piece of text is split by `tokenize` (SQLite's unicode61, ported), never by PostgreSQL's parser,
 * so an entry matches, counts and is marked as the SQLite store's FTS5 index would have it.
 */
import type { SnippetPart } from '../../../shared/search/types.js';
import { MATCH_END, MATCH_START, splitSnippet } from '../sqlite/fts.js';
import { tokenize, type Token } from './unicode61.js';

/** At most this many words of a query are used, as in the SQLite store. */
const MAX_TERMS = 16;
/** What the SQLite store quotes as a word (see `ftsQuery`); FTS5 then splits it into tokens. */
const TERM = /[\p{L}\p{N}\p{M}]+/gu;
/** PostgreSQL refuses a lexeme of 2048 bytes or more; a longer token keeps its first 2047. */
const MAX_LEXEME_BYTES = 2047;
/** And positions above 16383, which it sets to 16383, and more than 256 positions of a lexeme. */
const MAX_POSITION = 16383;
const MAX_POSITIONS = 256;
/** And a tsvector whose distinct lexemes take more than 1 MiB; one stops short of that. */
const MAX_LEXEMES_BYTES = (1 << 20) - 4096;
/** snippet() in the SQLite store: at most 16 tokens, '…' where the text was cut. */
const SNIPPET_TOKENS = 16;
const ELLIPSIS = '…';

/**
 * A word of the query as FTS5 sees it: one or more tokens that must follow each other (a word
 * such as "x̲y" holds a mark that unicode61 separates on), the last a prefix for the query's
 * last word.
 */
export interface Phrase {
  tokens: string[];
  prefix: boolean;
}

/** Lone surrogates reach the database as U+FFFD; tokenize what will be stored. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Text as it goes into the index: without the characters that mark matches in snippets (as in
 * the SQLite store) and without NUL, which PostgreSQL's text cannot hold (a space instead, which
 * separates tokens as NUL does).
 *
 * @example
 * indexableText('a\uE000b\u0000c') // 'ab c'
 */
export function indexableText(text: string): string {
  return wellFormed(text.replace(/[\uE000\uE001]/g, '').replace(/\0/g, ' '));
}

/** A token as a lexeme PostgreSQL accepts: cut to its byte limit on a character boundary. */
function lexeme(token: string): string {
  if (token.length * 3 <= MAX_LEXEME_BYTES) return token;
  let bytes = 0;
  let end = 0;
  for (const char of token) {
    const size = Buffer.byteLength(char);
    if (bytes + size > MAX_LEXEME_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return token.slice(0, end);
}

/**
 * The phrases of what someone typed, as the SQLite store's `ftsQuery` makes them: every word,
 * the last as a prefix; a word without a token (a lone combining mark) is dropped as FTS5 drops
 * it. Empty when there is nothing to search for, and such a query finds nothing.
 *
 * @example
 * searchPhrases('childhood obes') // [{ tokens: ['childhood'], prefix: false }, { tokens: ['obes'], prefix: true }]
 */
export function searchPhrases(query: string): Phrase[] {
  const words = wellFormed(query).normalize('NFC').match(TERM)?.slice(0, MAX_TERMS) ?? [];
  return words
    .map((word, i) => ({ tokens: tokenize(word).map((t) => lexeme(t.text)), prefix: i === words.length - 1 }))
    .filter((phrase) => phrase.tokens.length > 0);
}

/** A lexeme quoted for tsvector and tsquery input, where nothing in it is syntax. */
function quote(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * How much more an occurrence in a title counts than one in a body, in bm25's frequencies: as
 * the SQLite store's `bm25(search_fts, 5.0, 1.0)`. (Its mention menu ranks titles alone.)
 */
export const TITLE_WEIGHT = 5;

/** The highest code point: a bound above every string that starts with a given one (twice, see `bounds`). */
const TOP = '\u{10FFFF}\u{10FFFF}';

/** UTF-8 byte order, which is both a tsvector's lexeme order and COLLATE "C". */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The tsvector input of lexemes and positions, in any order (PostgreSQL sorts them). */
function tsvector(positions: ReadonlyMap<string, readonly string[]>): string {
  return [...positions].map(([text, list]) => `${quote(text)}:${list.join(',')}`).join(' ');
}

/** Running sums of `count` over lexemes in byte order, after a 0: sums over a range in two look-ups. */
function runningSums(lexemes: readonly string[], count: (lexeme: string) => number): number[] {
  const sums = [0];
  for (const text of [...lexemes].sort(byteOrder)) sums.push(sums[sums.length - 1]! + count(text));
  return sums;
}

/** What the index keeps of an entry besides its text. */
export interface EntryTerms {
  /** Tokens in title and body: bm25's length of the entry. */
  tokens: number;
  /** tsvector input: every token at its position, the title's weighing A. */
  terms: string;
  /** Per lexeme of `terms` in its order, running sums of TITLE_WEIGHT × title + body occurrences. */
  termFreqs: number[];
  /** tsvector input of the title alone, for the mention menu. */
  titleTerms: string;
  /** Per lexeme of `titleTerms`, running sums of occurrences. */
  titleFreqs: number[];
}

/**
 * An entry's tokens as the index keeps them. Positions are FTS5's plus one; the body's start one
 * past the title's end plus one, so no phrase runs from title into body. Occurrences are counted
 * apart from the positions, which PostgreSQL caps (256 a lexeme, none past 16383): bm25 counts
 * them all, as FTS5 does.
 *
 * @example
 * entryTerms('Childhood obesity', 'Obesity rates')
 * // { tokens: 4, terms: "'childhood':1A 'obesity':2A,4 'rates':5", termFreqs: [0, 5, 11, 12],
 * //   titleTerms: "'childhood':1 'obesity':2", titleFreqs: [0, 1, 2] }
 */
export function entryTerms(title: string, body: string): EntryTerms {
  const positions = new Map<string, string[]>();
  const counts = new Map<string, { title: number; body: number }>();
  let bytes = 0;
  const add = (tokens: Token[], first: number, inTitle: boolean) => {
    tokens.forEach((token, i) => {
      const text = lexeme(token.text);
      let count = counts.get(text);
      if (!count) {
        bytes += Buffer.byteLength(text);
        if (bytes > MAX_LEXEMES_BYTES) return;
        count = { title: 0, body: 0 };
        counts.set(text, count);
        positions.set(text, []);
      }
      if (inTitle) count.title++;
      else count.body++;
      // PostgreSQL would drop the rest: positions past the 256th, and repeats of its last.
      const list = positions.get(text)!;
      const at = Math.min(first + i, MAX_POSITION);
      if (list.length < MAX_POSITIONS && !(at === MAX_POSITION && list[list.length - 1]?.startsWith(`${MAX_POSITION}`))) {
        list.push(`${at}${inTitle ? 'A' : ''}`);
      }
    });
  };
  const titleTokens = tokenize(title);
  const bodyTokens = tokenize(body);
  add(titleTokens, 1, true);
  add(bodyTokens, titleTokens.length + 2, false);
  const inTitle = [...counts.keys()].filter((text) => counts.get(text)!.title > 0);
  const titlePositions = new Map(inTitle.map((text) => [text, positions.get(text)!.filter((p) => p.endsWith('A')).map((p) => p.slice(0, -1))]));
  return {
    tokens: titleTokens.length + bodyTokens.length,
    terms: tsvector(positions),
    termFreqs: runningSums([...counts.keys()], (text) => TITLE_WEIGHT * counts.get(text)!.title + counts.get(text)!.body),
    titleTerms: tsvector(titlePositions),
    titleFreqs: runningSums(inTitle, (text) => counts.get(text)!.title),
  };
}

/**
 * Bounds on the lexemes a one-token phrase matches, for `width_bucket` over an entry's sorted
 * lexemes: those above `below` and up to `upTo`. `below` sorts just under the token (its last
 * character one less, then the highest code point twice); `upTo` is the token, or for a prefix
 * the token then the highest code point twice. Exact unless a lexeme holds U+10FFFF twice in a
 * row, a noncharacter no one writes.
 *
 * @example
 * bounds({ tokens: ['obes'], prefix: true }) // { below: 'ober\u{10FFFF}\u{10FFFF}', upTo: 'obes\u{10FFFF}\u{10FFFF}' }
 */
export function bounds(phrase: Phrase): { below: string; upTo: string } {
  const token = phrase.tokens[0]!;
  const chars = [...token];
  let last = chars.pop()!.codePointAt(0)! - 1;
  if (last >= 0xd800 && last <= 0xdfff) last = 0xd7ff;
  return { below: chars.join('') + String.fromCodePoint(last) + TOP, upTo: phrase.prefix ? token + TOP : token };
}

/**
 * A phrase, or all of them (every one required), as tsquery input.
 *
 * @example
 * tsquery([{ tokens: ['fast'], prefix: false }, { tokens: ['fo'], prefix: true }]) // "'fast' & 'fo':*"
 */
export function tsquery(phrases: readonly Phrase[]): string {
  return phrases
    .map(({ tokens, prefix }) => {
      const words = tokens.map((t, i) => (prefix && i === tokens.length - 1 ? `${quote(t)}:*` : quote(t)));
      return words.length > 1 ? `(${words.join(' <-> ')})` : words[0]!;
    })
    .join(' & ');
}

/** Where each phrase occurs in a column's tokens: FTS5's instances, by position, then phrase. */
function instances(tokens: readonly Token[], phrases: readonly Phrase[]): { phrase: number; at: number }[] {
  const found: { phrase: number; at: number }[] = [];
  const texts = tokens.map((t) => lexeme(t.text));
  for (let at = 0; at < texts.length; at++) {
    phrases.forEach(({ tokens: words, prefix }, phrase) => {
      if (at + words.length > texts.length) return;
      const matches = words.every((word, k) =>
        prefix && k === words.length - 1 ? texts[at + k]!.startsWith(word) : texts[at + k] === word,
      );
      if (matches) found.push({ phrase, at });
    });
  }
  return found;
}

/** The first token of each sentence: the first, and any after '.' or ':' and white space (FTS5's rule). */
function sentenceStarts(text: string, tokens: readonly Token[]): number[] {
  return tokens.flatMap((token, i) => {
    if (i === 0) return [0];
    let j = token.start - 1;
    while (j >= 0 && ' \t\n\r'.includes(text[j]!)) j--;
    return j !== token.start - 1 && j >= 0 && (text[j] === '.' || text[j] === ':') ? [i] : [];
  });
}

/**
 * FTS5's score of the snippet of `SNIPPET_TOKENS` tokens from `from`: 1000 for each phrase
 * found in it, 1 for each repeat; and where to start it so its matches sit in its middle.
 */
function windowScore(found: readonly { phrase: number; at: number }[], phrases: readonly Phrase[], size: number, from: number) {
  const seen = new Set<number>();
  let score = 0;
  let first = -1;
  let last = 0;
  // `found` is in position order: start at the first instance in the window, by bisection, as
  // a long body may hold thousands of them and every one is a window's start.
  let lo = 0;
  for (let hi = found.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (found[mid]!.at < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < found.length && found[i]!.at < from + SNIPPET_TOKENS; i++) {
    const { phrase, at } = found[i]!;
    score += seen.has(phrase) ? 1 : 1000;
    seen.add(phrase);
    if (first < 0) first = at;
    last = at + phrases[phrase]!.tokens.length;
  }
  let start = first - Math.trunc((SNIPPET_TOKENS - (last - first)) / 2);
  if (start + SNIPPET_TOKENS > size) start = size - SNIPPET_TOKENS;
  return { score, start: Math.max(start, 0) };
}

/**
 * The snippet FTS5's `snippet(…, -1, MATCH_START, MATCH_END, '…', 16)` gives for an entry, as
 * runs: the 16-token stretch of the title or body that holds the most of the query's phrases
 * (the title on a tie, a sentence's start when it holds as many), with every match marked.
 * A port of `fts5SnippetFunction` and `fts5HighlightCb`, decision for decision.
 *
 * @example
 * snippet('Childhood obesity', 'Rates at age 11', searchPhrases('obes'))
 * // [{ text: 'Childhood ', match: false }, { text: 'obesity', match: true }]
 */
export function snippet(title: string, body: string, phrases: readonly Phrase[]): SnippetPart[] {
  const columns = [title, body].map((text) => {
    const tokens = tokenize(text);
    return { text, tokens, found: instances(tokens, phrases) };
  });
  let best = { column: 0, start: 0, score: 0 };
  columns.forEach(({ text, tokens, found }, column) => {
    const starts = sentenceStarts(text, tokens);
    for (const { at } of found) {
      const here = windowScore(found, phrases, tokens.length, at);
      if (here.score > best.score) best = { column, start: here.start, score: here.score };
      if (starts.length > 0 && tokens.length > SNIPPET_TOKENS) {
        let j = 0;
        while (j < starts.length - 1 && starts[j + 1]! <= at) j++;
        const sentence = starts[j]!;
        if (sentence < at) {
          const score = windowScore(found, phrases, tokens.length, sentence).score + (sentence === 0 ? 120 : 100);
          if (score > best.score) best = { column, start: sentence, score };
        }
      }
    }
  });
  return splitSnippet(highlight(columns[best.column]!, phrases, best.start));
}

/**
 * Instances merged where they overlap, as FTS5's `CInstIter` walks them: [first, last] tokens.
 */
function coalesced(found: readonly { phrase: number; at: number }[], phrases: readonly Phrase[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const { phrase, at } of found) {
    const end = at + phrases[phrase]!.tokens.length - 1;
    const last = runs[runs.length - 1];
    if (last && at <= last[1]) last[1] = Math.max(last[1], end);
    else runs.push([at, end]);
  }
  return runs;
}

/** The tokens from `from` of one column, marked (`fts5HighlightCb` with a range). */
function highlight(column: { text: string; tokens: readonly Token[]; found: readonly { phrase: number; at: number }[] }, phrases: readonly Phrase[], from: number): string {
  const { text, tokens } = column;
  const rangeEnd = from + SNIPPET_TOKENS - 1;
  const runs = coalesced(column.found, phrases);
  let run = 0;
  // An instance that starts before the snippet is not marked, even where it runs into it.
  while (run < runs.length && runs[run]![0] < from) run++;
  const current = () => runs[run] ?? [-1, -1];
  let out = from > 0 ? ELLIPSIS : '';
  let offset = 0;
  let open = false;
  for (let pos = from; pos <= rangeEnd && pos < tokens.length; pos++) {
    const { start, end } = tokens[pos]!;
    if (from > 0 && pos === from) offset = start;
    const [runStart, runEnd] = current();
    if (open && (pos <= runStart || runStart < 0) && start > offset) {
      out += MATCH_END;
      open = false;
    }
    if (pos === runStart && !open) {
      out += text.slice(offset, start) + MATCH_START;
      offset = start;
      open = true;
    }
    if (pos === runEnd) {
      if (!open) {
        out += MATCH_START;
        open = true;
      }
      out += text.slice(offset, end);
      offset = end;
      run++;
    }
    if (pos === rangeEnd) {
      if (open) {
        const [nextStart] = current();
        if (nextStart >= 0 && pos >= nextStart) {
          out += text.slice(offset, end);
          offset = end;
        }
        out += MATCH_END;
        open = false;
      }
      out += text.slice(offset, end);
      offset = end;
    }
  }
  if (open) out += MATCH_END;
  return rangeEnd >= tokens.length - 1 ? out + text.slice(offset) : out + ELLIPSIS;
}
