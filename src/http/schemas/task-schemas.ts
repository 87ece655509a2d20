import { z } from '@hono/zod-openapi';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { ServiceName } from '../../providers/spec/generation-call.ts';
import { taskStates } from '../../tasks/task-record.ts';
import { imageToImageBodySchema, imageToVideoBodySchema } from './generation-body-schema.ts';
import { text } from './field-schemas.ts';
import { warningSchema } from './response-schemas.ts';

export const serviceNames = ['image-to-image', 'image-to-video'] as const satisfies readonly ServiceName[];

const webhookUrlField = text(2048).optional().openapi({
  description: 'Receives a signed POST when the task ends (Atelier-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">; see docs/architecture.md §Tasks).',
  example: 'https://example.com/hooks/atelier',
});

/** `POST /v1/tasks` for image-to-image: the AOG route's fields plus `service` and `webhook_url`. */
export const imageToImageTaskBodySchema = imageToImageBodySchema.extend({
  service: z.literal('image-to-image'),
  webhook_url: webhookUrlField,
}).openapi('ImageToImageTaskRequest');

/** `POST /v1/tasks` for image-to-video: the AOG route's fields plus `service` and `webhook_url`. */
export const imageToVideoTaskBodySchema = imageToVideoBodySchema.extend({
  service: z.literal('image-to-video'),
  webhook_url: webhookUrlField,
}).openapi('ImageToVideoTaskRequest');

export const createTaskBodySchema = z.discriminatedUnion('service', [imageToImageTaskBodySchema, imageToVideoTaskBodySchema]).openapi('CreateTaskRequest');

/** Whether `value` names a service Atelier serves. */
export function isServiceName(value: unknown): value is ServiceName {
  return typeof value === 'string' && (serviceNames as readonly string[]).includes(value);
}

/** Reads `service` first, so a wrong value gets the one-sentence error instead of a union mismatch. */
export function serviceOf(body: Record<string, unknown>): ServiceName {
  const service = body.service;
  if (!isServiceName(service)) {
    throw new GatewayError('parameter_invalid', { parameter: 'service', expected: `one of: ${serviceNames.join(', ')}`, received: describeReceived(service) });
  }
  return service;
}

export const taskResourceSchema = z.object({
  id: z.string().openapi({ description: 'Task id (UUIDv7; ids sort by creation time).' }),
  object: z.literal('task'),
  service: z.enum(serviceNames),
  state: z.enum(taskStates as [string, ...string[]]).openapi({ description: 'queued → running → succeeded | failed | canceled (a retry goes back to queued).' }),
  provider: z.string().openapi({ description: 'The provider running the task, or the one that served it (after a fallback: the fallback).' }),
  model: z.string(),
  requested_model: z.string().optional().openapi({ description: 'The model name the client sent, when it differs from the one that runs.' }),
  progress: z.number().int().min(0).max(100),
  attempts: z.number().int().openapi({ description: 'Submissions to provider so far (retries included; resumed polling is not an attempt). Each fallback provider starts again at 0; failed_providers holds the earlier counts.' }),
  created_at: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  deadline_at: z.string().openapi({ description: 'After this the task fails with task_deadline_exceeded.' }),
  outputs: z.array(z.object({
    url: z.string(), media_type: z.string(), size: z.number().int(),
    seed: z.number().int().optional().openapi({ description: 'Reproduces this output when sent back as seed with n = 1 (embedded engine).' }),
  })),
  applied: z.array(z.string()).optional().openapi({ description: 'What the embedded engine understood and applied, in order (catalogue or motion ids).', example: ['watercolor', 'brighter'] }),
  warnings: z.array(warningSchema),
  usage: z.object({ images: z.number().optional(), video_seconds: z.number().optional() }).optional(),
  error: z.object({
    code: z.string(), message: z.string(), business_code: z.number().int(), retryable: z.boolean(), provider_code: z.string().optional(),
  }).optional().openapi({ description: 'Why the task failed (state failed).' }),
  last_error: z.object({ code: z.string(), message: z.string() }).optional().openapi({ description: 'The failure a queued retry follows.' }),
  failed_providers: z.array(z.object({
    provider: z.string(), model: z.string(), attempts: z.number().int(), error: z.object({ code: z.string(), message: z.string() }), failed_at: z.string(),
  })).optional().openapi({ description: 'Providers of the fallback chain that failed before provider took over, oldest first (absent when no fallback happened).' }),
  webhook: z.object({ url: z.string(), state: z.string(), attempts: z.number().int() }).optional(),
  links: z.object({ self: z.string(), events: z.string(), cancel: z.string() }),
}).openapi('Task');

export const taskListSchema = z.object({
  object: z.literal('list'),
  data: z.array(taskResourceSchema),
  next_cursor: z.string().nullable().openapi({ description: 'Pass as cursor for the next (older) page; null on the last page.' }),
}).openapi('TaskList');

export const taskIdParameters = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '0190f5e2-7c1a-7b3e-9a51-3f2d8e4b6c10' }) });

export const taskListQuery = z.object({
  state: z.enum(taskStates as [string, ...string[]]).optional(),
  service: z.enum(serviceNames).optional(),
  limit: z.string().optional().openapi({ description: '1–100 (default 20).' }),
  cursor: z.string().optional(),
});

/**
 * Parses `Prefer: wait=N` (RFC 7240; other preferences in the header are ignored). A malformed or out-of-range
 * wait is refused rather than clamped.
 *
 * @returns milliseconds to wait, or undefined when the header asks for no wait
 */
export function parsePreferWait(header: string | undefined, maximumSeconds: number): number | undefined {
  if (!header) return undefined;
  for (const preference of header.split(',')) {
    const [name, ...rest] = preference.split('=');
    if (name.trim().toLowerCase() !== 'wait') continue;
    const value = rest.join('=').trim().replace(/^"|"$/g, '');
    const seconds = Number(value);
    if (!/^\d+$/.test(value) || seconds > maximumSeconds) {
      throw new GatewayError('parameter_invalid', { parameter: 'Prefer: wait', expected: `an integer number of seconds between 0 and ${maximumSeconds}`, received: describeReceived(value) });
    }
    return seconds * 1000;
  }
  return undefined;
}
