/**
 * Preloaded into the server by `bench/health-under-load-bench.ts` (NODE_OPTIONS=--import <this file>): measures the
 * server's own event-loop delay, so a slow health answer can be told apart from a slow client or a busy machine.
 * SIGUSR2 appends the histogram since the previous SIGUSR2 (ms) as one JSON line to ATELIER_EVENT_LOOP_PROBE_FILE
 * and starts a new one. Plain JavaScript: it loads before tsx.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.ATELIER_EVENT_LOOP_PROBE_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  histogram.enable();
  let utilisationStart = performance.eventLoopUtilization();
  process.on('SIGUSR2', () => {
    // Utilisation = share of wall time the loop was running JS or native callbacks (not waiting for I/O). High delay
    // with low utilisation means the thread was waiting for a CPU, not blocked by our own code.
    const utilisation = performance.eventLoopUtilization(utilisationStart).utilization;
    utilisationStart = performance.eventLoopUtilization();
    const toMilliseconds = (nanoseconds) => Math.round(nanoseconds / 1e4) / 100;
    appendFileSync(file, `${JSON.stringify({
      p50: toMilliseconds(histogram.percentile(50)), p99: toMilliseconds(histogram.percentile(99)), max: toMilliseconds(histogram.max),
      utilisation: Math.round(utilisation * 1000) / 1000,
    })}\n`);
    histogram.reset();
  });
}
