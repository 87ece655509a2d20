import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DashScopeFake } from '../../test/fakes/dashscope-fake-server.ts';

/**
 * The floor path of bench:gateway: the bare streaming relay (streaming-relay-server.ts) as a child process, and the
 * client's call through it.
 */

const relayProgram = fileURLToPath(new URL('./streaming-relay-server.ts', import.meta.url));

export interface StreamingRelay {
  url: string;
  pid: number;
  stop(): void;
}

export async function startStreamingRelay(fake: DashScopeFake): Promise<StreamingRelay> {
  const child = spawn(process.execPath, ['--import', 'tsx', relayProgram], { env: { ...process.env, RELAY_UPSTREAM: fake.baseUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /relay listening on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill() };
}

/** The DashScope submit body (the same one the direct path sends) through the relay, to the result's bytes. */
export async function throughRelay(relay: StreamingRelay, fake: DashScopeFake, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await fetch(relay.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}` }, body });
  if (response.status !== 200) throw new Error(`the relay answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}
