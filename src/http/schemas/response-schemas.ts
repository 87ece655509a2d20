import { z } from '@hono/zod-openapi';

export const warningSchema = z.object({
  type: z.enum(['unsupported', 'substituted', 'fallback', 'other']),
  feature: z.string(),
  details: z.string(),
}).openapi('Warning');

export const errorBodySchema = z.object({
  business_code: z.number().int().openapi({ description: 'AOG business code (AOG numbers where AOG has the condition; 150000–159999 for Atelier\'s own).' }),
  message: z.string().openapi({ description: 'What went wrong and what to do.' }),
  code: z.string().openapi({ description: 'Stable Atelier error code, see docs/errors.md.' }),
  retryable: z.boolean(),
  task_id: z.string().optional().openapi({ description: 'Present when a task exists for the failed request.' }),
}).openapi('Error');

/** Standard error responses to attach to a route definition. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: 'Error (see docs/errors.md)', content: { 'application/json': { schema: errorBodySchema } } }]),
  );
}
