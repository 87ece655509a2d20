import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { collectTransferables, type KernelRequest, type WorkerMessage } from './kernel-request.ts';

lowerOwnPriority((workerData as { niceness?: number } | null)?.niceness ?? 0);

/**
 * Lowers this thread's CPU priority (see `WorkerPoolOptions.niceness`). On Linux the nice value is per thread and
 * `setpriority(PRIO_PROCESS, 0, …)` means the calling thread; elsewhere it would demote the whole process.
 */
function lowerOwnPriority(niceness: number): void {
  if (niceness <= 0 || process.platform !== 'linux') return;
  try {
    // Relative to the inherited value, so an Atelier started with `nice` keeps its kernels below its event loop.
    setPriority(0, Math.min(19, getPriority(0) + niceness));
  } catch {
    // Not permitted here (a seccomp profile, say): kernels run at normal priority, which is only less responsive.
  }
}

const engineRoot = new URL('../', import.meta.url);
const modules = new Map<string, Promise<Record<string, unknown>>>();

function loadModule(path: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(path);
  if (!loaded) {
    loaded = import(new URL(path, engineRoot).href) as Promise<Record<string, unknown>>;
    modules.set(path, loaded);
  }
  return loaded;
}

parentPort!.on('message', async (message: { id: number; request: KernelRequest }) => {
  const { id, request } = message;
  try {
    const module = await loadModule(request.module);
    const kernel = module[request.exportName];
    if (typeof kernel !== 'function') throw new Error(`${request.module} has no exported function ${request.exportName}`);
    const output = await kernel(request.input);
    const reply: WorkerMessage = { id, ok: true, output };
    parentPort!.postMessage(reply, collectTransferables(output));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    const reply: WorkerMessage = { id, ok: false, error: { name: failure.name, message: failure.message, stack: failure.stack } };
    parentPort!.postMessage(reply);
  }
});
