import type { UpstreamFailureKind } from './upstream-failure.ts';

/**
 * Classifies an error thrown by `fetch` before any response arrived. Only ECONNREFUSED proves that the provider
 * never saw the request (nothing was listening); resets and DNS failures after connecting may not.
 */
export function networkErrorKind(error: unknown): { kind: Extract<UpstreamFailureKind, 'connection-refused' | 'network'>; reason: string } {
  const code = findErrorCode(error);
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused', reason: 'connection refused' };
  return { kind: 'network', reason: code ? `network error ${code}` : 'network error' };
}

function findErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string' && /^E[A-Z_]+$/.test(record.code)) return record.code;
  if (Array.isArray(record.errors)) {
    // happy-eyeballs: every address refused → refused; otherwise the first code found.
    const codes = record.errors.map((inner) => findErrorCode(inner, depth + 1));
    if (codes.length > 0 && codes.every((inner) => inner === 'ECONNREFUSED')) return 'ECONNREFUSED';
    // Mixed: some address may have accepted the connection, so report the first non-refusal.
    const other = codes.find((inner) => inner !== undefined && inner !== 'ECONNREFUSED');
    if (other) return other;
  }
  return findErrorCode(record.cause, depth + 1);
}
