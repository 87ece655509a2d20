import type { Statement } from 'better-sqlite3';
import type { ClaimOptions, StalledOptions, TaskQueue } from '../task-queue.ts';
import type { QueueEntry } from '../task-record.ts';
import type { TaskDatabase } from './open-task-database.ts';

interface QueueRow {
  task_id: string;
  provider_id: string;
  available_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

/**
 * `TaskQueue` on the `task_queue` table. A claim is a select-then-update inside one `IMMEDIATE` transaction, so two
 * schedulers on one file never lease the same entry.
 */
export class SqliteTaskQueue implements TaskQueue {
  private readonly statements: {
    enqueue: Statement;
    renew: Statement;
    release: Statement;
    remove: Statement;
    get: Statement<[string], QueueRow>;
    size: Statement<[], { count: number }>;
    lease: Statement;
  };

  constructor(private readonly database: TaskDatabase) {
    this.statements = {
      enqueue: database.prepare(`INSERT INTO task_queue (task_id, provider_id, available_at, enqueued_order)
        VALUES (?, ?, ?, (SELECT COALESCE(MAX(enqueued_order), 0) + 1 FROM task_queue)) ON CONFLICT (task_id) DO NOTHING`),
      renew: database.prepare('UPDATE task_queue SET lease_expires_at = ? WHERE task_id = ? AND lease_owner = ?'),
      release: database.prepare('UPDATE task_queue SET lease_owner = NULL, lease_expires_at = NULL, available_at = ? WHERE task_id = ? AND lease_owner = ?'),
      remove: database.prepare('DELETE FROM task_queue WHERE task_id = ?'),
      get: database.prepare('SELECT * FROM task_queue WHERE task_id = ?'),
      size: database.prepare('SELECT COUNT(*) AS count FROM task_queue'),
      lease: database.prepare('UPDATE task_queue SET lease_owner = ?, lease_expires_at = ? WHERE task_id = ?'),
    };
  }

  async enqueue(entry: Omit<QueueEntry, 'lease'>): Promise<void> {
    this.statements.enqueue.run(entry.taskId, entry.providerId, entry.availableAt);
  }

  /** Statements whose SQL depends on how many providers are excluded, prepared once per count. */
  private readonly byExclusions = new Map<string, Statement>();

  private statementFor(kind: 'claim' | 'next', excluded: number): Statement {
    const key = `${kind}:${excluded}`;
    let statement = this.byExclusions.get(key);
    if (!statement) {
      const exclusion = excluded > 0 ? `AND provider_id NOT IN (${Array.from({ length: excluded }, () => '?').join(', ')})` : '';
      statement = this.database.prepare(kind === 'claim'
        ? `SELECT * FROM task_queue WHERE lease_owner IS NULL AND available_at <= ? ${exclusion} ORDER BY available_at, enqueued_order LIMIT 1`
        : `SELECT MIN(available_at) AS earliest FROM task_queue WHERE lease_owner IS NULL AND available_at > ? ${exclusion}`);
      this.byExclusions.set(key, statement);
    }
    return statement;
  }

  async claim(options: ClaimOptions): Promise<QueueEntry | undefined> {
    const excluded = options.excludeProviders;
    const select = this.statementFor('claim', excluded.length);
    return this.database.transaction(() => {
      const row = select.get(options.now, ...excluded) as QueueRow | undefined;
      if (!row) return undefined;
      const expiresAt = options.now + options.leaseMilliseconds;
      this.statements.lease.run(options.owner, expiresAt, row.task_id);
      return toEntry({ ...row, lease_owner: options.owner, lease_expires_at: expiresAt });
    }).immediate();
  }

  async renew(taskId: string, owner: string, leaseMilliseconds: number, now: number): Promise<boolean> {
    return this.statements.renew.run(now + leaseMilliseconds, taskId, owner).changes === 1;
  }

  async release(taskId: string, owner: string, availableAt: number): Promise<boolean> {
    return this.statements.release.run(availableAt, taskId, owner).changes === 1;
  }

  async remove(taskId: string): Promise<void> {
    this.statements.remove.run(taskId);
  }

  async requeueStalled(options: StalledOptions): Promise<string[]> {
    const foreignOwner = options.releaseForeignLeases?.owner;
    return this.database.transaction(() => {
      const rows = (foreignOwner === undefined
        ? this.database.prepare('SELECT task_id FROM task_queue WHERE lease_owner IS NOT NULL AND lease_expires_at <= ?').all(options.now)
        : this.database.prepare('SELECT task_id FROM task_queue WHERE lease_owner IS NOT NULL AND (lease_expires_at <= ? OR lease_owner <> ?)').all(options.now, foreignOwner)
      ) as Array<{ task_id: string }>;
      const clear = this.database.prepare('UPDATE task_queue SET lease_owner = NULL, lease_expires_at = NULL WHERE task_id = ?');
      for (const row of rows) clear.run(row.task_id);
      return rows.map((row) => row.task_id);
    }).immediate();
  }

  async nextAvailableAt(after: number, excludeProviders: readonly string[]): Promise<number | undefined> {
    const row = this.statementFor('next', excludeProviders.length).get(after, ...excludeProviders) as { earliest: number | null };
    return row.earliest ?? undefined;
  }

  async get(taskId: string): Promise<QueueEntry | undefined> {
    const row = this.statements.get.get(taskId);
    return row && toEntry(row);
  }

  async size(): Promise<number> {
    return this.statements.size.get()!.count;
  }
}

function toEntry(row: QueueRow): QueueEntry {
  const entry: QueueEntry = { taskId: row.task_id, providerId: row.provider_id, availableAt: row.available_at };
  if (row.lease_owner !== null && row.lease_expires_at !== null) entry.lease = { owner: row.lease_owner, expiresAt: row.lease_expires_at };
  return entry;
}
