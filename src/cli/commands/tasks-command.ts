import { isTerminal } from '../../tasks/task-record.ts';
import type { TaskResource } from '../../tasks/task-resource.ts';
import { parseCommandLine, type Command, type FlagSpec } from '../command.ts';
import { serverAddress } from '../post-to-server.ts';

/** The longest `wait --timeout`: a day, as for the server's synchronous waits (`ATELIER_SYNC_WAIT_*_SECONDS`). */
const maxWaitSeconds = 86_400;

const flags: Record<string, FlagSpec> = {
  server: { type: 'string', description: 'Atelier server to talk to (default http://127.0.0.1:16688, env ATELIER_SERVER)' },
  state: { type: 'string', description: 'list: only tasks in this state (queued, running, succeeded, failed, canceled)' },
  service: { type: 'string', description: 'list: only image-to-image or image-to-video tasks' },
  limit: { type: 'string', description: 'list: tasks per page, 1–100 (default 20)' },
  cursor: { type: 'string', description: 'list: the next_cursor printed by the previous page' },
  timeout: { type: 'string', description: `wait: give up waiting after this many seconds, 1–${maxWaitSeconds} (the task keeps running; default: until it ends)` },
  json: { type: 'boolean', description: 'Print the JSON the server answered instead of a summary' },
};

const usage = 'atelier tasks list [--state running] [--service image-to-video] [--limit 20] | show <id> | cancel <id> | wait <id> [--timeout 600]';

/** Draws `[#####-----]  45%` on one line of stderr (redrawn in place on a terminal, a line per 10% otherwise). */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(percent: number): void; done(): void } {
  let lastPrinted = -1;
  return {
    update(percent) {
      const value = Math.max(0, Math.min(100, Math.floor(percent)));
      if (value === lastPrinted || (!stream.isTTY && value - lastPrinted < 10 && value !== 100)) return;
      lastPrinted = value;
      const filled = Math.round(value / 5);
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${String(value).padStart(3)}%`;
      stream.write(stream.isTTY ? `\r${line}` : `${line}\n`);
    },
    done() {
      if (stream.isTTY && lastPrinted >= 0) stream.write('\n');
    },
  };
}

class ServerError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
}

async function request(server: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${server}${path}`, init);
  } catch (error) {
    throw new Error(`cannot reach Atelier at ${server} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}); is \`atelier serve\` running? Use --server to point elsewhere`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ServerError(response.status, body);
  return body;
}

function summary(task: TaskResource): string {
  const lines = [
    `${task.id}  ${task.state}${task.state === 'running' ? ` ${task.progress}%` : ''}`,
    `  service   ${task.service} (${task.provider}/${task.model}${task.requested_model ? `, asked for ${task.requested_model}` : ''})`,
    `  created   ${task.created_at}${task.finished_at ? `, finished ${task.finished_at}` : ''}`,
    `  attempts  ${task.attempts}`,
  ];
  for (const output of task.outputs) lines.push(`  output    ${output.url} (${output.media_type}, ${output.size} bytes)`);
  for (const warning of task.warnings) lines.push(`  warning   ${warning.details}`);
  if (task.error) lines.push(`  error     ${task.error.message} [${task.error.code}]`);
  if (task.last_error) lines.push(`  retrying  after ${task.last_error.message} [${task.last_error.code}]`);
  return lines.join('\n');
}

/**
 * Follows a task's event stream until it ends, drawing progress; falls back to re-reading the task when the
 * stream breaks. Resolves with the final task, or the current one when `timeoutMilliseconds` runs out.
 */
async function follow(server: string, id: string, timeoutMilliseconds: number | undefined): Promise<TaskResource> {
  const bar = createProgressBar(id.slice(0, 8));
  const stop = new AbortController();
  const timer = timeoutMilliseconds === undefined ? undefined : setTimeout(() => stop.abort(), timeoutMilliseconds);
  try {
    const response = await fetch(`${server}/v1/tasks/${id}/events`, { signal: stop.signal });
    if (!response.ok || !response.body) throw new ServerError(response.status, (await response.json().catch(() => ({}))) as Record<string, unknown>);
    const decoder = new TextDecoder();
    let buffer = '';
    let last: TaskResource | undefined;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        if (!event || !data) continue;
        const payload = JSON.parse(data) as Record<string, unknown>;
        if (event === 'task-progress') bar.update(payload.progress as number);
        else {
          last = payload as unknown as TaskResource;
          if (last.state === 'running') bar.update(last.progress);
        }
        if (event === 'task-end' || (event === 'task-state' && last !== undefined && isTerminal(last.state))) {
          if (last?.state === 'succeeded') bar.update(100);
          return last!;
        }
      }
    }
    return (await request(server, `/v1/tasks/${id}`)) as unknown as TaskResource;
  } catch (error) {
    if (stop.signal.aborted) return (await request(server, `/v1/tasks/${id}`)) as unknown as TaskResource;
    throw error;
  } finally {
    clearTimeout(timer);
    bar.done();
  }
}

