/**
 * Writes one PNG with the original image and every catalogue entry applied to it, each labelled, so a reader sees
 * the whole catalogue at a glance.
 *
 *   npm run contact-sheet -- <image> [out.png] [--seed <n>]
 *
 * Defaults: out = contact-sheet.png in the current directory, seed 7. Every entry is rendered at the image's own
 * size through `engine.editImage` (the same path the API uses), then scaled to a tile.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../src/engine/index.ts';

interface Tile {
  title: string;
  subtitle: string;
  png: Buffer;
}

const tileWidth = 360;
const labelHeight = 46;
const gap = 8;
const columns = 6;

async function main(): Promise<void> {
  const { imagePath, outputPath, seed } = parseArguments(process.argv.slice(2));
  const bytes = await readFile(imagePath);
  const metadata = await sharp(bytes).metadata();
  const engine = createEngine();
  try {
    const tiles: Tile[] = [{ title: 'Original', subtitle: basename(imagePath), png: bytes }];
    for (const style of engine.styles()) {
      const started = performance.now();
      const result = await engine.editImage({
        image: { bytes, mediaType: `image/${metadata.format}`, width: metadata.width ?? 0, height: metadata.height ?? 0, hasAlpha: metadata.hasAlpha ?? false },
        style: style.id, seed, n: 1, outputFormat: 'png',
      });
      process.stderr.write(`${style.id.padEnd(16)} ${(performance.now() - started).toFixed(0).padStart(5)} ms\n`);
      tiles.push({ title: style.name, subtitle: `${style.id} · ${style.examplePrompts.zh[0] ?? ''}`, png: result.outputs[0].bytes });
    }
    await writeFile(outputPath, await composeSheet(tiles, metadata.width ?? tileWidth, metadata.height ?? tileWidth));
    process.stderr.write(`wrote ${outputPath} (${tiles.length} tiles, seed ${seed})\n`);
  } finally {
    await engine.close();
  }
}

async function composeSheet(tiles: Tile[], imageWidth: number, imageHeight: number): Promise<Buffer> {
  const width = Math.min(tileWidth, imageWidth);
  const height = Math.round((imageHeight * width) / imageWidth);
  const rows = Math.ceil(tiles.length / columns);
  const cellWidth = width + gap;
  const cellHeight = height + labelHeight + gap;
  const layers = await Promise.all(tiles.map(async (tile, index) => {
    const left = gap + (index % columns) * cellWidth;
    const top = gap + Math.floor(index / columns) * cellHeight;
    const picture = await sharp(tile.png).resize(width, height, { fit: 'fill' }).png().toBuffer();
    return [
      { input: picture, left, top },
      { input: Buffer.from(labelSvg(tile, width)), left, top: top + height },
    ];
  }));
  return sharp({ create: { width: gap + columns * cellWidth, height: gap + rows * cellHeight, channels: 3, background: '#f4f1ea' } })
    .composite(layers.flat())
    // A 256-colour palette with light dithering: a quarter of the bytes of a full-colour PNG for a preview that is
    // committed to the repository, with no visible loss at this size.
    .png({ palette: true, quality: 95, dither: 0.5, effort: 8 })
    .toBuffer();
}

function labelSvg(tile: Tile, width: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${labelHeight}">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="8" y="20" font-family="sans-serif" font-size="16" font-weight="bold" fill="#222">${escapeXml(tile.title)}</text>
  <text x="8" y="38" font-family="sans-serif" font-size="12" fill="#666">${escapeXml(tile.subtitle)}</text>
</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function parseArguments(argumentsList: string[]): { imagePath: string; outputPath: string; seed: number } {
  const positional: string[] = [];
  let seed = 7;
  for (let index = 0; index < argumentsList.length; index++) {
    if (argumentsList[index] === '--seed') {
      seed = Number(argumentsList[++index]);
      if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed expects a non-negative integer, got ${argumentsList[index]}`);
    } else {
      positional.push(argumentsList[index]);
    }
  }
  if (positional.length < 1 || positional.length > 2) {
    throw new Error('usage: npm run contact-sheet -- <image> [out.png] [--seed <n>]');
  }
  return { imagePath: positional[0], outputPath: positional[1] ?? 'contact-sheet.png', seed };
}

main().catch((error: unknown) => {
  process.stderr.write(`contact-sheet: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
