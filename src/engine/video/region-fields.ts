import type { PixelField, RasterRgba, RowRange } from './frame-sampler.ts';
import { createSeededRandom } from '../seeded-random.ts';

/**
 * Per-frame displacement and brightness fields for the region motions (sway, ripple, drifting clouds, flicker).
 * Each field is precomputed as per-row and per-column tables at construction, so a frame costs a couple of
 * multiply-adds per pixel: `sin(a(x) + b(y, t))` is expanded to `sin a · cos b + cos a · sin b`.
 *
 * All distances are in frame pixels; `seconds` is the frame's time in the clip.
 */
export interface RegionField {
  /** Fills the field for the frame at `seconds`; the returned arrays are reused from frame to frame. */
  at(seconds: number): PixelField;
  /** The rows the field can move or shade; every other row is an exact, undisplaced view. */
  movingRows: RowRange;
}

const fullTurn = 2 * Math.PI;

function smoothstep(edge0: number, edge1: number, value: number): number {
  const t = Math.min(1, Math.max(0, (value - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/**
 * Foliage in the wind: a smooth horizontal displacement travelling across the picture, strongest at the top
 * (branches) and fading to nothing at the bottom (trunks, ground), with slow gusts and a faster flutter.
 */
export function swayField(width: number, height: number, strength: number, seed: number): RegionField {
  const random = createSeededRandom(seed ^ 0x5a17);
  const amplitude = 0.012 * width * strength;
  const rowAmplitude = Float32Array.from({ length: height }, (_, y) => amplitude * Math.pow(1 - y / height, 1.5));
  const columnPhase = random.between(0, fullTurn);
  const columnSine = new Float32Array(width);
  const columnCosine = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const angle = (fullTurn * x) / (0.35 * width) + columnPhase;
    columnSine[x] = Math.sin(angle);
    columnCosine[x] = Math.cos(angle);
  }
  const swayHertz = random.between(0.4, 0.6);
  const flutterHertz = random.between(0.9, 1.3);
  const gustHertz = 0.17;
  const gustPhase = random.between(0, fullTurn);
  const dx = new Float32Array(width * height);
  return {
    movingRows: { from: 0, to: height },
    at(seconds) {
      const gust = 0.75 + 0.25 * Math.sin(fullTurn * gustHertz * seconds + gustPhase);
      let pixel = 0;
      for (let y = 0; y < height; y++) {
        const rowAngle = (fullTurn * y) / (0.5 * height) - fullTurn * swayHertz * seconds;
        const rowCosine = Math.cos(rowAngle);
        const rowSine = Math.sin(rowAngle);
        const flutter = 0.3 * Math.sin(fullTurn * flutterHertz * seconds + (fullTurn * y) / (0.15 * height));
        const scale = rowAmplitude[y] * gust;
        for (let x = 0; x < width; x++, pixel++) {
          dx[pixel] = scale * (0.7 * (columnSine[x] * rowCosine + columnCosine[x] * rowSine) + flutter);
        }
      }
      return { dx };
    },
  };
}

/**
 * Water: waves in perspective (short, low waves near the horizon, longer and higher ones near the viewer) that
 * displace the lower part of the picture mostly vertically, with wavy crests and a light shading on the slopes so
 * that the ripples stay visible even on flat-coloured water.
 */
export function rippleField(width: number, height: number, strength: number, seed: number): RegionField {
  const random = createSeededRandom(seed ^ 0x71ee);
  const rowWeight = Float32Array.from({ length: height }, (_, y) => smoothstep(0.4 * height, height, y));
  // Phase accumulated row by row from the local wavelength, so the wave frequency changes smoothly with depth.
  const shortest = 0.012 * height;
  const longest = 0.05 * height;
  const rowPhase = new Float32Array(height);
  const rowAmplitude = new Float32Array(height);
  let phase = 0;
  for (let y = 0; y < height; y++) {
    const wavelength = shortest + (longest - shortest) * rowWeight[y];
    phase += fullTurn / wavelength;
    rowPhase[y] = phase;
    rowAmplitude[y] = 0.25 * wavelength * strength * rowWeight[y];
  }
  const crestPhase = random.between(0, fullTurn);
  const crestCosine = new Float32Array(width);
  const crestSine = new Float32Array(width);
  const sideSine = new Float32Array(width);
  const sideCosine = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const crest = 0.9 * Math.sin((fullTurn * x) / (0.3 * width) + crestPhase);
    crestCosine[x] = Math.cos(crest);
    crestSine[x] = Math.sin(crest);
    const side = (fullTurn * x) / (0.08 * width);
    sideSine[x] = Math.sin(side);
    sideCosine[x] = Math.cos(side);
  }
  const waveHertz = random.between(0.7, 0.9);
  const sideHertz = random.between(0.4, 0.6);
  const shading = 0.06 * strength;
  const dx = new Float32Array(width * height);
  const dy = new Float32Array(width * height);
  const gain = new Float32Array(width * height);
  const firstMovingRow = rowWeight.findIndex((weight) => weight > 0);
  return {
    movingRows: { from: firstMovingRow < 0 ? height : firstMovingRow, to: height },
    at(seconds) {
      let pixel = 0;
      for (let y = 0; y < height; y++) {
        const weight = rowWeight[y];
        if (weight === 0) {
          dx.fill(0, pixel, pixel + width);
          dy.fill(0, pixel, pixel + width);
          gain.fill(0, pixel, pixel + width);
          pixel += width;
          continue;
        }
        const angle = rowPhase[y] - fullTurn * waveHertz * seconds;
        const sine = Math.sin(angle);
        const cosine = Math.cos(angle);
        const sideAngle = 0.5 * rowPhase[y] - fullTurn * sideHertz * seconds;
        const sideRowSine = Math.sin(sideAngle);
        const sideRowCosine = Math.cos(sideAngle);
        const amplitude = rowAmplitude[y];
        const shade = shading * weight;
        for (let x = 0; x < width; x++, pixel++) {
          // sin(angle + crest(x)) and cos(angle + crest(x)) by the addition formulas.
          const waveSine = sine * crestCosine[x] + cosine * crestSine[x];
          const waveCosine = cosine * crestCosine[x] - sine * crestSine[x];
          dy[pixel] = amplitude * waveSine;
          dx[pixel] = 0.5 * amplitude * (sideSine[x] * sideRowCosine + sideCosine[x] * sideRowSine);
          gain[pixel] = shade * waveCosine;
        }
      }
      return { dx, dy, gain };
    },
  };
}

/**
 * Clouds: the upper part of the picture (assumed sky) slides sideways at a constant speed while the lower part
 * stays; a soft band between them blends the two. The seed picks the wind direction.
 */
export function cloudDriftField(width: number, height: number, strength: number, seed: number, durationSeconds: number): RegionField {
  const direction = seed % 2 === 0 ? 1 : -1;
  const travel = 0.035 * width * strength;
  const rowWeight = Float32Array.from({ length: height }, (_, y) => 1 - smoothstep(0.3 * height, 0.58 * height, y));
  const dx = new Float32Array(width * height);
  const firstStillRow = rowWeight.findIndex((weight) => weight === 0);
  return {
    movingRows: { from: 0, to: firstStillRow < 0 ? height : firstStillRow },
    at(seconds) {
      // From -travel to +travel over the clip: a steady drift, centred so the middle frame is the original.
      const offset = direction * travel * (2 * (seconds / durationSeconds) - 1);
      for (let y = 0; y < height; y++) dx.fill(offset * rowWeight[y], y * width, (y + 1) * width);
      return { dx };
    },
  };
}

/**
 * Lights: the picture is divided into a coarse grid of areas, each flickering with its own irregular signal (two
 * sines and short random dips, like a failing bulb). The signal is applied where the frame's fourth channel (the
 * highlight mask, see `highlight-mask.ts`) says the picture is bright.
 */
export function flickerGain(width: number, height: number, strength: number, seed: number, durationSeconds: number) {
  const random = createSeededRandom(seed ^ 0xf11c);
  const columns = Math.max(2, Math.round((6 * width) / Math.max(width, height)));
  const rows = Math.max(2, Math.round((6 * height) / Math.max(width, height)));
  const depth = 0.22 * strength;
  const cells = Array.from({ length: columns * rows }, () => ({
    slowHertz: random.between(1.2, 3.5),
    slowPhase: random.between(0, fullTurn),
    fastHertz: random.between(4, 7),
    fastPhase: random.between(0, fullTurn),
    dips: Array.from({ length: Math.round(random.between(1, 4) * (durationSeconds / 5)) }, () => ({
      start: random.between(0, durationSeconds),
      length: random.between(0.06, 0.16),
    })),
  }));
  // Where each pixel column and row falls between grid cell centres.
  const columnCell = new Int32Array(width);
  const columnWeight = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const position = Math.min(columns - 1.0001, Math.max(0, ((x + 0.5) / width) * columns - 0.5));
    columnCell[x] = Math.floor(position);
    columnWeight[x] = position - columnCell[x];
  }
  const cellGain = new Float32Array(columns * rows);
  const rowGain = new Float32Array(columns);
  return {
    /** Multiplies RGB by 1 + mask × (signal − 1), in place; the mask is the frame's fourth channel. */
    apply(frame: RasterRgba, seconds: number): void {
      cells.forEach((cell, index) => {
        const wave = 0.55 * Math.sin(fullTurn * cell.slowHertz * seconds + cell.slowPhase) + 0.45 * Math.sin(fullTurn * cell.fastHertz * seconds + cell.fastPhase);
        const dipping = cell.dips.some((dip) => seconds >= dip.start && seconds < dip.start + dip.length);
        // Never below -1: a gain of 1 + (signal - 1) stays positive (0.24 at the deepest dip at strong intensity).
        cellGain[index] = depth * wave - (dipping ? 0.45 : 0);
      });
      const data = frame.data;
      for (let y = 0; y < height; y++) {
        const position = Math.min(rows - 1.0001, Math.max(0, ((y + 0.5) / height) * rows - 0.5));
        const upper = Math.floor(position);
        const weight = position - upper;
        for (let column = 0; column < columns; column++) {
          rowGain[column] = cellGain[upper * columns + column] * (1 - weight) + cellGain[(upper + 1) * columns + column] * weight;
        }
        let index = y * width * 4;
        for (let x = 0; x < width; x++, index += 4) {
          const mask = data[index + 3];
          if (mask === 0) continue;
          const cell = columnCell[x];
          const signal = rowGain[cell] + (rowGain[cell + 1] - rowGain[cell]) * columnWeight[x];
          const factor = 1 + (mask / 255) * signal;
          // Brightening can exceed white: it saturates, as light does.
          data[index] = Math.min(255, data[index] * factor + 0.5);
          data[index + 1] = Math.min(255, data[index + 1] * factor + 0.5);
          data[index + 2] = Math.min(255, data[index + 2] * factor + 0.5);
        }
      }
    },
  };
}
