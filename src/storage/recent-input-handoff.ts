/** Defaults: room for eight 8 MB inputs in flight, and long enough for a task that starts as soon as it is queued. */
const defaultMaxBytes = 64 * 1024 * 1024;
const defaultTimeToLiveMilliseconds = 10_000;

/**
 * Input bytes just written to the file store, kept briefly so that the task that runs right away in this process
 * gets them without reading the file back (for an 8 MB image: a ~3 ms read and one more 8 MB buffer per request).
 * Only a shortcut: the file is written before an entry exists and stays the truth — crash recovery, retries and
 * every later read go to disk. Each entry is handed out once (the first `claim` takes it), and dropped after
 * `timeToLiveMilliseconds` or when the total would pass `maxBytes` (oldest first), so an input whose task waits in
 * the queue costs no memory for longer than that.
 */
export class RecentInputHandoff {
  private readonly entries = new Map<string, { bytes: Buffer; timer: NodeJS.Timeout }>();
  private totalBytes = 0;
  private readonly maxBytes: number;
  private readonly timeToLiveMilliseconds: number;

  /**
   * @param options.maxBytes total bytes held at most (default 64 MiB)
   * @param options.timeToLiveMilliseconds how long an unclaimed entry is kept (default 10 000 ms)
   */
  constructor(options: { maxBytes?: number; timeToLiveMilliseconds?: number } = {}) {
    this.maxBytes = options.maxBytes ?? defaultMaxBytes;
    this.timeToLiveMilliseconds = options.timeToLiveMilliseconds ?? defaultTimeToLiveMilliseconds;
  }

  /** Keeps `bytes` (the exact content of the stored file `id`) for one `claim`. Larger than the budget: not kept. */
  offer(id: string, bytes: Buffer): void {
    this.drop(id);
    if (bytes.byteLength > this.maxBytes) return;
    for (const oldest of this.entries.keys()) {
      if (this.totalBytes + bytes.byteLength <= this.maxBytes) break;
      this.drop(oldest);
    }
    const timer = setTimeout(() => this.drop(id), this.timeToLiveMilliseconds);
    timer.unref();
    this.entries.set(id, { bytes, timer });
    this.totalBytes += bytes.byteLength;
  }

  /** The bytes offered for `id`, once; undefined when there are none (never offered, claimed, expired, evicted). */
  claim(id: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (entry) this.drop(id);
    return entry?.bytes;
  }

  drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    this.totalBytes -= entry.bytes.byteLength;
  }

  /** Bytes currently held (for tests and diagnostics). */
  get heldBytes(): number {
    return this.totalBytes;
  }
}
