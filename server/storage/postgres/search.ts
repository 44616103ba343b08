/**
 * The PostgreSQL `SearchIndex`, on PostgreSQL's full-text search: each room's entries in
 * `search_entries` with their tokens as `tsvector`s (GIN-indexed: all of an entry, and its
 * title alone for the mention menu), and the revision and title each room was indexed at, with
 * its count of entries and tokens, in `search_rooms`.
 *
 * It answers as the SQLite store's FTS5 index does, result for result:
 * - Text is split and folded by SQLite's unicode61 tokenizer, ported (`unicode61.ts`), not by a
 *   text search configuration: the tsvectors are built from those tokens and each query word is
 *   quoted as a lexeme, so nothing anyone types is tsquery syntax and neither PostgreSQL's
 *   parser nor its dictionaries change what matches. Case and diacritics fold as in SQLite
 *   ("CAFE" finds "café"); nothing is stemmed. (So no `unaccent` either: it folds other letters
 *   than SQLite does, ß, æ and Greek and Cyrillic accents among them, and needs an extension.)
 * - Ranking is FTS5's bm25 (titles weighing 5, bodies 1), computed in SQL from the same counts:
 *   the index's rows and tokens (`search_rooms`), the rows each phrase occurs in, and each
 *   entry's length and occurrences. The occurrences of a lexeme, or of all lexemes with a
 *   prefix, come from running sums kept beside the tsvector in its lexemes' order, found with
 *   two binary searches (`width_bucket`) rather than by unnesting the tsvector row by row.
 * - Snippets are FTS5's `snippet()`, ported (`searchText.ts`), from the stored title and body.
 *
 * Where PostgreSQL's limits bend this: a query word that unicode61 splits into several tokens
 * (a mark it separates on, as in many Indic scripts) is a phrase, matched and counted from the
 * tsvector's positions, which keep at most 256 of a lexeme and none past 16383, so in a very
 * long entry such a phrase may be missed or undercounted; tokens longer than 2047 bytes are cut
 * to that length. No foreign keys to rooms, as in SQLite: a rebuild of rooms must not cascade
 * into the index, and results join rooms anyway.
 */
import type { RoomKind } from '../../../shared/api.js';
import type { MentionRef, MentionableRecord, SearchHit, SearchIndex } from '../types.js';
import { nowIso, type PgDb } from './db.js';
import { TITLE_WEIGHT, bounds, entryTerms, indexableText, searchPhrases, snippet, tsquery, type Phrase } from './searchText.js';

// term_freqs and title_freqs: running sums of occurrences per lexeme of terms and title_terms,
// in their order, after a 0 (see entryTerms). search_phrase_freq: bm25's frequency of a phrase
// of several tokens in an entry, FTS5's way: each occurrence (its tokens at consecutive
// positions, the last a prefix when `prefix`) counts its column's weight, the title's positions
// being weighted A.
export const SEARCH_SCHEMA = `
CREATE TABLE search_entries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id TEXT NOT NULL,
  target TEXT NOT NULL,
  target_id TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  terms TSVECTOR NOT NULL,
  term_freqs INTEGER[] NOT NULL,
  title_terms TSVECTOR NOT NULL,
  title_freqs INTEGER[] NOT NULL
);
CREATE INDEX search_entries_room ON search_entries (room_id, target_id);
CREATE INDEX search_entries_terms ON search_entries USING GIN (terms);
CREATE INDEX search_entries_title_terms ON search_entries USING GIN (title_terms);
CREATE TABLE search_rooms (
  room_id TEXT PRIMARY KEY,
  revision BIGINT NOT NULL,
  title TEXT NOT NULL,
  indexed_at TEXT NOT NULL,
  entries INTEGER NOT NULL,
  tokens BIGINT NOT NULL
);
CREATE FUNCTION search_phrase_freq(terms TSVECTOR, phrase TEXT[], prefix BOOLEAN, title_weight FLOAT8, body_weight FLOAT8)
RETURNS FLOAT8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH hits AS (
    SELECT t.lexeme, p.pos, p.weight
    FROM unnest(terms) AS t, unnest(t.positions, t.weights) AS p(pos, weight)
    WHERE t.lexeme = ANY (phrase) OR (prefix AND starts_with(t.lexeme, phrase[cardinality(phrase)]))
  )
  SELECT COALESCE(SUM(CASE WHEN first.weight = 'A' THEN title_weight ELSE body_weight END), 0)::float8
  FROM hits AS first
  WHERE (first.lexeme = phrase[1] OR (prefix AND cardinality(phrase) = 1 AND starts_with(first.lexeme, phrase[1])))
    AND NOT EXISTS (
      SELECT 1 FROM generate_series(2, cardinality(phrase)) AS k
      WHERE NOT EXISTS (
        SELECT 1 FROM hits AS next
        WHERE next.pos = first.pos + k - 1
          AND (next.lexeme = phrase[k] OR (prefix AND k = cardinality(phrase) AND starts_with(next.lexeme, phrase[k])))
      )
    )
$$;
`;

