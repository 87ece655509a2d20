import { readBoxes, walkBoxes } from './mp4-boxes.ts';

/**
 * Rewrites an MP4 so that its `moov` box (the index: sizes, timings and chunk offsets) comes before `mdat` (the
 * media), like `ffmpeg -movflags +faststart`. A browser can then start playing and seeking after the first bytes
 * instead of fetching the end of the file first. `h264-mp4-encoder` writes `moov` last, hence this.
 *
 * `moov` moves to just before the first `mdat`; every chunk offset (`stco`/`co64`) that points into the bytes
 * that shift is increased by the size of `moov`. Files whose `moov` already precedes `mdat` are returned as is.
 */
export function moveMoovToFront(bytes: Uint8Array): Uint8Array {
  const top = readBoxes(bytes);
  const moovIndex = top.findIndex((box) => box.type === 'moov');
  const mdatIndex = top.findIndex((box) => box.type === 'mdat');
  if (moovIndex < 0) throw new Error('the MP4 has no moov box');
  if (mdatIndex < 0 || moovIndex < mdatIndex) return bytes;

  const moov = top[moovIndex];
  const insertAt = top[mdatIndex].start;
  const moovSize = moov.end - moov.start;
  const movedMoov = bytes.slice(moov.start, moov.end);
  const view = new DataView(movedMoov.buffer, movedMoov.byteOffset, movedMoov.byteLength);
  if (view.getUint32(0) === 0) view.setUint32(0, moovSize); // "to end of file" no longer holds once it moves

  // Bytes in [insertAt, moov.start) move forward by moovSize; bytes after moov stay where they are.
  const shifted = (offset: number) => (offset >= insertAt && offset < moov.start ? offset + moovSize : offset);
  for (const box of walkBoxes(movedMoov)) {
    if (box.type !== 'stco' && box.type !== 'co64') continue;
    const count = view.getUint32(box.payloadStart + 4);
    const entries = box.payloadStart + 8;
    for (let entry = 0; entry < count; entry++) {
      if (box.type === 'stco') {
        const moved = shifted(view.getUint32(entries + entry * 4));
        if (moved > 0xffffffff) throw new Error('a chunk offset passes 4 GiB after moving moov; stco would need to become co64');
        view.setUint32(entries + entry * 4, moved);
      } else {
        view.setBigUint64(entries + entry * 8, BigInt(shifted(Number(view.getBigUint64(entries + entry * 8)))));
      }
    }
  }

  const output = new Uint8Array(bytes.length);
  output.set(bytes.subarray(0, insertAt), 0);
  output.set(movedMoov, insertAt);
  output.set(bytes.subarray(insertAt, moov.start), insertAt + moovSize);
  output.set(bytes.subarray(moov.end), moov.end);
  return output;
}
