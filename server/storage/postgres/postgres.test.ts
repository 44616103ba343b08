/**
 * The storage contract against PostgreSQL, when `DATABASE_URL` names one (`.ci/run` sets it to
 * the machine's server, starting it if it is down). Without it the suite is skipped, and says
 * why: it is never counted as passed.
 */
import { describe, expect, it } from 'vitest';
import { DATABASE_URL, NO_DATABASE, openTestPostgres, testSchema } from '../../../test/helpers/postgres.js';
import { describeStorageContract } from '../contract.js';
import { PG_SCHEMA_VERSION } from './index.js';

if (DATABASE_URL) {
  describeStorageContract('postgres', () => openTestPostgres());

  describe('postgres storage', () => {
    it('migrates once, however many processes start at the same moment', async () => {
      const schema = testSchema();
      const stores = await Promise.all([1, 2, 3].map(() => openTestPostgres({ schema, keep: true })));
      const { rows } = await stores[0]!.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
      await Promise.all(stores.slice(1).map((s) => s.close()));
      await stores[0]!.db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await stores[0]!.close();
    });
  });
} else {
  describe('storage contract: postgres', () => {
    it.skip(NO_DATABASE, () => undefined);
  });
}