interface HitRow {
  room_id: string;
  kind: RoomKind;
  room_title: string;
  target: SearchHit['target'];
  target_id: string;
  title: string;
  body: string;
  score: number;
}

const MENTION_COLUMNS = `e.room_id AS "roomId", r.title AS "roomTitle", e.target AS "targetKind", e.target_id AS "targetId",
  e.title AS label`;
/** SQLite's COLLATE NOCASE: byte order with only ASCII letters folded. */
const NOCASE = `translate(e.title, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C"`;

/**
 * bm25's frequency of a phrase in entry `e`, as SQL: its occurrences, weighted by column (in
 * the mention menu titles alone count). A phrase of one token, nearly every one, is summed from
 * the running sums between the bounds of the lexemes it matches; `param` names the parameter
 * holding those bounds (and the next the upper one), or for a longer phrase its tokens.
 */
function frequency(phrase: Phrase, param: number, titleOnly: boolean): string {
  const [terms, freqs] = titleOnly ? ['e.title_terms', 'e.title_freqs'] : ['e.terms', 'e.term_freqs'];
  if (phrase.tokens.length > 1) {
    const [title, body] = titleOnly ? [1, 1] : [TITLE_WEIGHT, 1];
    return `search_phrase_freq(${terms}, $${param}::text[], ${phrase.prefix}, ${title}::float8, ${body}::float8)`;
  }
  const upTo = (bound: number) => `${freqs}[width_bucket($${bound}::text COLLATE "C", tsvector_to_array(${terms})) + 1]`;
  return `(${upTo(param + 1)} - ${upTo(param)})::float8`;
}

/** A phrase's parameters for `frequency`. */
function frequencyParams(phrase: Phrase): unknown[] {
  if (phrase.tokens.length > 1) return [phrase.tokens];
  const { below, upTo } = bounds(phrase);
  return [below, upTo];
}

/**
 * A query over the entries matching every phrase (in titles alone with `titleOnly`), each row
 * with its FTS5 bm25 `score` (higher is better: SQLite's value negated), the whole index's
 * statistics included. `where` and `order` complete it. Parameters $1 to $3 are the query, the
 * site and the limit; the phrases' follow.
 */
