import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DashScopeFake } from '../../test/fakes/dashscope-fake-server.ts';

/**
 * What the gateway benchmarks share: the baseline path straight to the fake DashScope, the distinct test images, and
 * readings of a child process's CPU time and memory from /proc.
 */

/** The same JPEG with a comment segment (FF FE) after SOI holding `counter`: a valid file with its own hash. */
export function distinctJpeg(jpeg: Buffer, counter: number): Buffer {
  const text = Buffer.from(`atelier-bench-${counter}`);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, text, jpeg.subarray(2)]);
}

/** CPU time (user + system, all threads) the process `pid` has used, in ms (kernel ticks: 10 ms resolution). */
export async function cpuMillisecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15), at 100 ticks per second
}

export async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kilobytes('VmRSS'), peak: kilobytes('VmHWM') };
}

/** Straight to the fake: submit, poll until SUCCEEDED, download the result. Resolves with the download's ms. */
export async function direct(fake: DashScopeFake, body: Uint8Array<ArrayBuffer>): Promise<number> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}`, 'x-dashscope-async': 'enable' };
  const submitted = await fetch(`${fake.baseUrl}/services/aigc/image2image/image-synthesis`, { method: 'POST', headers, body });
  const submit = (await submitted.json()) as { output?: { task_id?: string } };
  if (submitted.status !== 200 || !submit.output?.task_id) throw new Error(`the fake refused the submit: ${JSON.stringify(submit)}`);
  for (;;) {
    await sleep(1); // Atelier waits at least its 1 ms poll interval too
    const polled = await fetch(`${fake.baseUrl}/tasks/${submit.output.task_id}`, { headers: { authorization: headers.authorization } });
    const { output } = (await polled.json()) as { output: { task_status: string; results?: Array<{ url: string }> } };
    if (output.task_status === 'FAILED' || output.task_status === 'UNKNOWN') throw new Error(`the fake's task ended ${output.task_status}`);
    if (output.task_status !== 'SUCCEEDED') continue;
    const started = performance.now();
    await (await fetch(output.results![0].url)).arrayBuffer();
    return performance.now() - started;
  }
}
