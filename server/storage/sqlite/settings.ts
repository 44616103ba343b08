/** The SQLite store's settings: a table of keys and text values. */
import type Database from 'better-sqlite3';
import type { Directory } from '../types.js';

/** The settings part of the `Directory` interface. */
export type SettingsMethods = Pick<Directory, 'getSetting' | 'setSetting' | 'takeSetting'>;

/**
 * Prepares the settings' statements on `db` (migrated already).
 *
 * @example
 * const settings = openSettings(db)
 * await settings.setSetting('setup-token', hash)
 */
export function openSettings(db: Database.Database): SettingsMethods {
  const stmt = {
    get: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
    set: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    delete: db.prepare('DELETE FROM settings WHERE key = ?'),
    take: db.prepare('DELETE FROM settings WHERE key = ? AND value = ?'),
  };
  return {
    async getSetting(key) {
      return (stmt.get.get(key) as string | undefined) ?? null;
    },

    async setSetting(key, value) {
      if (value === null) stmt.delete.run(key);
      else stmt.set.run(key, value);
    },

    async takeSetting(key, value) {
      return stmt.take.run(key, value).changes > 0;
    },
  };
}
