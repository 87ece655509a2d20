/**
 * Holds the event loop open until `work` settles. The worker pool unrefs its threads (an idle pool must not keep a
 * CLI alive), so while a job waits for a worker's reply nothing else may be keeping Node running: a script that
 * awaits `editImage` at top level would otherwise exit mid-job with "unsettled top-level await".
 */
export async function keepAliveWhile<Result>(work: Promise<Result>): Promise<Result> {
  const timer = setInterval(() => undefined, 1 << 30);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
