import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-shutdown-'));
  await writeFile(join(directory, 'big.png'), await makePhotoLikeImage(1600, 1200));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: finishes the request in flight, then exits 0`, async () => {
      const server = await spawnServer({ args: ['--data-dir', join(directory, 'data'), '--input-root', directory], env: { ATELIER_LOG_LEVEL: 'debug' } });
      const inFlight = fetch(`${server.url}/aog/v0.2/services/image-to-image`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: join(directory, 'big.png'), image_type: 'path', prompt: 'oil painting', n: 2 }),
      });
      // Signal only once the server has the request (it logs each request at debug level).
      while (!/request received.*image-to-image/.test(server.output())) await new Promise((resolve) => setTimeout(resolve, 10));
      const exitCode = server.stop(signal);
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { url: string[] }).url).toHaveLength(2);
      expect(await exitCode).toBe(0);
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    });
  }
});
