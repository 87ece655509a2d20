import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { WorkerPool } from '../workers/worker-pool.ts';
import { renderVideo } from './index.ts';
import { inspectMp4 } from './mp4/mp4-boxes.ts';
import { createLogger } from '../../logging/logger.ts';
const pool = new WorkerPool(2);
const bytes = await sharp(process.env.IMAGE ?? '/work/shared/fixtures/images/coffee.png').resize(1024, 1024).png().toBuffer();
const image = { bytes, mediaType: 'image/png', width: 1024, height: 1024, hasAlpha: false };
const logger = createLogger({ level: 'debug' });
const motions = process.argv.slice(2);
for (const motion of motions.length ? motions : ['ken-burns']) {
  for (const ffmpegPath of (process.env.BOTH ? [null, undefined] : [null])) {
    for (let run = 0; run < (process.env.RUNS ? Number(process.env.RUNS) : 1); run++) {
      const started = performance.now();
      const result = await renderVideo({ image, motion, onProgress: () => {} }, { pool, logger, ffmpegPath });
      const elapsed = performance.now() - started;
      console.log(motion, result.encoder, elapsed.toFixed(0), 'ms', result.output.bytes.length, 'bytes', JSON.stringify(inspectMp4(result.output.bytes)), result.warnings);
      writeFileSync(`/tmp/h3/${motion}-${result.encoder}.mp4`, result.output.bytes);
    }
  }
}
await pool.close();
