import { spawn, type ChildProcess } from 'node:child_process';
import { atelierProgramArguments, projectRoot } from './atelier-program.ts';

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far (for assertions and failure messages). */
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server (`atelier serve`) as a child process on a free port and waits for its
 * "Atelier listening on <url>" line. Extra flags and environment variables go straight to the child.
 */
export async function spawnServer(options: { args?: string[]; env?: Record<string, string | undefined>; timeoutMilliseconds?: number } = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...atelierProgramArguments, 'serve', '--port', '0', ...(options.args ?? [])], {
    cwd: projectRoot,
    env: { ...process.env, ATELIER_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), options.timeoutMilliseconds ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Atelier listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
