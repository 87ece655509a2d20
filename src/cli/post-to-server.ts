/** The server the control-plane commands talk to: `--server`, else `ATELIER_SERVER`, else the default address. */
export function serverAddress(flag: string | undefined): string {
  return (flag ?? process.env.ATELIER_SERVER ?? 'http://127.0.0.1:16688').replace(/\/+$/, '');
}

/**
 * POSTs a JSON body to a running Atelier and answers its status and parsed body.
 *
 * @throws Error saying no server answered (with how to start one) when the request cannot be sent
 */
export async function postToServer(server: string, path: string, body: string): Promise<{ ok: boolean; status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(`${server}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  } catch (error) {
    const reason = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new Error(`cannot reach Atelier at ${server} (${reason}); is \`atelier serve\` running? Use --server to point elsewhere`);
  }
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, status: response.status, body: parsed };
}
