import type { Context } from 'hono';
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { AppContext } from '../../server/create-context.ts';
import type { TaskStreamEvent } from '../../tasks/task-generation-service.ts';
import { isTerminal, taskStates, type TaskRecord, type TaskState } from '../../tasks/task-record.ts';
import { toTaskResource } from '../../tasks/task-resource.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { clientGone } from './aog-image-to-video-route.ts';
import { handleGenerationBody, inlineBase64Fields, withInlineBase64 } from '../inline-base64-request.ts';
import { validateBody } from '../parse-json-body.ts';
import type { InlineBase64Text } from '../../input/inline-base64-text.ts';
import { checkAogFields, dropEmptySelectors, imageToImageRequest, imageToVideoRequest } from '../schemas/generation-body-schema.ts';
import { errorResponses } from '../schemas/response-schemas.ts';
import {
  createTaskBodySchema, imageToImageTaskBodySchema, imageToVideoTaskBodySchema, parsePreferWait, serviceOf,
  taskIdParameters, taskListQuery, taskListSchema, taskResourceSchema,
} from '../schemas/task-schemas.ts';

const taskContent = { 'application/json': { schema: taskResourceSchema } };

const createDefinition = createRoute({
  method: 'post',
  path: '/v1/tasks',
  tags: ['Tasks'],
  summary: 'Submit a task (image-to-image or image-to-video)',
  description: [
    'Answers 202 with the queued task. `Prefer: wait=N` holds the request up to N seconds and answers 200 when the task ended by then.',
    'A parameter the chosen model cannot take (a range, a provider option, a video resolution or duration) is a 400 before any task exists, as on the AOG routes.',
    '`Idempotency-Key`: the same key with the same body returns the same task (header `Idempotent-Replayed: true`); the same key with another body is 409.',
  ].join(' '),
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({ description: '1–255 visible ASCII characters.' }),
      prefer: z.string().optional().openapi({ description: 'wait=N (seconds).', example: 'wait=30' }),
    }),
    body: { required: true, content: { 'application/json': { schema: createTaskBodySchema } } },
  },
  responses: {
    200: { description: 'The task has ended: within the Prefer: wait time, or before an Idempotency-Key replay', content: taskContent },
    202: { description: 'The task is queued or running', content: taskContent },
    ...errorResponses(400, 403, 404, 409, 413, 415, 503),
  },
});

const getDefinition = createRoute({
  method: 'get', path: '/v1/tasks/{id}', tags: ['Tasks'], summary: 'Read a task',
  request: { params: taskIdParameters },
  responses: { 200: { description: 'The task', content: taskContent }, ...errorResponses(404) },
});

const listDefinition = createRoute({
  method: 'get', path: '/v1/tasks', tags: ['Tasks'], summary: 'List tasks, newest first, with cursor pagination',
  request: { query: taskListQuery },
  responses: { 200: { description: 'A page of tasks', content: { 'application/json': { schema: taskListSchema } } }, ...errorResponses(400) },
});

const cancelDefinition = createRoute({
  method: 'post', path: '/v1/tasks/{id}/cancel', tags: ['Tasks'], summary: 'Cancel a task',
  description: 'Queued: canceled at once. Running: canceled at the provider where it can be, otherwise marked canceled and its result discarded. Canceling a canceled task returns it unchanged.',
  request: { params: taskIdParameters },
  responses: { 200: { description: 'The canceled task', content: taskContent }, ...errorResponses(404, 409) },
});

const eventsDefinition = createRoute({
  method: 'get', path: '/v1/tasks/{id}/events', tags: ['Tasks'], summary: 'Follow a task (Server-Sent Events)',
  description: [
    'Events: `task-state` (the task now, sent first), `task-start`, `task-progress` (`{"id","progress"}`, 0–100), `task-retry`,',
    'and `task-end` (the final task), after which the stream closes. Every other event carries the task resource. Comment lines keep idle connections open.',
  ].join(' '),
  request: { params: taskIdParameters },
  responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses(404) },
});

/** Heartbeat interval on idle event streams, so proxies do not close them. */
const heartbeatMilliseconds = 15_000;

