import { GatewayError } from '../../errors/gateway-error.ts';
import type { Warning } from '../../providers/spec/warning.ts';
import type { RawImage } from '../raw-image.ts';
import { readMaskPrompt, understoodMaskPrompts, type MaskIntent } from './mask-prompt.ts';
import type { MaskedEditRequest, MaskedEditResult } from './masked-edit-request.ts';
import { cropPixels, expandBox, findMaskBounds, pasteInsideMask, type PixelBox } from './mask-geometry.ts';
import type { MaskedStyleBlendInput } from './masked-style-blend.ts';
import type { RecolourInput } from './recolour.ts';
import { removeMaskedArea } from './remove-masked-area.ts';

export type { MaskedEditRequest, MaskedEditResult } from './masked-edit-request.ts';

/** Widest feather, in pixels, for a style applied inside a mask. */
const styleFeatherLimit = 4;

/**
 * Edits only the masked area of an image, as the prompt asks:
 * - remove / erase / fill (去掉, 删除, 移除, 擦除 …): fill from the surroundings — Telea for thin strokes, multi-scale
 *   PatchMatch for larger regions (chosen per part by its largest inscribed radius);
 * - a colour ("make it red", "变成红色"): recolour, keeping the area's shading and texture;
 * - otherwise, when `renderStyled` is given: the style or edit, inside the mask only (feathered inwards);
 * - otherwise: remove, with a `fallback` warning.
 * A prompt that asks for new content ("add a hat") also gets an `unsupported` warning: classical inpainting cannot
 * generate objects. Whatever the mode, the pixels outside the mask are copied from the input at the end, so they are
 * bit-identical.
 *
 * @throws GatewayError `mask_empty` when the mask selects nothing; `engine_failed` when the mask or the styled
 *   rendering does not match the image; `parameter_invalid` when a removal mask covers the whole image
 * @example const { image, warnings } = await runMaskedEdit({ image, mask, prompt: '去掉电线', seed: 7, pool });
 */
export async function runMaskedEdit(request: MaskedEditRequest): Promise<MaskedEditResult> {
  const { image, mask } = request;
  const { width, height, channels } = image;
  if (image.data.length !== width * height * channels) {
    throw new GatewayError('engine_failed', { stage: 'masked edit', reason: `the image has ${image.data.length} bytes, expected ${width}×${height}×${channels}` });
  }
  if (mask.length !== width * height) {
    throw new GatewayError('engine_failed', { stage: 'masked edit', reason: `the mask has ${mask.length} bytes, expected one per pixel of the ${width}×${height} image` });
  }
  const bounds = findMaskBounds(mask, width, height);
  if (!bounds) throw new GatewayError('mask_empty', { convention: 'white', hint: 'no mask byte is 128 or more' });
  request.signal?.throwIfAborted();

  const reading = readMaskPrompt(request.prompt);
  const warnings: Warning[] = [];
  const mode = chooseMode(reading.intent, request, warnings);
  if (reading.generationPhrase) {
    warnings.push({
      type: 'unsupported',
      feature: 'prompt',
      details: `The embedded engine cannot add new content ("${reading.generationPhrase}"): classical inpainting has no notion of objects. ${mode.kind === 'style' ? 'The style was applied inside the mask instead.' : mode.kind === 'recolour' ? 'The masked area was recoloured instead.' : 'The masked area was filled from its surroundings instead.'} Use a generative provider for that.`,
    });
  }

  let edited: { pixels: Uint8Array; box: PixelBox };
  const applied: string[] = [];
  if (mode.kind === 'recolour') {
    edited = await recolour(request, bounds, mode.intent);
    applied.push(`recolour:${mode.intent.colour.id}${mode.intent.lightnessShift > 0 ? ':lighter' : mode.intent.lightnessShift < 0 ? ':darker' : ''}`);
  } else if (mode.kind === 'style') {
    edited = await styleInsideMask(request, bounds, mode.renderStyled);
    applied.push('masked-style');
  } else {
    const removal = await removeMaskedArea({ image, mask, bounds, seed: request.seed, pool: request.pool, signal: request.signal });
    edited = { pixels: cropPixels(removal.filled, width, channels, bounds), box: bounds };
    warnings.push(...removal.warnings);
    applied.push(...removal.methods.map((method) => `inpaint:${method}`));
  }
  // The one guarantee callers rely on: start from the input and change nothing but masked pixels.
  const output = Uint8Array.from(image.data);
  pasteInsideMask(output, width, channels, edited.pixels, edited.box, mask);
  return { image: { data: output, width, height, channels }, warnings, applied };
}

