import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a webhook delivery (documented in docs/architecture.md §Tasks). */
export const webhookHeaders = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
  signature: 'atelier-signature',
  /** The task id: the same for every retry of one delivery, so receivers can drop duplicates. */
  id: 'atelier-webhook-id',
  /** The event name, `task-end`. */
  event: 'atelier-webhook-event',
} as const;

/**
 * Signs a webhook body: HMAC-SHA256 with the shared secret over `"<timestamp>.<body>"`. Including the timestamp in
 * the signed text lets receivers refuse replays of old deliveries.
 *
 * @param timestampSeconds Unix seconds
 * @returns the `Atelier-Signature` header value, e.g. `t=1718000000,v1=5f2b…`
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

export interface VerifyOptions {
  secret: string;
  /** The `Atelier-Signature` header. */
  header: string | undefined | null;
  /** The raw request body, exactly as received. */
  body: string;
  /** Unix seconds; default now. */
  nowSeconds?: number;
  /** Largest accepted clock difference (default 300 s). */
  toleranceSeconds?: number;
}

/**
 * Checks a delivery the way a receiver should: parse, recompute, compare in constant time, and refuse timestamps
 * outside the tolerance. Exported for receivers written in TypeScript and for the tests.
 */
export function verifyWebhookSignature(options: VerifyOptions): boolean {
  if (!options.header) return false;
  const fields = new Map<string, string[]>();
  for (const part of options.header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const key = part.slice(0, separator).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(separator + 1).trim()]);
  }
  const timestamp = Number(fields.get('t')?.[0]);
  if (!Number.isInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(options.secret, timestamp, options.body).split('v1=')[1], 'hex');
  // Several v1 values may be present while a secret is being rotated: any match is enough.
  return (fields.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
