/**
 * Throwaway PostgreSQL stores for tests: each in a schema of its own, dropped when it closes,
 * so tests running at once never see each other's rows. Only when `DATABASE_URL` is set.
 */
import { openPostgresStorage, type PostgresStorage } from '../../server/storage/postgres/index.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? null;
export const NO_DATABASE = 'needs DATABASE_URL (postgres://…) to run against PostgreSQL; not set, so skipped';

let n = 0;

/** A fresh schema name, unique to this process and moment. */
export function testSchema(): string {
  return `test_${process.pid}_${Date.now().toString(36)}_${++n}`;
}

/**
 * A fresh, empty store. With `keep`, the schema outlives the store (to reopen it, as a restart
 * would); drop it with `dropSchema`.
 */
export async function openTestPostgres(options: { schema?: string; keep?: boolean } = {}): Promise<PostgresStorage> {
  if (!DATABASE_URL) throw new Error(NO_DATABASE);
  return openPostgresStorage({ connectionString: DATABASE_URL, schema: options.schema ?? testSchema(), dropSchemaOnClose: !options.keep, maxConnections: 4 });
}

export async function dropSchema(schema: string): Promise<void> {
  const store = await openTestPostgres({ schema });
  await store.close();
}
