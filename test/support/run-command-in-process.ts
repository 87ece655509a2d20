import { vi } from 'vitest';
import type { Command } from '../../src/cli/command.ts';

/**
 * Runs an `atelier` command's entry point in this process (far quicker than spawning Node) and returns its exit
 * code and the lines it printed: `console.log` is the command's stdout, `console.error` its stderr.
 */
export async function runCommandInProcess(command: Command, argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ')));
  try {
    return { code: await command.run(argv), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
