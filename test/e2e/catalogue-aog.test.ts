import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAogService, downloadBytes, type AogAnswer } from '../support/aog-client.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

/**
 * Prompt understanding end to end: every catalogue entry from its English and its Chinese example prompts through
 * the AOG route of the real server (a child process), plus seeds that reproduce a variation and the fallback. The
 * entries are read from `GET /v1/styles`, so a new entry is covered without touching this file.
 */
interface StyleListing {
  id: string;
  kind: 'style' | 'edit';
  examplePrompts: { en: string[]; zh: string[] };
}

const inputWidth = 96;
const inputHeight = 64;
let directory: string;
let server: SpawnedServer;
let inputBase64: string;

/** The AOG image-to-image call on the test photo (inline base64), with `payload`'s fields added. */
function imageToImage(payload: Record<string, unknown>): Promise<AogAnswer> {
  return callAogService(server.url, 'image-to-image', { image: inputBase64, image_type: 'base64', ...payload });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-catalogue-'));
  inputBase64 = (await makePhotoLikeImage(inputWidth, inputHeight)).toString('base64');
  server = await spawnServer({ args: ['--data-dir', join(directory, 'data')] });
});

afterAll(async () => {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe('every catalogue entry through POST /aog/v0.2/services/image-to-image', () => {
  it('applies each entry from its English and its Chinese example prompts, without a fallback, at the input size', async () => {
    const { styles } = (await (await fetch(`${server.url}/v1/styles`)).json()) as { styles: StyleListing[] };
    expect(styles.length).toBeGreaterThanOrEqual(14);
    const cases = styles.flatMap((style) => (['en', 'zh'] as const).flatMap((language) => {
      expect(style.examplePrompts[language].length, `${style.id} has no ${language} example prompt`).toBeGreaterThan(0);
      return style.examplePrompts[language].map((prompt) => ({ id: style.id, language, prompt }));
    }));
    // Every problem is collected first so one run names every entry that fails, not just the first.
    const problems: string[] = [];
    for (const { id, language, prompt } of cases) {
      const label = `${id} (${language}) "${prompt}"`;
      const { status, body } = await imageToImage({ prompt, n: 1 });
      if (status !== 200 || body.business_code !== 200) {
        problems.push(`${label}: HTTP ${status} ${JSON.stringify(body)}`);
        continue;
      }
      if (!Array.isArray(body.applied) || !body.applied.includes(id)) problems.push(`${label}: applied ${JSON.stringify(body.applied)}`);
      const fallbacks = (body.warnings as Array<{ type: string }>).filter((warning) => warning.type === 'fallback');
      if (fallbacks.length > 0) problems.push(`${label}: fallback warning ${JSON.stringify(fallbacks)}`);
      const metadata = await sharp(await downloadBytes(body.data.url[0])).metadata();
      if (metadata.width !== inputWidth || metadata.height !== inputHeight) problems.push(`${label}: output ${metadata.width}×${metadata.height}`);
    }
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(styles.length * 2);
  });
});

describe('seeds and applied recipes in responses', () => {
  it('reports a seed per variation, and sending seed k with n = 1 reproduces variation k byte for byte', async () => {
    const first = await imageToImage({ prompt: 'watercolor, brighter', n: 3 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.applied).toEqual(['watercolor', 'brighter']);
    const seeds = first.body.seeds as number[];
    expect(seeds).toHaveLength(3);
    expect(first.body.data.seeds).toEqual(seeds);
    expect(new Set(seeds).size).toBe(3);
    const variations = await Promise.all((first.body.url as string[]).map(downloadBytes));
    expect(variations[1].equals(variations[2])).toBe(false);

    for (const index of [2, 1]) {
      const again = await imageToImage({ prompt: 'watercolor, brighter', n: 1, seed: seeds[index] });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.seeds).toEqual([seeds[index]]);
      expect((await downloadBytes(again.body.url[0])).equals(variations[index]), `variation ${index} (seed ${seeds[index]})`).toBe(true);
    }

    const task = (await (await fetch(`${server.url}/v1/tasks/${first.body.id}`)).json()) as Record<string, any>;
    expect(task.outputs.map((output: { seed: number }) => output.seed)).toEqual(seeds);
    expect(task.applied).toEqual(['watercolor', 'brighter']);
  });

  it('combines a style and edits from one Chinese prompt', async () => {
    const { status, body } = await imageToImage({ prompt: '改为油画风格，更加明亮', seed: 7 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.applied).toEqual(['oil-painting', 'brighter']);
    expect(body.warnings).toEqual([]);
  });

  it('lets an explicit style replace the prompt\'s style while the prompt\'s edits still apply', async () => {
    const { status, body } = await imageToImage({ prompt: 'watercolor, brighter', style: 'pencil-sketch', seed: 7 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.applied).toEqual(['pencil-sketch', 'brighter']);
    expect(body.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'prompt' })]);
    expect(body.warnings[0].details).toContain('watercolor was not applied');
  });

  it('falls back to the default enhancement with a warning listing what it understands', async () => {
    const { status, body } = await imageToImage({ prompt: 'make it look like a dream', seed: 7 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.applied).toEqual(['more-details', 'more-colours']);
    expect(body.warnings).toEqual([expect.objectContaining({ type: 'fallback', feature: 'prompt' })]);
    expect(body.warnings[0].details).toContain('oil-painting ("oil painting" / "油画")');
  });
});
