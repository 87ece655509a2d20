/**
 * One HTTP call's abort signal: aborts when the caller's signal aborts or when `timeoutMs` passes, and remembers
 * which of the two happened so the caller's cancellation is never reported as a provider timeout.
 */
export interface CallSignal {
  signal: AbortSignal;
  timedOut(): boolean;
  /** Clears the timer; call in `finally`. */
  dispose(): void;
}

export function createCallSignal(timeoutMs: number, callerSignal?: AbortSignal): CallSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const forwardAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) forwardAbort();
  else callerSignal?.addEventListener('abort', forwardAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    },
  };
}
