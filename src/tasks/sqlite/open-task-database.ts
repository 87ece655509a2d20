import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { taskMigrations, type Migration } from './task-migrations.ts';

export type TaskDatabase = Database.Database;

/**
 * Opens (creating if needed) the task database and brings its schema up to date. WAL lets HTTP reads run while the
 * scheduler writes; `synchronous = NORMAL` keeps every committed transaction across a process kill (only a power
 * loss can drop the last ones), which is the failure the crash-recovery guarantee is about.
 *
 * @param path e.g. `<data-dir>/atelier.db`, or `:memory:`
 * @throws Error when the file was written by a newer Atelier (its schema version is unknown here)
 */
export function openTaskDatabase(path: string, migrations: readonly Migration[] = taskMigrations): TaskDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((database.prepare('SELECT version FROM migrations').all() as Array<{ version: number }>).map((row) => row.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  if (newest > known) {
    database.close();
    throw new Error(`${path} has schema version ${newest}, newer than this Atelier knows (${known}); upgrade Atelier or use another --data-dir`);
  }
  const record = database.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((left, right) => left.version - right.version)) {
    if (applied.has(migration.version)) continue;
    database.transaction(() => {
      database.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
  return database;
}
