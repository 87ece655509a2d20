import sharp from 'sharp';

/**
 * Field checks of the DashScope fake, per model and function (spec §4, §11 item 3). A check returns the
 * DashScope-shaped rejection (`{code, message}`, HTTP 400) or undefined when the request is acceptable.
 * Deliberately strict: a parameter a function does not read is refused, so an adapter that sends it is caught.
 */
export interface Rejection {
  code: string;
  message: string;
}

/** An input as the fake resolved it: bytes and size when it could read them (data: URI or its own upload). */
export interface ResolvedInput {
  bytes?: Buffer;
  mediaType?: string;
  width?: number;
  height?: number;
  hasAlpha?: boolean;
  /** `data`, `oss` or `http`. */
  form: 'data' | 'oss' | 'http';
}

export type InputResolver = (value: string, field: string) => Promise<ResolvedInput | Rejection>;

const imageEditFunctions = [
  'stylization_all', 'stylization_local', 'description_edit', 'description_edit_with_mask', 'remove_watermark',
  'expand', 'super_resolution', 'colorization', 'doodle', 'control_cartoon_feature',
];
const parametersByFunction: Record<string, string[]> = {
  stylization_all: ['strength'], description_edit: ['strength'],
  expand: ['top_scale', 'bottom_scale', 'left_scale', 'right_scale'], super_resolution: ['upscale_factor'], doodle: ['is_sketch'],
};
const commonImageParameters = ['n', 'seed', 'watermark'];
const styleIndices = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40];
const videoModels: Record<string, { resolutions: string[]; durations: number[] }> = {
  'wan2.2-i2v-plus': { resolutions: ['480P', '1080P'], durations: [5] },
  'wan2.2-i2v-flash': { resolutions: ['480P', '720P', '1080P'], durations: [5] },
  'wanx2.1-i2v-turbo': { resolutions: ['480P', '720P'], durations: [3, 4, 5] },
  'wanx2.1-i2v-plus': { resolutions: ['720P'], durations: [5] },
};
const imageFormats = ['image/jpeg', 'image/png', 'image/bmp', 'image/tiff', 'image/webp'];

const invalid = (message: string): Rejection => ({ code: 'InvalidParameter', message });
const isRejection = (value: unknown): value is Rejection => typeof value === 'object' && value !== null && 'code' in value;
const isInteger = (value: unknown, minimum: number, maximum: number) => Number.isInteger(value) && (value as number) >= minimum && (value as number) <= maximum;
const isNumber = (value: unknown, minimum: number, maximum: number) => typeof value === 'number' && value >= minimum && value <= maximum;
const characters = (text: string) => [...text].length;

/** Reads a `data:<mime>;base64,` URI; refuses a declared MIME type that differs from the bytes (spec §7). */
export async function readDataUri(value: string, field: string): Promise<ResolvedInput | Rejection> {
  const match = /^data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)$/.exec(value);
  if (!match) return invalid(`${field} is not a valid data URI`);
  const bytes = Buffer.from(match[2], 'base64');
  return describeImage(bytes, match[1], field, 'data');
}

/** Decodes the header of an image the fake received. */
export async function describeImage(bytes: Buffer, declaredType: string | undefined, field: string, form: ResolvedInput['form']): Promise<ResolvedInput | Rejection> {
  try {
    const metadata = await sharp(bytes).metadata();
    const mediaType = metadata.format === 'jpeg' ? 'image/jpeg' : `image/${metadata.format}`;
    if (declaredType !== undefined && declaredType !== mediaType && !(declaredType === 'image/jpg' && mediaType === 'image/jpeg')) {
      return invalid(`${field} declares ${declaredType} but contains ${mediaType}`);
    }
    return { bytes, mediaType, width: metadata.width, height: metadata.height, hasAlpha: metadata.hasAlpha, form };
  } catch {
    return { code: 'InvalidImageFormat', message: `${field}: The input image is in invalid format` };
  }
}

function checkImage(input: ResolvedInput, field: string, limits: { minSide: number; maxSide: number; exclusive?: boolean; noAlpha?: boolean; formats?: string[] }): Rejection | undefined {
  if (input.bytes === undefined) return undefined; // a public URL: the fake cannot fetch it, DashScope would
  if (input.bytes.length > 10 * 1024 * 1024) return invalid(`${field} is larger than 10 MB`);
  if (!(limits.formats ?? imageFormats).includes(input.mediaType ?? '')) return { code: 'InvalidImageFormat', message: `${field}: ${input.mediaType} is not supported` };
  const width = input.width ?? 0;
  const height = input.height ?? 0;
  const inside = (side: number) => (limits.exclusive ? side > limits.minSide && side < limits.maxSide : side >= limits.minSide && side <= limits.maxSide);
  if (!inside(width) || !inside(height)) return { code: 'InvalidImageResolution', message: `${field}: The input image resolution is too large or small (${width}x${height})` };
  if (limits.noAlpha && input.mediaType === 'image/png' && input.hasAlpha) return invalid(`${field}: PNG images must not have an alpha channel`);
  return undefined;
}

