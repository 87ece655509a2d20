import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../server/create-context.ts';
import type { GenerationRequest } from '../../services/generation-request.ts';
import type { JobOutcome } from '../../services/run-job.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { handleGenerationBody, inlineBase64Fields, withInlineBase64 } from '../inline-base64-request.ts';
import type { InlineBase64Text } from '../../input/inline-base64-text.ts';
import { validateBody } from '../parse-json-body.ts';
import { errorResponses, warningSchema } from '../schemas/response-schemas.ts';
import { checkAogFields, dropEmptySelectors, imageToImageBodySchema, imageToImageRequest } from '../schemas/generation-body-schema.ts';
import { fileUrl } from './file-routes.ts';

const resultSchema = z.object({
  id: z.string().openapi({ description: 'Task id.' }),
  url: z.array(z.string()).openapi({ description: 'Result URLs served by Atelier (GET /v1/files/{id}); they stay valid for the retention period (--retention, 30 days by default).' }),
  local_path: z.array(z.string()).openapi({ description: 'The same results as files on the Atelier machine (AOG\'s convention for local services).' }),
  seeds: z.array(z.number().int()).optional().openapi({
    description: 'Atelier extension: seeds[k] reproduces url[k] when sent back as seed with n = 1. Present when the provider reports seeds (the embedded engine always does).',
    example: [1234, 1235],
  }),
});

const successSchema = resultSchema.extend({
  business_code: z.literal(200).openapi({ description: 'Read by the AOG notebook.' }),
  message: z.literal('success'),
  data: resultSchema.openapi({ description: 'Read by the AOG notebook (data.url) and the Node SDK (data).' }),
  applied: z.array(z.string()).optional().openapi({
    description: 'Atelier extension: what the embedded engine understood and applied, style first then edits (catalogue ids from GET /v1/styles; inpainting steps with a mask). Absent for cloud providers.',
    example: ['watercolor', 'brighter'],
  }),
  warnings: z.array(warningSchema).openapi({ description: 'Things Atelier did that the caller may not expect.' }),
}).openapi('ImageToImageResponse');

const definition = createRoute({
  method: 'post',
  path: '/aog/v0.2/services/image-to-image',
  tags: ['AOG'],
  summary: 'Transform an image (style transfer, edits, mask inpainting)',
  description: 'AOG-compatible. The success body satisfies both AOG clients at once: the notebook reads business_code and data.url, the Node SDK reads top-level id and url.',
  request: { body: { required: true, content: { 'application/json': { schema: imageToImageBodySchema } } } },
  responses: {
    200: { description: 'Images produced', content: { 'application/json': { schema: successSchema } } },
    // 402, 409 and 422 too: the answer is the task's own error (quota, cancel, refused content) when it fails.
    ...errorResponses(400, 402, 403, 404, 409, 413, 415, 422, 429, 500, 502, 504),
  },
});

/**
 * Shapes an outcome as AOG's image-to-image response, in the configured compatibility mode. `seeds` (per result,
 * next to `url`) and `applied` (top level, next to `warnings`) are additions: AOG clients ignore unknown fields.
 */
export function imageToImageResponse(id: string, outcome: JobOutcome, context: AppContext): Record<string, unknown> {
  const url = outcome.files.map((file) => fileUrl(context.settings.publicUrl, file.id));
  const result = { id, url, local_path: outcome.files.map((file) => file.path), ...(outcome.seeds ? { seeds: outcome.seeds } : {}) };
  const wrapped = { business_code: 200, message: 'success', data: result };
  const mode = context.settings.imageToImageResponse;
  const body = mode === 'raw' ? result : mode === 'wrapped' ? wrapped : { ...wrapped, ...result };
  return { ...body, ...(outcome.applied ? { applied: outcome.applied } : {}), warnings: outcome.warnings };
}

export function registerAogImageToImageRoute(app: AtelierApp, context: AppContext): void {
  defineRoute(app, definition, async (http) => {
    const { id, outcome } = await handleGenerationBody(http, context.fileStore, inlineBase64Fields, (body, inlineBase64) =>
      context.generation.run(imageToImageRequestFrom(body, inlineBase64, context), { waitMilliseconds: context.settings.syncWaitMilliseconds.image }));
    return http.json(imageToImageResponse(id, outcome, context));
  });
}

/** The request from the body; a base64 image or mask arrives decoded (read from the body's bytes as they came). */
function imageToImageRequestFrom(body: Record<string, unknown>, inlineBase64: ReadonlyMap<string, InlineBase64Text>, context: AppContext): GenerationRequest {
  const raw = dropEmptySelectors(body);
  checkAogFields(raw);
  return withInlineBase64(imageToImageRequest(validateBody(imageToImageBodySchema, raw), context.defaultPolicy('image-to-image')), inlineBase64);
}
