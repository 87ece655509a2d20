import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root: the program is started from there so `src/cli/main.ts` and tsx resolve. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Node's arguments that start the `atelier` program from source; the command and its flags follow. */
export const atelierProgramArguments = ['--import', 'tsx', 'src/cli/main.ts'];

/**
 * Runs `atelier <args>` as a real child process and resolves with what it printed; rejects with the exit `code`,
 * `stdout` and `stderr` when it exits non-zero (as `execFile` does). `env` is added to this process's environment.
 */
export function runAtelierProgram(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [...atelierProgramArguments, ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
}