function rankedQuery(phrases: readonly Phrase[], options: { titleOnly: boolean; columns: string; where: string; order: string }) {
  const terms = options.titleOnly ? 'title_terms' : 'terms';
  const params: unknown[] = [];
  const idf: string[] = [];
  const freq: string[] = [];
  let score = '0::float8';
  phrases.forEach((phrase, i) => {
    const query = params.length + 4;
    params.push(tsquery([phrase]));
    freq.push(`${frequency(phrase, params.length + 4, options.titleOnly)} AS f${i}`);
    params.push(...frequencyParams(phrase));
    // idf = ln((N - hits + 0.5) / (hits + 0.5)), at least 1e-6, as in fts5Bm25GetData.
    idf.push(`(SELECT CASE WHEN x <= 0 THEN 1e-6::float8 ELSE x END FROM (SELECT ln(((stats.n_row - c.n)::float8 + 0.5::float8) / (c.n::float8 + 0.5::float8)) AS x
       FROM (SELECT COUNT(*) AS n FROM search_entries WHERE ${terms} @@ $${query}::tsquery) AS c) AS l) AS idf${i}`);
    // Operation for operation as fts5Bm25Function, so the doubles come out the same.
    score = `(${score} + idf.idf${i} * ((f.f${i} * (1.2::float8 + 1.0::float8)) / (f.f${i} + 1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * e.tokens::float8 / idf.avgdl))))`;
  });
  // MATERIALIZED: inlined, the counts would be made again for every row.
  const sql = `
    WITH stats AS MATERIALIZED (
      SELECT COALESCE(SUM(entries), 0)::bigint AS n_row, COALESCE(SUM(tokens), 0)::bigint AS n_token FROM search_rooms
    ), idf AS MATERIALIZED (
      SELECT stats.n_token::float8 / NULLIF(stats.n_row, 0)::float8 AS avgdl, ${idf.join(', ')} FROM stats
    )
    SELECT ${options.columns}, s.score
    FROM search_entries e JOIN rooms r ON r.id = e.room_id CROSS JOIN idf
      CROSS JOIN LATERAL (SELECT ${score} AS score FROM (SELECT ${freq.join(', ')} OFFSET 0) AS f) AS s
    WHERE e.${terms} @@ $1::tsquery AND ${options.where}
    ORDER BY ${options.order}`;
  return { sql, params: [tsquery(phrases), ...params] };
}

/**
 * @example
 * const search = openSearchIndex(db)
 * const hits = await search.searchSite(siteId, 'obes', { limit: 20 })
 */
