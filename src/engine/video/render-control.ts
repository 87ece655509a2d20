/**
 * A few shared integers between the thread that asked for a video and the worker that renders it: the worker
 * reports frames done, the caller raises a cancel flag. The worker pool's messages are one request and one reply,
 * so progress and cancellation travel through shared memory instead (a SharedArrayBuffer is shared, not copied,
 * when posted to a worker).
 */
export type RenderControl = Int32Array;

const framesDoneSlot = 0;
const canceledSlot = 1;

export function createRenderControl(): RenderControl {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

export function reportFramesDone(control: RenderControl, frames: number): void {
  Atomics.store(control, framesDoneSlot, frames);
}

export function framesDone(control: RenderControl): number {
  return Atomics.load(control, framesDoneSlot);
}

export function requestCancel(control: RenderControl): void {
  Atomics.store(control, canceledSlot, 1);
}

export function isCancelRequested(control: RenderControl): boolean {
  return Atomics.load(control, canceledSlot) === 1;
}

/** The error a worker throws when it stops because the caller canceled. */
export function canceledError(): Error {
  return Object.assign(new Error('video rendering was canceled'), { name: 'AbortError' });
}
