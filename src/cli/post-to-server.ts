import { isLoopbackHost } from '../input/address-policy.ts';

/** The server the control-plane commands talk to: `--server`, else `ATELIER_SERVER`, else the default address. */
export function serverAddress(flag: string | undefined): string {
  return (flag ?? process.env.ATELIER_SERVER ?? 'http://127.0.0.1:16688').replace(/\/+$/, '');
}

/**
 * POSTs a JSON body to a running Atelier and answers its status and parsed body.
 *
 * @param options.timeoutMilliseconds give up after this long (for a caller with another way to go when no server answers)
 * @throws Error saying no server answered (with how to start one) when the request cannot be sent
 */
export async function postToServer(
  server: string, path: string, body: string, options: { timeoutMilliseconds?: number } = {},
): Promise<{ ok: boolean; status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    const signal = options.timeoutMilliseconds === undefined ? undefined : AbortSignal.timeout(options.timeoutMilliseconds);
    response = await fetch(`${server}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
  } catch (error) {
    const reason = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new Error(`cannot reach Atelier at ${server} (${reason}); is \`atelier serve\` running? Use --server to point elsewhere`);
  }
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, status: response.status, body: parsed };
}

/**
 * Refuses a server on another machine for a request that carries keys (install, import): the control plane accepts
 * changes from its own machine only, so the keys would cross the network in clear text for a certain refusal.
 *
 * @throws Error saying to run the command where Atelier runs
 */
export function checkServerIsThisMachine(server: string): void {
  if (isLoopbackHost(hostnameOf(server))) return;
  throw new Error(`${server} is not this machine; run the command on the machine Atelier runs on (its control plane accepts changes from there only, and the keys would cross the network)`);
}

function hostnameOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}
