import type { Logger } from '../../logging/logger.ts';
import { backoffDelay, type BackoffOptions } from '../../providers/shared/backoff.ts';
import { isTerminal, type TaskRecord } from '../task-record.ts';
import { toTaskResource } from '../task-resource.ts';
import type { TaskStore } from '../task-store.ts';
import type { TaskEndListener } from '../task-scheduler.ts';
import { postWebhook, type WebhookPostOptions } from './post-webhook.ts';
import { signWebhook, webhookHeaders } from './webhook-signature.ts';

export interface WebhookDispatcherOptions extends WebhookPostOptions {
  secret: string;
  /** Base of URLs inside the payload. */
  publicUrl: string;
  /** Delivery attempts per task, first included (default 6). */
  maxAttempts?: number;
  /** Delay between attempts (default base 2 s, max 5 min: about 10 minutes in total). */
  backoff?: BackoffOptions;
  now?: () => number;
  /** Injectable for tests. */
  post?: typeof postWebhook;
}

/**
 * Delivers completion webhooks in the background: signed (see `signWebhook`), retried with backoff, with the
 * delivery state persisted on the task so a restart carries on where it stopped. The task never waits for it.
 */
export class WebhookDispatcher implements TaskEndListener {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Tasks whose delivery is armed or running: one chain of attempts per task. A task that ends while start-up
   * recovery lists the pending ones is both announced and listed; without this it would be posted twice.
   */
  private readonly delivering = new Set<string>();
  private closed = false;

  constructor(private readonly store: TaskStore, private readonly logger: Logger, private readonly options: WebhookDispatcherOptions) {}

  taskEnded(task: TaskRecord): void {
    if (task.webhook?.state === 'pending') this.deliver(task.id, 0);
  }

  /** Re-arms deliveries that were pending when the previous process stopped. */
  async resumePending(): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ webhookState: 'pending', limit: 500, cursor });
      for (const task of page.tasks) {
        if (!isTerminal(task.state)) continue;
        count++;
        this.deliver(task.id, Math.max(0, (task.webhook?.nextAttemptAt ?? 0) - this.now()));
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return count;
  }

  /** Stops retry timers and waits for deliveries in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts the delivery of a task's webhook, unless one is already armed or running. */
  private deliver(taskId: string, delayMilliseconds: number): void {
    if (this.delivering.has(taskId)) return;
    this.delivering.add(taskId);
    this.arm(taskId, delayMilliseconds);
  }

  /** The next attempt of a delivery this dispatcher owns; the chain ends (and forgets the task) when no retry follows. */
  private arm(taskId: string, delayMilliseconds: number): void {
    if (this.closed) {
      this.delivering.delete(taskId);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const attempt = this.attempt(taskId)
        .then((retryInMilliseconds) => {
          if (retryInMilliseconds === undefined) this.delivering.delete(taskId);
          else this.arm(taskId, retryInMilliseconds);
        })
        .catch((error: unknown) => {
          this.delivering.delete(taskId);
          this.logger.error('webhook delivery crashed', { taskId, error });
        });
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
    }, delayMilliseconds);
    timer.unref();
    this.timers.add(timer);
  }

  /** One attempt; resolves with the delay before the next one, or undefined when there is none to make. */
  private async attempt(taskId: string): Promise<number | undefined> {
    const task = await this.store.get(taskId);
    const webhook = task?.webhook;
    if (!task || !webhook || webhook.state !== 'pending') return undefined;
    const body = JSON.stringify({ event: 'task-end', task: toTaskResource(task, this.options.publicUrl) });
    const timestamp = Math.floor(this.now() / 1000);
    const headers = {
      [webhookHeaders.signature]: signWebhook(this.options.secret, timestamp, body),
      [webhookHeaders.id]: task.id,
      [webhookHeaders.event]: 'task-end',
    };
    const attempts = webhook.attempts + 1;
    try {
      await (this.options.post ?? postWebhook)(webhook.url, body, headers, this.options);
      await this.store.update(task.id, { webhook: { ...webhook, state: 'delivered', attempts, deliveredAt: new Date(this.now()).toISOString(), nextAttemptAt: undefined, lastError: undefined } });
      this.logger.info('webhook delivered', { taskId, attempts });
      return undefined;
    } catch (error) {
      const lastError = error instanceof Error ? error.message : String(error);
      const maxAttempts = this.options.maxAttempts ?? 6;
      if (attempts >= maxAttempts) {
        await this.store.update(task.id, { webhook: { ...webhook, state: 'failed', attempts, lastError, nextAttemptAt: undefined } });
        this.logger.warn('webhook delivery gave up', { taskId, attempts, lastError });
        return undefined;
      }
      const delayMilliseconds = backoffDelay(attempts - 1, this.options.backoff ?? { baseMs: 2000, maxMs: 300_000 });
      await this.store.update(task.id, { webhook: { ...webhook, attempts, lastError, nextAttemptAt: this.now() + delayMilliseconds } });
      this.logger.info('webhook delivery failed; will retry', { taskId, attempts, delayMilliseconds, lastError });
      return delayMilliseconds;
    }
  }
}
