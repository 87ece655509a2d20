/**
 * Unusual input images, sent the way a client sends them (`POST /v1/tasks` and the AOG route, in process) through
 * the input module and `adaptInputImage` to each cloud provider's wire-faithful fake. What each fake received is
 * checked against the model's declared `InputLimits` (and the fake's own spec checks): an accepted format, sides
 * within bounds, no alpha where the model refuses it, EXIF orientation applied, the mask in the provider's
 * convention and aligned with the image after any resize, and a `substituted` warning on the task whenever Atelier
 * changed the pixels. An input no scale can fit is a 400 that names the limit, never a distorted image or a 5xx.
 *
 * The per-adapter tests already cover plain RGB/RGBA inputs out of bounds (src/providers/<provider>/*.test.ts);
 * this file adds the pixel formats, orientation and masks that only the full path shows.
 */
import { randomBytes } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fakes/fake-server-kit.ts';
import { startDashScopeFake, type DashScopeFake } from '../../test/fakes/dashscope-fake-server.ts';
import { startOpenAiFake, type OpenAiFake } from '../../test/fakes/openai-fake-server.ts';
import { startStepFunFake, type StepFunFake } from '../../test/fakes/stepfun-fake-server.ts';
import { exampleTencentCredentials, startTencentFake, type TencentFake } from '../../test/fakes/tencent-fake-server.ts';
import { expectQuadrantColours } from '../../test/support/quadrant-colours.ts';
import { createTestApp } from '../../test/support/test-context.ts';
import type { TaskResource } from '../tasks/task-resource.ts';
import { findDashScopeModel } from './dashscope/dashscope-capabilities.ts';
import { findOpenAiModel } from './openai/openai-capabilities.ts';
import type { InputLimits } from './spec/capabilities.ts';
import { stepfunInputLimits } from './stepfun/stepfun-capabilities.ts';
import { tencentInputLimits } from './tencent/tencent-capabilities.ts';

type Body = Record<string, unknown>;
type Colour = [number, number, number];

let dashscope: DashScopeFake;
let tencent: TencentFake;
let stepfun: StepFunFake;
let openai: OpenAiFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  dashscope = await startDashScopeFake();
  // Tencent checks the signature's timestamp against its clock; the app signs with the real one.
  tencent = await startTencentFake({ clock: new FakeClock(Date.now()) });
  stepfun = await startStepFunFake();
  openai = await startOpenAiFake();
  harness = await createTestApp({
    env: {
      DASHSCOPE_API_KEY: dashscope.apiKey, DASHSCOPE_BASE_URL: dashscope.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20',
      TENCENTCLOUD_SECRET_ID: exampleTencentCredentials.secretId, TENCENTCLOUD_SECRET_KEY: exampleTencentCredentials.secretKey, TENCENTCLOUD_AIART_ENDPOINT: tencent.url,
      STEPFUN_API_KEY: stepfun.apiKey, STEPFUN_BASE_URL: stepfun.baseUrl,
      OPENAI_API_KEY: openai.apiKey ?? undefined, OPENAI_BASE_URL: openai.baseUrl,
      ATELIER_TASK_ATTEMPTS: '1',
    },
  });
});
afterAll(async () => {
  await harness?.close();
  await Promise.all([dashscope?.stop(), tencent?.stop(), stepfun?.stop(), openai?.stop()]);
});

// ---------------------------------------------------------------------------------------------------------------
// Test images: four quadrants a rotation or a lost alpha channel cannot hide. Top left white, top right red (fully
// transparent where the image has alpha, so flattening onto white turns it white), bottom left green, bottom right
// black. Grey conversions keep top left light and bottom right dark.
// ---------------------------------------------------------------------------------------------------------------

const white: Colour = [255, 255, 255];
const red: Colour = [220, 40, 40];
const green: Colour = [40, 160, 60];
const black: Colour = [0, 0, 0];

function quadrantPixels(width: number, height: number, withAlpha: boolean): Buffer {
  const channels = withAlpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const left = x < width / 2;
      const top = y < height / 2;
      const colour = top ? (left ? white : red) : left ? green : black;
      const offset = (y * width + x) * channels;
      pixels.set(colour, offset);
      if (withAlpha) pixels[offset + 3] = top && !left ? 0 : 255;
    }
  }
  return pixels;
}

