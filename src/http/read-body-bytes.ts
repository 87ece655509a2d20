import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { LargeBodyGate } from './large-body-gate.ts';

/** Bodies from this size on wait for their turn (see `LargeBodyGate`): about a 0.75 MB image in base64. */
const largeBodyBytes = 1024 * 1024;
/** Longest a body may hold the turn while it arrives: loopback or a gigabit LAN delivers 30 MB well within it. */
const largeBodyHoldLimitMilliseconds = 500;
const largeBodyGate = new LargeBodyGate(largeBodyHoldLimitMilliseconds);

/**
 * The request body's bytes. With a declared Content-Length (checked against the body limit by `createApp` before
 * any route runs), straight from the Node request into one buffer of that size: @hono/node-server would collect
 * the chunks, concatenate them and copy the result once more into an ArrayBuffer — two 10.7 MB copies for an 8 MB
 * image instead of one. Otherwise (chunked bodies, which the streaming body limit counts; in-process tests) from the
 * web `Request`. Always the raw request, not `context.req`: hono caches what it reads for the request's lifetime,
 * which for a sync AOG call is the whole task. Large bodies are read one at a time (`LargeBodyGate`).
 */
export async function readBodyBytes(context: Context): Promise<Buffer> {
  const declared = declaredLength(context);
  if (declared !== undefined) {
    const body = Buffer.allocUnsafe(declared.length);
    let received = 0;
    await readBodyChunks(context, (chunk) => {
      chunk.copy(body, received);
      received += chunk.length;
    });
    return body;
  }
  return Buffer.from(await context.req.raw.arrayBuffer());
}

/**
 * Hands the request body to `onChunk` piece by piece as it arrives (for reading it while the client still sends:
 * see `InlineBase64Splitter`), under the same rules as `readBodyBytes`. A chunk is the caller's to keep.
 */
export async function readBodyChunks(context: Context, onChunk: (chunk: Buffer) => void): Promise<void> {
  const declared = declaredLength(context);
  if (declared !== undefined) {
    const { incoming, length } = declared;
    return length < largeBodyBytes ? readIncoming(incoming, length, onChunk) : largeBodyGate.run(() => readIncoming(incoming, length, onChunk));
  }
  const stream = context.req.raw.body;
  if (!stream) return;
  for await (const chunk of stream) onChunk(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
}

/** The Node request and its declared Content-Length, when the body can be read straight from it. */
export function declaredLength(context: Context): { incoming: IncomingMessage; length: number } | undefined {
  const incoming = (context.env as { incoming?: unknown } | undefined)?.incoming;
  const declared = context.req.header('content-length');
  if (isIncomingMessage(incoming) && declared !== undefined && /^\d+$/.test(declared) && context.req.header('transfer-encoding') === undefined
    && !incoming.readableDidRead) {
    return { incoming, length: Number(declared) };
  }
  return undefined;
}

function isIncomingMessage(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && typeof (value as IncomingMessage).on === 'function' && 'readableDidRead' in value && 'headers' in value;
}

/** Reads exactly `length` bytes (Node's HTTP parser ends the body there), chunk by chunk. */
function readIncoming(incoming: IncomingMessage, length: number, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // The client may have gone while this body waited for its turn at the large-body gate: its 'close' has been and
    // gone, so listening for it would wait forever (and hold the turn other bodies wait for).
    if (incoming.destroyed) {
      reject(new Error('Client connection prematurely closed.'));
      return;
    }
    let received = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > length) {
        cleanup();
        incoming.resume();
        reject(new Error('the body is longer than its Content-Length'));
        return;
      }
      received += chunk.length;
      try {
        onChunk(chunk);
      } catch (error) {
        // Thrown inside a 'data' listener it would be an uncaught exception: the whole process, not this request.
        cleanup();
        incoming.resume();
        reject(error);
      }
    };
    const onEnd = () => {
      cleanup();
      if (received === length) resolve();
      else reject(new Error('Client connection prematurely closed.'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (incoming.readableEnded) return;
      cleanup();
      reject(new Error('Client connection prematurely closed.'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
