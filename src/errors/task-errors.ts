import type { ErrorSpec } from './error-spec.ts';

/** Errors from the task store and scheduler. */
export const taskErrors = {
  task_not_found: {
    status: 404, businessCode: 150701, retryable: false,
    message: 'No task with id {id}',
    description: 'The task id is unknown (mistyped, or the task belongs to another data directory).',
    howToFix: 'Use an id returned by POST /v1/tasks or an AOG route; GET /v1/tasks lists them.',
  },
  task_idempotency_conflict: {
    status: 409, businessCode: 150702, retryable: false,
    message: 'Idempotency-Key {key} was already used for task {taskId} with a different request body',
    description: 'The same Idempotency-Key arrived with a body that differs from the first request that used it.',
    howToFix: 'Send the original body again to get the original task, or use a new Idempotency-Key for a new request.',
  },
  task_deadline_exceeded: {
    status: 504, businessCode: 150703, retryable: true,
    message: 'Task {taskId} did not finish within its deadline of {deadlineSeconds} s',
    description: 'The task (queue time included) ran past its deadline; Atelier stopped it and asked the provider to cancel where it can.',
    howToFix: 'Retry later, or raise the deadline (ATELIER_TASK_DEADLINE_IMAGE_SECONDS / ATELIER_TASK_DEADLINE_VIDEO_SECONDS).',
  },
  task_canceled: {
    status: 409, businessCode: 150704, retryable: false,
    message: 'Task {taskId} was canceled before it finished',
    description: 'Someone canceled the task (POST /v1/tasks/{id}/cancel or `atelier tasks cancel`) while a caller waited for it.',
    howToFix: 'Submit the request again if you still want the result.',
  },
  task_wait_timeout: {
    status: 504, businessCode: 150705, retryable: true,
    message: 'Task {taskId} is still {state} after waiting {waitSeconds} s; it keeps running: fetch it later with GET /v1/tasks/{taskId}',
    description: 'A synchronous call waited as long as it is allowed to; the task was not stopped and its result stays retrievable.',
    howToFix: 'Poll GET /v1/tasks/{task_id} (or `atelier tasks wait <id>`); to get the task id at once, send "async": true to image-to-video, or submit with POST /v1/tasks.',
  },
  task_interrupted: {
    status: 502, businessCode: 150706, retryable: false,
    message: 'Atelier stopped while task {taskId} was being submitted to {provider}; it was not submitted again because {provider} may already have accepted (and billed) it',
    description: 'A crash or kill happened between sending a billable request and saving the provider\'s task handle, so Atelier cannot know whether the provider has the task.',
    howToFix: 'Check the provider console for an orphaned task, then submit the request again if needed (with a new Idempotency-Key if you sent one: the old key keeps answering with this task).',
  },
  task_already_finished: {
    status: 409, businessCode: 150707, retryable: false,
    message: 'Task {taskId} already ended as {state} and cannot be canceled',
    description: 'Cancel was asked for a task that had already succeeded or failed.',
    howToFix: 'Nothing to do: the task is finished; GET /v1/tasks/{id} shows its result.',
  },
  task_not_pollable: {
    status: 502, businessCode: 150708, retryable: false,
    message: '{provider}/{model} returned a pending operation but offers no way to poll it',
    description: 'A provider adapter answered "pending" without implementing status(): a bug in that adapter.',
    howToFix: 'Report it; choose another provider meanwhile.',
  },
} as const satisfies Record<string, ErrorSpec>;