export function registerTaskRoutes(app: AtelierApp, context: AppContext): void {
  const resource = (task: TaskRecord) => toTaskResource(task, context.settings.publicUrl);

  defineRoute(app, createDefinition, async (http) => {
    return handleGenerationBody(http, context.fileStore, inlineBase64Fields, (parsed, inlineBase64) =>
      createTask(http, dropEmptySelectors(parsed), inlineBase64));
  });

  /**
   * Submits the task a `POST /v1/tasks` body describes (a base64 image or mask arrives decoded, read as the body
   * came in); answers at once or after `Prefer: wait`.
   */
  async function createTask(http: Context, raw: Record<string, unknown>, inlineBase64: ReadonlyMap<string, InlineBase64Text>): Promise<Response> {
    const service = serviceOf(raw);
    checkAogFields(raw);
    const waitMilliseconds = parsePreferWait(http.req.header('prefer'), context.settings.syncWaitMilliseconds.video / 1000);
    const defaultPolicy = context.defaultPolicy(service);
    let request;
    let webhookUrl: string | undefined;
    if (service === 'image-to-image') {
      const body = validateBody(imageToImageTaskBodySchema, raw);
      request = withInlineBase64(imageToImageRequest(body, defaultPolicy), inlineBase64);
      webhookUrl = body.webhook_url;
    } else {
      const body = validateBody(imageToVideoTaskBodySchema, raw);
      request = withInlineBase64(imageToVideoRequest(body, defaultPolicy), inlineBase64);
      webhookUrl = body.webhook_url;
    }
    const { task, created } = await context.tasks.submit(request, { idempotencyKey: http.req.header('idempotency-key'), webhookUrl });
    let current = task;
    if (waitMilliseconds !== undefined && !isTerminal(task.state)) {
      const signal = http.req.raw.signal;
      const waited = await context.tasks.wait(task.id, { waitMilliseconds, signal }).catch((error: unknown) => {
        if (signal.aborted) return undefined;
        throw error;
      });
      if (!waited) return clientGone();
      current = waited;
      http.header('Preference-Applied', `wait=${waitMilliseconds / 1000}`);
    }
    http.header('Location', `${context.settings.publicUrl}/v1/tasks/${task.id}`);
    if (!created) http.header('Idempotent-Replayed', 'true');
    return http.json(resource(current), isTerminal(current.state) ? 200 : 202);
  }

  defineRoute(app, listDefinition, async (http) => {
    const query = http.req.query();
    const state = query.state;
    if (state !== undefined && !(taskStates as readonly string[]).includes(state)) {
      throw new GatewayError('parameter_invalid', { parameter: 'state', expected: `one of: ${taskStates.join(', ')}`, received: describeReceived(state) });
    }
    const service = query.service === undefined ? undefined : serviceOf(query);
    const limit = query.limit === undefined ? undefined : /^\d+$/.test(query.limit) ? Number(query.limit) : NaN;
    if (limit !== undefined && Number.isNaN(limit)) {
      throw new GatewayError('parameter_invalid', { parameter: 'limit', expected: 'an integer between 1 and 100', received: describeReceived(query.limit) });
    }
    const page = await context.tasks.list({ state: state as TaskState | undefined, service, limit, cursor: query.cursor });
    return http.json({ object: 'list', data: page.tasks.map(resource), next_cursor: page.nextCursor ?? null });
  });

  defineRoute(app, getDefinition, async (http) => http.json(resource(await context.tasks.get(http.req.param('id') ?? ''))));

  defineRoute(app, cancelDefinition, async (http) => http.json(resource(await context.tasks.cancel(http.req.param('id') ?? ''))));

  defineRoute(app, eventsDefinition, async (http) => {
    const id = http.req.param('id') ?? '';
    await context.tasks.get(id); // 404 as JSON before the stream starts
    return streamSSE(http, async (stream) => {
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => closed.abort()), heartbeatMilliseconds);
      try {
        for await (const event of context.tasks.events(id, closed.signal)) {
          await stream.writeSSE({ event: event.name, data: JSON.stringify(eventData(event, resource)) });
        }
      } finally {
        clearInterval(heartbeat);
      }
    });
  });
}

function eventData(event: TaskStreamEvent, resource: (task: TaskRecord) => unknown): unknown {
  switch (event.name) {
    case 'task-state':
      return resource(event.task);
    case 'task-progress':
      return { id: event.payload.taskId, progress: event.payload.progress };
    case 'task-retry':
      return { ...(resource(event.payload.task) as object), retry_in_ms: event.payload.delayMilliseconds };
    default:
      return resource(event.payload.task);
  }
}
