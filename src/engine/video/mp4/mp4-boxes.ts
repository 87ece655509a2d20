/**
 * A minimal ISO-BMFF (MP4) box reader: enough to move `moov` to the front and to check what an encoder wrote
 * (brands, track size, codec, duration, sample count). Read-only; never trusts a size that runs past its parent.
 */

/** One box: `start` is where its header begins, `payloadStart` where its content begins, `end` is exclusive. */
export interface Mp4Box {
  type: string;
  start: number;
  payloadStart: number;
  end: number;
}

/** Boxes that contain only other boxes (the ones on the path to the sample tables, and a few siblings). */
const containerTypes = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf']);

/** Reads the sequence of boxes between `start` and `end` of `bytes`. Throws on a truncated or inconsistent box. */
export function readBoxes(bytes: Uint8Array, start = 0, end = bytes.length): Mp4Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Mp4Box[] = [];
  let offset = start;
  while (offset < end) {
    if (end - offset < 8) throw new Error(`truncated box header at byte ${offset}`);
    const declared = view.getUint32(offset);
    const type = String.fromCharCode(bytes[offset + 4], bytes[offset + 5], bytes[offset + 6], bytes[offset + 7]);
    let headerSize = 8;
    let size: number;
    if (declared === 1) {
      if (end - offset < 16) throw new Error(`truncated 64-bit size of ${type} at byte ${offset}`);
      size = Number(view.getBigUint64(offset + 8));
      headerSize = 16;
    } else if (declared === 0) {
      size = end - offset; // "extends to the end of the file"
    } else {
      size = declared;
    }
    if (size < headerSize || offset + size > end) throw new Error(`box ${type} at byte ${offset} declares ${size} bytes, past its container`);
    boxes.push({ type, start: offset, payloadStart: offset + headerSize, end: offset + size });
    offset += size;
  }
  return boxes;
}

/** The child boxes of a container box (`stsd` skips its version, flags and entry count first). */
export function childBoxes(bytes: Uint8Array, box: Mp4Box): Mp4Box[] {
  if (box.type === 'stsd') return readBoxes(bytes, box.payloadStart + 8, box.end);
  return readBoxes(bytes, box.payloadStart, box.end);
}

/** Every box in the tree (depth first), descending into containers and `stsd`. */
export function walkBoxes(bytes: Uint8Array, boxes: Mp4Box[] = readBoxes(bytes)): Mp4Box[] {
  const all: Mp4Box[] = [];
  for (const box of boxes) {
    all.push(box);
    if (containerTypes.has(box.type) || box.type === 'stsd') all.push(...walkBoxes(bytes, childBoxes(bytes, box)));
  }
  return all;
}

/** The first box at `path` (e.g. `['moov', 'trak', 'tkhd']`) below `within` (default: top level). */
export function findBox(bytes: Uint8Array, path: readonly string[], within?: Mp4Box): Mp4Box | undefined {
  let candidates = within ? childBoxes(bytes, within) : readBoxes(bytes);
  let found: Mp4Box | undefined;
  for (const type of path) {
    found = candidates.find((box) => box.type === type);
    if (!found) return undefined;
    candidates = containerTypes.has(found.type) || found.type === 'stsd' ? childBoxes(bytes, found) : [];
  }
  return found;
}

export interface Mp4VideoTrack {
  /** Sample entry type, e.g. `avc1`. */
  codec: string;
  width: number;
  height: number;
  timescale: number;
  durationSeconds: number;
  sampleCount: number;
}

export interface Mp4Summary {
  topLevel: string[];
  majorBrand: string;
  movieDurationSeconds: number;
  videoTracks: Mp4VideoTrack[];
}

/** Summarises an MP4: top-level box order, brand, and each video track's codec, size, duration and sample count. */
export function inspectMp4(bytes: Uint8Array): Mp4Summary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = readBoxes(bytes);
  const ftyp = top.find((box) => box.type === 'ftyp');
  const moov = top.find((box) => box.type === 'moov');
  if (!ftyp || !moov) throw new Error(`not an MP4: top-level boxes are ${top.map((box) => box.type).join(', ')}`);
  const majorBrand = text(bytes, ftyp.payloadStart, 4);
  const mvhd = findBox(bytes, ['mvhd'], moov);
  if (!mvhd) throw new Error('moov has no mvhd');
  const movie = timescaleAndDuration(view, mvhd);
  const videoTracks: Mp4VideoTrack[] = [];
  for (const trak of childBoxes(bytes, moov).filter((box) => box.type === 'trak')) {
    const handler = findBox(bytes, ['mdia', 'hdlr'], trak);
    if (!handler || text(bytes, handler.payloadStart + 8, 4) !== 'vide') continue;
    const mdhd = findBox(bytes, ['mdia', 'mdhd'], trak);
    const stsd = findBox(bytes, ['mdia', 'minf', 'stbl', 'stsd'], trak);
    const stsz = findBox(bytes, ['mdia', 'minf', 'stbl', 'stsz'], trak);
    if (!mdhd || !stsd || !stsz) throw new Error('video track without mdhd, stsd or stsz');
    const entry = childBoxes(bytes, stsd)[0];
    if (!entry) throw new Error('stsd has no sample entry');
    const media = timescaleAndDuration(view, mdhd);
    videoTracks.push({
      codec: entry.type,
      // Visual sample entry: 6 reserved + 2 data reference index + 16 pre-defined/reserved, then width, height.
      width: view.getUint16(entry.payloadStart + 24),
      height: view.getUint16(entry.payloadStart + 26),
      timescale: media.timescale,
      durationSeconds: media.duration / media.timescale,
      sampleCount: view.getUint32(stsz.payloadStart + 8),
    });
  }
  return { topLevel: top.map((box) => box.type), majorBrand, movieDurationSeconds: movie.duration / movie.timescale, videoTracks };
}

/** `timescale` and `duration` of an `mvhd` or `mdhd` (version 0: 32-bit times, version 1: 64-bit). */
function timescaleAndDuration(view: DataView, box: Mp4Box): { timescale: number; duration: number } {
  const version = view.getUint8(box.payloadStart);
  if (version === 1) {
    return { timescale: view.getUint32(box.payloadStart + 20), duration: Number(view.getBigUint64(box.payloadStart + 24)) };
  }
  return { timescale: view.getUint32(box.payloadStart + 12), duration: view.getUint32(box.payloadStart + 16) };
}

function text(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
