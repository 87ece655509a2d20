/**
 * A small, fast, reproducible pseudo-random generator (mulberry32). Variation i of a request uses seed + i, and every
 * seed-driven choice in a recipe draws from one of these, so the same seed always gives the same bytes.
 */
export interface SeededRandom {
  /** The seed this generator started from. */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [minimum, maximum). */
  between(minimum: number, maximum: number): number;
  /** Uniform integer in [minimum, maximum]. */
  integerBetween(minimum: number, maximum: number): number;
  /** One element of a non-empty list. */
  pick<Item>(items: readonly Item[]): Item;
  /** A 32-bit integer to seed a kernel's own noise (kernels hash coordinates with it). */
  nextSeed(): number;
}

/** Largest seed accepted by the API (matches the providers' `seed` range). */
export const maximumSeed = 2_147_483_647;

/** @param seed any integer; the generator is fully determined by it. */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    between: (minimum, maximum) => minimum + (maximum - minimum) * next(),
    integerBetween: (minimum, maximum) => minimum + Math.floor(next() * (maximum - minimum + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    nextSeed: () => Math.floor(next() * 4294967296) >>> 0,
  };
}

/**
 * An independent 32-bit seed for sub-stream `stream` of `seed` (murmur3's finaliser over both), so that e.g. the
 * second recipe of a plan does not replay the first one's random choices.
 */
export function deriveSeed(seed: number, stream: number): number {
  let hash = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) | 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
