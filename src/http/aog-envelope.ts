import { z } from '@hono/zod-openapi';

/**
 * AOG's control-plane answer: `{"business_code","message"[, "data"]}` (aog-compat §9). AOG serialises no `data` when
 * a route has none (install, PUT service), so it is left out rather than sent as null.
 */
export function aogEnvelope(businessCode: number, message: string, data?: unknown) {
  return { business_code: businessCode, message, ...(data === undefined ? {} : { data }) };
}

export const aogEnvelopeSchema = z.object({ business_code: z.number(), message: z.string(), data: z.unknown().optional() });
