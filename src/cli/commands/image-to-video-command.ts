import { copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { GatewayError } from '../../errors/gateway-error.ts';
import { validateBody } from '../../http/parse-json-body.ts';
import { imageToVideoBodySchema, imageToVideoRequest } from '../../http/schemas/generation-body-schema.ts';
import { isTerminal } from '../../tasks/task-record.ts';
import { dataDirectoryFlag, inputFields, numberOrUndefined, routingFields, routingFlags, runInProcessCommand } from '../in-process-input.ts';
import type { Command, FlagSpec } from '../command.ts';
import { createProgressBar } from './tasks-command.ts';

const flags: Record<string, FlagSpec> = {
  image: { type: 'string', description: 'First frame: a file path or an http(s) URL' },
  prompt: { type: 'string', description: 'The motion, e.g. "Make the clouds move slowly", "zoom in" or 让树叶随风摇摆' },
  out: { type: 'string', description: 'Where to save the MP4 (default: <image name>-atelier.mp4 in the current directory)' },
  duration: { type: 'string', description: 'Seconds, 3–5 for the embedded engine (default 5)' },
  resolution: { type: 'string', description: '480P | 720P | 1080P (default 720P)' },
  motion: { type: 'string', description: 'Explicit motion id (zoom-in, pan-left, ken-burns, …), wins over the prompt' },
  seed: { type: 'string', description: 'Seed for motion jitter' },
  model: { type: 'string', description: 'Model name (default: the embedded engine; wan2.2-i2v-plus uses DashScope when configured)' },
  ...dataDirectoryFlag,
  ...routingFlags,
};

/**
 * Animates an image in-process (no server) with a progress bar, and saves the MP4. Tasks live in memory: a one-shot
 * run must not share (or take work from) a server's task database.
 */
export const imageToVideoCommand: Command = {
  name: 'image-to-video',
  summary: 'Animate an image into an MP4 in-process, without a server',
  usage: 'atelier image-to-video --image <path|url> --prompt "…" [--out out.mp4] [--duration 5] [--resolution 720P]',
  flags,
  run(argv) {
    const bar = createProgressBar('rendering');
    return runInProcessCommand(this, argv, async ({ values, image, context }) => {
      const body = JSON.parse(JSON.stringify({
        ...inputFields('image', image),
        prompt: values.prompt, model: values.model, motion: values.motion, resolution: values.resolution,
        duration: numberOrUndefined(values.duration), seed: numberOrUndefined(values.seed),
        ...routingFields(values),
      })) as Record<string, unknown>;
      const stem = basename(image, extname(image)).replace(/[^\w.-]+/g, '_') || 'video';
      const target = resolve((values.out as string | undefined) ?? `${stem}-atelier.mp4`);
      const request = imageToVideoRequest(validateBody(imageToVideoBodySchema, body));
      const { task } = await context.tasks.submit(request);
      let finished = task;
      for await (const event of context.tasks.events(task.id)) {
        if (event.name === 'task-progress') bar.update(event.payload.progress);
        const record = event.name === 'task-state' ? event.task : event.name === 'task-progress' ? undefined : event.payload.task;
        if (record && isTerminal(record.state)) finished = record;
      }
      if (finished.state === 'succeeded') bar.update(100);
      bar.done();
      const outcome = await context.tasks.outcomeOf(finished);
      for (const warning of outcome.warnings) console.error(`warning: ${warning.details}`);
      const video = outcome.files.find((file) => file.mediaType === 'video/mp4');
      if (!video) throw new GatewayError('upstream_bad_response', { provider: finished.providerId, reason: 'the task succeeded without producing an MP4' });
      await mkdir(dirname(target), { recursive: true });
      await copyFile(video.path, target);
      console.log(target);
      return 0;
    }, () => bar.done());
  },
};