export function openSearchIndex(db: PgDb): SearchIndex {
  return {
    async replaceSearchEntries(roomId, entries, indexed) {
      const rows = entries.map((e) => {
        const title = indexableText(e.title);
        const body = indexableText(e.body);
        return { target: e.target, targetId: e.targetId, title, body, ...entryTerms(title, body) };
      });
      const tokens = rows.reduce((sum, row) => sum + row.tokens, 0);
      await db.transaction(async (tx) => {
        // The room's row first: its lock makes a second process indexing the room wait until
        // this one commits, and then delete what this one inserted rather than add to it.
        await tx.query(
          `INSERT INTO search_rooms (room_id, revision, title, indexed_at, entries, tokens) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (room_id) DO UPDATE SET revision = excluded.revision, title = excluded.title,
             indexed_at = excluded.indexed_at, entries = excluded.entries, tokens = excluded.tokens`,
          [roomId, indexed.revision, indexed.title, nowIso(), rows.length, tokens],
        );
        await tx.query('DELETE FROM search_entries WHERE room_id = $1', [roomId]);
        if (rows.length === 0) return;
        // Ids in the entries' order, which breaks ties in results as SQLite's rowids do.
        await tx.query(
          `INSERT INTO search_entries (room_id, target, target_id, title, body, tokens, terms, term_freqs, title_terms, title_freqs)
           SELECT $1, target, target_id, title, body, tokens, terms, term_freqs::int[], title_terms, title_freqs::int[]
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::tsvector[], $8::text[], $9::tsvector[], $10::text[])
             WITH ORDINALITY AS t(target, target_id, title, body, tokens, terms, term_freqs, title_terms, title_freqs, n)
           ORDER BY n`,
          [
            roomId,
            rows.map((r) => r.target),
            rows.map((r) => r.targetId),
            rows.map((r) => r.title),
            rows.map((r) => r.body),
            rows.map((r) => r.tokens),
            rows.map((r) => r.terms),
            // Arrays of arrays of differing lengths go as array literals, one per entry.
            rows.map((r) => `{${r.termFreqs.join(',')}}`),
            rows.map((r) => r.titleTerms),
            rows.map((r) => `{${r.titleFreqs.join(',')}}`),
          ],
        );
      });
    },

    async deleteSearchEntries(roomId) {
      await db.transaction(async (tx) => {
        // The room's row first, for the same lock as in replaceSearchEntries.
        await tx.query('DELETE FROM search_rooms WHERE room_id = $1', [roomId]);
        await tx.query('DELETE FROM search_entries WHERE room_id = $1', [roomId]);
      });
    },

    async roomsToIndex() {
      // A doc's revision is its count of updates ever appended (docLog's doc_revisions).
      const { rows } = await db.query<{ id: string }>(
        `SELECT r.id FROM rooms r LEFT JOIN search_rooms s ON s.room_id = r.id
         WHERE s.room_id IS NULL OR s.title <> r.title
           OR s.revision <> COALESCE((SELECT revision FROM doc_revisions WHERE doc = r.id), 0)
         ORDER BY r.updated_at COLLATE "C" DESC, r.id COLLATE "C"`,
      );
      return rows.map((r) => r.id);
    },

    async searchSite(siteId, query, options) {
      const phrases = searchPhrases(query);
      if (phrases.length === 0) return [];
      const { sql, params } = rankedQuery(phrases, {
        titleOnly: false,
        columns: 'e.room_id, r.kind, r.title AS room_title, e.target, e.target_id, e.title, e.body',
        where: 'r.site_id = $2 AND NOT r.archived',
        order: 's.score DESC, e.id LIMIT $3',
      });
      const { rows } = await db.query<HitRow>(sql, [params[0], siteId, options.limit, ...params.slice(1)]);
      return rows.map((row) => ({
        roomId: row.room_id,
        roomKind: row.kind,
        roomTitle: row.room_title,
        target: row.target,
        targetId: row.target_id,
        title: row.title,
        snippet: snippet(row.title, row.body, phrases),
        rank: row.score,
      }));
    },

    async mentionables(siteId, options) {
      if (options.refs) {
        const refs = options.refs;
        // One query for all refs; per ref an element before a loop of the same id, as in SQLite.
        const { rows } = await db.query<MentionableRecord & { n: number }>(
          `SELECT DISTINCT ON (ref.n) ref.n, ${MENTION_COLUMNS}
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS ref(room_id, target_id, n)
             JOIN search_entries e ON e.room_id = ref.room_id AND e.target_id = ref.target_id
             JOIN rooms r ON r.id = e.room_id
           WHERE e.target IN ('element', 'loop') AND r.site_id = $1
           ORDER BY ref.n, e.target = 'element' DESC, e.id`,
          [siteId, refs.map((r) => r.roomId), refs.map((r) => r.targetId)],
        );
        const found = new Map(rows.map(({ n, ...item }) => [Number(n), item]));
        const items: MentionableRecord[] = [];
        const missing: MentionRef[] = [];
        refs.forEach((ref, i) => {
          const item = found.get(i + 1);
          if (item) items.push(item);
          else missing.push({ roomId: ref.roomId, targetId: ref.targetId });
        });
        return { items, missing };
      }
      if (options.query === undefined || options.query.trim() === '') {
        const { rows } = await db.query<MentionableRecord>(
          `SELECT ${MENTION_COLUMNS} FROM search_entries e JOIN rooms r ON r.id = e.room_id
           WHERE e.target IN ('element', 'loop') AND r.site_id = $1 AND NOT r.archived
           ORDER BY ${NOCASE}, e.id LIMIT $2`,
          [siteId, options.limit],
        );
        return { items: rows, missing: [] };
      }
      const phrases = searchPhrases(options.query);
      if (phrases.length === 0) return { items: [], missing: [] };
      const { sql, params } = rankedQuery(phrases, {
        titleOnly: true,
        columns: MENTION_COLUMNS,
        where: `e.target IN ('element', 'loop') AND r.site_id = $2 AND NOT r.archived`,
        order: `s.score DESC, ${NOCASE}, e.id LIMIT $3`,
      });
      const { rows } = await db.query<MentionableRecord>(sql, [params[0], siteId, options.limit, ...params.slice(1)]);
      return { items: rows.map(({ roomId, roomTitle, targetKind, targetId, label }) => ({ roomId, roomTitle, targetKind, targetId, label })), missing: [] };
    },
  };
}