const quadrants = (width: number, height: number, withAlpha = false) =>
  sharp(quadrantPixels(width, height, withAlpha), { raw: { width, height, channels: withAlpha ? 4 : 3 } });

interface OddImage {
  name: string;
  /** Encoded bytes as the client sends them; `width`×`height` is the upright size a viewer shows. */
  make(width: number, height: number): Promise<Buffer>;
  format: 'jpeg' | 'png';
  /** Whether the picture has transparent pixels (the top-right quadrant). */
  alpha: boolean;
  /** Stored sideways: the input module turns it upright, so even an untouched input differs from the bytes sent. */
  sideways?: boolean;
  /** Stored in CMYK, which many provider decoders misread: always converted to sRGB before it is sent. */
  cmyk?: boolean;
}

const oddImages: OddImage[] = [
  { name: 'a CMYK JPEG', format: 'jpeg', alpha: false, cmyk: true, make: (width, height) => quadrants(width, height).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer() },
  { name: 'a 16-bit RGBA PNG', format: 'png', alpha: true, make: (width, height) => quadrants(width, height, true).toColourspace('rgb16').png().toBuffer() },
  { name: 'a greyscale + alpha PNG', format: 'png', alpha: true, make: (width, height) => quadrants(width, height, true).toColourspace('b-w').png().toBuffer() },
  { name: 'a palette PNG with transparency', format: 'png', alpha: true, make: (width, height) => quadrants(width, height, true).png({ palette: true, colours: 16 }).toBuffer() },
  {
    name: 'a JPEG stored sideways with EXIF orientation 6',
    format: 'jpeg',
    alpha: false,
    sideways: true,
    // Stored rotated a quarter turn anticlockwise; orientation 6 tells viewers to turn it clockwise, upright again.
    make: async (width, height) => sharp(await quadrants(width, height).png().toBuffer()).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// What the fakes received.
// ---------------------------------------------------------------------------------------------------------------

interface Received {
  image: Buffer;
  mask?: Buffer;
}

function lastOf<T>(items: T[], what: string): T {
  if (items.length === 0) throw new Error(`the fake received no ${what}`);
  return items[items.length - 1];
}

/** An input DashScope reads: a `data:` URI, or a file the adapter uploaded to the fake's temporary storage. */
function dashScopeInput(value: unknown): Buffer {
  const text = String(value);
  if (text.startsWith('data:')) return Buffer.from(text.split(',')[1], 'base64');
  const uploaded = dashscope.uploadedFile(text);
  if (!uploaded) throw new Error(`DashScope fake has no upload ${text}`);
  return uploaded;
}

function receivedByDashScope(imageField: string): Received {
  const body = lastOf(dashscope.submissions(), 'submission').json as { input: Record<string, unknown> };
  return { image: dashScopeInput(body.input[imageField]), mask: body.input.mask_image_url === undefined ? undefined : dashScopeInput(body.input.mask_image_url) };
}

async function receivedByOpenAi(): Promise<Received> {
  const parts = await openai.parts(lastOf(openai.editRequests(), 'edit'));
  return { image: parts.find((part) => part.name === 'image')!.bytes!, mask: parts.find((part) => part.name === 'mask')?.bytes };
}

interface Target {
  name: string;
  service: 'image-to-image' | 'image-to-video';
  model: string;
  limits: InputLimits;
  /** Fields every request to it needs (a prompt), without the image. */
  body: Body;
  /** Upright size of the odd-format images: within the limits, so only the pixel format can need a change. */
  inside: [number, number];
  /** An inpainting-only model: every request needs a mask. */
  needsMask?: boolean;
  received(): Promise<Received>;
  upstreamCalls(): number;
}

const dashScopeVideo: Target = {
  name: 'DashScope wan2.2-i2v-flash', service: 'image-to-video', model: 'wan2.2-i2v-flash', limits: findDashScopeModel('wan2.2-i2v-flash')!.input,
  body: { prompt: '镜头缓慢推进' }, inside: [768, 576],
  received: async () => receivedByDashScope('img_url'), upstreamCalls: () => dashscope.submissions().length,
};
const dashScopeImageEdit: Target = {
  name: 'DashScope wanx2.1-imageedit', service: 'image-to-image', model: 'wanx2.1-imageedit', limits: findDashScopeModel('wanx2.1-imageedit')!.input,
  body: { prompt: '改为油画风格' }, inside: [768, 576],
  received: async () => receivedByDashScope('base_image_url'), upstreamCalls: () => dashscope.submissions().length,
};
const dashScopeXPainting: Target = {
  name: 'DashScope wanx-x-painting', service: 'image-to-image', model: 'wanx-x-painting', limits: findDashScopeModel('wanx-x-painting')!.input,
  body: { prompt: '一顶红色的帽子' }, inside: [768, 576], needsMask: true,
  received: async () => receivedByDashScope('base_image_url'), upstreamCalls: () => dashscope.submissions().length,
};
const dashScopeStyleRepaint: Target = {
  name: 'DashScope wanx-style-repaint-v1', service: 'image-to-image', model: 'wanx-style-repaint-v1', limits: findDashScopeModel('wanx-style-repaint-v1')!.input,
  body: { style: '3' }, inside: [768, 576],
  received: async () => receivedByDashScope('image_url'), upstreamCalls: () => dashscope.submissions().length,
};
const tencentTarget: Target = {
  name: 'Tencent aiart-image-to-image', service: 'image-to-image', model: 'aiart-image-to-image', limits: tencentInputLimits,
  body: { prompt: '水彩画风格' }, inside: [768, 576],
  received: async () => ({ image: Buffer.from(String((lastOf(tencent.apiRequests(), 'call').json as Body).InputImage), 'base64') }),
  upstreamCalls: () => tencent.apiRequests().length,
};
const stepfunTarget: Target = {
  name: 'StepFun step-2x-large', service: 'image-to-image', model: 'step-2x-large', limits: stepfunInputLimits,
  body: { prompt: '换成油画风格' }, inside: [768, 576],
  received: async () => ({ image: Buffer.from(String((lastOf(stepfun.image2imageRequests(), 'request').json as Body).source_url).split(',')[1], 'base64') }),
  upstreamCalls: () => stepfun.image2imageRequests().length,
};
const openAiGptImage: Target = {
  name: 'OpenAI gpt-image-1', service: 'image-to-image', model: 'gpt-image-1', limits: findOpenAiModel('gpt-image-1')!.input,
  body: { prompt: 'make it a watercolour' }, inside: [768, 576], received: receivedByOpenAi, upstreamCalls: () => openai.editRequests().length,
};
const openAiDallE2: Target = {
  name: 'OpenAI dall-e-2', service: 'image-to-image', model: 'dall-e-2', limits: findOpenAiModel('dall-e-2')!.input,
  // dall-e-2 takes square images only (refused, never cropped: covered by the adapter's own tests).
  body: { prompt: 'a watercolour of the same scene' }, inside: [576, 576], received: receivedByOpenAi, upstreamCalls: () => openai.editRequests().length,
};

// ---------------------------------------------------------------------------------------------------------------
// Requests and checks.
// ---------------------------------------------------------------------------------------------------------------

async function finished(id: string): Promise<TaskResource> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const task = (await (await harness.app.request(`/v1/tasks/${id}`)).json()) as TaskResource;
    if (['succeeded', 'failed', 'cancelled'].includes(task.state)) return task;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`task ${id} never finished`);
}

