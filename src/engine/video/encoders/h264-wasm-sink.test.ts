import { describe, expect, it } from 'vitest';
import { createWasmFrameSink } from './h264-wasm-sink.ts';

const options = { width: 64, height: 64, fps: 24 };
const blackFrame = () => new Uint8Array(options.width * options.height * 4);

/**
 * `FrameSink.abort` promises to be safe at any time. The WASM encoder's destructor aborts the module (a RuntimeError,
 * and an assertion printed on stderr) when `finalize` was not called, which replaced the error that made the video
 * kernel abort (a cancel, a render failure) with "abort(undefined)".
 */
describe('the h264-mp4-encoder frame sink', () => {
  it('aborts without throwing after frames were written', async () => {
    const sink = await createWasmFrameSink(options);
    await sink.write(blackFrame());
    await expect(sink.abort()).resolves.toBeUndefined();
  });

  it('aborts without throwing before any frame was written', async () => {
    const sink = await createWasmFrameSink(options);
    await expect(sink.abort()).resolves.toBeUndefined();
  });

  it('aborts without throwing after finish', async () => {
    const sink = await createWasmFrameSink(options);
    await sink.write(blackFrame());
    const mp4 = await sink.finish();
    expect(mp4.byteLength).toBeGreaterThan(0);
    await expect(sink.abort()).resolves.toBeUndefined();
  });
});
