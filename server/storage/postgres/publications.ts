/**
 * The PostgreSQL `PublicationStore`, as `../sqlite/publications.ts`: published versions of
 * learning summaries in `publications`, one row per version, its data (the redacted summary as
 * JSON) written once. A new version is numbered and its slug chosen in the same transaction that
 * inserts it, under an advisory lock on the site, so two facilitators publishing at once (in one
 * process or two) get versions n and n+1, never two n, and two summaries never one slug.
 *
 * Ids and times are `COLLATE "C"`, so they sort byte by byte as in SQLite whatever the locale.
 */
import { newId } from '../../../shared/ids.js';
import type { PublicationRecord, PublicationStore, PublicationWithData } from '../types.js';
import type { PgDb, Queryable } from './db.js';

// No foreign key to rooms, as in SQLite: a room's deletion is the directory's business.
export const PUBLICATION_SCHEMA = `
CREATE TABLE publications (
  id TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  room_id TEXT NOT NULL,
  slug TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  data TEXT NOT NULL,
  published_by TEXT,
  published_at TEXT COLLATE "C" NOT NULL,
  withdrawn_at TEXT COLLATE "C",
  UNIQUE (room_id, version)
);
CREATE INDEX publications_site_slug ON publications (site_id, slug, version);
CREATE INDEX publications_published ON publications (published_at);
`;

/** An arbitrary constant: the first key of the advisory lock that serialises a site's publishing. */
const PUBLISH_LOCK = 7_305_004;

const COLUMNS = `p.id, p.site_id AS "siteId", s.slug AS "siteSlug", p.room_id AS "roomId", p.slug, p.version, p.title,
  p.published_by AS "publishedBy", p.published_at AS "publishedAt", p.withdrawn_at AS "withdrawnAt"`;
const FROM = 'FROM publications p JOIN sites s ON s.id = p.site_id';

// The latest version not withdrawn of each room, with the room's first publication date.
const LIVE = `SELECT ${COLUMNS}, p.data,
    (SELECT MIN(f.published_at) FROM publications f WHERE f.room_id = p.room_id) AS "firstPublishedAt"
  ${FROM}
  WHERE p.withdrawn_at IS NULL
    AND p.version = (SELECT MAX(l.version) FROM publications l WHERE l.room_id = p.room_id AND l.withdrawn_at IS NULL)`;

interface DataRow extends PublicationRecord {
  data: string;
  firstPublishedAt: string;
}

const withData = ({ data, firstPublishedAt, ...record }: DataRow): PublicationWithData => ({ record, data, firstPublishedAt });

type NewPublication = Parameters<PublicationStore['createPublication']>[0];

async function create(tx: Queryable, input: NewPublication): Promise<PublicationRecord> {
  // Held to the end of the transaction. Keyed on the site, not the room: the slug is chosen
  // among the site's other summaries, and the room's versions are all of its site's.
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PUBLISH_LOCK, input.siteId]);
  const { rows: lasts } = await tx.query<{ slug: string; version: number }>(
    'SELECT slug, version FROM publications WHERE room_id = $1 ORDER BY version DESC LIMIT 1',
    [input.roomId],
  );
  const last = lasts[0];
  let slug = last?.slug ?? input.slug;
  if (!last) {
    for (let n = 2; ; n++) {
      const { rowCount } = await tx.query('SELECT 1 FROM publications WHERE site_id = $1 AND slug = $2 AND room_id <> $3 LIMIT 1', [input.siteId, slug, input.roomId]);
      if (!rowCount) break;
      slug = `${input.slug.slice(0, 60)}-${n}`;
    }
  }
  const version = (last?.version ?? 0) + 1;
  const id = newId();
  await tx.query(
    `INSERT INTO publications (id, site_id, room_id, slug, version, title, data, published_by, published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, input.siteId, input.roomId, slug, version, input.title, input.data({ version, slug }), input.publishedBy, input.publishedAt],
  );
  const { rows } = await tx.query<PublicationRecord>(`SELECT ${COLUMNS} ${FROM} WHERE p.id = $1`, [id]);
  return rows[0]!;
}

/**
 * The publication store on `db` (migrated already).
 *
 * @example
 * const publications = openPublicationStore(db)
 * await publications.listLivePublications()
 */
export function openPublicationStore(db: PgDb): PublicationStore {
  return {
    async createPublication(input) {
      return db.transaction((tx) => create(tx, input));
    },

    async listPublications(roomId) {
      const { rows } = await db.query<PublicationRecord>(`SELECT ${COLUMNS} ${FROM} WHERE p.room_id = $1 ORDER BY p.version`, [roomId]);
      return rows;
    },

    async getPublication(siteSlug, slug, version) {
      const { rows: versions } = await db.query<PublicationRecord>(`SELECT ${COLUMNS} ${FROM} WHERE s.slug = $1 AND p.slug = $2 ORDER BY p.version`, [siteSlug, slug]);
      const current = version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
      if (!current) return null;
      const { rows } = await db.query<{ data: string }>('SELECT data FROM publications WHERE id = $1', [current.id]);
      return { versions, current: { record: current, data: rows[0]!.data, firstPublishedAt: versions[0]!.publishedAt } };
    },

    async listLivePublications(options = {}) {
      const { rows } =
        options.siteSlug === undefined
          ? await db.query<DataRow>(`${LIVE} ORDER BY p.published_at DESC, p.id`)
          : await db.query<DataRow>(`${LIVE} AND s.slug = $1 ORDER BY p.published_at DESC, p.id`, [options.siteSlug]);
      return rows.map(withData);
    },

    async withdrawPublications(roomId, at) {
      const { rowCount } = await db.query('UPDATE publications SET withdrawn_at = $1 WHERE room_id = $2 AND withdrawn_at IS NULL', [at, roomId]);
      return rowCount ?? 0;
    },

    async publicationsRevision() {
      const { rows } = await db.query<{ revision: string }>(
        `SELECT COUNT(*)::text || ':' || COALESCE(MAX(published_at), '') || ':' || COUNT(withdrawn_at)::text || ':' || COALESCE(MAX(withdrawn_at), '') AS revision
         FROM publications`,
      );
      return rows[0]!.revision;
    },
  };
}
