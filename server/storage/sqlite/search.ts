/**
 * The SQLite `SearchIndex`: each room's entries in `search_entries`, indexed by FTS5 in
 * `search_fts` (kept in step by triggers), and the revision each room was indexed at in
 * `search_rooms`.
 */
import type Database from 'better-sqlite3';
import type { RoomKind } from '../../../shared/api.js';
import type { MentionRef, MentionableRecord, SearchHit, SearchIndex } from '../types.js';
import { nowIso } from './common.js';
import { MATCH_END, MATCH_START, ftsQuery, indexableText, splitSnippet } from './fts.js';

interface HitRow {
  room_id: string;
  kind: RoomKind;
  room_title: string;
  target: SearchHit['target'];
  target_id: string;
  title: string;
  snippet: string;
  score: number;
}

const MENTION_COLUMNS = `e.room_id AS roomId, r.title AS roomTitle, e.target AS targetKind, e.target_id AS targetId,
  e.title AS label`;
const MENTIONABLE = `e.target IN ('element', 'loop') AND r.site_id = ?`;

/**
 * Prepares the search index's statements on `db` (migrated already).
 *
 * @example
 * const search = openSearchIndex(db)
 * const hits = await search.searchSite(siteId, 'obes', { limit: 20 })
 */
export function openSearchIndex(db: Database.Database): SearchIndex {
  const stmt = {
    insertEntry: db.prepare('INSERT INTO search_entries (room_id, target, target_id, title, body) VALUES (?, ?, ?, ?, ?)'),
    deleteEntries: db.prepare('DELETE FROM search_entries WHERE room_id = ?'),
    saveIndexed: db.prepare(
      `INSERT INTO search_rooms (room_id, revision, title, indexed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET revision = excluded.revision, title = excluded.title,
         indexed_at = excluded.indexed_at`,
    ),
    deleteIndexed: db.prepare('DELETE FROM search_rooms WHERE room_id = ?'),
    roomsToIndex: db
      .prepare(
        `SELECT r.id FROM rooms r LEFT JOIN search_rooms s ON s.room_id = r.id
         WHERE s.room_id IS NULL OR s.title != r.title
           OR s.revision != COALESCE((SELECT base FROM doc_revisions WHERE doc = r.id), 0)
             + COALESCE((SELECT MAX(seq) FROM doc_updates WHERE doc = r.id), 0)
         ORDER BY r.updated_at DESC`,
      )
      .pluck(),
    // Titles weigh five times the body in bm25 (which is lower for better matches). snippet()
    // with column -1 takes the column that matched best, marked with private-use characters.
    search: db.prepare(
      `SELECT e.room_id, r.kind, r.title AS room_title, e.target, e.target_id, e.title,
         snippet(search_fts, -1, ?, ?, '…', 16) AS snippet, bm25(search_fts, 5.0, 1.0) AS score
       FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid JOIN rooms r ON r.id = e.room_id
       WHERE search_fts MATCH ? AND r.site_id = ? AND r.archived = 0
       ORDER BY score, e.id LIMIT ?`,
    ),
    mentionRef: db.prepare(
      `SELECT ${MENTION_COLUMNS} FROM search_entries e JOIN rooms r ON r.id = e.room_id
       WHERE e.room_id = ? AND e.target_id = ? AND ${MENTIONABLE}
       ORDER BY e.target = 'element' DESC LIMIT 1`,
    ),
    mentionAll: db.prepare(
      `SELECT ${MENTION_COLUMNS} FROM search_entries e JOIN rooms r ON r.id = e.room_id
       WHERE ${MENTIONABLE} AND r.archived = 0 ORDER BY e.title COLLATE NOCASE, e.id LIMIT ?`,
    ),
    mentionMatch: db.prepare(
      `SELECT ${MENTION_COLUMNS} FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid
         JOIN rooms r ON r.id = e.room_id
       WHERE search_fts MATCH ? AND ${MENTIONABLE} AND r.archived = 0
       ORDER BY bm25(search_fts), e.title COLLATE NOCASE, e.id LIMIT ?`,
    ),
  };

  const replace = db.transaction(
    (roomId: string, entries: Parameters<SearchIndex['replaceSearchEntries']>[1], indexed: { revision: number; title: string }) => {
      stmt.deleteEntries.run(roomId);
      for (const e of entries) stmt.insertEntry.run(roomId, e.target, e.targetId, indexableText(e.title), indexableText(e.body));
      stmt.saveIndexed.run(roomId, indexed.revision, indexed.title, nowIso());
    },
  );
  const remove = db.transaction((roomId: string) => {
    stmt.deleteEntries.run(roomId);
    stmt.deleteIndexed.run(roomId);
  });

  return {
    async replaceSearchEntries(roomId, entries, indexed) {
      replace(roomId, entries, indexed);
    },

    async deleteSearchEntries(roomId) {
      remove(roomId);
    },

    async roomsToIndex() {
      return stmt.roomsToIndex.all() as string[];
    },

    async searchSite(siteId, query, options) {
      const match = ftsQuery(query);
      if (!match) return [];
      const rows = stmt.search.all(MATCH_START, MATCH_END, match, siteId, options.limit) as HitRow[];
      return rows.map((row) => ({
        roomId: row.room_id,
        roomKind: row.kind,
        roomTitle: row.room_title,
        target: row.target,
        targetId: row.target_id,
        title: row.title,
        snippet: splitSnippet(row.snippet),
        rank: -row.score,
      }));
    },

    async mentionables(siteId, options) {
      if (options.refs) {
        const items: MentionableRecord[] = [];
        const missing: MentionRef[] = [];
        for (const ref of options.refs) {
          const found = stmt.mentionRef.get(ref.roomId, ref.targetId, siteId) as MentionableRecord | undefined;
          if (found) items.push(found);
          else missing.push({ roomId: ref.roomId, targetId: ref.targetId });
        }
        return { items, missing };
      }
      if (options.query === undefined || options.query.trim() === '') {
        return { items: stmt.mentionAll.all(siteId, options.limit) as MentionableRecord[], missing: [] };
      }
      const match = ftsQuery(options.query);
      if (!match) return { items: [], missing: [] };
      return { items: stmt.mentionMatch.all(`title : (${match})`, siteId, options.limit) as MentionableRecord[], missing: [] };
    },
  };
}
