import sharp from 'sharp';
import { WorkerPool } from '../workers/worker-pool.ts';
import { renderVideo } from './index.ts';
import { inspectMp4 } from './mp4/mp4-boxes.ts';
import { createLogger } from '../../logging/logger.ts';
const pool = new WorkerPool(2);
const bytes = await sharp('/work/shared/fixtures/images/coffee.png').resize(1920, 1080).jpeg().toBuffer();
const image = { bytes, mediaType: 'image/jpeg', width: 1920, height: 1080, hasAlpha: false };
for (const motion of ['ken-burns']) {
  const started = performance.now();
  const result = await renderVideo({ image, motion, resolution: '1080P' }, { pool, ffmpegPath: null, logger: createLogger({ level: 'debug' }) });
  console.log(motion, (performance.now() - started).toFixed(0), 'ms', result.width, result.height, result.output.bytes.length, inspectMp4(result.output.bytes).videoTracks[0].sampleCount);
}
await pool.close();
