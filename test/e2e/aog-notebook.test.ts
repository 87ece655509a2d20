import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAogService, downloadBytes } from '../support/aog-client.ts';
import { meanAbsoluteDifference } from '../support/image-comparison.ts';
import { startLocalServer } from '../support/local-http-server.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

/**
 * Replays the AOG image-to-image notebook against the real server, started as a child process:
 * JSON over HTTP, `business_code == 200` then `data.url`, inputs by path, url and bare base64, n = 2.
 */
let directory: string;
let photo: Buffer;
let photoPath: string;
let imageHost: Awaited<ReturnType<typeof startLocalServer>>;
let server: SpawnedServer;

const callImageToImage = (baseUrl: string, payload: Record<string, unknown>) => callAogService(baseUrl, 'image-to-image', payload);

/** What the notebook does with a success: business_code 200, then every http url downloaded. */
async function downloadResults(body: Record<string, any>): Promise<Buffer[]> {
  expect(body.business_code).toBe(200);
  const urls = body.data.url as string[];
  return Promise.all(urls.map(async (url) => {
    expect(url).toMatch(/^http:\/\//);
    return downloadBytes(url);
  }));
}

async function expectTransformedImage(result: Buffer) {
  const [input, output] = await Promise.all([sharp(photo).metadata(), sharp(result).metadata()]);
  expect(output.width! / output.height!).toBeCloseTo(input.width! / input.height!, 2);
  expect(await meanAbsoluteDifference(photo, result)).toBeGreaterThan(4);
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-e2e-'));
  photo = await makePhotoLikeImage(240, 160, 'jpeg');
  photoPath = join(directory, 'cat.jpg');
  await writeFile(photoPath, photo);
  imageHost = await startLocalServer((request, response) => {
    if (request.url === '/cat.jpg') response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
    else response.writeHead(404).end();
  });
  // Private URLs are allowed for this server only: the image host is on 127.0.0.1.
  server = await spawnServer({ args: ['--data-dir', join(directory, 'data'), '--input-root', directory, '--allow-private-urls'] });
});

afterAll(async () => {
  await server?.stop();
  await imageHost?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('the AOG image-to-image notebook against `atelier serve`', () => {
  it('answers the health check the seeds tell users to run', async () => {
    const response = await fetch(`${server.url}/aog/v0.2/health`);
    expect(await response.json()).toMatchObject({ business_code: 80000, data: { status: 'UP' } });
  });

  it('transforms a path input with n = 2 into two downloadable, different images', async () => {
    const { status, body } = await callImageToImage(server.url, { model: 'wanx2.1-i2i-turbo', image: photoPath, image_type: 'path', n: 2, prompt: '改为油画风格' });
    expect(status, JSON.stringify(body)).toBe(200);
    const results = await downloadResults(body);
    expect(results).toHaveLength(2);
    for (const result of results) await expectTransformedImage(result);
    expect(await meanAbsoluteDifference(results[0], results[1])).toBeGreaterThan(0.5);
  });

  it('transforms a url input and a bare base64 input', async () => {
    const fromUrl = await callImageToImage(server.url, { model: 'wanx2.1-i2i-turbo', image: `${imageHost.url}/cat.jpg`, image_type: 'url', prompt: '转换为水彩画风格' });
    expect(fromUrl.status, JSON.stringify(fromUrl.body)).toBe(200);
    for (const result of await downloadResults(fromUrl.body)) await expectTransformedImage(result);
    const fromBase64 = await callImageToImage(server.url, { model: 'wanx2.1-i2i-turbo', image: photo.toString('base64'), image_type: 'base64', prompt: '改为卡通风格' });
    expect(fromBase64.status, JSON.stringify(fromBase64.body)).toBe(200);
    for (const result of await downloadResults(fromBase64.body)) await expectTransformedImage(result);
  });

  it('gives four different results for the notebook\'s four Chinese prompts', async () => {
    const prompts = ['改为油画风格', '转换为水彩画风格', '改为卡通风格', '转换为素描风格'];
    const results: Buffer[] = [];
    for (const prompt of prompts) {
      const { status, body } = await callImageToImage(server.url, { model: 'wanx2.1-i2i-turbo', image: photoPath, image_type: 'path', prompt, seed: 1 });
      expect(status, JSON.stringify(body)).toBe(200);
      const [result] = await downloadResults(body);
      await expectTransformedImage(result);
      results.push(result);
    }
    for (let first = 0; first < results.length; first++) {
      for (let second = first + 1; second < results.length; second++) {
        expect(await meanAbsoluteDifference(results[first], results[second]), `${prompts[first]} vs ${prompts[second]}`).toBeGreaterThan(3);
      }
    }
  });

  it('answers bad input with a 4xx and keeps serving', async () => {
    const bad = await callImageToImage(server.url, { image: 'not base64 !!', image_type: 'base64' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('input_base64_invalid');
    const good = await callImageToImage(server.url, { image: photoPath, image_type: 'path', prompt: 'Make the image brighter' });
    expect(good.status).toBe(200);
  });
});

describe('URL inputs on a default server', () => {
  it('refuses a loopback URL unless private URLs were allowed', async () => {
    const strict = await spawnServer({ args: ['--data-dir', join(directory, 'strict'), '--input-root', directory] });
    try {
      const { status, body } = await callImageToImage(strict.url, { image: `${imageHost.url}/cat.jpg`, image_type: 'url' });
      expect(status).toBe(403);
      expect(body.code).toBe('input_url_forbidden_address');
      expect(body.message).toMatch(/loopback/);
    } finally {
      expect(await strict.stop('SIGTERM')).toBe(0);
    }
  });
});