/** Runs one task to its end through `POST /v1/tasks`. */
async function runTask(target: Target, image: Buffer, extra: Body = {}): Promise<TaskResource> {
  const response = await harness.post('/v1/tasks', { service: target.service, model: target.model, image: image.toString('base64'), image_type: 'base64', ...target.body, ...extra });
  const body = (await response.json()) as TaskResource & { message?: string };
  expect(response.status, JSON.stringify(body)).toBe(202);
  return finished(body.id);
}

/** The colour at a point given as fractions of the width and height, as sRGB (alpha ignored). */
async function colourAt(bytes: Buffer, xFraction: number, yFraction: number): Promise<Colour> {
  const { data, info } = await sharp(bytes).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const x = Math.floor(info.width * xFraction);
  const y = Math.floor(info.height * yFraction);
  const offset = (y * info.width + x) * info.channels;
  return [data[offset], data[offset + 1], data[offset + 2]];
}

const luma = ([r, g, b]: Colour) => 0.299 * r + 0.587 * g + 0.114 * b;

/** What every received image must satisfy: an accepted format, sides within bounds, alpha only where allowed. */
async function expectWithinLimits(bytes: Buffer, limits: InputLimits): Promise<Metadata> {
  const metadata = await sharp(bytes).metadata();
  const formats = limits.formats.map((format) => (format === 'jpg' ? 'jpeg' : format));
  expect(formats).toContain(metadata.format);
  const shorter = Math.min(metadata.width!, metadata.height!);
  const longer = Math.max(metadata.width!, metadata.height!);
  expect(shorter).toBeGreaterThanOrEqual(limits.minSide ?? 1);
  expect(longer).toBeLessThanOrEqual(limits.maxSide ?? Infinity);
  expect(shorter).toBeLessThanOrEqual(limits.maxShortSide ?? Infinity);
  if (limits.alpha === 'flattened') expect(metadata.hasAlpha).toBe(false);
  return metadata;
}

