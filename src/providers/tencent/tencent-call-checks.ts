import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { checkImageEditCall, checkStrengthRange, checkTextLimit } from '../shared/image-edit-call-checks.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import { sizeToTencentResolution, tencentPromptMaxLength, tencentStyles, unifiedStyleToTencent } from './tencent-capabilities.ts';
import { tencentDisplayName } from './tencent-error.ts';
import { parseTencentOptions, tencentOptionsPrefix, type TencentOptions } from './tencent-options.ts';

/** A call's parameters as Tencent takes them, once checked. */
export interface CheckedTencentParameters {
  options: TencentOptions;
  /** The one Tencent style id to send, from `style` or `Styles`. */
  style?: string;
  /** `ResultConfig.Resolution`, from `size` or `ResultConfig`. */
  resolution?: string;
}

/**
 * Everything Tencent would refuse that can be judged without the image: the options, `n`, text lengths, strength,
 * style and size. `checkParameters` runs it before a task exists and `start` runs it again, so both throw the same
 * error.
 *
 * @throws GatewayError `provider_cannot_serve` or `parameter_invalid`.
 */
export function checkTencentParameters(call: CallParameters): CheckedTencentParameters {
  const options = parseTencentOptions(call.providerOptions);
  checkImageEditCall(call, { provider: tencentDisplayName, endpoint: 'ImageToImage' });
  // Tencent counts "UTF-8 characters": code points, as checkTextLimit does.
  checkTextLimit('prompt', call.prompt, tencentPromptMaxLength, 'Tencent');
  checkTextLimit('negative_prompt', call.negativePrompt, tencentPromptMaxLength, 'Tencent');
  checkStrengthRange(call.strength);
  return { options, style: resolveStyle(call.style, options.Styles), resolution: resolveResolution(call.size, options.ResultConfig?.Resolution) };
}

function resolveStyle(style: string | undefined, optionStyles: readonly string[] | undefined): string | undefined {
  if (style !== undefined && optionStyles !== undefined) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'style', expected: `either style or ${tencentOptionsPrefix}.Styles, not both`, received: describeReceived(style),
    });
  }
  if (optionStyles !== undefined) return optionStyles[0];
  if (style === undefined) return undefined;
  if (Object.hasOwn(tencentStyles, style)) return style;
  const mapped = unifiedStyleToTencent[style];
  if (mapped !== undefined) return mapped;
  throw new GatewayError('parameter_invalid', {
    parameter: 'style',
    expected: `a Tencent style id (${Object.keys(tencentStyles).join(', ')}) or one of ${Object.keys(unifiedStyleToTencent).join(', ')}`,
    received: describeReceived(style),
  });
}

function resolveResolution(size: GenerationCall['size'], optionResolution: string | undefined): string | undefined {
  if (size === undefined) return optionResolution;
  const written = `${size.width}x${size.height}`;
  if (optionResolution !== undefined) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'size', expected: `either size or ${tencentOptionsPrefix}.ResultConfig, not both`, received: describeReceived(written),
    });
  }
  const resolution = sizeToTencentResolution[written];
  if (resolution === undefined) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'size', expected: `one of: ${Object.keys(sizeToTencentResolution).join(', ')} (Tencent output sizes; omit size to keep the input size)`, received: describeReceived(written),
    });
  }
  return resolution;
}
