/** The PostgreSQL store's settings: a table of keys and text values. */
import type { Directory } from '../types.js';
import type { PgDb } from './db.js';

export const SETTINGS_SCHEMA = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** The settings part of the `Directory` interface. */
export type SettingsMethods = Pick<Directory, 'getSetting' | 'setSetting' | 'takeSetting'>;

/**
 * @example
 * const settings = openSettings(db)
 * await settings.setSetting('setup-token', hash)
 */
export function openSettings(db: PgDb): SettingsMethods {
  return {
    async getSetting(key) {
      const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]?.value ?? null;
    },

    async setSetting(key, value) {
      if (value === null) await db.query('DELETE FROM settings WHERE key = $1', [key]);
      else await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
    },

    async takeSetting(key, value) {
      // One statement: of two concurrent takes, the row is deleted by exactly one.
      const { rowCount } = await db.query('DELETE FROM settings WHERE key = $1 AND value = $2', [key, value]);
      return (rowCount ?? 0) > 0;
    },
  };
}
