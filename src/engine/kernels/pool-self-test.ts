import { getPriority } from 'node:os';

/** A trivial kernel used by the worker pool's own test: sums the bytes and returns a doubled copy. */
export function doubleBytes(input: { data: Uint8Array }): { sum: number; doubled: Uint8Array } {
  let sum = 0;
  const doubled = new Uint8Array(input.data.length);
  for (let index = 0; index < input.data.length; index++) {
    sum += input.data[index];
    doubled[index] = Math.min(255, input.data[index] * 2);
  }
  return { sum, doubled };
}

/** The nice value of the worker thread that runs it, for the pool's priority test (Linux: per thread). */
export function threadNiceness(): number {
  return getPriority(0);
}
