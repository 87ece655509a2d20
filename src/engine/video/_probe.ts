import { createRaster, sampleView, sampleDisplaced } from './frame-sampler.ts';
const source = createRaster(766, 766);
for (let i = 0; i < source.data.length; i++) source.data[i] = (i * 7919) & 255;
const out = createRaster(720, 720);
const dx = new Float32Array(720 * 720).fill(1.3), dy = new Float32Array(720 * 720).fill(0.7), gain = new Float32Array(720*720).fill(0.1);
for (const [name, fn] of [['view', () => sampleView(source, { left: 10.3, top: 12.7, scaleX: 0.98, scaleY: 0.98 }, out)],
  ['displaced', () => sampleDisplaced(source, { left: 10.3, top: 12.7, scaleX: 0.98, scaleY: 0.98 }, { dx, dy }, out)],
  ['displaced+gain', () => sampleDisplaced(source, { left: 10.3, top: 12.7, scaleX: 0.98, scaleY: 0.98 }, { dx, dy, gain }, out)]] as const) {
  for (let i = 0; i < 20; i++) fn();
  const t = performance.now(); for (let i = 0; i < 50; i++) fn(); console.log(name, ((performance.now() - t) / 50).toFixed(2), 'ms');
}
