import sharp from 'sharp';

/** A photo-like test image: gradients, a bright "sky", a darker textured "ground" and a red disc as a subject. */
export async function makePhotoLikeImage(width = 320, height = 240, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7fb4f0"/><stop offset="1" stop-color="#dcecff"/></linearGradient></defs>
    <rect width="100%" height="55%" fill="url(#sky)"/>
    <rect y="55%" width="100%" height="45%" fill="#4a7a2c"/>
    ${Array.from({ length: 40 }, (_, index) => `<rect x="${(index * 37) % width}" y="${height * 0.58 + ((index * 23) % (height * 0.4))}" width="6" height="3" fill="#2f5a1a"/>`).join('')}
    <circle cx="${width * 0.5}" cy="${height * 0.6}" r="${Math.min(width, height) * 0.18}" fill="#c8322a"/>
    <rect x="${width * 0.1}" y="${height * 0.3}" width="${width * 0.12}" height="${height * 0.3}" fill="#8a5a2b"/>
  </svg>`;
  const image = sharp(Buffer.from(svg));
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 92 }).toBuffer();
}

/** A PNG whose header claims `width`×`height` but whose data is a single tiny chunk: a decompression-bomb stand-in. */
export function makeHugeHeaderPng(width: number, height: number): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return crc ^ 0xffffffff;
}
