/**
 * Lets one large request body at a time be read and turned into a request (for an 8 MB image: read 10.7 MB, lift and
 * decode the base64, all on the one event loop). Reading several at once is no faster — the work is on the same
 * thread — but holds every body in memory together; the waiting ones stay in the kernel's socket buffers instead
 * (TCP backpressure). Measured with `npm run bench:gateway` at 8 MB × 8 in flight: peak memory per request from
 * 3.8–3.9× the payload to 2.1–2.4×, and lower latency (see bench/results/gateway.md).
 *
 * A body that arrives slowly must not hold up everyone else's (one slow or hostile client would otherwise stall
 * every large upload): a holder gives its turn up after `holdLimitMilliseconds` and goes on reading without one.
 */
export class LargeBodyGate {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly holdLimitMilliseconds: number) {}

  /**
   * Runs `read` when it is this caller's turn and ends the turn when `read` settles (or when the hold limit runs out,
   * whichever comes first). The turn is released on a later macrotask, so the caller's own continuation — parsing
   * what was read — runs before the next body is read.
   */
  async run<T>(read: () => Promise<T>): Promise<T> {
    await this.take();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      setImmediate(() => this.passOn());
    };
    const timer = setTimeout(release, this.holdLimitMilliseconds);
    timer.unref();
    try {
      return await read();
    } finally {
      release();
    }
  }

  /** How many callers wait for their turn (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private take(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private passOn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}