/** Upright, not mirrored or turned: top left light, bottom right dark. */
async function expectUpright(bytes: Buffer): Promise<void> {
  expect(luma(await colourAt(bytes, 0.25, 0.25))).toBeGreaterThan(200);
  expect(luma(await colourAt(bytes, 0.75, 0.75))).toBeLessThan(50);
}

const imageChanged = expect.objectContaining({ type: 'substituted', feature: 'image' });


// ---------------------------------------------------------------------------------------------------------------

/**
 * One target per kind of limit and wire: alpha refused (DashScope video, data: URI), PNG only (dall-e-2, multipart),
 * and the formats passed through as they are over Tencent's raw base64, StepFun's png|jpeg data URL and OpenAI's
 * multipart parts (each fake checks the declared type against the bytes).
 */
describe.each([dashScopeVideo, openAiDallE2, tencentTarget, stepfunTarget, openAiGptImage])('$name: odd pixel formats', (target) => {
  it.each(oddImages)('takes $name: what the provider receives is within its limits and upright', async (odd) => {
    const [width, height] = target.inside;
    const sent = await odd.make(width, height);
    const task = await runTask(target, sent);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const { image } = await target.received();
    const metadata = await expectWithinLimits(image, target.limits);
    expect([metadata.width, metadata.height]).toEqual([width, height]);
    await expectUpright(image);
    const flattened = odd.alpha && target.limits.alpha === 'flattened';
    const reencoded = !target.limits.formats.includes(odd.format);
    if (odd.cmyk) {
      // Converted to sRGB, in its own format where the model reads it, the colours where they were and not inverted.
      expect(metadata).toMatchObject({ space: 'srgb', channels: 3, format: reencoded ? 'png' : odd.format });
      await expectQuadrantColours(image);
      expect(task.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'image', details: expect.stringContaining('CMYK colour, which the provider may not decode') }));
    } else if (flattened) {
      // Flattened onto white, as the warning says (not onto black, not the colour under the transparency).
      expect(luma(await colourAt(image, 0.75, 0.25))).toBeGreaterThan(240);
      expect(task.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'image', details: expect.stringContaining('flattened onto white') }));
    } else if (reencoded) {
      expect(task.warnings).toContainEqual(imageChanged);
    } else {
      // Within the limits: sent byte for byte (after the input module turned a sideways photo upright), no warning.
      expect(task.warnings).not.toContainEqual(imageChanged);
      if (!odd.sideways) expect(image.equals(sent)).toBe(true);
    }
  });
});

it('Tencent with adapt_input false: a CMYK JPEG within the limits is sent byte for byte, with a warning that it is CMYK', async () => {
  const sent = await oddImages.find((odd) => odd.cmyk)!.make(...tencentTarget.inside);
  const task = await runTask(tencentTarget, sent, { provider_options: { tencent: { adapt_input: false } } });
  expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
  expect((await tencentTarget.received()).image.equals(sent)).toBe(true);
  expect(task.warnings).not.toContainEqual(imageChanged);
  expect(task.warnings).toContainEqual(expect.objectContaining({ type: 'other', feature: 'image', details: expect.stringContaining('CMYK colour') }));
});