type Mode =
  | { kind: 'remove' }
  | { kind: 'recolour'; intent: Extract<MaskIntent, { kind: 'recolour' }> }
  | { kind: 'style'; renderStyled: (image: RawImage) => Promise<RawImage> };

function chooseMode(intent: MaskIntent, request: MaskedEditRequest, warnings: Warning[]): Mode {
  if (intent.kind === 'remove') {
    if (request.renderStyled) {
      warnings.push({ type: 'unsupported', feature: 'prompt', details: 'The prompt asks both to remove the masked content and for a style; the masked area was filled from its surroundings and the style was not applied.' });
    }
    return { kind: 'remove' };
  }
  if (intent.kind === 'recolour') return { kind: 'recolour', intent };
  if (request.renderStyled) return { kind: 'style', renderStyled: request.renderStyled };
  const prompt = request.prompt?.trim();
  warnings.push({
    type: 'fallback',
    feature: 'prompt',
    details: `${prompt ? 'The prompt was not understood for a masked edit' : 'No prompt was given for the masked area'}, so the area was filled from its surroundings. Understood inside a mask: ${understoodMaskPrompts}.`,
  });
  return { kind: 'remove' };
}

async function recolour(request: MaskedEditRequest, bounds: PixelBox, intent: Extract<MaskIntent, { kind: 'recolour' }>): Promise<{ pixels: Uint8Array; box: PixelBox }> {
  const { image, mask } = request;
  const input: RecolourInput = {
    image: cropPixels(image.data, image.width, image.channels, bounds),
    mask: cropPixels(mask, image.width, 1, bounds),
    width: bounds.width,
    height: bounds.height,
    channels: image.channels,
    target: intent.colour.rgb,
    lightnessShift: intent.lightnessShift,
  };
  const output = await request.pool.run<{ image: Uint8Array }>({ module: 'inpaint/recolour.ts', exportName: 'recolourInsideMask', input }, request.signal);
  return { pixels: output.image, box: bounds };
}

async function styleInsideMask(request: MaskedEditRequest, bounds: PixelBox, renderStyled: (image: RawImage) => Promise<RawImage>): Promise<{ pixels: Uint8Array; box: PixelBox }> {
  const { image, mask } = request;
  // The renderer gets its own copy: whatever it does to its input cannot reach the original we paste from.
  const styled = await renderStyled({ data: Uint8Array.from(image.data), width: image.width, height: image.height, channels: image.channels });
  if (styled.width !== image.width || styled.height !== image.height || styled.data.length !== styled.width * styled.height * styled.channels) {
    throw new GatewayError('engine_failed', { stage: 'masked style', reason: `the styled rendering is ${styled.width}×${styled.height}, the image ${image.width}×${image.height}` });
  }
  request.signal?.throwIfAborted();
  // One pixel of context around the mask so the feather knows where the mask's border is.
  const box = expandBox(bounds, 1, image.width, image.height);
  const input: MaskedStyleBlendInput = {
    original: cropPixels(image.data, image.width, image.channels, box),
    styled: cropPixels(styled.data, image.width, styled.channels, box),
    mask: cropPixels(mask, image.width, 1, box),
    width: box.width,
    height: box.height,
    channels: image.channels,
    styledChannels: styled.channels,
    featherLimit: styleFeatherLimit,
  };
  const output = await request.pool.run<{ image: Uint8Array }>({ module: 'inpaint/masked-style-blend.ts', exportName: 'blendStyledInsideMask', input }, request.signal);
  return { pixels: output.image, box };
}
