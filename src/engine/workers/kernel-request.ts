/**
 * A unit of work for the worker pool: which module under `src/engine/` and which export to call, with one
 * structured-cloneable argument. Kernels are plain functions `(input) => output | Promise<output>`; large typed
 * arrays travel as transferables, so pass `Uint8Array`s whose buffers the caller no longer needs.
 */
export interface KernelRequest {
  /** Path relative to `src/engine/`, e.g. `kernels/kuwahara.ts`. */
  module: string;
  /** Name of the exported function. */
  exportName: string;
  input: unknown;
}

export type WorkerMessage =
  | { id: number; ok: true; output: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/** Collects the ArrayBuffers inside a value (one level into objects and arrays) so they can be transferred. */
export function collectTransferables(value: unknown, into: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    // A Buffer from Node's pool shares its ArrayBuffer with other Buffers; transferring it would detach them.
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength && !into.includes(buffer)) {
      into.push(buffer);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) collectTransferables(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) if (ArrayBuffer.isView(item) || Array.isArray(item)) collectTransferables(item, into);
  }
  return into;
}
