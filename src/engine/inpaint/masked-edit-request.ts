import type { Warning } from '../../providers/spec/warning.ts';
import type { RawImage } from '../raw-image.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';

/** What the engine hands to {@link runMaskedEdit} for one output image. */
export interface MaskedEditRequest {
  /** The decoded original. */
  image: RawImage;
  /** `width * height` bytes, 255 = edit, 0 = keep (the canonical mask; values ≥ 128 count as edit). */
  mask: Uint8Array;
  prompt?: string;
  /** Drives PatchMatch's randomness: the same seed gives the same bytes. */
  seed: number;
  pool: WorkerPool;
  signal?: AbortSignal;
  /** Present when the prompt/style asked for a style or edit: renders it over a whole image. */
  renderStyled?: (image: RawImage) => Promise<RawImage>;
}

export interface MaskedEditResult {
  /** Same size and channels as the input; every pixel outside the mask is bit-identical to the input. */
  image: RawImage;
  warnings: Warning[];
  /**
   * What was done, for logs and responses: `inpaint:telea`, `inpaint:patchmatch`, `recolour:<colour id>` with an
   * optional `:lighter`/`:darker` (e.g. `recolour:red`, `recolour:blue:lighter`) or `masked-style`.
   */
  applied: string[];
}
