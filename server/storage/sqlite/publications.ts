/**
 * The SQLite `PublicationStore`: published versions of learning summaries in `publications`,
 * one row per version, its data (the redacted summary as JSON) written once. A new version is
 * numbered and its slug chosen in the same transaction that inserts it, so two facilitators
 * publishing at once get versions n and n+1, never two n.
 */
import type Database from 'better-sqlite3';
import { newId } from '../../../shared/ids.js';
import type { PublicationRecord, PublicationStore, PublicationWithData } from '../types.js';

const COLUMNS = `p.id, p.site_id AS siteId, s.slug AS siteSlug, p.room_id AS roomId, p.slug, p.version, p.title,
  p.published_by AS publishedBy, p.published_at AS publishedAt, p.withdrawn_at AS withdrawnAt`;
const FROM = 'FROM publications p JOIN sites s ON s.id = p.site_id';

interface DataRow extends PublicationRecord {
  data: string;
  firstPublishedAt: string;
}

const withData = ({ data, firstPublishedAt, ...record }: DataRow): PublicationWithData => ({ record, data, firstPublishedAt });

/**
 * Prepares the publication store's statements on `db` (migrated already).
 *
 * @example
 * const publications = openPublicationStore(db)
 * await publications.listLivePublications()
 */
export function openPublicationStore(db: Database.Database): PublicationStore {
  const lastOfRoom = db.prepare('SELECT slug, version FROM publications WHERE room_id = ? ORDER BY version DESC LIMIT 1');
  const slugTaken = db.prepare('SELECT 1 FROM publications WHERE site_id = ? AND slug = ? AND room_id <> ? LIMIT 1').pluck();
  const insert = db.prepare(`INSERT INTO publications (id, site_id, room_id, slug, version, title, data, published_by, published_at)
    VALUES (@id, @siteId, @roomId, @slug, @version, @title, @data, @publishedBy, @publishedAt)`);
  const byId = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE p.id = ?`);
  const ofRoom = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE p.room_id = ? ORDER BY p.version`);
  const ofSummary = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE s.slug = ? AND p.slug = ? ORDER BY p.version`);
  const dataOf = db.prepare('SELECT data FROM publications WHERE id = ?').pluck();
  // The latest version not withdrawn of each room, with the room's first publication date.
  const live = `SELECT ${COLUMNS}, p.data,
      (SELECT MIN(f.published_at) FROM publications f WHERE f.room_id = p.room_id) AS firstPublishedAt
    ${FROM}
    WHERE p.withdrawn_at IS NULL
      AND p.version = (SELECT MAX(l.version) FROM publications l WHERE l.room_id = p.room_id AND l.withdrawn_at IS NULL)`;
  const liveAll = db.prepare(`${live} ORDER BY p.published_at DESC, p.id`);
  const liveOfSite = db.prepare(`${live} AND s.slug = ? ORDER BY p.published_at DESC, p.id`);
  const withdraw = db.prepare('UPDATE publications SET withdrawn_at = ? WHERE room_id = ? AND withdrawn_at IS NULL');
  const revision = db.prepare(
    `SELECT COUNT(*) || ':' || COALESCE(MAX(published_at), '') || ':' || COUNT(withdrawn_at) || ':' || COALESCE(MAX(withdrawn_at), '') FROM publications`,
  ).pluck();

  const create = db.transaction((input: Parameters<PublicationStore['createPublication']>[0]): PublicationRecord => {
    const last = lastOfRoom.get(input.roomId) as { slug: string; version: number } | undefined;
    let slug = last?.slug ?? input.slug;
    if (!last) {
      for (let n = 2; slugTaken.get(input.siteId, slug, input.roomId); n++) slug = `${input.slug.slice(0, 60)}-${n}`;
    }
    const version = (last?.version ?? 0) + 1;
    const id = newId();
    insert.run({ id, siteId: input.siteId, roomId: input.roomId, slug, version, title: input.title, data: input.data({ version, slug }), publishedBy: input.publishedBy, publishedAt: input.publishedAt });
    return byId.get(id) as PublicationRecord;
  });

  return {
    async createPublication(input) {
      return create(input);
    },
    async listPublications(roomId) {
      return ofRoom.all(roomId) as PublicationRecord[];
    },
    async getPublication(siteSlug, slug, version) {
      const versions = ofSummary.all(siteSlug, slug) as PublicationRecord[];
      const current = version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
      if (!current) return null;
      return { versions, current: { record: current, data: dataOf.get(current.id) as string, firstPublishedAt: versions[0]!.publishedAt } };
    },
    async listLivePublications(options = {}) {
      const rows = (options.siteSlug === undefined ? liveAll.all() : liveOfSite.all(options.siteSlug)) as DataRow[];
      return rows.map(withData);
    },
    async withdrawPublications(roomId, at) {
      return withdraw.run(at, roomId).changes;
    },
    async publicationsRevision() {
      return revision.get() as string;
    },
  };
}