describe('sizes outside the limits', () => {
  /** 5000×300: fitting the long side into a 2000–4096 px maximum leaves the short side under the models' minimum. */
  const refusing = [dashScopeVideo, dashScopeImageEdit, dashScopeXPainting, dashScopeStyleRepaint];

  it.each(refusing)('$name: a 5000×300 image no scale can fit is a 400 naming the limit, and nothing is sent', async (target) => {
    const callsBefore = target.upstreamCalls();
    const image = await quadrants(5000, 300).jpeg().toBuffer();
    const mask = target.needsMask ? { mask: (await oddMasks[0].make(5000, 300)).toString('base64'), mask_type: 'base64' } : {};
    const response = await harness.post(`/aog/v0.2/services/${target.service}`, { model: target.model, image: image.toString('base64'), image_type: 'base64', ...mask, ...target.body });
    const body = (await response.json()) as Body;
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('provider_cannot_serve');
    expect(String(body.message)).toMatch(/5000×300 image .*(aspect ratio|px per side)/);
    expect(target.upstreamCalls()).toBe(callsBefore);
  });

  it.each([tencentTarget, stepfunTarget, openAiGptImage])('$name: a 5000×300 image arrives within the limits with its aspect ratio kept', async (target) => {
    const task = await runTask(target, await quadrants(5000, 300).jpeg().toBuffer());
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const metadata = await expectWithinLimits((await target.received()).image, target.limits);
    expect(Math.abs(metadata.width! / metadata.height! - 5000 / 300)).toBeLessThan(0.15);
    if (target.limits.maxSide !== undefined) expect(task.warnings).toContainEqual(imageChanged);
  });

  it.each([
    { target: dashScopeVideo, size: [2400, 1600], expected: [2000, 1333], label: '2400×1600 → 2000×1333' },
    { target: dashScopeStyleRepaint, size: [200, 150], expected: [341, 256], label: '200×150 → 341×256' },
  ])('$target.name: a 16-bit RGBA PNG is scaled ($label), and flattened where alpha is refused', async ({ target, size, expected }) => {
    const task = await runTask(target, await quadrants(size[0], size[1], true).toColourspace('rgb16').png().toBuffer());
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const { image } = await target.received();
    const metadata = await expectWithinLimits(image, target.limits);
    expect([metadata.width, metadata.height]).toEqual(expected);
    await expectUpright(image);
    expect(task.warnings).toContainEqual(imageChanged);
  });

  it('Tencent: an opaque RGBA PNG over 8 MB of base64 arrives under the limit, with a warning', async () => {
    // Noise does not compress: 1500×1500 RGBA is about 9 MB of PNG, 12 MB of base64, with every pixel opaque.
    const noise = randomBytes(1500 * 1500 * 4);
    for (let index = 3; index < noise.length; index += 4) noise[index] = 255;
    const image = await sharp(noise, { raw: { width: 1500, height: 1500, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer();
    expect(Math.ceil(image.length / 3) * 4).toBeGreaterThan(tencentInputLimits.maxBytes);
    const task = await runTask(tencentTarget, image);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const sent = String((lastOf(tencent.apiRequests(), 'call').json as Body).InputImage);
    expect(sent.length).toBeLessThanOrEqual(tencentInputLimits.maxBytes);
    await expectWithinLimits(Buffer.from(sent, 'base64'), tencentInputLimits);
    expect(task.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'image', details: expect.stringContaining('JPEG without its alpha channel (opaque everywhere)') }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Masks: the edit area is the middle of the image, a box from 25 % to 75 % of each side.
// ---------------------------------------------------------------------------------------------------------------

interface OddMask {
  name: string;
  make(width: number, height: number): Promise<Buffer>;
}

function boxPlane(width: number, height: number, inside: number, outside: number): Buffer {
  const plane = Buffer.alloc(width * height, outside);
  for (let y = Math.floor(height / 4); y < Math.floor((3 * height) / 4); y++) plane.fill(inside, y * width + Math.floor(width / 4), y * width + Math.floor((3 * width) / 4));
  return plane;
}

const oddMasks: OddMask[] = [
  {
    name: 'a greyscale JPEG (white = edit)',
    make: (width, height) => sharp(boxPlane(width, height, 255, 0), { raw: { width, height, channels: 1 } }).jpeg({ quality: 70 }).toBuffer(),
  },
  {
    name: 'an RGBA PNG (transparent = edit)',
    make: (width, height) => {
      const alpha = boxPlane(width, height, 0, 255);
      const rgba = Buffer.alloc(width * height * 4, 40);
      for (let pixel = 0; pixel < width * height; pixel++) rgba[pixel * 4 + 3] = alpha[pixel];
      return sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
    },
  },
];

/** The edit area of a mask the provider received, as the fraction of each side it spans: [left, top, right, bottom]. */
async function editBox(mask: Buffer, convention: 'white' | 'alpha'): Promise<number[]> {
  const { data, info } = await sharp(mask).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let [left, top, right, bottom] = [info.width, info.height, -1, -1];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const offset = (y * info.width + x) * 4;
      const edits = convention === 'white' ? data[offset] === 255 && data[offset + 1] === 255 && data[offset + 2] === 255 : data[offset + 3] === 0;
      if (edits) [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x + 1), Math.max(bottom, y + 1)];
    }
  }
  return [left / info.width, top / info.height, right / info.width, bottom / info.height];
}

const maskTargets = [
  { target: dashScopeImageEdit, convention: 'white' as const, size: [400, 300], expected: [683, 512], label: '400×300' },
  { target: dashScopeXPainting, convention: 'white' as const, size: [200, 150], expected: [343, 257], label: '200×150' },
  { target: openAiGptImage, convention: 'alpha' as const, size: [400, 300], expected: [400, 300], label: '400×300' },
];

describe.each(maskTargets)('$target.name: masks', ({ target, convention, size, expected, label }) => {
  it.each(oddMasks)(`takes $name for a ${label} image: the mask arrives in the provider's convention, aligned with the image`, async (odd) => {
    const [width, height] = size;
    const task = await runTask(target, await quadrants(width, height).png().toBuffer(), { mask: (await odd.make(width, height)).toString('base64'), mask_type: 'base64' });
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const { image, mask } = await target.received();
    const imageMetadata = await expectWithinLimits(image, target.limits);
    const maskMetadata = await sharp(mask!).metadata();
    expect([imageMetadata.width, imageMetadata.height]).toEqual(expected);
    expect([maskMetadata.width, maskMetadata.height]).toEqual(expected);
    expect(maskMetadata.format).toBe('png');
    expect(maskMetadata.hasAlpha).toBe(convention === 'alpha');
    // The box spans 25–75 % of each side before and after any resize (one pixel of rounding either way).
    const box = await editBox(mask!, convention);
    const tolerance = [1 / expected[0], 1 / expected[1], 1 / expected[0], 1 / expected[1]].map((pixel) => 1.5 * pixel);
    box.forEach((edge, index) => expect(Math.abs(edge - [0.25, 0.25, 0.75, 0.75][index])).toBeLessThanOrEqual(tolerance[index]));
    if (expected[0] !== width) expect(task.warnings).toContainEqual(imageChanged);
  });
});

it('refuses a mask of another size than the image with a 400 before any task exists, never resizing it to fit', async () => {
  const target = dashScopeImageEdit;
  const callsBefore = target.upstreamCalls();
  const response = await harness.post('/v1/tasks', {
    service: target.service, model: target.model, image: (await quadrants(640, 480).png().toBuffer()).toString('base64'), image_type: 'base64',
    mask: (await oddMasks[0].make(320, 240)).toString('base64'), mask_type: 'base64', ...target.body,
  });
  const body = (await response.json()) as Body;
  expect(response.status, JSON.stringify(body)).toBe(400);
  expect(body.code).toBe('mask_size_mismatch');
  expect(target.upstreamCalls()).toBe(callsBefore);
});
