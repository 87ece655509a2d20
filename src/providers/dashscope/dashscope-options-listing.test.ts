/**
 * `GET /v1/models` lists each model's `provider_options` (`ModelCapabilities.providerOptions`), and the
 * unknown-option error sends callers there: every option the adapter takes for a model must be listed, or the
 * listing hides it (wanx-style-repaint-v1's `style_ref_url`, required with style_index -1).
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { dashscopeModels } from './dashscope-capabilities.ts';
import { dashscopeOptionsSchema, readDashScopeOptions } from './dashscope-options.ts';

/** A value of each option the schema accepts, with what it needs beside it (`style_ref_url` needs style_index -1). */
const validOptions: Record<string, Record<string, unknown>> = {
  function: { function: 'description_edit' },
  watermark: { watermark: false },
  top_scale: { function: 'expand', top_scale: 1.5 },
  bottom_scale: { function: 'expand', bottom_scale: 1.5 },
  left_scale: { function: 'expand', left_scale: 1.5 },
  right_scale: { function: 'expand', right_scale: 1.5 },
  upscale_factor: { function: 'super_resolution', upscale_factor: 2 },
  is_sketch: { function: 'doodle', is_sketch: true },
  prompt_extend: { prompt_extend: false },
  template: { template: 'flying' },
  mask_color: { mask_color: [[255, 255, 255]] },
  style_index: { style_index: 3 },
  style_ref_url: { style_index: -1, style_ref_url: 'https://example.com/style.png' },
  input_transport: { input_transport: 'temporary-upload' },
  adapt_input: { adapt_input: false },
};

function takes(model: (typeof dashscopeModels)[number], options: Record<string, unknown>): boolean {
  try {
    readDashScopeOptions(options, model);
    return true;
  } catch (error) {
    if (GatewayError.isInstance(error) && /no \w+ option for/.test(error.message)) return false;
    throw error;
  }
}

describe('DashScope provider_options as GET /v1/models lists them', () => {
  it('has a sample for every option of the schema', () => {
    expect(Object.keys(validOptions).sort()).toEqual(Object.keys(dashscopeOptionsSchema.shape).sort());
  });

  it.each(dashscopeModels.map((model) => [model.id, model] as const))('%s lists exactly the options it takes', (_id, model) => {
    const taken = Object.keys(validOptions).filter((name) => takes(model, validOptions[name]));
    expect(Object.keys(model.providerOptions ?? {}).sort()).toEqual(taken.sort());
  });

  it('names style_ref_url (not style_ref_image) in the style parameter of wanx-style-repaint-v1', () => {
    const styleRepaint = dashscopeModels.find((model) => model.id === 'wanx-style-repaint-v1')!;
    expect(styleRepaint.parameters.style.description).toContain('provider_options.aliyun.style_ref_url');
  });
});
