/**
 * The PostgreSQL search index against the SQLite one it must match: its tokenizer and snippets
 * against SQLite's FTS5 itself (no database needed), then, with `DATABASE_URL`, whole searches
 * and mention look-ups on one seeded random corpus in both stores, result for result.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SearchEntry } from '../../../shared/search/types.js';
import { DATABASE_URL, openTestPostgres, testSchema } from '../../../test/helpers/postgres.js';
import { MATCH_END, MATCH_START, ftsQuery, splitSnippet } from '../sqlite/fts.js';
import { openSqliteStorage } from '../sqlite/index.js';
import type { Storage } from '../types.js';
import { bounds, entryTerms, indexableText, searchPhrases, snippet, tsquery } from './searchText.js';
import { tokenize } from './unicode61.js';

/** A small, fast, seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words that stress the tokenizer and the matching: accents SQLite folds and ones it keeps,
// marks it splits on, letters it case-folds specially, emoji (some newer than its tables),
// private use, ligatures, numbers, near-prefixes of each other.
const WORDS = [
  'obesity', 'Obesity', 'obese', 'obes', 'childhood', 'Childhood', 'food', 'fast', 'FOOD', 'takeaways',
  'café', 'CAFE', 'cafe\u0301', 'naïve', 'Ærø', 'straße', 'ﬁsh', 'Ἀθήνα', 'Ёлка', 'йога', 'σοφός', 'ΣΟΦΟΣ',
  'x\u0332y', 'e1>e2', 'rate', 'rates', 'a', 'an', 'at', '11', '2024', 'idea🤔', '✅done', '𐐀𐐁', 'k\uE002z',
  'hindi:नमस्ते', 'schools', 'school', 'linked', 'to', 'the', 'year', "it's", 'well-being', 'e-mail@x.org',
];
const PUNCTUATION = [' ', ' ', ' ', ' ', ', ', '. ', ': ', '\n', ' - ', '.', '  ', '\t', '"'];

function text(next: () => number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) {
    out += WORDS[Math.floor(next() * WORDS.length)]!;
    if (i < words - 1) out += PUNCTUATION[Math.floor(next() * PUNCTUATION.length)]!;
  }
  return out;
}

function query(next: () => number): string {
  const n = 1 + Math.floor(next() * 3);
  const words = Array.from({ length: n }, () => {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    // Often a prefix, as someone still typing it.
    return next() < 0.4 ? word.slice(0, 1 + Math.floor(next() * word.length)) : word;
  });
  return words.join(next() < 0.2 ? ' "(' : ' ');
}

/** The FTS5 table of the SQLite store's search index, on its own. */
function fts5(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
    CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`);
  return db;
}

describe('the unicode61 port', () => {
  it('splits and folds text into the tokens SQLite makes', () => {
    const db = fts5();
    const next = random(1);
    const texts = Array.from({ length: 400 }, (_, i) => {
      // Random code points too, from every plane, between the words.
      const noise = Array.from({ length: 6 }, () => {
        const code = Math.floor(next() * 0x110000);
        return String.fromCodePoint(code >= 0xd800 && code <= 0xdfff ? code - 0x800 : code);
      });
      return i % 2 ? text(next, 12) : noise.join('') + text(next, 3) + noise.join('a');
    });
    const insert = db.prepare('INSERT INTO t (rowid, title, body) VALUES (?, ?, ?)');
    texts.forEach((t, i) => insert.run(i + 1, t, ''));
    const rows = db.prepare('SELECT doc, term FROM v ORDER BY doc, "offset"').all() as { doc: number; term: string }[];
    const fromSqlite = texts.map((_, i) => rows.filter((r) => r.doc === i + 1).map((r) => r.term));
    expect(texts.map((t) => tokenize(t).map((token) => token.text))).toEqual(fromSqlite);
  });

  it('says where each token is', () => {
    expect(tokenize(' Café, e1>e2\u0332x')).toEqual([
      { text: 'cafe', start: 1, end: 5 },
      { text: 'e1', start: 7, end: 9 },
      { text: 'e2', start: 10, end: 12 },
      { text: 'x', start: 13, end: 14 },
    ]);
    expect(tokenize('\u0301a\u0301')).toEqual([{ text: 'a', start: 1, end: 3 }]);
  });
});

describe('query phrases', () => {
  it('makes a phrase of every word, the last a prefix', () => {
    expect(searchPhrases('Childhood OBES')).toEqual([
      { tokens: ['childhood'], prefix: false },
      { tokens: ['obes'], prefix: true },
    ]);
    expect(searchPhrases('x\u0332y café')).toEqual([
      { tokens: ['x', 'y'], prefix: false },
      { tokens: ['cafe'], prefix: true },
    ]);
  });

  it('finds nothing to search for in punctuation or lone marks, and drops a word without tokens', () => {
    expect(searchPhrases('"*()-:^+ ,.')).toEqual([]);
    expect(searchPhrases('\u0301')).toEqual([]);
    // FTS5 drops the empty last phrase: "obesity" is then a whole word, not a prefix.
    expect(searchPhrases('obesity \u0301')).toEqual([{ tokens: ['obesity'], prefix: false }]);
    expect(searchPhrases(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
  });

  it('quotes every lexeme, so nothing typed is tsquery syntax', () => {
    expect(tsquery(searchPhrases("a & b | !c <-> d:* 'e'"))).toBe("'a' & 'b' & 'c' & 'd' & 'e':*");
    expect(tsquery(searchPhrases('x\u0332y fo'))).toBe("('x' <-> 'y') & 'fo':*");
    expect(tsquery([{ tokens: ["it's", 'a\\b'], prefix: true }])).toBe("('it''s' <-> 'a\\\\b':*)");
  });

  it('bounds the lexemes a phrase matches in byte order', () => {
    const sorted = ['obe', 'obes', 'obese', 'obesity', 'obesé', 'obet', 'ober', 'oberzzz'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const matched = (phrase: { tokens: string[]; prefix: boolean }) => {
      const { below, upTo } = bounds(phrase);
      return sorted.filter((l) => Buffer.compare(Buffer.from(l), Buffer.from(below)) > 0 && Buffer.compare(Buffer.from(l), Buffer.from(upTo)) <= 0);
    };
    expect(matched({ tokens: ['obes'], prefix: true })).toEqual(['obes', 'obese', 'obesity', 'obesé']);
    expect(matched({ tokens: ['obes'], prefix: false })).toEqual(['obes']);
    expect(matched({ tokens: ['\uE000'], prefix: false }).length).toBe(0);
    expect(bounds({ tokens: ['\uE000'], prefix: false }).below.codePointAt(0)).toBe(0xd7ff);
  });
});

describe('entry terms', () => {
  it('gives title tokens weight A, leaves a gap before the body, and counts occurrences in lexeme order', () => {
    expect(entryTerms('Childhood obesity', 'Obesity rates')).toEqual({
      tokens: 4,
      terms: "'childhood':1A 'obesity':2A,4 'rates':5",
      termFreqs: [0, 5, 11, 12],
      titleTerms: "'childhood':1 'obesity':2",
      titleFreqs: [0, 1, 2],
    });
    expect(entryTerms('', '')).toEqual({ tokens: 0, terms: '', termFreqs: [0], titleTerms: '', titleFreqs: [0] });
  });

  it('cuts lexemes to PostgreSQL’s limit and positions to its largest, but counts every occurrence', () => {
    const long = entryTerms('', 'é'.repeat(3000)).terms;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(2047 + 4);
    const many = entryTerms('', `${'w '.repeat(20_000)}last`);
    expect(many.terms).toMatch(/^'w':2,3,.*,257 'last':16383$/);
    expect(many.termFreqs).toEqual([0, 1, 20_001]);
  });

  it('keeps out the snippet markers and NUL, which PostgreSQL’s text cannot hold', () => {
    expect(indexableText('a\uE000b\uE001c\u0000d\uD800')).toBe('abc d\uFFFD');
  });
});

describe('snippets', () => {
  it('marks every match in the best 16 tokens, as FTS5’s snippet() does', () => {
    const db = fts5();
    const next = random(2);
    const entries = Array.from({ length: 300 }, () => ({
      title: indexableText(text(next, Math.floor(next() * 6))),
      body: indexableText(text(next, Math.floor(next() * (next() < 0.3 ? 80 : 20)))),
    }));
    const insert = db.prepare('INSERT INTO t (rowid, title, body) VALUES (?, ?, ?)');
    entries.forEach((e, i) => insert.run(i + 1, e.title, e.body));
    const search = db.prepare(`SELECT rowid AS id, snippet(t, -1, ?, ?, '…', 16) AS snippet FROM t WHERE t MATCH ? ORDER BY rowid`);
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const q = query(next);
      const match = ftsQuery(q);
      const phrases = searchPhrases(q);
      if (!match) {
        expect(phrases).toEqual([]);
        continue;
      }
      const rows = search.all(MATCH_START, MATCH_END, match) as { id: number; snippet: string }[];
      // The same entries match, judged by the phrases alone...
      const matching = entries.flatMap((e, i) => (phrases.length > 0 && phrases.every((p) => occurs([e.title, e.body], p)) ? [i + 1] : []));
      expect(matching, q).toEqual(rows.map((r) => r.id));
      // ...and each is marked alike.
      for (const row of rows) {
        expect(snippet(entries[row.id - 1]!.title, entries[row.id - 1]!.body, phrases), `${q} in ${row.id}`).toEqual(splitSnippet(row.snippet));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});

/** Whether a phrase occurs in one of the columns, by their tokens alone. */
function occurs(columns: string[], phrase: { tokens: string[]; prefix: boolean }): boolean {
  return columns.some((column) => {
    const tokens = tokenize(column).map((t) => t.text);
    return tokens.some((_, at) =>
      phrase.tokens.every((word, k) => {
        const token = tokens[at + k];
        return token !== undefined && (phrase.prefix && k === phrase.tokens.length - 1 ? token.startsWith(word) : token === word);
      }),
    );
  });
}

describe.runIf(DATABASE_URL)('postgres search against sqlite search', () => {
  it('finds, ranks, marks and offers the same entries on a random corpus', async () => {
    const sqlite = openSqliteStorage({ filename: ':memory:' });
    const pg = await openTestPostgres();
    try {
      const next = random(3);
      const stores: Storage[] = [sqlite, pg];
      const sites = await Promise.all(stores.map((s) => s.upsertSite({ slug: 'blackpool', name: 'Blackpool', issue: 'obesity', sponsor: 'HWB' })));
      const others = await Promise.all(stores.map((s) => s.upsertSite({ slug: 'york', name: 'York', issue: 'life', sponsor: 'HWB' })));
      const roomIds: string[][] = [[], []];
      for (let r = 0; r < 10; r++) {
        const title = `Room ${r}`;
        const entries: SearchEntry[] = Array.from({ length: 5 + Math.floor(next() * 25) }, (_, i) => ({
          target: (['room', 'element', 'loop', 'comment', 'block'] as const)[Math.floor(next() * 5)]!,
          targetId: `t${i % 12}`,
          title: text(next, Math.floor(next() * 5)),
          body: text(next, Math.floor(next() * (next() < 0.2 ? 60 : 15))),
        }));
        for (const [i, store] of stores.entries()) {
          const site = r === 9 ? others[i]! : sites[i]!;
          const room = await store.createRoom({ siteId: site.id, kind: 'map', title, createdBy: null });
          roomIds[i]!.push(room.id);
          await store.replaceSearchEntries(room.id, entries, { revision: 0, title });
          if (r === 8) await store.updateRoom(room.id, { archived: true });
        }
      }
      // Results with room ids as room numbers, comparable across the stores.
      const same = (i: number, roomId: string) => roomIds[i]!.indexOf(roomId);
      let found = 0;
      for (let n = 0; n < 150; n++) {
        const q = query(next);
        const [fromSqlite, fromPg] = await Promise.all(
          stores.map(async (store, i) => (await store.searchSite(sites[i]!.id, q, { limit: 15 })).map((h) => ({ ...h, roomId: same(i, h.roomId) }))),
        );
        expect(fromPg!.map(({ rank, ...h }) => ({ ...h, rank: rank.toPrecision(12) })), q).toEqual(
          fromSqlite!.map(({ rank, ...h }) => ({ ...h, rank: rank.toPrecision(12) })),
        );
        found += fromPg!.length;
        const [mentionSqlite, mentionPg] = await Promise.all(
          stores.map(async (store, i) => (await store.mentionables(sites[i]!.id, { query: q, limit: 8 })).items.map((m) => ({ ...m, roomId: same(i, m.roomId) }))),
        );
        expect(mentionPg, q).toEqual(mentionSqlite);
      }
      expect(found).toBeGreaterThan(300);
      const [allSqlite, allPg] = await Promise.all(
        stores.map(async (store, i) => (await store.mentionables(sites[i]!.id, { limit: 500 })).items.map((m) => ({ ...m, roomId: same(i, m.roomId) }))),
      );
      expect(allPg).toEqual(allSqlite);
      // Refs by room number and target id, some naming nothing, one in another site's room.
      const refs = Array.from({ length: 30 }, () => ({ room: Math.floor(next() * 10), targetId: `t${Math.floor(next() * 14)}` }));
      const [refsSqlite, refsPg] = await Promise.all(
        stores.map(async (store, i) => {
          const { items, missing } = await store.mentionables(sites[i]!.id, {
            refs: refs.map((ref) => ({ roomId: roomIds[i]![ref.room]!, targetId: ref.targetId })),
            limit: 10,
          });
          return { items: items.map((m) => ({ ...m, roomId: same(i, m.roomId) })), missing: missing.map((m) => ({ ...m, roomId: same(i, m.roomId) })) };
        }),
      );
      expect(refsPg).toEqual(refsSqlite);
      expect(refsPg!.items.length).toBeGreaterThan(5);
      expect(refsPg!.missing.length).toBeGreaterThan(5);
    } finally {
      await sqlite.close();
      await pg.close();
    }
  });

  it('keeps one set of a room’s entries when two processes index it at once', async () => {
    const schema = testSchema();
    const [one, two] = [await openTestPostgres({ schema, keep: true }), await openTestPostgres({ schema, keep: true })];
    try {
      const site = await one.upsertSite({ slug: 'blackpool', name: 'Blackpool', issue: 'obesity', sponsor: 'HWB' });
      const room = await one.createRoom({ siteId: site.id, kind: 'map', title: 'Causes map', createdBy: null });
      const entries = (n: number, word: string) => Array.from({ length: n }, (_, i) => ({ target: 'element' as const, targetId: `e${i}`, title: `${word} ${i}`, body: '' }));
      for (let round = 0; round < 10; round++) {
        await Promise.all([
          one.replaceSearchEntries(room.id, entries(30, 'obesity'), { revision: round, title: 'Causes map' }),
          two.replaceSearchEntries(room.id, entries(20, 'obesity'), { revision: round, title: 'Causes map' }),
          round % 3 === 0 ? two.deleteSearchEntries(room.id) : Promise.resolve(),
        ]);
        const hits = await one.searchSite(site.id, 'obesity', { limit: 100 });
        const { rows } = await one.db.query<{ entries: number }>('SELECT entries FROM search_rooms WHERE room_id = $1', [room.id]);
        expect([0, 20, 30]).toContain(hits.length);
        expect(rows[0]?.entries ?? 0).toBe(hits.length);
      }
    } finally {
      await two.close();
      await one.db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await one.close();
    }
  });
});
