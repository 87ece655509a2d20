/** `atelier tasks wait --timeout`: the same 1–86400 s range as the server's synchronous waits, never clamped. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tasksCommand } from '../../src/cli/commands/tasks-command.ts';
import { runCommandInProcess } from '../support/run-command-in-process.ts';

const server = 'http://atelier.invalid';

function task(state: string, progress: number) {
  return {
    id: 'task-1', object: 'task', service: 'image-to-video', state, provider: 'local', model: 'atelier-video', progress, attempts: 1,
    created_at: '2025-01-01T00:00:00.000Z', deadline_at: '2025-01-01T00:30:00.000Z', outputs: [], warnings: [],
    links: { self: '/v1/tasks/task-1', events: '/v1/tasks/task-1/events', cancel: '/v1/tasks/task-1/cancel' },
  };
}

/** Stands in for the server: the event stream sends a running snapshot, then, 200 ms later, the end of the task. */
function fakeServer() {
  return vi.fn(async (url: string | URL | Request) => {
    if (!String(url).endsWith('/events')) return Response.json(task('running', 40));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(`event: task-state\ndata: ${JSON.stringify(task('running', 40))}\n\n`));
        await new Promise((resolve) => setTimeout(resolve, 200));
        controller.enqueue(encoder.encode(`event: task-end\ndata: ${JSON.stringify(task('succeeded', 100))}\n\n`));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });
}

async function wait(timeout: string, fetchStub: ReturnType<typeof fakeServer>) {
  vi.spyOn(globalThis, 'fetch').mockImplementation(fetchStub); // runCommandInProcess restores it when the command returns
  return runCommandInProcess(tasksCommand, ['wait', 'task-1', '--server', server, `--timeout=${timeout}`, '--json']);
}

afterEach(() => vi.restoreAllMocks());

describe('atelier tasks wait --timeout', () => {
  it('refuses a timeout above 86400 s (a day) with exit 2 before asking the server, instead of giving up at once', async () => {
    for (const timeout of ['86401', '2147484', '99999999999']) {
      const fetchStub = fakeServer();
      const result = await wait(timeout, fetchStub);
      expect(result.code, timeout).toBe(2);
      expect(result.stderr).toEqual([`atelier tasks: --timeout must be a whole number of seconds between 1 and 86400 but received "${timeout}"`]);
      expect(fetchStub).not.toHaveBeenCalled();
    }
  });

  it('refuses a timeout of 0 or one that is not a whole number', async () => {
    for (const timeout of ['0', '1.5', '-3', 'soon']) {
      const result = await wait(timeout, fakeServer());
      expect(result.code, timeout).toBe(2);
    }
  });

  it('waits until the task ends with the largest timeout, 86400 s', async () => {
    const result = await wait('86400', fakeServer());
    expect(result.stderr.join('\n')).not.toMatch(/still (queued|running)/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.join('\n'))).toMatchObject({ id: 'task-1', state: 'succeeded' });
  });
});
