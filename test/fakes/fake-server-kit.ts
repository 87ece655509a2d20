import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Engine } from '../../src/engine/engine-types.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import type { ProviderDependencies } from '../../src/providers/spec/provider-definition.ts';

/**
 * Shared plumbing for the provider fakes in this folder: an HTTP server on 127.0.0.1 (port 0: one per test), a
 * request log for wire assertions, scripted failures (status answers, hangs, resets, malformed bodies), a
 * controllable clock and small response helpers. Each provider fake adds only its own routes and checks.
 */

/** One request as the fake received it (headers lower-cased, body kept raw and, when JSON, parsed). */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/api/v1/tasks/abc`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The parsed body when it was JSON, else undefined. */
  json: unknown;
  /** Milliseconds on the fake clock when it arrived. */
  receivedAt: number;
}

/** What a route answers. `body` objects are sent as JSON; Buffers and strings as they are. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A failure the next matching request gets instead of the normal answer. */
export type ScriptedBehaviour =
  | { kind: 'answer'; answer: FakeAnswer }
  /** Never answer (until the server stops): exercises client timeouts. */
  | { kind: 'hang' }
  /** Destroy the socket without an answer: a connection reset after the request arrived. */
  | { kind: 'reset' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed-json' }
  /** Run the normal route first (e.g. create the task), then answer with this instead (5xx after accepting). */
  | { kind: 'answer-after-handling'; answer: FakeAnswer }
  /** An answer built from the request, e.g. an error that echoes the Authorization header it received. */
  | { kind: 'answer-from-request'; answer(request: RecordedRequest): FakeAnswer };

export interface ScriptedFailure {
  /** Which requests it applies to. */
  match(request: RecordedRequest): boolean;
  behaviour: ScriptedBehaviour;
  /** How many matching requests get it (default 1). */
  times?: number;
}

/** A clock the test moves by hand; fakes use it for expiries (24 h task ids, result URLs). */
export class FakeClock {
  constructor(private current = Date.parse('2025-06-01T00:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export type RouteHandler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

/** A running fake: its base URL, the request log and scripting. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  clock: FakeClock;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues a scripted failure. */
  script(failure: ScriptedFailure): void;
  stop(): Promise<void>;
}

/**
 * Starts a fake on 127.0.0.1 with a random port. `handle` answers every request not taken by a scripted failure.
 *
 * @example const server = await startFakeServer((request) => ({ status: 200, body: { ok: true } }));
 */
export async function startFakeServer(
  handle: RouteHandler,
  options: { clock?: FakeClock; maxBodyBytes?: number; /** Drop bodies from the log after handling (benchmarks: keeps memory flat). */ forgetBodies?: boolean } = {},
): Promise<FakeServer> {
  const clock = options.clock ?? new FakeClock();
  const requests: RecordedRequest[] = [];
  const scripted: Array<ScriptedFailure & { remaining: number }> = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((incoming, outgoing) => {
    void serve(incoming, outgoing);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    let recorded: RecordedRequest;
    try {
      recorded = await record(incoming, clock, options.maxBodyBytes ?? 40 * 1024 * 1024);
    } catch {
      outgoing.destroy();
      return;
    }
    requests.push(recorded);
    const failure = scripted.find((candidate) => candidate.remaining > 0 && candidate.match(recorded));
    if (failure) failure.remaining -= 1;
    const behaviour = failure?.behaviour;
    try {
      if (behaviour?.kind === 'hang') {
        hanging.add(outgoing);
        return;
      }
      if (behaviour?.kind === 'reset') {
        outgoing.socket?.destroy();
        return;
      }
      if (behaviour?.kind === 'malformed-json') {
        send(outgoing, { status: 200, body: '{"output": {"task_status": "PEND', headers: { 'content-type': 'application/json' } });
        return;
      }
      if (behaviour?.kind === 'answer') {
        send(outgoing, behaviour.answer);
        return;
      }
      if (behaviour?.kind === 'answer-from-request') {
        send(outgoing, behaviour.answer(recorded));
        return;
      }
      const answer = await handle(recorded);
      send(outgoing, behaviour?.kind === 'answer-after-handling' ? behaviour.answer : answer);
      if (options.forgetBodies) Object.assign(recorded, { rawBody: Buffer.alloc(0), json: undefined });
    } catch (error) {
      send(outgoing, { status: 500, body: { code: 'FakeServerBug', message: error instanceof Error ? error.message : String(error) } });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    clock,
    requests,
    script(failure) {
      scripted.push({ ...failure, remaining: failure.times ?? 1 });
    },
    async stop() {
      for (const response of hanging) response.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function record(incoming: IncomingMessage, clock: FakeClock, maxBodyBytes: number): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of incoming) {
    total += (chunk as Buffer).length;
    if (total > maxBodyBytes) throw new Error('body too large for the fake');
    chunks.push(chunk as Buffer);
  }
  const rawBody = Buffer.concat(chunks);
  const url = new URL(incoming.url ?? '/', 'http://fake.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  let json: unknown;
  if ((headers['content-type'] ?? '').includes('application/json') && rawBody.length > 0) {
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  return { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, rawBody, json, receivedAt: clock.now() };
}

function send(outgoing: ServerResponse, answer: FakeAnswer): void {
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  let payload: Buffer | string | undefined;
  if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') {
    payload = answer.body;
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  outgoing.writeHead(answer.status, headers);
  outgoing.end(payload);
}

/** `{status, body}` for a JSON answer. */
export function jsonAnswer(status: number, body: unknown, headers?: Record<string, string>): FakeAnswer {
  return { status, body, headers };
}

/** A fresh request id, shaped like the providers' UUIDs. */
export function fakeRequestId(): string {
  return randomUUID();
}

/**
 * A URL on 127.0.0.1 where nothing listens (a port just released), to exercise "connection refused".
 */
export async function refusedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Parses a multipart/form-data body with the platform's own parser (for upload endpoints). */
export async function parseMultipart(request: RecordedRequest): Promise<FormData> {
  const parsed = new Request('http://fake.invalid/', {
    method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: new Uint8Array(request.rawBody),
  });
  return parsed.formData();
}

/** Sleeps that resolve at once (time is the fake clock's business); honours aborts like the real one. */
export function instantSleep(clock?: FakeClock): (milliseconds: number, signal?: AbortSignal) => Promise<void> {
  return async (milliseconds, signal) => {
    if (signal?.aborted) throw signal.reason;
    clock?.advance(milliseconds);
  };
}

/** Builds a minimal, well-formed MP4 (ftyp + mdat boxes): enough for magic-byte checks, not for playback. */
export function minimalMp4(): Buffer {
  const box = (type: string, payload: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + payload.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, payload]);
  };
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'latin1')]));
  return Buffer.concat([ftyp, box('free', Buffer.alloc(0)), box('mdat', Buffer.alloc(64, 1))]);
}

/**
 * `ProviderDependencies` for adapter tests: the real `fetch` (fakes listen on 127.0.0.1), a silent logger, the
 * fake clock as `now`, and a `sleep` that advances the fake clock instead of waiting, so backoff and rate limits
 * cost no wall time. The engine is a stub that refuses work (cloud adapters never use it).
 */
export function fakeDependencies(clock: FakeClock, overrides: Partial<ProviderDependencies> = {}): ProviderDependencies {
  const refuse = async (): Promise<never> => {
    throw new Error('cloud adapters must not call the embedded engine');
  };
  const engine: Engine = { editImage: refuse, imageToVideo: refuse, styles: () => [], motions: () => [], close: async () => undefined };
  return {
    fetch: globalThis.fetch,
    logger: silentLogger,
    now: () => new Date(clock.now()),
    sleep: instantSleep(clock),
    engine,
    ...overrides,
  };
}