/** `atelier tasks …`: lists, shows, cancels and waits for tasks of a running server, over HTTP. */
export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'List, show, cancel or wait for tasks of a running server',
  usage,
  flags,
  async run(argv) {
    const commandLine = parseCommandLine(this, argv, { positionals: true });
    if (!commandLine) return 0;
    const { values, positionals } = commandLine;
    const server = serverAddress(values.server as string | undefined);
    const [action, id, ...extra] = positionals;
    const needsId = action === 'show' || action === 'cancel' || action === 'wait';
    if (!action || !['list', 'show', 'cancel', 'wait'].includes(action) || (needsId && !id) || (!needsId && id) || extra.length > 0) {
      console.error(`atelier tasks: expected ${usage}`);
      return 2;
    }
    let timeoutMilliseconds: number | undefined;
    if (values.timeout !== undefined) {
      const seconds = Number(values.timeout);
      if (!/^\d+$/.test(String(values.timeout)) || seconds < 1 || seconds > maxWaitSeconds) {
        console.error(`atelier tasks: --timeout must be a whole number of seconds between 1 and ${maxWaitSeconds} but received "${String(values.timeout)}"`);
        return 2;
      }
      timeoutMilliseconds = seconds * 1000;
    }
    try {
      if (action === 'list') {
        const query = new URLSearchParams();
        for (const name of ['state', 'service', 'limit', 'cursor']) if (typeof values[name] === 'string') query.set(name, values[name] as string);
        const page = await request(server, `/v1/tasks${query.size > 0 ? `?${query}` : ''}`);
        if (values.json) console.log(JSON.stringify(page, null, 2));
        else {
          const tasks = page.data as TaskResource[];
          if (tasks.length === 0) console.log('no tasks');
          for (const task of tasks) {
            console.log(`${task.id}  ${task.state.padEnd(9)} ${String(task.progress).padStart(3)}%  ${task.service.padEnd(14)} ${task.provider}/${task.model}  ${task.created_at}`);
          }
          if (page.next_cursor) console.log(`more: atelier tasks list --cursor ${page.next_cursor as string}`);
        }
        return 0;
      }
      const task = action === 'show'
        ? ((await request(server, `/v1/tasks/${encodeURIComponent(id)}`)) as unknown as TaskResource)
        : action === 'cancel'
          ? ((await request(server, `/v1/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST' })) as unknown as TaskResource)
          : await follow(server, encodeURIComponent(id), timeoutMilliseconds);
      console.log(values.json ? JSON.stringify(task, null, 2) : summary(task));
      if (action !== 'wait') return 0;
      if (task.state === 'succeeded') return 0;
      if (task.state === 'queued' || task.state === 'running') console.error(`atelier tasks: still ${task.state} after ${values.timeout as string} s; it keeps running`);
      return 1;
    } catch (error) {
      if (error instanceof ServerError) {
        console.error(`atelier tasks: ${error.message}${typeof error.body.code === 'string' ? ` [${error.body.code}]` : ''}`);
        return 1;
      }
      console.error(`atelier tasks: ${(error as Error).message}`);
      return 1;
    }
  },
};
