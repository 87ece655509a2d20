/** The encoders the embedded engine can use. */
export type EncoderName = 'h264-mp4-encoder' | 'ffmpeg';

/** Which encoder a render uses: the pure-npm WASM one, or a system ffmpeg at `path`. */
export type EncoderChoice = { name: 'h264-mp4-encoder' } | { name: 'ffmpeg'; path: string };

export interface FrameSinkOptions {
  width: number;
  height: number;
  fps: number;
}

/**
 * Where rendered frames go, one at a time (a clip is never held in memory as frames): an H.264 encoder that ends
 * with an MP4 whose `moov` precedes `mdat`.
 */
export interface FrameSink {
  /** Takes one RGBA frame (`width × height × 4` bytes; the fourth channel is ignored). The caller may reuse the
   * buffer as soon as the promise resolves. */
  write(frame: Uint8Array): Promise<void>;
  /** Ends the stream and returns the MP4 bytes ("faststart" layout). */
  finish(): Promise<Uint8Array>;
  /** Stops and frees everything; safe to call at any time, also after `finish`. */
  abort(): Promise<void>;
}
