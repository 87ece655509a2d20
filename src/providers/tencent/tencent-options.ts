import { z } from 'zod';
import { adaptInputOptionSchema } from '../shared/adapt-input-option.ts';
import { parseProviderOptions } from '../shared/parse-provider-options.ts';
import { tencentResolutions, tencentStyles } from './tencent-capabilities.ts';

/** Where these options sit in a request, as error messages name them. */
export const tencentOptionsPrefix = 'provider_options.tencent';

const styleIds = Object.keys(tencentStyles) as [string, ...string[]];

const httpUrl = z.string().max(2048).refine(isHttpUrl, { message: 'an absolute http or https URL' });

/**
 * `provider_options.tencent`: ImageToImage fields that have no unified equivalent, spelled as Tencent spells them
 * (PascalCase), so Tencent's own documentation applies unchanged. Strict: an unknown key or an out-of-range value is
 * a 400, never dropped or clamped. Prompt, NegativePrompt and Strength come from the unified fields instead.
 * `adapt_input` is Atelier's own (snake_case like every provider's) and is never sent to Tencent.
 */
export const tencentOptionsSchema = z.strictObject({
  Styles: z.array(z.enum(styleIds)).refine((styles) => styles.length === 1, {
    // Tencent reads only the first style and rejects mixes with 1xx styles (StyleConflict): accept exactly one.
    message: 'an array with exactly one style id, e.g. ["104"]',
  }).optional(),
  ResultConfig: z.strictObject({ Resolution: z.enum(tencentResolutions) }).optional(),
  LogoAdd: z.int().min(0).max(1).optional(),
  LogoParam: z.strictObject({
    LogoUrl: httpUrl.optional(),
    LogoImage: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'raw base64 without a data: prefix' }).optional(),
    LogoRect: z.strictObject({
      X: z.int().min(0),
      Y: z.int().min(0),
      Width: z.int().min(1),
      Height: z.int().min(1),
    }).optional(),
  }).refine((logo) => logo.LogoUrl === undefined || logo.LogoImage === undefined, {
    // Tencent silently prefers the URL; refusing the pair keeps the request meaning one thing.
    message: 'either LogoUrl or LogoImage, not both',
  }).optional(),
  RspImgType: z.enum(['base64', 'url']).optional(),
  EnhanceImage: z.int().min(0).max(1).optional(),
  RestoreFace: z.int().min(0).max(6).optional(),
  InputUrl: httpUrl.optional(),
  adapt_input: adaptInputOptionSchema.optional(),
});

/** Validated Tencent options. */
export type TencentOptions = z.output<typeof tencentOptionsSchema>;

/**
 * Validates `provider_options.tencent`.
 *
 * @throws GatewayError `parameter_invalid` ("Expected <what> for provider_options.tencent.<field> but received …")
 */
export function parseTencentOptions(value: unknown): TencentOptions {
  return parseProviderOptions(tencentOptionsSchema, value, tencentOptionsPrefix);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
