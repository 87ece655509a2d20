import { Worker } from 'node:worker_threads';
import { collectTransferables, type KernelRequest, type WorkerMessage } from './kernel-request.ts';

interface PendingJob {
  id: number;
  request: KernelRequest;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
}

interface PoolWorker {
  worker: Worker;
  job?: PendingJob;
}

export interface WorkerPoolOptions {
  /**
   * How much higher than the event loop's the worker threads' Linux nice value is, 0–19 (default 0; capped at 19).
   * Above 0, kernels yield the CPU to the event loop when every core is busy, so `/health` and new requests are
   * answered promptly while images render. Ignored on other systems, where the priority belongs to the whole
   * process (the event loop would be slowed too).
   */
  niceness?: number;
}

/**
 * A fixed-size pool of worker threads for per-pixel JS kernels, so the event loop (and /health) stays responsive
 * while images are processed. Jobs queue in FIFO order; an aborted job that has not started is dropped, a started
 * one runs to completion (kernels are short) and its result is discarded.
 *
 * @throws RangeError when `size` is not a positive integer or `niceness` not an integer 0–19
 */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closed = false;
  private readonly niceness: number;

  constructor(readonly size: number, options: WorkerPoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
    this.niceness = options.niceness ?? 0;
    if (!Number.isInteger(this.niceness) || this.niceness < 0 || this.niceness > 19) {
      throw new RangeError(`worker pool niceness must be an integer between 0 and 19, got ${options.niceness}`);
    }
  }

  /** Runs `request` on a worker thread; resolves with the kernel's return value. */
  run<Output>(request: KernelRequest, signal?: AbortSignal): Promise<Output> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<Output>((resolve, reject) => {
      const job: PendingJob = { id: this.nextId++, request, resolve: resolve as (value: unknown) => void, reject, signal };
      signal?.addEventListener('abort', () => this.dropQueued(job), { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Waits for running jobs, then stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('worker pool closed'));
    while (this.workers.some((entry) => entry.job)) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(this.workers.map((entry) => entry.worker.terminate()));
    this.workers.length = 0;
  }

  private dropQueued(job: PendingJob): void {
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      job.reject(job.signal?.reason ?? new Error('aborted'));
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.workers.find((entry) => !entry.job) ?? this.spawn();
      if (!idle) return;
      const job = this.queue.shift()!;
      idle.job = job;
      // Keep the process alive while a job runs (a CLI has nothing else holding the event loop); idle workers don't.
      idle.worker.ref();
      idle.worker.postMessage({ id: job.id, request: job.request }, collectTransferables(job.request.input));
    }
  }

  private spawn(): PoolWorker | undefined {
    if (this.workers.length >= this.size) return undefined;
    const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData: { niceness: this.niceness } });
    const entry: PoolWorker = { worker };
    worker.on('message', (message: WorkerMessage) => this.finish(entry, message));
    worker.on('error', (error) => this.crash(entry, error));
    worker.unref();
    this.workers.push(entry);
    return entry;
  }

  private finish(entry: PoolWorker, message: WorkerMessage): void {
    const job = entry.job;
    entry.job = undefined;
    entry.worker.unref();
    if (job && job.id === message.id) {
      if (message.ok) job.resolve(message.output);
      else job.reject(Object.assign(new Error(message.error.message), { name: message.error.name, stack: message.error.stack }));
    }
    this.dispatch();
  }

  private crash(entry: PoolWorker, error: Error): void {
    const job = entry.job;
    this.workers.splice(this.workers.indexOf(entry), 1);
    job?.reject(error);
    if (!this.closed) this.dispatch();
  }
}
