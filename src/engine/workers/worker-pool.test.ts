import { getPriority } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool.ts';

describe('WorkerPool', () => {
  const pool = new WorkerPool(2);
  afterAll(() => pool.close());

  it('runs a TypeScript kernel on a worker thread and transfers typed arrays back', async () => {
    const data = new Uint8Array([1, 2, 3, 200]);
    const result = await pool.run<{ sum: number; doubled: Uint8Array }>({ module: 'kernels/pool-self-test.ts', exportName: 'doubleBytes', input: { data } });
    expect(result.sum).toBe(206);
    expect(Array.from(result.doubled)).toEqual([2, 4, 6, 255]);
  });

  it('runs more jobs than workers and keeps every result with its job', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        pool.run<{ sum: number }>({ module: 'kernels/pool-self-test.ts', exportName: 'doubleBytes', input: { data: new Uint8Array([index]) } }),
      ),
    );
    expect(results.map((result) => result.sum)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects with the kernel error message when the export does not exist', async () => {
    await expect(pool.run({ module: 'kernels/pool-self-test.ts', exportName: 'missing', input: {} })).rejects.toThrow(/no exported function missing/);
  });

  it.runIf(process.platform === 'linux')('lowers the priority of its worker threads only, not the event loop\'s', async () => {
    const mainThreadBefore = getPriority(0);
    const niced = new WorkerPool(1, { niceness: 7 });
    try {
      expect(await niced.run({ module: 'kernels/pool-self-test.ts', exportName: 'threadNiceness', input: {} })).toBe(Math.min(19, mainThreadBefore + 7));
      expect(getPriority(0)).toBe(mainThreadBefore);
      expect(await pool.run({ module: 'kernels/pool-self-test.ts', exportName: 'threadNiceness', input: {} })).toBe(mainThreadBefore);
    } finally {
      await niced.close();
    }
    expect(() => new WorkerPool(1, { niceness: 20 })).toThrow(RangeError);
  });

  it('drops a queued job whose signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(pool.run({ module: 'kernels/pool-self-test.ts', exportName: 'doubleBytes', input: { data: new Uint8Array(1) } }, controller.signal)).rejects.toThrow('stop');
  });
});
