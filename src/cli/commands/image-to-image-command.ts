import { copyFile, mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { validateBody } from '../../http/parse-json-body.ts';
import { imageToImageBodySchema, imageToImageRequest } from '../../http/schemas/generation-body-schema.ts';
import { dataDirectoryFlag, inputFields, numberOrUndefined, routingFields, routingFlags, runInProcessCommand } from '../in-process-input.ts';
import type { Command, FlagSpec } from '../command.ts';

const flags: Record<string, FlagSpec> = {
  image: { type: 'string', description: 'Input image: a file path or an http(s) URL' },
  prompt: { type: 'string', description: 'What to do, e.g. "Convert to oil painting style" or 改为油画风格' },
  n: { type: 'string', description: 'Number of variations, 1–4 (default 1)' },
  out: { type: 'string', description: 'Directory for the results (default: current directory)' },
  style: { type: 'string', description: 'Catalogue id (see GET /v1/styles); replaces the prompt\'s style, the prompt\'s edits still apply' },
  strength: { type: 'string', description: 'How far to move from the original, (0, 1] (default 1)' },
  seed: { type: 'string', description: 'Seed of the first variation' },
  mask: { type: 'string', description: 'Mask image path or URL (white = edit, or transparent = edit)' },
  'mask-convention': { type: 'string', description: 'white | alpha | auto (default auto)' },
  model: { type: 'string', description: 'Model name (default: the embedded engine)' },
  'output-format': { type: 'string', description: 'png | jpeg | webp' },
  ...dataDirectoryFlag,
  ...routingFlags,
};

/**
 * Runs image-to-image in-process (no server). stdout: one saved path per line (easy to pipe); stderr: warnings,
 * what the engine applied and each result's seed, so a variation can be reproduced with `--seed <s> --n 1`.
 */
export const imageToImageCommand: Command = {
  name: 'image-to-image',
  summary: 'Transform an image in-process, without a server, and save the results',
  usage: 'atelier image-to-image --image <path|url> --prompt "…" [--n 2] [--out <dir>]',
  flags,
  run(argv) {
    return runInProcessCommand(this, argv, async ({ values, image, context }) => {
      const body = {
        ...inputFields('image', image),
        prompt: values.prompt, model: values.model, style: values.style,
        n: numberOrUndefined(values.n), strength: numberOrUndefined(values.strength),
        seed: numberOrUndefined(values.seed), output_format: values['output-format'],
        ...(typeof values.mask === 'string' ? inputFields('mask', values.mask) : {}),
        mask_convention: values['mask-convention'],
        ...routingFields(values),
      };
      const request = imageToImageRequest(validateBody(imageToImageBodySchema, JSON.parse(JSON.stringify(body))));
      const { outcome } = await context.generation.run(request, {});
      for (const warning of outcome.warnings) console.error(`warning: ${warning.details}`);
      if (outcome.applied) console.error(`applied: ${outcome.applied.join(', ') || '(nothing)'}`);
      const outDirectory = resolve((values.out as string | undefined) ?? '.');
      await mkdir(outDirectory, { recursive: true });
      const stem = basename(image, extname(image)).replace(/[^\w.-]+/g, '_') || 'image';
      for (const [index, file] of outcome.files.entries()) {
        const target = join(outDirectory, `${stem}-atelier-${index + 1}${extname(file.id)}`);
        await copyFile(file.path, target);
        console.log(target);
      }
      if (outcome.seeds) console.error(`seeds: ${outcome.seeds.join(', ')} (one per file, in order; --seed <seed> --n 1 reproduces one)`);
      return 0;
    });
  },
};
