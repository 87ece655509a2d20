import type { ProviderCapabilities } from '../spec/capabilities.ts';
import { availableParallelism } from 'node:os';
import { motionIds } from '../../engine/video/motion-catalogue.ts';

/** Input formats the embedded engine decodes (sharp/libvips). */
const engineFormats = ['png', 'jpeg', 'webp', 'bmp', 'tiff', 'gif', 'avif'] as const;

/** The embedded engine, declared like any other provider so routing and listings treat it uniformly. */
export const localEngineCapabilities: ProviderCapabilities = {
  id: 'local',
  aliases: ['atelier', 'embedded', 'local_atelier_image-to-image', 'local_atelier_image-to-video'],
  displayName: 'Atelier embedded engine (offline)',
  kind: 'local',
  defaultConcurrency: availableParallelism(),
  environment: [],
  models: [
    {
      id: 'atelier-image',
      service: 'image-to-image',
      description: 'Offline styles, edits and mask inpainting (sharp/libvips plus Atelier kernels). See GET /v1/styles.',
      parameters: {
        n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of variations; output i uses seed + i.' },
        strength: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, description: 'How far the result moves from the original; 1 = full effect.' },
        seed: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Seed of the first variation.' },
        style: { type: 'string', description: 'Catalogue id from GET /v1/styles; replaces the style the prompt names (the prompt\'s edits still apply).' },
        output_format: { type: 'enum', values: ['png', 'jpeg', 'webp'], description: 'Default: PNG for PNG or alpha inputs, else JPEG.' },
      },
      input: { formats: engineFormats, maxBytes: 50 * 1024 * 1024, alpha: 'allowed' },
      maskConvention: 'white',
      callModel: 'sync',
      maxOutputsPerCall: 4,
    },
    {
      id: 'atelier-video',
      service: 'image-to-video',
      description: 'Offline camera and region motion (Ken Burns, zoom, pan, parallax, sway, ripple, flicker) encoded as H.264 MP4.',
      parameters: {
        duration: { type: 'integer', minimum: 3, maximum: 5, description: 'Seconds (default 5).' },
        resolution: { type: 'enum', values: ['480P', '720P', '1080P'], description: 'Shorter side 480/720/1080 (default 720P), aspect kept.' },
        seed: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Seed for motion jitter.' },
        motion: { type: 'enum', values: motionIds, description: 'Explicit motion id; wins over the prompt.' },
      },
      input: { formats: engineFormats, maxBytes: 50 * 1024 * 1024, alpha: 'flattened' },
      maskConvention: 'none',
      callModel: 'sync',
      maxOutputsPerCall: 1,
    },
  ],
};
