import type { WorkerPool } from './workers/worker-pool.ts';

/** Planes or images that share one width and height and are split into the same horizontal bands. */
export interface BandSource {
  data: Uint8Array;
  /** Bytes per pixel (1 for a plane). */
  channels: number;
}

/**
 * What a band kernel receives: every source cut to rows `[top - haloTop, top + rows + haloBottom)`, the band
 * geometry, and the recipe's parameters. Kernels write only the `rows` rows after the top halo.
 */
export interface BandInput<Parameters> {
  /** Full image width. */
  width: number;
  /** Rows in this band including both halos. */
  height: number;
  /** Global row index of the band's first row (halo included), for coordinate-hashed noise and gradients. */
  top: number;
  haloTop: number;
  haloBottom: number;
  imageWidth: number;
  imageHeight: number;
  parameters: Parameters;
  [source: string]: unknown;
}

export interface BandKernel {
  /** Module path relative to `src/engine/`. */
  module: string;
  exportName: string;
}

export interface RunInBandsOptions<Parameters> {
  width: number;
  height: number;
  sources: Record<string, BandSource>;
  /** Rows of context a kernel needs above and below its band (filter radius). */
  halo: number;
  parameters: Parameters;
  /** Bytes per output pixel. */
  outputChannels: number;
  signal?: AbortSignal;
  /** Fewer rows than this are not worth a second worker. */
  minimumRowsPerBand?: number;
}

/**
 * Runs a per-pixel kernel on horizontal bands in parallel on the worker pool and stitches the results. Each band
 * carries `halo` extra rows so neighbourhood filters see the same pixels as a single whole-image pass would; the
 * kernels are written so the output is identical whatever the band count (determinism across machines with
 * different core counts).
 */
export async function runInBands<Parameters>(pool: WorkerPool, kernel: BandKernel, options: RunInBandsOptions<Parameters>): Promise<Uint8Array> {
  const { width, height, halo } = options;
  const minimumRows = options.minimumRowsPerBand ?? 96;
  const bandCount = Math.max(1, Math.min(pool.size, Math.floor(height / minimumRows)));
  const rowsPerBand = Math.ceil(height / bandCount);
  const output = new Uint8Array(width * height * options.outputChannels);
  const jobs: Promise<void>[] = [];
  for (let bandTop = 0; bandTop < height; bandTop += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - bandTop);
    const sliceTop = Math.max(0, bandTop - halo);
    const sliceBottom = Math.min(height, bandTop + rows + halo);
    const input: BandInput<Parameters> = {
      width,
      height: sliceBottom - sliceTop,
      top: sliceTop,
      haloTop: bandTop - sliceTop,
      haloBottom: sliceBottom - (bandTop + rows),
      imageWidth: width,
      imageHeight: height,
      parameters: options.parameters,
    };
    for (const [name, source] of Object.entries(options.sources)) {
      const rowBytes = width * source.channels;
      // slice() copies just this band into its own ArrayBuffer, which can then be transferred instead of cloned.
      input[name] = source.data.slice(sliceTop * rowBytes, sliceBottom * rowBytes);
    }
    jobs.push(
      pool.run<{ data: Uint8Array }>({ module: kernel.module, exportName: kernel.exportName, input }, options.signal).then((result) => {
        const expected = rows * width * options.outputChannels;
        if (result.data.length !== expected) throw new Error(`${kernel.module}#${kernel.exportName} returned ${result.data.length} bytes for a band, expected ${expected}`);
        output.set(result.data, bandTop * width * options.outputChannels);
      }),
    );
  }
  await Promise.all(jobs);
  return output;
}
