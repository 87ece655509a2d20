import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AppContext } from '../../server/create-context.ts';
import type { GenerationRequest } from '../../services/generation-request.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { handleGenerationBody, withInlineBase64 } from '../inline-base64-request.ts';
import type { InlineBase64Text } from '../../input/inline-base64-text.ts';
import { validateBody } from '../parse-json-body.ts';
import { booleanField } from '../schemas/field-schemas.ts';
import { checkAogFields, dropEmptySelectors, imageToVideoBodySchema, imageToVideoRequest } from '../schemas/generation-body-schema.ts';
import { errorResponses, warningSchema } from '../schemas/response-schemas.ts';
import { fileUrl } from './file-routes.ts';

/** The AOG body plus Atelier's `async` switch. */
const bodySchema = imageToVideoBodySchema.extend({
  async: booleanField().optional().openapi({ description: 'Atelier extension: answer 202 with the task id at once instead of waiting for the video.' }),
}).openapi('AogImageToVideoRequest');

const successSchema = z.object({
  id: z.string().openapi({ description: 'Task id (the notebook treats a truthy id as success).' }),
  data: z.string().openapi({ description: 'URL of the MP4, served by Atelier with HTTP Range (never wrapped: the notebook reads it as a string).' }),
  warnings: z.array(warningSchema).openapi({ description: 'Things Atelier did that the caller may not expect (e.g. camera motion instead of a subject running).' }),
}).openapi('ImageToVideoResponse');

const acceptedSchema = z.object({
  id: z.string().openapi({ description: 'Task id; follow it with GET /v1/tasks/{id} or its events.' }),
  state: z.string(),
  task_url: z.string(),
}).openapi('ImageToVideoAccepted');

const definition = createRoute({
  method: 'post',
  path: '/aog/v0.2/services/image-to-video',
  tags: ['AOG'],
  summary: 'Animate an image into an MP4',
  description: [
    'AOG-compatible: answers {"id", "data": "<mp4 url>"} once the video exists, waiting up to the configured limit (default 10 min).',
    'When the limit runs out the answer is 504 task_wait_timeout with task_id, and the task keeps running; a client that disconnects does not stop it either.',
    'Failures are always non-2xx errors without id. With "async": true the answer is 202 with the task id at once.',
  ].join(' '),
  request: { body: { required: true, content: { 'application/json': { schema: bodySchema } } } },
  responses: {
    200: { description: 'The video', content: { 'application/json': { schema: successSchema } } },
    202: { description: 'Queued ("async": true)', content: { 'application/json': { schema: acceptedSchema } } },
    ...errorResponses(400, 402, 403, 404, 409, 413, 415, 422, 429, 500, 502, 504),
  },
});

/** Nobody reads this answer (nginx's 499 "client closed request"); it only ends the handler without an error log. */
export function clientGone(): Response {
  return new Response(null, { status: 499 });
}

export function registerAogImageToVideoRoute(app: AtelierApp, context: AppContext): void {
  defineRoute(app, definition, async (http) => {
    return handleGenerationBody(http, context.fileStore, ['image'], (body, inlineBase64) =>
      answerImageToVideo(http, context, imageToVideoRequestFrom(body, inlineBase64, context)));
  });
}

/** Submits (`async`) or runs and waits for the video; answers in AOG's shape. */
async function answerImageToVideo(http: Context, context: AppContext, { request, async }: { request: GenerationRequest; async: boolean }): Promise<Response> {
  if (async) {
    const { task } = await context.tasks.submit(request);
    const taskUrl = `${context.settings.publicUrl}/v1/tasks/${task.id}`;
    http.header('Location', taskUrl);
    return http.json({ id: task.id, state: task.state, task_url: taskUrl }, 202);
  }
  // A client that goes away only stops the waiting: the task finishes and stays retrievable (aog-compat §5.3).
  const signal = http.req.raw.signal;
  const finished = await context.tasks.run(request, { waitMilliseconds: context.settings.syncWaitMilliseconds.video, signal }).catch((error: unknown) => {
    if (signal.aborted) return undefined;
    throw error;
  });
  if (!finished) return clientGone();
  const { id, outcome } = finished;
  const video = outcome.files.find((file) => file.mediaType === 'video/mp4');
  if (!video) {
    // Never a 200 without a video (aog-compat §13 #2): the notebook would report success.
    throw new GatewayError('upstream_bad_response', { provider: 'the video provider', reason: 'the task succeeded without producing an MP4' }, { extra: { task_id: id } });
  }
  return http.json({ id, data: fileUrl(context.settings.publicUrl, video.id), warnings: outcome.warnings });
}

/** The request from the body, and whether it asks for `async`; a base64 image arrives decoded. */
function imageToVideoRequestFrom(parsed: Record<string, unknown>, inlineBase64: ReadonlyMap<string, InlineBase64Text>, context: AppContext): { request: GenerationRequest; async: boolean } {
  const raw = dropEmptySelectors(parsed);
  checkAogFields(raw);
  const body = validateBody(bodySchema, raw);
  return { request: withInlineBase64(imageToVideoRequest(body, context.defaultPolicy('image-to-video')), inlineBase64), async: body.async === true };
}
