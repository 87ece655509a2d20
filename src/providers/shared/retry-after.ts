/**
 * Reads a `Retry-After` header (seconds, or an HTTP date) as milliseconds from `now`.
 * Returns undefined when absent or unreadable; never negative. Capped at `maxMs` (default 5 minutes) because a
 * misbehaving provider must not park a job for a day.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date, maxMs = 5 * 60_000): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let milliseconds: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    milliseconds = Number(trimmed) * 1000;
  } else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    milliseconds = date - now.getTime();
  }
  return Math.min(Math.max(0, Math.round(milliseconds)), maxMs);
}
