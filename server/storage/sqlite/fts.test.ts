import { describe, expect, it } from 'vitest';
import { ftsQuery, indexableText, splitSnippet } from './fts.js';

describe('ftsQuery', () => {
  it('quotes every word and matches the last as a prefix', () => {
    expect(ftsQuery('childhood obes')).toBe('"childhood" "obes"*');
    expect(ftsQuery('  obesity  ')).toBe('"obesity"*');
    expect(ftsQuery('café')).toBe('"café"*');
  });

  it('keeps FTS5 syntax out: operators and quotes are words or separators, never syntax', () => {
    expect(ftsQuery('a AND "b" OR c* NEAR(d) title:e -f ^g')).toBe('"a" "AND" "b" "OR" "c" "NEAR" "d" "title" "e" "f" "g"*');
  });

  it('gives null when nothing is left to search for', () => {
    expect(ftsQuery('')).toBeNull();
    expect(ftsQuery('"*()-:^+ ,.')).toBeNull();
  });

  it('uses at most sixteen words', () => {
    expect(ftsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))?.split(' ')).toHaveLength(16);
  });
});

describe('snippets', () => {
  it('splits a marked snippet into runs', () => {
    expect(splitSnippet('…the \uE000obesity\uE001 \uE000rate\uE001s')).toEqual([
      { text: '…the ', match: false },
      { text: 'obesity', match: true },
      { text: ' ', match: false },
      { text: 'rate', match: true },
      { text: 's', match: false },
    ]);
    expect(splitSnippet('')).toEqual([]);
  });

  it('strips the marker characters from indexed text, so no one can forge a match', () => {
    expect(indexableText('a\uE000b\uE001c')).toBe('abc');
  });
});