function unknownKeys(object: Record<string, unknown>, allowed: string[], where: string): Rejection | undefined {
  const extra = Object.keys(object).filter((key) => !allowed.includes(key));
  return extra.length > 0 ? invalid(`${where} has unsupported field(s): ${extra.join(', ')}`) : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** wanx2.1-imageedit (spec §4.1). */
export async function checkImageEdit(input: Record<string, unknown>, parameters: Record<string, unknown>, resolve: InputResolver): Promise<Rejection | undefined> {
  const editFunction = input.function;
  if (typeof editFunction !== 'string' || !imageEditFunctions.includes(editFunction)) return invalid(`input.function must be one of ${imageEditFunctions.join(', ')}`);
  if (typeof input.prompt !== 'string') return invalid('input.prompt is required');
  if (characters(input.prompt) > 800) return invalid('input.prompt is longer than 800 characters');
  const keys = unknownKeys(input, ['function', 'prompt', 'base_image_url', 'mask_image_url'], 'input');
  if (keys) return keys;
  if (typeof input.base_image_url !== 'string') return invalid('input.base_image_url is required');
  const base = await resolve(input.base_image_url, 'base_image_url');
  if (isRejection(base)) return base;
  const baseProblem = checkImage(base, 'base_image_url', { minSide: 512, maxSide: 4096 });
  if (baseProblem) return baseProblem;
  if (editFunction === 'description_edit_with_mask') {
    if (typeof input.mask_image_url !== 'string') return invalid('input.mask_image_url is required for description_edit_with_mask');
    const mask = await resolve(input.mask_image_url, 'mask_image_url');
    if (isRejection(mask)) return mask;
    const maskProblem = checkImage(mask, 'mask_image_url', { minSide: 512, maxSide: 4096 });
    if (maskProblem) return maskProblem;
    if (base.width !== undefined && mask.width !== undefined && (base.width !== mask.width || base.height !== mask.height)) {
      return invalid(`The size is not match: mask ${mask.width}x${mask.height}, base ${base.width}x${base.height}`);
    }
  } else if (input.mask_image_url !== undefined) {
    return invalid(`input.mask_image_url is only read by description_edit_with_mask, not ${editFunction}`);
  }
  const allowed = [...commonImageParameters, ...(parametersByFunction[editFunction] ?? [])];
  const parameterKeys = unknownKeys(parameters, allowed, `parameters for ${editFunction}`);
  if (parameterKeys) return parameterKeys;
  if (parameters.n !== undefined && !isInteger(parameters.n, 1, 4)) return invalid('parameters.n must be an integer in [1, 4]');
  if (parameters.seed !== undefined && !isInteger(parameters.seed, 0, 2147483647)) return invalid('parameters.seed must be an integer in [0, 2147483647]');
  if (parameters.watermark !== undefined && typeof parameters.watermark !== 'boolean') return invalid('parameters.watermark must be a boolean');
  if (parameters.strength !== undefined && !isNumber(parameters.strength, 0, 1)) return invalid('parameters.strength must be in [0.0, 1.0]');
  for (const side of ['top_scale', 'bottom_scale', 'left_scale', 'right_scale']) {
    if (parameters[side] !== undefined && !isNumber(parameters[side], 1, 2)) return invalid(`parameters.${side} must be in [1.0, 2.0]`);
  }
  if (parameters.upscale_factor !== undefined && !isInteger(parameters.upscale_factor, 1, 4)) return invalid('parameters.upscale_factor must be an integer in [1, 4]');
  if (parameters.is_sketch !== undefined && typeof parameters.is_sketch !== 'boolean') return invalid('parameters.is_sketch must be a boolean');
  return undefined;
}

/** wanx-x-painting (spec §4.2): URL inputs only. */
export async function checkXPainting(input: Record<string, unknown>, parameters: Record<string, unknown>, resolve: InputResolver): Promise<Rejection | undefined> {
  const keys = unknownKeys(input, ['prompt', 'base_image_url', 'mask_image_url'], 'input');
  if (keys) return keys;
  if (typeof input.prompt !== 'string' || input.prompt === '') return invalid('input.prompt is required');
  if (characters(input.prompt) > 75) return invalid('input.prompt is longer than 75 characters');
  for (const field of ['base_image_url', 'mask_image_url']) {
    const value = input[field];
    if (typeof value !== 'string') return invalid(`input.${field} is required`);
    if (value.startsWith('data:')) return { code: 'InvalidURL', message: `${field}: only URLs are supported, not base64` };
  }
  const base = await resolve(input.base_image_url as string, 'base_image_url');
  if (isRejection(base)) return base;
  const mask = await resolve(input.mask_image_url as string, 'mask_image_url');
  if (isRejection(mask)) return mask;
  const baseProblem = checkImage(base, 'base_image_url', { minSide: 256, maxSide: 4096, exclusive: true }) ?? checkImage(mask, 'mask_image_url', { minSide: 256, maxSide: 4096, exclusive: true });
  if (baseProblem) return baseProblem;
  if (base.width !== undefined && mask.width !== undefined && (base.width !== mask.width || base.height !== mask.height)) return invalid('The size is not match');
  const parameterKeys = unknownKeys(parameters, ['n', 'size', 'style', 'mask_color'], 'parameters');
  if (parameterKeys) return parameterKeys;
  if (parameters.n !== undefined && !isInteger(parameters.n, 1, 4)) return invalid('parameters.n must be an integer in [1, 4]');
  if (parameters.size !== undefined && !['1024*1024', '720*1280', '1280*720'].includes(String(parameters.size))) return invalid('parameters.size is not supported');
  const styles = ['<auto>', '<3d cartoon>', '<anime>', '<oil painting>', '<watercolor>', '<sketch>', '<chinese painting>', '<flat illustration>'];
  if (parameters.style !== undefined && !styles.includes(String(parameters.style))) return invalid('parameters.style is not supported');
  if (parameters.mask_color !== undefined) {
    const colours = parameters.mask_color;
    const valid = Array.isArray(colours) && colours.every((colour) => Array.isArray(colour) && colour.length === 3 && colour.every((component) => isInteger(component, 0, 255)));
    if (!valid) return invalid('parameters.mask_color must be a list of [r, g, b]');
  }
  return undefined;
}

/** wanx-style-repaint-v1 (spec §4.3). */
export async function checkStyleRepaint(input: Record<string, unknown>, parameters: Record<string, unknown> | undefined, resolve: InputResolver): Promise<Rejection | undefined> {
  const keys = unknownKeys(input, ['image_url', 'style_index', 'style_ref_url'], 'input');
  if (keys) return keys;
  if (parameters !== undefined && Object.keys(parameters).length > 0) return invalid('wanx-style-repaint-v1 takes no parameters');
  if (typeof input.image_url !== 'string') return { code: 'InvalidURL', message: 'The request URL is invalid, make sure the url is correct and is an image' };
  if (!Number.isInteger(input.style_index) || !styleIndices.includes(input.style_index as number)) return invalid('input.style_index is not a supported style');
  if (input.style_index === -1 && typeof input.style_ref_url !== 'string') return invalid('input.style_ref_url is required when style_index is -1');
  if (input.style_ref_url !== undefined && typeof input.style_ref_url !== 'string') return invalid('input.style_ref_url must be a string');
  // style_ref_url has "the same limits" as image_url (spec §4.3).
  const fields = input.style_ref_url === undefined ? ['image_url'] : ['image_url', 'style_ref_url'];
  for (const field of fields) {
    const image = await resolve(input[field] as string, field);
    if (isRejection(image)) return image;
    const problem = checkImage(image, field, { minSide: 256, maxSide: 5760, formats: ['image/jpeg', 'image/png', 'image/bmp', 'image/webp'] });
    if (problem) return problem;
    if (image.width !== undefined && image.height !== undefined
      && (Math.min(image.width, image.height) > 3240 || Math.max(image.width, image.height) > 2 * Math.min(image.width, image.height))) {
      return { code: 'InvalidImageResolution', message: `${field}: The input image resolution is too large or small` };
    }
  }
  return undefined;
}

/** Image-to-video (spec §4.4). */
export async function checkVideo(model: string, input: Record<string, unknown>, parameters: Record<string, unknown>, resolve: InputResolver): Promise<Rejection | undefined> {
  const limits = videoModels[model];
  const keys = unknownKeys(input, ['prompt', 'negative_prompt', 'img_url', 'template'], 'input');
  if (keys) return keys;
  if (typeof input.img_url !== 'string') return invalid('input.img_url is required');
  if (input.prompt !== undefined && (typeof input.prompt !== 'string' || characters(input.prompt) > 800)) return invalid('input.prompt must be a string of at most 800 characters');
  if (input.negative_prompt !== undefined && (typeof input.negative_prompt !== 'string' || characters(input.negative_prompt) > 500)) return invalid('input.negative_prompt must be a string of at most 500 characters');
  const image = await resolve(input.img_url, 'img_url');
  if (isRejection(image)) return image;
  const problem = checkImage(image, 'img_url', { minSide: 360, maxSide: 2000, noAlpha: true, formats: ['image/jpeg', 'image/png', 'image/bmp', 'image/webp'] });
  if (problem) return problem;
  const parameterKeys = unknownKeys(parameters, ['resolution', 'duration', 'prompt_extend', 'watermark', 'seed'], 'parameters');
  if (parameterKeys) return parameterKeys;
  if (parameters.resolution !== undefined && !limits.resolutions.includes(String(parameters.resolution))) return invalid(`parameters.resolution must be one of ${limits.resolutions.join(', ')} for ${model}`);
  if (parameters.duration !== undefined && (limits.durations.length === 1 || !limits.durations.includes(parameters.duration as number))) return invalid(`parameters.duration is not supported for ${model}`);
  for (const flag of ['prompt_extend', 'watermark']) if (parameters[flag] !== undefined && typeof parameters[flag] !== 'boolean') return invalid(`parameters.${flag} must be a boolean`);
  if (parameters.seed !== undefined && !isInteger(parameters.seed, 0, 2147483647)) return invalid('parameters.seed must be an integer in [0, 2147483647]');
  return undefined;
}

export { isRejection, record, videoModels };
